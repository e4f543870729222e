// Package dockerd_test is the end-to-end test with the real Docker daemon:
// AWS hostnames mapped to ecrlink's TLS listener through /etc/hosts, its
// CA installed for the daemon, `aws ecr get-login-password | docker login`,
// push and pull over TLS, then the catalogue's network and policy cases,
// each failing at its hop with docker's wording and passing after
// explain's fix is applied through the control API.
package dockerd_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/internal/catalogue"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

// catalogueDir is the failure catalogue, relative to this package.
const catalogueDir = "../../examples/scenarios"

// home is the image the healthy run pushes and most files pull.
const home = "111122223333.dkr.ecr.us-east-1.amazonaws.com"

// shortHold replaces the files' 5 s hold: a request the TLS listener
// holds costs the test little. (A dial to the blackhole is not held by
// ecrlink: the kernel drops the SYN, and docker's own timeouts apply.)
const shortHold = `[{"op":"replace","path":"/hold","value":"2s"}]`

// Docker's own bounds, which the cases below meet: the /v2/ ping gives up
// after 15 s, a dial after 30 s. pullTimeout is above both, so a failing
// pull ends by docker's error, and below docker's five download attempts,
// which the test must not wait for.
const pullTimeout = 75 * time.Second

// skipped are the catalogue files this test does not run, with why; every
// other file runs (TestSkippedListed keeps the list from going stale).
var skipped = map[string]string{
	// GetAuthorizationToken alone: the failing hop is the ECS agent's, the
	// Fargate platform's or the AWS CLI's call to ecr.api; docker makes no
	// call to the API, so docker pull has no hop to fail at.
	"ecr-api-missing-docker-cli.yaml":                  "action auth: the AWS CLI's ecr.api hop, not docker's",
	"ecr-api-missing-ecs-ec2.yaml":                     "action auth: the ECS agent's ecr.api hop, not docker's",
	"ecr-api-missing-fargate-1.4.yaml":                 "action auth: Fargate's ecr.api hop, not docker's",
	"endpoint-security-group-without-443.yaml":         "action auth: the ecr.api hop, not docker's",
	"get-authorization-token-source-vpce-fargate.yaml": "action auth: Fargate's execution role calling ecr.api, not docker",
	"identity-without-get-authorization-token.yaml":    "action auth: GetAuthorizationToken is denied to the role; docker makes no API call",
	// Injected faults: not a network or policy property of the VPC.
	"throttled-get-authorization-token.yaml": "fault on ecr.api (auth only): docker makes no API call",
	"throttled-manifest.yaml":                "fault: docker retries a 429 manifest; not a network or policy case",
	"manifest-http-500.yaml":                 "fault: an injected 500, not a network or policy case",
	"layer-download-reset.yaml":              "fault: an injected reset; docker retries a layer download five times",
	// The awslogs driver: docker pull sends nothing to CloudWatch Logs.
	"healthy-awslogs.yaml":               "action logs: the awslogs driver, not a pull",
	"logs-endpoint-missing-awslogs.yaml": "action logs: the awslogs driver, not a pull",
	"throttled-logs.yaml":                "action logs and a fault: the awslogs driver, not a pull",
	// What the registry holds, not the VPC: no network or policy hop, and
	// no fix the control API can apply (catalogue_explain_test.go's
	// explainBlind).
	"repository-missing.yaml":         "a missing repository: what the registry holds, not the VPC",
	"image-tag-missing.yaml":          "a missing tag: what the registry holds, not the VPC",
	"push-to-missing-repository.yaml": "a missing repository: what the registry holds, not the VPC",
	"immutable-tag-overwritten.yaml":  "an immutable tag: what the registry holds, not the VPC",
}

// Docker's wording, as dockerd 20.10.24 prints it (observed here).
const (
	// The /v2/ ping to a name with no route: the SYN is dropped and the
	// ping's 15 s client timeout ends it, most often with this text, at
	// times with dialTimeout or "context deadline exceeded" (pingFailed).
	pingTimeout = `net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`
	dialTimeout = `dial tcp ` + blackholeIP + `:443: i/o timeout`
	noSuchHost  = `no such host`
	// A layer whose download failed, as the CLI shows it while dockerd
	// retries (its log says "Download failed, retrying (1/5): dial tcp
	// 198.18.0.11:443: i/o timeout", about 60 s into the pull; the image
	// configuration's download, waiting the same way, has not failed by
	// then).
	layerRetry = `: Retrying in `
	// The image configuration from a bucket whose policy denies it.
	s3Denied = `error pulling image configuration: download failed after attempts=1: error parsing HTTP 403 response body: invalid character '<' looking for beginning of value`
)

func TestDockerDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Docker daemon end-to-end test")
	}
	need(t, os.Geteuid() == 0, "not root: the test changes /etc/hosts, lo addresses and /etc/docker/certs.d")
	_, err := exec.LookPath("docker")
	need(t, err == nil, "docker is not installed")
	need(t, exec.Command("docker", "info").Run() == nil, "the Docker daemon is not reachable (docker info fails)")
	aws := ecrtest.AWSCLIv2()
	need(t, aws != "", "the AWS CLI v2 is not installed")
	_, err = exec.LookPath("ip")
	need(t, err == nil, "ip (iproute2) is not installed")

	for _, ip := range []string{tlsIP, blackholeIP, refusedIP} {
		addLoopback(t, ip)
	}
	healthy, err := os.ReadFile(filepath.Join(catalogueDir, "healthy-docker.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := emulator.ParseScenario(healthy)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	srv, err := emulator.Start(ctx, emulator.Config{TLSAddr: tlsIP + ":443", BlackholeAddr: blackholeIP + ":443",
		Advertise: emulator.Advertise{Refused: netip.MustParseAddr(refusedIP)}, Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})

	m := &machine{t: t, root: t, srv: srv, client: ecrtest.Client(t), aws: aws, hosts: takeHosts(t), dockerConfig: t.TempDir()}
	m.control(http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", shortHold)
	m.syncHosts()
	m.bundle = installCA(t, srv.CA().CertPEM(), m.registryHosts())
	t.Cleanup(m.logout)

	// The healthy world, through a NAT gateway: log in, build, push, remove, pull.
	t.Run("healthy-docker.yaml", func(t *testing.T) {
		m.t = t
		for _, host := range m.registryHosts() {
			m.login(host, dummyKey, dummySecret)
		}
		m.build(home + "/app:1")
		m.docker(pullTimeout, "push", home+"/app:1")
		// The images other files pull, pushed by their owners while the
		// VPC has a way out.
		for _, ref := range []string{"111122223333.dkr.ecr.us-west-2.amazonaws.com/app:1", "444455556666.dkr.ecr.us-east-1.amazonaws.com/shared:1"} {
			m.docker(time.Minute, "tag", home+"/app:1", ref)
			m.docker(pullTimeout, "push", ref)
		}
		m.removeLocal(m.t)
		m.docker(pullTimeout, "pull", home+"/app:1")
		m.removeLocal(m.t)
	})
	if t.Failed() {
		return
	}

	files, err := filepath.Glob(filepath.Join(catalogueDir, "*.yaml"))
	if err != nil || len(files) < 30 {
		t.Fatalf("the catalogue has %d files (%v), want at least 30", len(files), err)
	}
	for _, file := range files {
		base := filepath.Base(file)
		if _, skip := skipped[base]; skip || base == "healthy-docker.yaml" {
			continue
		}
		t.Run(base, func(t *testing.T) {
			m.t = t
			m.runCase(file)
		})
	}
}

// TestSkippedListed: every file the test skips is in the catalogue.
func TestSkippedListed(t *testing.T) {
	t.Parallel()
	for file, why := range skipped {
		if _, err := os.Stat(filepath.Join(catalogueDir, file)); err != nil {
			t.Errorf("skipped lists %s (%s), which is not in the catalogue: %v", file, why, err)
		}
	}
}

// machine is the daemon, the AWS CLI and ecrlink as the test drives them.
type machine struct {
	t            *testing.T // the (sub)test running now
	root         *testing.T // TestDockerDaemon: cleanups and what outlives a subtest
	srv          *emulator.Server
	aws          string
	hosts        *hostsFile
	bundle       string // the CA as the AWS CLI's AWS_CA_BUNDLE
	dockerConfig string // DOCKER_CONFIG: the user's config is not touched
	imageID      string // the image the test built; every tag of it is removed in Cleanup
	saved        string // docker save of it, to load again for pushes
	loggedIn     []string
	since        uint64       // the journal's last record when the case's action began
	client       *http.Client // the control API's client
}

// Access keys of the healthy run's logins: not a scenario identity, so
// ecrlink takes them as the account root.
const (
	dummyKey    = "AKIAIOSFODNN7EXAMPLE"
	dummySecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// identities are the scenario document's access keys.
func identities(t *testing.T, doc []byte) []emulator.Identity {
	t.Helper()
	sc, err := emulator.ParseScenario(doc)
	if err != nil {
		t.Fatal(err)
	}
	var out []emulator.Identity
	for _, id := range sc.Identities {
		out = append(out, emulator.Identity{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey})
	}
	return out
}

// saveLogins keeps the docker CLI's config as it is; the function it
// returns puts it back.
func (m *machine) saveLogins() func() {
	path := filepath.Join(m.dockerConfig, "config.json")
	saved, err := os.ReadFile(path)
	if err != nil {
		m.t.Fatal(err)
	}
	return func() {
		if err := os.WriteFile(path, saved, 0o600); err != nil {
			m.t.Error(err)
		}
	}
}

// header is a catalogue file's header (package catalogue parses and
// checks it); this test runs the pulls and pushes.
type header = catalogue.Header

func parseHeader(t *testing.T, data []byte) header {
	t.Helper()
	h, err := catalogue.ParseHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	if h.Action != "pull" && h.Action != "push" {
		t.Fatalf("header: action %q: this test runs pulls and pushes of a named image", h.Action)
	}
	return h
}

// explained is explain's JSON as a user reads it.
type explained = catalogue.Explained

func explain(t *testing.T, h header, doc []byte) explained {
	t.Helper()
	out, err := catalogue.Explain(doc, h)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runCase loads a catalogue file, does its action with docker and holds
// docker's outcome to the file's expect line and explain's failing hop;
// for a failing file it applies explain's fixPatch and holds the same
// action to a pass.
func (m *machine) runCase(file string) {
	t := m.t
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	h := parseHeader(t, data)
	ex := explain(t, h, data)
	if got := deref(ex.FailedStep); (h.Step == "") != (ex.Verdict == "pass") || (h.Step != "" && got != h.Step) {
		t.Fatalf("expect %q, explain %s at %s", h.Step, ex.Verdict, got)
	}
	m.control(http.MethodPut, "/_ecrlink/scenario", "application/yaml", string(data))
	m.control(http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", shortHold)
	m.syncHosts()
	if ids := identities(t, data); len(ids) > 0 {
		// The token must be the scenario's principal's: log in with its key,
		// and give the next case back the healthy run's logins.
		restore := m.saveLogins()
		defer restore()
		m.login(strings.SplitN(h.Image, "/", 2)[0], ids[0].AccessKeyID, ids[0].SecretAccessKey)
	}

	since := m.srv.Journal().Last()
	m.since = since
	out, err := m.act(h, ex)
	if h.Step == "" {
		if err != nil {
			t.Fatalf("expect: pass, but docker %s %s failed: %v\n%s", h.Action, h.Image, err, out)
		}
		return
	}
	if err == nil {
		t.Fatalf("expect: fail at %s, but docker %s %s worked:\n%s", h.Step, h.Action, h.Image, out)
	}
	for _, alts := range m.wording(h, ex) {
		if !slices.ContainsFunc(alts, func(w string) bool { return strings.Contains(out, w) }) {
			hop := ex.Hops[len(ex.Hops)-1]
			t.Fatalf("docker %s %s failed, but without %q (explain: %s %s %s: %s); journal since the case began:\n%s\ndocker:\n%s",
				h.Action, h.Image, strings.Join(alts, `" or "`), hop.Step, hop.Service, hop.Outcome, deref(ex.Error), m.journalSince(since), out)
		}
	}
	t.Logf("docker %s failed at %s as expected: %s", h.Action, h.Step, lastLine(out))

	if len(ex.FixPatch) == 0 || string(ex.FixPatch) == "[]" {
		t.Fatalf("explain fails at %s with no fixPatch", h.Step)
	}
	m.control(http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", string(ex.FixPatch))
	m.syncHosts()
	if out, err := m.act(h, explained{}); err != nil {
		t.Fatalf("after the fix (%s, %s) docker %s %s fails: %v\n%s", deref(ex.Fix), ex.FixPatch, h.Action, h.Image, err, out)
	}
}

// wording is what docker's output must contain when the action fails at
// explain's failing hop: docker's own text for the network outcomes, the
// registry's text (which explain and the journal share) for policy denials.
//
// Each element is a list of alternatives, one of which docker must print.
func (m *machine) wording(h header, ex explained) [][]string {
	t := m.t
	hop := ex.Hops[len(ex.Hops)-1]
	registry := strings.SplitN(h.Image, "/", 2)[0]
	ping := `Get "https://` + registry + `/v2/": `
	switch {
	case hop.Service == "ecr.api":
		// The login's hop; docker, logged in already, meets the registry's
		// name first, which the same VPC fault breaks: the hosts lines say
		// how, and docker's ping must show it.
		switch reach := m.reach(registry); reach {
		case "nxdomain":
			m.needNoSuchHost(registry)
			return [][]string{{ping + "dial tcp: lookup " + registry}, {noSuchHost}}
		case "blackhole":
			return [][]string{pingFailed(ping)}
		default:
			t.Fatalf("explain fails at the API (%s), and the registry %s is %s: docker pull has no hop to fail at", deref(ex.Error), registry, reach)
		}
	case hop.Outcome == "held" && hop.Step == "auth":
		if reach := m.reach(registry); reach != "blackhole" {
			t.Fatalf("explain: no route to %s, but the hosts lines send it to %s", registry, reach)
		}
		return [][]string{pingFailed(ping)}
	case hop.Outcome == "nxdomain" && hop.Step == "auth":
		m.needNoSuchHost(registry)
		return [][]string{{ping + "dial tcp: lookup " + registry}, {noSuchHost}}
	case hop.Outcome == "held" && hop.Service == "s3":
		if reach := m.reach(hop.Host); reach != "blackhole" {
			t.Fatalf("explain: no route to %s, but the hosts lines send it to %s", hop.Host, reach)
		}
		// act stopped the pull at docker's first retry of the layer (see
		// layerRetry); the journal shows the registry sent it to the bucket.
		m.needRedirect(hop.Host)
		return [][]string{{"Pulling fs layer"}, {layerRetry}}
	case hop.Outcome == "denied" && hop.Service == "s3":
		// S3's 403 is XML, which docker's registry client cannot parse.
		return [][]string{{s3Denied}, {"<Code>AccessDenied</Code>"}}
	case hop.Outcome == "denied" && hop.Service == "ecr.dkr" && h.Action == "push" && hop.Step == "blob":
		// docker's pusher goes on after a denied blob HEAD (the journal's
		// blob record, explain's hop) and prints the upload's denial, F7's
		// capture: the same policy, InitiateLayerUpload.
		m.needRecord("blob", deref(ex.Error))
		return [][]string{{strings.ReplaceAll(deref(ex.Error), "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload")}}
	case hop.Outcome == "denied" && hop.Service == "ecr.dkr":
		return [][]string{{deref(ex.Error)}}
	}
	t.Fatalf("no docker wording for explain's hop %+v (%s)", hop, deref(ex.Error))
	return nil
}

// needNoSuchHost skips the case where the machine's resolver answers the
// name itself (a machine on the internet resolves every ECR registry
// name): the hosts lines leave such a name to it.
func (m *machine) needNoSuchHost(name string) {
	if _, err := exec.Command("getent", "hosts", name).Output(); err == nil {
		m.t.Skipf("%s does not resolve in the scenario, but this machine's resolver answers it: docker would not see no such host", name)
	}
}

// reach is how the hosts lines in force map name: "tls", "blackhole",
// "refused" or "nxdomain" (written as a comment), "" if not listed.
func (m *machine) reach(name string) string {
	for line := range strings.Lines(m.srv.Hosts()) {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "#" && f[1] == name:
			return "nxdomain"
		case len(f) >= 2 && f[1] == name && f[0] == tlsIP:
			return "tls"
		case len(f) >= 2 && f[1] == name && f[0] == blackholeIP:
			return "blackhole"
		case len(f) >= 2 && f[1] == name && f[0] == refusedIP:
			return "refused"
		}
	}
	return ""
}

// registryHosts are the registry names the hosts lines list (each
// account's and region's, standard and dual-stack).
func (m *machine) registryHosts() []string {
	var out []string
	for line := range strings.Lines(m.srv.Hosts()) {
		f := strings.Fields(line)
		if f[0] == "#" && len(f) > 1 {
			f = f[1:]
		}
		if len(f) >= 2 && (strings.Contains(f[1], ".dkr.ecr.") || strings.Contains(f[1], ".dkr-ecr.")) {
			out = append(out, f[1])
		}
	}
	if len(out) == 0 {
		m.t.Fatalf("no registry names in the hosts lines:\n%s", m.srv.Hosts())
	}
	return out
}

// act is the header's action with docker, from a daemon holding none of
// the image: a pull of the image, or a push of the test's image under
// the header's name.
// When explain says the bucket has no route, the pull is stopped at
// docker's first retry of the layer: docker would retry five times.
func (m *machine) act(h header, ex explained) (string, error) {
	m.removeLocal(m.t)
	defer m.removeLocal(m.t)
	if h.Action == "push" {
		m.docker(time.Minute, "load", "-i", m.saved)
		m.docker(time.Minute, "tag", m.imageID, h.Image)
		return m.runUntil(pullTimeout, "", "docker", "push", h.Image)
	}
	stop := ""
	if n := len(ex.Hops); n > 0 && ex.Hops[n-1].Service == "s3" && ex.Hops[n-1].Outcome == "held" {
		stop = layerRetry
	}
	return m.runUntil(pullTimeout, stop, "docker", "pull", h.Image)
}

// needRecord fails unless the journal has a record of step with text
// since the case began.
func (m *machine) needRecord(step, text string) {
	for _, r := range m.srv.Journal().Since(m.since, 0) {
		if r.Step == step && r.Error == text {
			return
		}
	}
	m.t.Fatalf("no %s record %q in the journal:\n%s", step, text, m.journalSince(m.since))
}

// pingFailed is docker's wording of its /v2/ ping to a name with no
// route, the ping's 15 s client timeout: which of Go's three texts for it
// dockerd prints depends on where the timeout meets the dial (observed
// here, each of them).
func pingFailed(ping string) []string {
	return []string{ping + pingTimeout, ping + dialTimeout, ping + "context deadline exceeded"}
}

// needRedirect fails unless the registry sent the pull's blob to the
// bucket host since the case began: the hop docker could not reach.
func (m *machine) needRedirect(bucket string) {
	for _, r := range m.srv.Journal().Since(m.since, 0) {
		if r.Service == "ecr.dkr" && r.Step == "blob" && r.Status/100 == 3 {
			return
		}
	}
	m.t.Fatalf("no blob redirect to %s in the journal:\n%s", bucket, m.journalSince(m.since))
}

// journalSince is the journal's records after seq, one a line.
func (m *machine) journalSince(seq uint64) string {
	var b strings.Builder
	for _, r := range m.srv.Journal().Since(seq, 0) {
		fmt.Fprintf(&b, "  %s %s %s %s %s %d %q\n", r.Method, r.Host, r.Path, r.Step, r.Outcome, r.Status, r.Error)
	}
	return b.String()
}

// syncHosts writes the hosts lines of the scenario in force and waits
// until dockerd has read them: its resolver re-reads /etc/hosts at most
// every 5 s, when the file changed. The probe name only this generation
// maps goes to the refused address; a pull of it fails "connection
// refused" once dockerd sees the generation, "no such host" before.
func (m *machine) syncHosts() {
	t := m.t
	if !m.hosts.write(t, m.srv.Hosts()) {
		return
	}
	probe := probeName(m.hosts.gen) + "/x:1"
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _ := m.run(20*time.Second, nil, "docker", "pull", probe)
		if strings.Contains(out, refusedIP+":443: connect: connection refused") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("dockerd did not read the new %s in 30 s; the probe pull says:\n%s", hostsPath, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// login is `aws ecr get-login-password | docker login` for host, the API
// of host's region found by its real name through /etc/hosts.
func (m *machine) login(host, key, secret string) {
	t := m.t
	region := regionOf(host)
	cliCtx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	awsCmd := exec.CommandContext(cliCtx, m.aws, "ecr", "get-login-password", "--region", region)
	awsCmd.Env = m.awsEnv(key, secret)
	var awsErr bytes.Buffer
	awsCmd.Stderr = &awsErr
	pipe, err := awsCmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	login := exec.CommandContext(cliCtx, "docker", "login", "--username", "AWS", "--password-stdin", host)
	login.Env = m.dockerEnv()
	login.Stdin = pipe
	var out bytes.Buffer
	login.Stdout, login.Stderr = &out, &out
	if err := awsCmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := login.Start(); err != nil {
		t.Fatal(err)
	}
	lerr, aerr := login.Wait(), awsCmd.Wait()
	if aerr != nil || lerr != nil || !strings.Contains(out.String(), "Login Succeeded") {
		t.Fatalf("aws ecr get-login-password --region %s | docker login %s: aws %v %s; docker %v %s", region, host, aerr, awsErr.String(), lerr, out.String())
	}
	if !slices.Contains(m.loggedIn, host) {
		m.loggedIn = append(m.loggedIn, host)
	}
}

// logout is `docker logout` of every host logged in to.
func (m *machine) logout() {
	for _, host := range m.loggedIn {
		if out, err := m.run(time.Minute, nil, "docker", "logout", host); err != nil {
			m.root.Errorf("docker logout %s: %v\n%s", host, err, out)
		}
	}
}

// build makes the test's image FROM scratch under ref, saves it for the
// pushes and registers the removal of every tag of it.
func (m *machine) build(ref string) {
	t := m.t
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello"), []byte("hello from ecrlink's docker e2e test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY hello /hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A killed run leaves its image under the catalogue's names (the
	// documentation's example accounts, no one's real registry): untag them.
	for _, file := range m.catalogueImages() {
		if out, err := m.run(time.Minute, nil, "docker", "rmi", file); err == nil {
			t.Logf("removed %s, left by a killed run: %s", file, lastLine(out))
		}
	}
	iid := filepath.Join(m.root.TempDir(), "iid")
	m.docker(2*time.Minute, "build", "-q", "--iidfile", iid, "-t", ref, dir)
	id, err := os.ReadFile(iid)
	if err != nil {
		t.Fatal(err)
	}
	m.imageID = strings.TrimSpace(string(id))
	if !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(m.imageID) {
		t.Fatalf("docker build --iidfile wrote %q, want an image ID", m.imageID)
	}
	m.root.Cleanup(func() { m.removeLocal(m.root) })
	m.saved = filepath.Join(m.root.TempDir(), "image.tar")
	m.docker(time.Minute, "save", "-o", m.saved, ref)
}

// catalogueImages are the images the catalogue's files name.
func (m *machine) catalogueImages() []string {
	files, err := filepath.Glob(filepath.Join(catalogueDir, "*.yaml"))
	if err != nil {
		m.t.Fatal(err)
	}
	var out []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			m.t.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			if img, ok := strings.CutPrefix(strings.TrimSpace(line), "# image: "); ok && !slices.Contains(out, img) {
				out = append(out, img)
			}
		}
	}
	return out
}

// removeLocal removes every tag of the test's image from the daemon.
func (m *machine) removeLocal(t *testing.T) {
	if m.imageID == "" {
		return
	}
	out, err := m.run(time.Minute, nil, "docker", "rmi", "-f", m.imageID)
	if err != nil && !strings.Contains(out, "No such image") {
		t.Errorf("docker rmi -f %s: %v\n%s", m.imageID, err, out)
	}
}

// docker runs a docker command that must work, and returns its output.
func (m *machine) docker(timeout time.Duration, args ...string) string {
	m.t.Helper()
	out, err := m.run(timeout, nil, "docker", args...)
	if err != nil {
		m.t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// run runs a command with the test's environment, bounded by timeout,
// and returns its combined output.
func (m *machine) run(timeout time.Duration, stdin io.Reader, name string, args ...string) (string, error) {
	// Not the test's context: cleanup runs commands after it is done.
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = m.dockerEnv()
	cmd.Stdin = stdin
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s %s: no answer in %s: %w", name, strings.Join(args, " "), timeout, ctx.Err())
	}
	return string(out), err
}

// runUntil is run, stopped early (with no error) once the output holds
// stop; an empty stop waits for the command.
func (m *machine) runUntil(timeout time.Duration, stop, name string, args ...string) (string, error) {
	if stop == "" {
		return m.run(timeout, nil, name, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = m.dockerEnv()
	cmd.WaitDelay = 5 * time.Second
	r, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { err := cmd.Wait(); w.Close(); done <- err }()
	var out strings.Builder
	buf := make([]byte, 4096)
	for {
		n, rerr := r.Read(buf)
		out.Write(buf[:n])
		if strings.Contains(out.String(), stop) {
			cancel() // the daemon cancels the pull when its client goes
			go io.Copy(io.Discard, r)
			<-done
			return out.String(), fmt.Errorf("stopped at %q", stop)
		}
		if rerr != nil {
			break
		}
	}
	err := <-done
	if ctx.Err() != nil {
		err = fmt.Errorf("%s %s: no answer in %s: %w", name, strings.Join(args, " "), timeout, ctx.Err())
	}
	return out.String(), err
}

// dockerEnv is the docker CLI's environment: its own config directory.
func (m *machine) dockerEnv() []string {
	return append(os.Environ(), "DOCKER_CONFIG="+m.dockerConfig)
}

// awsEnv is the AWS CLI's: a dummy key, ecrlink's CA, no user config and
// no endpoint override, so the real API name is used.
func (m *machine) awsEnv(key, secret string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "AWS_") {
			env = append(env, kv)
		}
	}
	dir := m.root.TempDir()
	return append(env, "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret,
		"AWS_CA_BUNDLE="+m.bundle, "AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
}

// control calls ecrlink's control API on its main listener; anything but
// 200 fails the test.
func (m *machine) control(method, path, contentType, body string) string {
	t := m.t
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, m.srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, got)
	}
	return string(got)
}

// regionOf is the region in a registry name.
func regionOf(host string) string {
	f := strings.Split(host, ".")
	if len(f) > 3 && f[1] == "dkr" {
		return f[3] // ACCOUNT.dkr.ecr.REGION.amazonaws.com
	}
	return f[2] // ACCOUNT.dkr-ecr.REGION.on.aws
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
