package emulator_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/internal/catalogue"
)

// proxySkipped are the catalogue files TestProxyCatalogue does not run,
// with why; every other file runs (TestProxySkippedListed keeps the list
// from going stale).
var proxySkipped = map[string]string{
	"healthy-awslogs.yaml":               "action logs: none of these clients writes CloudWatch Logs",
	"logs-endpoint-missing-awslogs.yaml": "action logs: none of these clients writes CloudWatch Logs",
	"throttled-logs.yaml":                "action logs: none of these clients writes CloudWatch Logs",
}

// TestProxySkippedListed: every file TestProxyCatalogue skips is in the
// catalogue.
func TestProxySkippedListed(t *testing.T) {
	t.Parallel()
	for file, why := range proxySkipped {
		if _, err := os.Stat(filepath.Join(catalogueDir, file)); err != nil {
			t.Errorf("proxySkipped lists %s (%s), which is not in the catalogue: %v", file, why, err)
		}
	}
}

// TestProxyCatalogue runs every catalogue file but proxySkipped's through
// ecrlink's CONNECT proxy with the real clients, configured only by
// HTTPS_PROXY and the CA (TestProxyClients' harness): a pull file with
// skopeo and ctr, a push file with skopeo, a file that only logs in with
// the AWS CLI and the credential helper. A passing file must pass; a
// failing one must fail at its hop with the client's wording of the
// journal's outcome, then pass once explain's fixPatch is applied through
// the control API. The files explain is blind to (explainBlind: what the
// registry holds) have no fix, and are checked for failing only.
//
// One instance serves every file in turn, seeded as TestCatalogueFiles'
// are; each file is PUT as the scenario in force. Most of the run's two
// minutes are the held cases' client timeouts and skopeo's own backoff
// on throttled-manifest.yaml's 429s (about 30 s, not configurable).
func TestProxyCatalogue(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the proxy catalogue end-to-end test")
	}
	tools := findProxyTools(t)
	inst := startSeeded(t, header{catalogue.Header{Image: proxyImage, Action: "pull", Seed: true}})
	p := newProxyClients(t, tools, inst)
	p.cleanNamespace(t)
	t.Cleanup(func() { p.cleanNamespace(t) })
	layoutDir, _ := writeLayout(t, p.dir)

	// Tokens of the account root (a key no scenario names), one per
	// region, fetched while the VPC is healthy: a pull or push file's
	// client is logged in already, as docker is in TestDockerDaemon.
	setProxyScenario(t, inst, "healthy-docker.yaml", proxyShortHold)
	tokens := map[string]string{}
	for _, region := range []string{"us-east-1", "us-west-2"} {
		tok, err := p.aws(t, "ecr", "get-login-password", "--region", region)
		if err != nil {
			t.Fatalf("aws ecr get-login-password --region %s: %v\n%s", region, err, tok)
		}
		tokens[region] = tok
	}

	for _, file := range catalogueFiles(t) {
		base := filepath.Base(file)
		if why, skip := proxySkipped[base]; skip {
			t.Logf("%s: skipped: %s", base, why)
			continue
		}
		t.Run(base, func(t *testing.T) {
			c := proxyCase{t: t, p: p, inst: inst, file: base, layout: layoutDir}
			c.run(tokens)
		})
	}
}

// proxyCase is one catalogue file through the proxy.
type proxyCase struct {
	t      *testing.T
	p      *proxyClients
	inst   *ecrlinktest.Instance
	file   string
	layout string // the OCI layout skopeo pushes
	h      header
	ex     explained
	token  string // the registry's password
	since  uint64 // the journal's last record before the client ran
	fixed  bool   // explain's fixPatch is applied
}

func (c *proxyCase) run(tokens map[string]string) {
	t := c.t
	data := setProxyScenario(t, c.inst, c.file, proxyHold)
	h, err := parseHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	c.h, c.ex = h, explainFile(t, h, data)
	_, blind := explainBlind[c.file]
	if !blind && (h.Step == "") != (c.ex.Verdict == "pass") {
		t.Fatalf("expect %q, explain %s at %s", h.Step, c.ex.Verdict, deref(c.ex.FailedStep))
	}
	region := regionIn(h.Image)
	c.token = tokens[region]
	if ids := parseScenario(t, string(data)).Identities; len(ids) > 0 {
		// The clients are the scenario's principal: its key for the AWS
		// CLI and the credential helper, its token for the registry.
		q := *c.p
		q.env = append(slices.Clip(c.p.env), "AWS_ACCESS_KEY_ID="+ids[0].AccessKeyID, "AWS_SECRET_ACCESS_KEY="+ids[0].SecretAccessKey)
		c.p = &q
		if h.Action != "auth" {
			tok, err := c.p.aws(t, "ecr", "get-login-password", "--region", region)
			if err != nil {
				t.Fatalf("aws ecr get-login-password as %s: %v\n%s", ids[0].AccessKeyID, err, tok)
			}
			c.token = tok
		}
	}

	for _, cl := range c.clients() {
		c.since = c.inst.Journal().Last()
		out, err := cl.act()
		if h.Step == "" {
			mustPass(t, cl.name, out, err)
			continue
		}
		if err == nil {
			t.Errorf("%s passed; want it to fail at %s\n%s", cl.name, h.Step, out)
			continue
		}
		rec := c.failure()
		if !blind {
			c.atHop(cl.name, rec)
		}
		want := cl.want(rec)
		mustFail(t, cl.name, out, err, want...)
		t.Logf("%s failed at %s %s %s %s as expected, printing %q", cl.name, rec.Method, rec.Service, rec.Step, rec.Outcome, want)
	}
	if h.Step == "" || t.Failed() {
		return
	}
	if blind {
		t.Logf("no fix to apply: %s (explain passes it, assuming %q)", explainBlind[c.file].reason, explainBlind[c.file].assumed)
		return
	}
	applyFix(t, c.inst, c.file, data)
	c.fixed = true
	for _, cl := range c.clients() {
		out, err := cl.act()
		mustPass(t, cl.name+" after the fix", out, err)
	}
}

// atHop holds the journal's failing record of a client to explain's
// failing hop: the same step (a CONNECT's record names none), the same
// service, and for a denial the same text. A pull whose hop is the API
// (the login's) is the exception: skopeo and ctr are logged in already
// and meet the registry's name first, which the same VPC fault cuts.
func (c *proxyCase) atHop(client string, rec journal.Record) {
	c.t.Helper()
	hop := c.ex.Hops[len(c.ex.Hops)-1]
	switch {
	case rec.Step != "" && rec.Step != c.h.Step:
		c.t.Errorf("%s failed at %s (%s %s); expect: fail at %s", client, rec.Step, rec.Service, rec.Outcome, c.h.Step)
	case rec.Service != hop.Service && !(hop.Service == "ecr.api" && rec.Service == "ecr.dkr"):
		c.t.Errorf("%s failed at %s %s; explain's failing hop is %s %s", client, rec.Service, rec.Outcome, hop.Service, hop.Outcome)
	case rec.Service == hop.Service && string(rec.Outcome) != hop.Outcome:
		c.t.Errorf("%s failed at %s %s; explain says %s", client, rec.Service, rec.Outcome, hop.Outcome)
	case rec.Outcome == journal.OutcomeDenied && normalise(rec.Error) != normalise(deref(c.ex.Error)):
		c.t.Errorf("%s denied with %q; explain's text is %q", client, rec.Error, deref(c.ex.Error))
	}
}

// proxyClient is one client's action on a case and the wording its
// failure must show, given the journal's failing record.
type proxyClient struct {
	name string
	act  func() (string, error)
	want func(rec journal.Record) []string
}

// held is whether the case's failing hop holds a CONNECT: the clients
// then run with short timeouts of their own, which end it.
func (c *proxyCase) held() bool {
	n := len(c.ex.Hops)
	return !c.fixed && c.h.Step != "" && n > 0 && c.ex.Hops[n-1].Outcome == string(journal.OutcomeHeld)
}

// timeouts sets skopeo's and ctr's timeout for the case; the function it
// returns puts the default back.
func (c *proxyCase) timeouts() func() {
	if c.held() {
		c.p.timeout = proxyClientTimeout
	}
	return func() { c.p.timeout = proxyPassTimeout }
}

// clients are the file's clients: the action's, and for a pull whose
// failing hop is the API (the login's hop) the AWS CLI's login too.
func (c *proxyCase) clients() []proxyClient {
	p, h := c.p, c.h
	var out []proxyClient
	if n := len(c.ex.Hops); h.Action == "auth" || (n > 0 && c.ex.Hops[n-1].Service == "ecr.api") {
		out = append(out, proxyClient{name: "aws ecr get-login-password", act: c.awsLogin, want: c.awsWant})
	}
	switch h.Action {
	case "auth":
		return append(out, proxyClient{name: "docker-credential-ecr-login get", act: func() (string, error) {
			if c.held() {
				// The helper has no timeout of its own: the proxy closes
				// the held CONNECT at the scenario's hold.
				setHold(c.t, c.inst, proxyShortHold)
				defer setHold(c.t, c.inst, proxyHold)
			}
			return p.helperGet(c.t)
		}, want: c.helperWant})
	case "push":
		return append(out, proxyClient{name: "skopeo copy (push)", act: func() (string, error) {
			defer c.timeouts()()
			return p.skopeo(c.t, "copy", "--dest-creds", "AWS:"+c.token, "--dest-cert-dir", p.certDir, "oci:"+c.layout, "docker://"+h.Image)
		}, want: c.skopeoWant})
	}
	return append(out,
		proxyClient{name: "skopeo copy (pull)", act: func() (string, error) {
			defer c.timeouts()()
			return p.skopeoPull(c.t, h.Image, c.token)
		}, want: c.skopeoWant},
		proxyClient{name: "ctr images pull", act: func() (string, error) {
			defer c.timeouts()()
			out, err := p.ctrPull(c.t, h.Image, c.token)
			if err != nil {
				// a failed pull leaves its lease and what it fetched,
				// which the next pull would not fetch again
				p.cleanNamespace(c.t)
			}
			return out, err
		}, want: c.ctrWant})
}

// awsLogin is the AWS CLI's login for the image's region; while the
// API's CONNECT is held, with its own short timeouts and --debug, whose
// urllib3 ProxyError line is returned after what a user sees.
func (c *proxyCase) awsLogin() (string, error) {
	args := []string{"ecr", "get-login-password", "--region", regionIn(c.h.Image)}
	if c.fixed || c.h.Step == "" {
		return c.p.aws(c.t, args...)
	}
	if c.held() {
		timeout := strconv.Itoa(int(proxyClientTimeout.Seconds()))
		args = append([]string{"--cli-connect-timeout", timeout, "--cli-read-timeout", timeout}, args...)
	}
	shown, cause, err := c.p.awsFailure(c.t, args...)
	return shown + "\n" + cause, err
}

// failure is the journal's failing record since the client began.
func (c *proxyCase) failure() journal.Record {
	c.t.Helper()
	recs := c.inst.Journal().Since(c.since, 0)
	// the first failure at the file's step: skopeo goes on after a
	// refused manifest with older formats, whose refusals come last
	if i := slices.IndexFunc(recs, func(r journal.Record) bool {
		return r.Step == c.h.Step && r.Outcome != journal.OutcomeAllowed && !(r.Method == http.MethodHead && r.Status == http.StatusNotFound)
	}); i >= 0 {
		return recs[i]
	}
	rec := lastFailure(recs)
	if rec == nil {
		rec = awaitFailure(c.inst, c.since)
	}
	if rec == nil {
		// ctr asks for a missing tag with a HEAD, which lastFailure
		// passes over as a push's probe.
		recs := c.inst.Journal().Since(c.since, 0)
		if i := slices.IndexFunc(recs, func(r journal.Record) bool { return r.Status == http.StatusNotFound }); i >= 0 {
			rec = &recs[i]
		}
	}
	if rec == nil {
		c.t.Fatalf("the client failed with no failing journal record")
	}
	return *rec
}

// proxyURL is the proxy as the AWS CLI names it.
func (c *proxyCase) proxyURL() string { return "http://" + c.inst.Addr().String() }

// awsWant is the AWS CLI's wording: the service's error when the API
// answers, "Failed to connect to proxy URL" and --debug's cause when the
// CONNECT is not answered 200.
func (c *proxyCase) awsWant(rec journal.Record) []string {
	failed := `Failed to connect to proxy URL: "` + c.proxyURL() + `"`
	switch {
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeHeld:
		return []string{failed, "TimeoutError('timed out')"}
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeNXDomain:
		return []string{failed, "Tunnel connection failed: 502 dial tcp: lookup " + rec.Host + ": no such host"}
	case rec.Service == "ecr.api":
		code, msg, _ := strings.Cut(rec.Error, ": ")
		return []string{"An error occurred (" + code + ") when calling the GetAuthorizationToken operation", msg}
	}
	c.t.Fatalf("no AWS CLI wording for %+v", rec)
	return nil
}

// helperWant is the credential helper's: the protocol's "not found" and
// the cause its log gives.
func (c *proxyCase) helperWant(rec journal.Record) []string {
	const notFound = "credentials not found in native keychain"
	apiPost := `Post "https://` + rec.Host + `/"`
	switch {
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeHeld:
		return []string{notFound, apiPost + ": unexpected EOF"}
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeNXDomain:
		return []string{notFound, apiPost + ": dial tcp: lookup " + rec.Host + ": no such host"}
	case rec.Service == "ecr.api":
		code, msg, _ := strings.Cut(rec.Error, ": ")
		return []string{notFound, code, msg}
	}
	c.t.Fatalf("no credential helper wording for %+v", rec)
	return nil
}

// skopeoWant is skopeo's wording of the journal's failing record: Go's
// dial and timeout errors for a CONNECT not answered 200; the registry's
// message verbatim where skopeo reads the body (a manifest's GET or PUT,
// an upload), and only the status where it does not (a blob's GET, from
// the registry or the bucket, and the push's blob HEAD).
func (c *proxyCase) skopeoWant(rec journal.Record) []string {
	_, repo, _ := strings.Cut(c.h.Image, "/")
	repo, _, _ = strings.Cut(repo, ":")
	code, msg, _ := strings.Cut(rec.Error, ": ")
	switch {
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeHeld:
		return []string{`"https://` + rec.Host + `/`, "context deadline exceeded"}
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeNXDomain:
		return []string{"dial tcp: lookup " + rec.Host + ": no such host"}
	case rec.Outcome == journal.OutcomeFault && rec.Status < 400:
		// a reset after the answer's head: the read's own error
		return []string{rec.Error}
	case rec.Method == http.MethodHead && rec.Step == "blob":
		return []string{"failed to read from destination repository " + repo + ": " + strconv.Itoa(rec.Status) + " (" + http.StatusText(rec.Status) + ")"}
	case rec.Method == http.MethodGet && (rec.Step == "blob" || rec.Step == "layer"):
		return []string{"Error fetching blob: invalid status code from registry " + strconv.Itoa(rec.Status) + " (" + http.StatusText(rec.Status) + ")"}
	case rec.Status >= 500:
		// no body read: the status alone
		return []string{"received unexpected HTTP status: " + strconv.Itoa(rec.Status) + " " + http.StatusText(rec.Status)}
	case rec.Service == "ecr.dkr" && rec.Status == http.StatusTooManyRequests:
		// the distribution error code as containers/image spells it,
		// after its own retries of the 429
		return []string{strings.ToLower(code) + ": " + msg}
	case rec.Service == "ecr.dkr":
		return []string{rec.Error}
	}
	c.t.Fatalf("no skopeo wording for %+v", rec)
	return nil
}

// ctrWant is ctr's: the same Go errors, and the status alone wherever
// the registry or the bucket answers.
func (c *proxyCase) ctrWant(rec journal.Record) []string {
	switch {
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeHeld:
		return []string{"context deadline exceeded"}
	case rec.Method == http.MethodConnect && rec.Outcome == journal.OutcomeNXDomain:
		return []string{"dial tcp: lookup " + rec.Host + ": no such host"}
	case rec.Outcome == journal.OutcomeFault && rec.Status < 400:
		return []string{rec.Error}
	case rec.Status == http.StatusNotFound:
		return []string{"not found"}
	case rec.Status >= 400:
		return []string{strconv.Itoa(rec.Status) + " " + http.StatusText(rec.Status)}
	}
	c.t.Fatalf("no ctr wording for %+v", rec)
	return nil
}
