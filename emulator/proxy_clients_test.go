package emulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

const (
	// proxyImage is where the proxy tests push: the catalogue's account,
	// under its real name, reached only through HTTPS_PROXY.
	proxyRegistry = catalogueDkr
	proxyImage    = proxyRegistry + "/app:1"
	// proxyNamespace is the containerd namespace ctr pulls into; it is
	// emptied and removed before and after the test.
	proxyNamespace = "ecrlink-e2e"
	// proxyClientTimeout is each client's own timeout where a CONNECT is
	// held: well under the scenario's proxyHold, so the client gives up
	// first, as it would on a dial with no route.
	proxyClientTimeout = 2 * time.Second
	// proxyPassTimeout is the clients' timeout everywhere else: it only
	// bounds a client that hangs.
	proxyPassTimeout = 45 * time.Second
	// proxyHold is the scenario's hold where a client's own timeout ends
	// the held CONNECT.
	proxyHold = "20s"
	// proxyShortHold is the hold of the cases where the client has no
	// timeout of its own: the proxy closes the held CONNECT first.
	proxyShortHold = "1500ms"
)

// proxyTools are the real clients the proxy tests drive.
type proxyTools struct {
	aws, skopeo, ctr, helper string
	// ctrSocket is a running containerd's socket.
	ctrSocket string
}

// findProxyTools finds every client, or skips (fails with CI=true) naming
// what is missing.
func findProxyTools(t *testing.T) proxyTools {
	t.Helper()
	var tools proxyTools
	var missing []string
	if tools.aws = ecrtest.AWSCLIv2(); tools.aws == "" {
		missing = append(missing, "the AWS CLI v2")
	}
	look := func(name string, extra ...string) string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, p := range extra {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
		missing = append(missing, name)
		return ""
	}
	tools.skopeo = look("skopeo")
	tools.ctr = look("ctr")
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	tools.helper = look("docker-credential-ecr-login", filepath.Join(strings.TrimSpace(string(gopath)), "bin", "docker-credential-ecr-login"))
	var msg string
	if len(missing) > 0 {
		msg = "missing " + strings.Join(missing, ", ") + "; run scripts/install-deps.sh"
	} else if tools.ctrSocket = containerdSocket(tools.ctr); tools.ctrSocket == "" {
		msg = "no containerd answers at ECRLINK_CONTAINERD_SOCKET, /run/containerd/containerd.sock or dockerd's " +
			"/var/run/docker/containerd/containerd.sock; start dockerd or containerd"
	}
	if msg != "" {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal(msg + " (CI=true: not skipping)")
		}
		t.Skip(msg)
	}
	return tools
}

// containerdSocket is the socket of a containerd that answers: the one
// ECRLINK_CONTAINERD_SOCKET names, Debian's service's, or the one dockerd
// runs for itself, asked with ctr.
func containerdSocket(ctr string) string {
	candidates := []string{"/run/containerd/containerd.sock", "/var/run/docker/containerd/containerd.sock"}
	if s := os.Getenv("ECRLINK_CONTAINERD_SOCKET"); s != "" {
		candidates = []string{s}
	}
	for _, s := range candidates {
		if st, err := os.Stat(s); err == nil && st.Mode()&os.ModeSocket != 0 {
			if exec.Command(ctr, "-a", s, "--connect-timeout", "2s", "version").Run() == nil {
				return s
			}
		}
	}
	return ""
}

// proxyClients runs the real clients against one ecrlink through its
// CONNECT proxy, with nothing but the environment (and each tool's CA
// option) pointing them there.
type proxyClients struct {
	tools   proxyTools
	inst    *ecrlinktest.Instance
	env     []string
	caFile  string
	certDir string // skopeo's --*-cert-dir: ca.crt
	dir     string
	// pushed are the layer digests of the image pushed.
	pushed []string
	// timeout is skopeo's --command-timeout and ctr's --timeout.
	timeout time.Duration
}

// newProxyClients writes the CA and a clean environment for inst.
func newProxyClients(t *testing.T, tools proxyTools, inst *ecrlinktest.Instance) *proxyClients {
	t.Helper()
	dir := t.TempDir()
	p := &proxyClients{tools: tools, inst: inst, dir: dir,
		caFile: filepath.Join(dir, "ca.pem"), certDir: filepath.Join(dir, "certs"), timeout: proxyPassTimeout}
	if err := os.MkdirAll(p.certDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pem := inst.CA().CertPEM()
	for _, f := range []string{p.caFile, filepath.Join(p.certDir, "ca.crt")} {
		if err := os.WriteFile(f, pem, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	proxyURL := "http://" + inst.Addr().String()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch up := strings.ToUpper(k); {
		case strings.HasPrefix(up, "AWS_"), strings.HasSuffix(up, "_PROXY"), strings.HasPrefix(up, "SSL_CERT_"),
			strings.HasPrefix(up, "XDG_"), up == "HOME", up == "DOCKER_CONFIG", up == "REGISTRY_AUTH_FILE", up == "CONTAINERD_SNAPSHOTTER":
			continue
		}
		p.env = append(p.env, kv)
	}
	p.env = append(p.env,
		"HOME="+home,
		"HTTPS_PROXY="+proxyURL, "https_proxy="+proxyURL,
		"AWS_CA_BUNDLE="+p.caFile, "SSL_CERT_FILE="+p.caFile,
		"AWS_ACCESS_KEY_ID=AKIAECRLINKTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(home, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=",
		// One attempt: a failure is shown as it is, not retried away.
		"AWS_MAX_ATTEMPTS=1",
		// The credential helper would otherwise answer from ~/.ecr's
		// cache without reaching the API.
		"AWS_ECR_DISABLE_CACHE=true",
	)
	return p
}

// run runs a client and returns what it printed (stdout and stderr) and
// its error; the test's own bound only guards against a hung client.
func (p *proxyClients) run(t *testing.T, stdin string, name string, args ...string) (string, error) {
	t.Helper()
	text, err := p.exec(t, stdin, name, args...)
	t.Logf("$ %s %s\n%s\n(%v)", filepath.Base(name), redactTokens(strings.Join(args, " ")), redactTokens(text), err)
	return text, err
}

func (p *proxyClients) exec(t *testing.T, stdin string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = p.env
	cmd.Dir = p.dir
	cmd.WaitDelay = 5 * time.Second
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s did not end within the test's bound: %v", filepath.Base(name), ctx.Err())
	}
	return strings.TrimSpace(string(out)), err
}

// awsFailure runs a failing AWS CLI command with --debug and returns its
// last line, what a user sees, and the urllib3 ProxyError --debug shows
// under it: the CLI says "Failed to connect to proxy URL" for every
// CONNECT not answered 200, and only --debug tells which.
func (p *proxyClients) awsFailure(t *testing.T, args ...string) (shown, cause string, err error) {
	t.Helper()
	text, err := p.exec(t, "", p.tools.aws, append(args, "--debug")...)
	lines := strings.Split(text, "\n")
	shown = lines[len(lines)-1]
	for _, l := range lines {
		if strings.HasPrefix(l, "urllib3.exceptions.ProxyError:") {
			cause = l
		}
	}
	t.Logf("$ aws %s --debug\n%s\n(--debug: %s)\n(%v)", strings.Join(args, " "), shown, cause, err)
	return shown, cause, err
}

// the clients' commands

func (p *proxyClients) aws(t *testing.T, args ...string) (string, error) {
	return p.run(t, "", p.tools.aws, args...)
}

// helperGet asks the credential helper for proxyRegistry's credentials.
// On any failure the helper prints only the credential-helper protocol's
// "credentials not found in native keychain" and logs the cause to
// ~/.ecr/log/ecr-login.log; that line is returned after its output.
func (p *proxyClients) helperGet(t *testing.T) (string, error) {
	t.Helper()
	logFile := filepath.Join(p.home(), ".ecr", "log", "ecr-login.log")
	os.Remove(logFile)
	out, err := p.run(t, proxyRegistry+"\n", p.tools.helper, "get")
	if err != nil {
		data, _ := os.ReadFile(logFile)
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "level=error") {
				t.Logf("ecr-login.log: %s", line)
				out += "\n" + line
			}
		}
	}
	return out, err
}

func (p *proxyClients) home() string { return filepath.Join(p.dir, "home") }

func (p *proxyClients) skopeo(t *testing.T, args ...string) (string, error) {
	return p.run(t, "", p.tools.skopeo, append([]string{"--command-timeout", p.timeout.String()}, args...)...)
}

// skopeoPull copies ref into a fresh OCI layout; a copy of proxyImage
// that passes must hold the layers pushed.
func (p *proxyClients) skopeoPull(t *testing.T, ref, token string) (string, error) {
	t.Helper()
	dst, err := os.MkdirTemp(p.dir, "pulled-")
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.skopeo(t, "copy", "--src-creds", "AWS:"+token, "--src-cert-dir", p.certDir,
		"docker://"+ref, "oci:"+dst+":1")
	if err == nil && ref == proxyImage && p.pushed != nil {
		if got := layoutLayers(t, dst); !slices.Equal(got, p.pushed) {
			t.Errorf("skopeo pulled layers %v; pushed %v", got, p.pushed)
		}
	}
	return out, err
}

func (p *proxyClients) ctr(t *testing.T, args ...string) (string, error) {
	return p.run(t, "", p.tools.ctr, append([]string{"-a", p.tools.ctrSocket, "-n", proxyNamespace}, args...)...)
}

// ctrPull pulls ref into proxyNamespace, then removes it.
func (p *proxyClients) ctrPull(t *testing.T, ref, token string) (string, error) {
	out, err := p.ctr(t, "--timeout", p.timeout.String(), "images", "pull",
		"--user", "AWS:"+token, "--tlscacert", p.caFile, ref)
	if err == nil {
		p.ctr(t, "images", "rm", "--sync", ref)
	}
	return out, err
}

// cleanNamespace removes proxyNamespace with everything in it; a killed
// earlier run may have left it.
func (p *proxyClients) cleanNamespace(t *testing.T) {
	c := exec.Command(p.tools.ctr, "-a", p.tools.ctrSocket, "namespaces", "ls", "-q")
	out, _ := c.Output()
	if !strings.Contains("\n"+string(out), "\n"+proxyNamespace+"\n") {
		return
	}
	base := []string{"-a", p.tools.ctrSocket, "-n", proxyNamespace}
	images, _ := exec.Command(p.tools.ctr, append(base, "images", "ls", "-q")...).Output()
	for _, ref := range strings.Fields(string(images)) {
		exec.Command(p.tools.ctr, append(base, "images", "rm", "--sync", ref)...).Run()
	}
	// a pull killed half way leaves its lease, which keeps its content
	leases, _ := exec.Command(p.tools.ctr, append(base, "leases", "ls", "-q")...).Output()
	for _, id := range strings.Fields(string(leases)) {
		exec.Command(p.tools.ctr, append(base, "leases", "rm", "--sync", id)...).Run()
	}
	// a failed pull leaves what it fetched before its failure, in no
	// image and (its lease gone) not yet collected
	blobs, _ := exec.Command(p.tools.ctr, append(base, "content", "ls", "-q")...).Output()
	if digests := strings.Fields(string(blobs)); len(digests) > 0 {
		exec.Command(p.tools.ctr, append(append(base, "content", "rm"), digests...)...).Run()
	}
	if out, err := exec.Command(p.tools.ctr, "-a", p.tools.ctrSocket, "namespaces", "rm", proxyNamespace).CombinedOutput(); err != nil {
		t.Errorf("remove containerd namespace %s: %v: %s", proxyNamespace, err, out)
	}
}

// writeLayout writes a random image as an OCI layout and returns its
// directory and layer digests.
func writeLayout(t *testing.T, dir string) (string, []string) {
	t.Helper()
	img, err := random.Image(2048, 2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "oci")
	lp, err := layout.Write(path, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return path, layoutLayers(t, path)
}

// layoutLayers are the layer digests of the one image in an OCI layout.
func layoutLayers(t *testing.T, path string) []string {
	t.Helper()
	idx, err := layout.ImageIndexFromPath(path)
	if err != nil {
		t.Fatalf("layout %s: %v", path, err)
	}
	m, err := idx.IndexManifest()
	if err != nil || len(m.Manifests) != 1 {
		t.Fatalf("layout %s: %v manifests (%v)", path, m, err)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var digests []string
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d.String())
	}
	return digests
}

// tokenRE matches an ECR authorization token (base64 JSON).
var tokenRE = regexp.MustCompile(`eyJ[A-Za-z0-9+/=]{40,}`)

// redactTokens shortens tokens in what the test logs.
func redactTokens(s string) string { return tokenRE.ReplaceAllString(s, "TOKEN") }

// setHold sets the scenario's hold through the control API.
func setHold(t *testing.T, inst *ecrlinktest.Instance, hold string) {
	t.Helper()
	patch := `[{"op":"replace","path":"/hold","value":"` + hold + `"}]`
	if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", patch); code != 200 {
		t.Fatalf("PATCH the hold: %d %s", code, body)
	}
}

// lastConnect is the journal's newest CONNECT record for host; it fails
// the test without one.
func lastConnect(t *testing.T, inst *ecrlinktest.Instance, host string) journal.Record {
	t.Helper()
	recs := inst.Journal().Since(0, 0)
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Method == http.MethodConnect && recs[i].Host == host {
			return recs[i]
		}
	}
	t.Fatalf("no CONNECT of %s in the journal", host)
	return journal.Record{}
}

// setProxyScenario makes a catalogue file the scenario in force, with the
// given hold, through the control API as a user would.
func setProxyScenario(t *testing.T, inst *ecrlinktest.Instance, file, hold string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(catalogueDir, file))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := control(t, inst, http.MethodPut, "/_ecrlink/scenario", "application/yaml", string(data)); code != 200 {
		t.Fatalf("PUT %s: %d %s", file, code, body)
	}
	setHold(t, inst, hold)
	return data
}

// applyFix applies explain's fixPatch for the file to the scenario in
// force through the control API.
func applyFix(t *testing.T, inst *ecrlinktest.Instance, file string, data []byte) {
	t.Helper()
	h, err := parseHeader(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	ex := explainFile(t, h, data)
	if ex.Verdict != "fail" || len(ex.FixPatch) == 0 || string(ex.FixPatch) == "[]" {
		t.Fatalf("%s: explain says %s with fixPatch %s; want a failure with a fix", file, ex.Verdict, ex.FixPatch)
	}
	t.Logf("%s: explain's fix: %s\nfixPatch: %s", file, deref(ex.Fix), ex.FixPatch)
	if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", string(ex.FixPatch)); code != 200 {
		t.Fatalf("PATCH the fixPatch: %d %s", code, body)
	}
}

// mustFail checks a client failed and printed every want. The quotes
// that logrus (skopeo, ctr, the credential helper's log) escapes in its
// msg="..." fields are read unescaped.
func mustFail(t *testing.T, what, out string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s passed; want a failure printing %q\n%s", what, want, out)
		return
	}
	out = strings.ReplaceAll(out, `\"`, `"`)
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s printed %q; want it to contain %q", what, out, w)
		}
	}
}

func mustPass(t *testing.T, what, out string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s failed: %v\n%s", what, err, out)
	}
}

// TestProxyClients drives the AWS CLI v2, skopeo, containerd's ctr and
// the ECR credential helper through ecrlink's CONNECT proxy under the real
// AWS names, configured only by HTTPS_PROXY and a CA: a healthy push and
// pull, then catalogue failures of each outcome kind, with the wording
// each client prints, and explain's fix applied through the control API.
//
// Go clients (skopeo, ctr, the credential helper) print only the reason
// phrase of a refused CONNECT (net/http's transport discards the body),
// and the proxy puts the dial error there, so they print what their own
// dial would have: "dial tcp: lookup NAME: no such host". The AWS CLI
// prints "Failed to connect to proxy URL" for any CONNECT that is not
// answered 200 (urllib3's ProxyError; --debug shows "Tunnel connection
// failed: 502 dial tcp: ...").
func TestProxyClients(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the proxy clients end-to-end test")
	}
	tools := findProxyTools(t)
	inst := ecrlinktest.Start(t, emulator.Config{})
	p := newProxyClients(t, tools, inst)
	p.cleanNamespace(t)
	t.Cleanup(func() { p.cleanNamespace(t) })
	setProxyScenario(t, inst, "healthy-docker.yaml", proxyShortHold)
	proxyURL := "http://" + inst.Addr().String()

	// healthy: every client passes.
	out, err := p.aws(t, "ecr", "create-repository", "--repository-name", "proxied")
	mustPass(t, "aws ecr create-repository", out, err)
	if !strings.Contains(out, `"repositoryUri": "`+proxyRegistry+`/proxied"`) {
		t.Errorf("create-repository printed %q; want the repository under %s", out, proxyRegistry)
	}
	token, err := p.aws(t, "ecr", "get-login-password")
	mustPass(t, "aws ecr get-login-password", token, err)
	out, err = p.aws(t, "ecr", "describe-repositories", "--query", "repositories[].repositoryName", "--output", "text")
	mustPass(t, "aws ecr describe-repositories", out, err)
	if f := strings.Fields(out); !slices.Contains(f, "app") || !slices.Contains(f, "proxied") {
		t.Errorf("describe-repositories printed %q; want app and proxied", out)
	}
	out, err = p.helperGet(t)
	mustPass(t, "docker-credential-ecr-login get", out, err)
	var cred struct{ ServerURL, Username, Secret string }
	if err := json.Unmarshal([]byte(out), &cred); err != nil || cred.Username != "AWS" || cred.Secret == "" || cred.ServerURL != proxyRegistry {
		t.Errorf("docker-credential-ecr-login get printed %q (%v); want {\"ServerURL\":%q,\"Username\":\"AWS\",\"Secret\":...}", redactTokens(out), err, proxyRegistry)
	}
	var src string
	src, p.pushed = writeLayout(t, p.dir)
	out, err = p.skopeo(t, "copy", "--dest-creds", "AWS:"+token, "--dest-cert-dir", p.certDir, "oci:"+src, "docker://"+proxyImage)
	mustPass(t, "skopeo copy (push)", out, err)
	out, err = p.skopeoPull(t, proxyImage, token)
	mustPass(t, "skopeo copy (pull)", out, err)
	// ctr logs in with the credential helper's secret: the two agree.
	out, err = p.ctrPull(t, proxyImage, cred.Secret)
	mustPass(t, "ctr images pull", out, err)
	for _, host := range []string{"api.ecr.us-east-1.amazonaws.com", proxyRegistry, "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"} {
		if !slices.ContainsFunc(inst.Journal().Since(0, 0), func(r journal.Record) bool { return r.Host == host && r.Outcome == journal.OutcomeAllowed }) {
			t.Errorf("no request reached %s through the proxy", host)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	const (
		dkrV2       = `Get "https://` + proxyRegistry + `/v2/"`
		ctrManifest = `Head "https://` + proxyRegistry + `/v2/app/manifests/1"`
		apiPost     = `Post "https://api.ecr.us-east-1.amazonaws.com/"`
		notFound    = "credentials not found in native keychain"
	)
	// no route to the registry: the CONNECT is held and each client's own
	// timeout ends it; the API still answers.
	t.Run("ecr-dkr-endpoint-missing", func(t *testing.T) {
		const file = "ecr-dkr-endpoint-missing.yaml"
		data := setProxyScenario(t, inst, file, proxyHold)
		out, err := p.aws(t, "ecr", "get-login-password")
		mustPass(t, "aws ecr get-login-password (ecr.api is there)", out, err)
		p.timeout = proxyClientTimeout
		defer func() { p.timeout = proxyPassTimeout }()
		out, err = p.skopeoPull(t, proxyImage, token)
		mustFail(t, "skopeo copy", out, err,
			"pinging container registry "+proxyRegistry+": "+dkrV2+": context deadline exceeded")
		if rec := lastConnect(t, inst, proxyRegistry); rec.Outcome != journal.OutcomeHeld {
			t.Errorf("journal: CONNECT %s %s, want held", rec.Host, rec.Outcome)
		}
		out, err = p.ctrPull(t, proxyImage, token)
		mustFail(t, "ctr images pull", out, err,
			`ctr: failed to resolve reference "`+proxyImage+`": failed to do request: context deadline exceeded`)
		applyFix(t, inst, file, data)
		p.timeout = proxyPassTimeout
		out, err = p.skopeoPull(t, proxyImage, token)
		mustPass(t, "skopeo copy after the fix", out, err)
		out, err = p.ctrPull(t, proxyImage, token)
		mustPass(t, "ctr images pull after the fix", out, err)
	})
	// no AWS name resolves: the proxy answers 502 "... no such host".
	t.Run("custom-dns-isolated", func(t *testing.T) {
		const file = "custom-dns-isolated.yaml"
		data := setProxyScenario(t, inst, file, proxyHold)
		shown, cause, err := p.awsFailure(t, "ecr", "get-login-password")
		mustFail(t, "aws ecr get-login-password", shown, err, `Failed to connect to proxy URL: "`+proxyURL+`"`)
		mustFail(t, "aws ecr get-login-password --debug", cause, err, "Tunnel connection failed: 502 dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no such host")
		if rec := lastConnect(t, inst, "api.ecr.us-east-1.amazonaws.com"); rec.Outcome != journal.OutcomeNXDomain || rec.Status != http.StatusBadGateway {
			t.Errorf("journal: CONNECT %s %s %d, want nxdomain 502", rec.Host, rec.Outcome, rec.Status)
		}
		out, err = p.helperGet(t)
		noHost := func(name string) string { return "dial tcp: lookup " + name + ": no such host" }
		mustFail(t, "docker-credential-ecr-login get", out, err, notFound, apiPost+": "+noHost("api.ecr.us-east-1.amazonaws.com"))
		out, err = p.skopeoPull(t, proxyImage, token)
		mustFail(t, "skopeo copy", out, err, "pinging container registry "+proxyRegistry+": "+dkrV2+": "+noHost(proxyRegistry))
		out, err = p.ctrPull(t, proxyImage, token)
		mustFail(t, "ctr images pull", out, err, `failed to do request: `+ctrManifest+`: `+noHost(proxyRegistry))
		applyFix(t, inst, file, data)
		out, err = p.aws(t, "ecr", "get-login-password")
		mustPass(t, "aws ecr get-login-password after the fix", out, err)
		out, err = p.helperGet(t)
		mustPass(t, "docker-credential-ecr-login get after the fix", out, err)
		out, err = p.skopeoPull(t, proxyImage, token)
		mustPass(t, "skopeo copy after the fix", out, err)
		out, err = p.ctrPull(t, proxyImage, token)
		mustPass(t, "ctr images pull after the fix", out, err)
	})
	// the registry answers 403 DENIED through the tunnel.
	t.Run("ecr-dkr-endpoint-policy-denies-pull", func(t *testing.T) {
		const file = "ecr-dkr-endpoint-policy-denies-pull.yaml"
		data := setProxyScenario(t, inst, file, proxyHold)
		out, err := p.skopeoPull(t, proxyImage, token)
		mustFail(t, "skopeo copy", out, err, "reading manifest 1 in "+proxyRegistry+"/app: denied: User: arn:aws:iam::111122223333:root "+
			"is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111122223333:repository/app "+
			"with an explicit deny in a VPC endpoint policy")
		out, err = p.ctrPull(t, proxyImage, token)
		mustFail(t, "ctr images pull", out, err, "pulling from host "+proxyRegistry+" failed with status code [manifests 1]: 403 Forbidden")
		applyFix(t, inst, file, data)
		out, err = p.skopeoPull(t, proxyImage, token)
		mustPass(t, "skopeo copy after the fix", out, err)
		out, err = p.ctrPull(t, proxyImage, token)
		mustPass(t, "ctr images pull after the fix", out, err)
	})
	// no route to the API: the CLI's own timeouts end the held CONNECT;
	// without them (and for the credential helper, which has none) the
	// proxy closes it at the scenario's hold.
	t.Run("ecr-api-missing-docker-cli", func(t *testing.T) {
		const file = "ecr-api-missing-docker-cli.yaml"
		data := setProxyScenario(t, inst, file, proxyHold)
		timeout := strconv.Itoa(int(proxyClientTimeout.Seconds()))
		shown, cause, err := p.awsFailure(t, "--cli-connect-timeout", timeout, "--cli-read-timeout", timeout, "ecr", "get-login-password")
		mustFail(t, "aws ecr get-login-password (its timeouts)", shown, err, `Failed to connect to proxy URL: "`+proxyURL+`"`)
		mustFail(t, "aws ecr get-login-password --debug (its timeouts)", cause, err, "TimeoutError('timed out')")
		if rec := lastConnect(t, inst, "api.ecr.us-east-1.amazonaws.com"); rec.Outcome != journal.OutcomeHeld {
			t.Errorf("journal: CONNECT %s %s, want held", rec.Host, rec.Outcome)
		}
		setHold(t, inst, proxyShortHold)
		shown, cause, err = p.awsFailure(t, "ecr", "get-login-password")
		mustFail(t, "aws ecr get-login-password (closed at the hold)", shown, err, `Failed to connect to proxy URL: "`+proxyURL+`"`)
		mustFail(t, "aws ecr get-login-password --debug (closed at the hold)", cause, err, "RemoteDisconnected('Remote end closed connection without response')")
		out, err := p.helperGet(t)
		mustFail(t, "docker-credential-ecr-login get (closed at the hold)", out, err, notFound, apiPost+": unexpected EOF")
		applyFix(t, inst, file, data)
		out, err = p.aws(t, "ecr", "get-login-password")
		mustPass(t, "aws ecr get-login-password after the fix", out, err)
		out, err = p.helperGet(t)
		mustPass(t, "docker-credential-ecr-login get after the fix", out, err)
	})
}
