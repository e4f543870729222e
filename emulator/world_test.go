package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// privateVPC is a task in a private subnet with every endpoint a pull
// needs; tests take parts away.
const privateVPC = `
account: "111122223333"
region: us-east-1
hold: 300ms
vpc: { id: vpc-0app, cidr: 10.0.0.0/16 }
subnets: [{ id: subnet-a, cidr: 10.0.1.0/24, routeTable: rtb-a }]
securityGroups:
  - id: sg-endpoints
    ingress: [{ protocol: tcp, port: 443, cidr: 10.0.0.0/16 }]
endpoints:
  - { id: vpce-0api, service: ecr.api, securityGroups: [sg-endpoints] }
  - { id: vpce-0dkr, service: ecr.dkr, securityGroups: [sg-endpoints] }
  - { id: vpce-0s3, service: s3, type: gateway, routeTables: [rtb-a] }
client: { kind: ecs-ec2, subnet: subnet-a, ip: 10.0.1.25 }
repositories: [{ name: app }]
`

func parseScenario(t testing.TB, doc string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	return sc
}

// control sends a control API request and returns its status and body.
func control(t testing.TB, inst *ecrlinktest.Instance, method, path, contentType, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, inst.URL()+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := inst.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// lastRecord is the newest journal record of service (and step, if not
// empty).
func lastRecord(t *testing.T, inst *ecrlinktest.Instance, service, step string) journal.Record {
	t.Helper()
	recs := inst.Server.Journal().Since(0, 0)
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Service == service && (step == "" || recs[i].Step == step) {
			return recs[i]
		}
	}
	t.Fatalf("no %s %s record in %+v", service, step, recs)
	return journal.Record{}
}

// TestScenarioHealthyPull: in a VPC with every endpoint, a push and a pull
// go through the endpoints, as the journal shows.
func TestScenarioHealthyPull(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, privateVPC)})
	img, _ := random.Image(512, 2)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	readAll(t, inst.Ref("app:1"), inst.Remote())
	for step, endpoint := range map[string]string{"ecr.api auth": "vpce-0api", "ecr.dkr manifest": "vpce-0dkr", "s3 layer": "vpce-0s3"} {
		service, step, _ := strings.Cut(step, " ")
		r := lastRecord(t, inst, service, step)
		if r.Outcome != journal.OutcomeAllowed || r.Route.Via != journal.ViaEndpoint || r.Route.Endpoint != endpoint {
			t.Errorf("%s: %+v", step, r)
		}
	}
}

// TestScenarioMissingEndpointHoldsThenMends: without the ecr.dkr endpoint
// the pull is held and dropped, journaled with Go's i/o timeout text when
// the hold begins; adding the endpoint through the control API mends it.
func TestScenarioMissingEndpointHoldsThenMends(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, privateVPC)})
	img, _ := random.Image(256, 1)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	patch := `[{"op":"remove","path":"/endpoints/1"}]`
	if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", patch); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	start := time.Now()
	_, err := remote.Image(inst.Ref("app:1"), inst.Remote()...)
	if err == nil || time.Since(start) < 250*time.Millisecond {
		t.Fatalf("pull without ecr.dkr: %v after %s, want it held, then dropped", err, time.Since(start))
	}
	r := lastRecord(t, inst, "ecr.dkr", "")
	if r.Outcome != journal.OutcomeHeld || r.Route.Via != journal.ViaBlocked || !strings.HasSuffix(r.Error, ":443: i/o timeout") ||
		!strings.Contains(r.Route.Reason, "no interface endpoint for com.amazonaws.us-east-1.ecr.dkr") {
		t.Fatalf("held record: %+v", r)
	}
	add := `[{"op":"add","path":"/endpoints/-","value":{"id":"vpce-0dkr","service":"ecr.dkr","securityGroups":["sg-endpoints"]}}]`
	if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", add); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	readAll(t, inst.Ref("app:1"), inst.Remote())
}

// TestScenarioEndpointPolicyDeniesPull: an endpoint policy's explicit deny
// is AWS's text on the registry's DENIED, and the journal names the policy
// and its Sid.
func TestScenarioEndpointPolicyDeniesPull(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, privateVPC)})
	img, _ := random.Image(256, 1)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	deny := `{"endpoints":[{"id":"vpce-0api","service":"ecr.api","securityGroups":["sg-endpoints"]},
	{"id":"vpce-0dkr","service":"ecr.dkr","securityGroups":["sg-endpoints"],"policy":{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
	{"Sid":"DenyPull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*"}]}},
	{"id":"vpce-0s3","service":"s3","type":"gateway","routeTables":["rtb-a"]}]}`
	if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/merge-patch+json", deny); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	_, err := remote.Image(inst.Ref("app:1"), inst.Remote()...)
	var te *transport.Error
	want := "User: arn:aws:iam::111122223333:root is not authorized to perform: ecr:BatchGetImage on resource: " +
		"arn:aws:ecr:us-east-1:111122223333:repository/app with an explicit deny in a VPC endpoint policy"
	if !errors.As(err, &te) || len(te.Errors) == 0 || te.Errors[0].Message != want {
		t.Fatalf("pull: %v\nwant DENIED %q", err, want)
	}
	r := lastRecord(t, inst, "ecr.dkr", "manifest")
	found := false
	for _, p := range r.Policies {
		found = found || (p.Type == "endpoint" && p.ID == "vpce-0dkr" && p.Decision == "ExplicitlyDenied" && p.Sid == "DenyPull")
	}
	if r.Outcome != journal.OutcomeDenied || r.Error != "denied: "+want || !found {
		t.Fatalf("denied record: %+v", r)
	}
}

// TestScenarioIsolatedDNSCloses: with no AWS name resolving, the request's
// connection is closed at once and the journal says no such host.
func TestScenarioIsolatedDNSCloses(t *testing.T) {
	t.Parallel()
	sc := parseScenario(t, strings.Replace(privateVPC, "vpc: { id: vpc-0app, cidr: 10.0.0.0/16 }", "vpc: { id: vpc-0app, cidr: 10.0.0.0/16, dns: custom-isolated }", 1))
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: sc})
	_, err := inst.ECR().DescribeRepositories(t.Context(), &ecr.DescribeRepositoriesInput{})
	if err == nil {
		t.Fatal("the API answered with no name resolving")
	}
	r := lastRecord(t, inst, "ecr.api", "api")
	if r.Outcome != journal.OutcomeNXDomain || r.Error != "dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no such host" {
		t.Fatalf("record: %+v", r)
	}
}

// TestScenarioS3GatewayMissingHoldsLayers: the manifest comes through,
// the layer download from the starport bucket is held.
func TestScenarioS3GatewayMissingHoldsLayers(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, privateVPC)})
	img, _ := random.Image(256, 1)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", `[{"op":"remove","path":"/endpoints/2"}]`); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	got, err := remote.Image(inst.Ref("app:1"), inst.Remote()...)
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if _, err := got.ConfigFile(); err == nil {
		t.Fatal("the config blob came through without the S3 gateway")
	}
	if r := lastRecord(t, inst, "s3", "layer"); r.Outcome != journal.OutcomeHeld || !strings.Contains(r.Host, "starport") || r.Route.Via != journal.ViaBlocked {
		t.Fatalf("layer record: %+v", r)
	}
	if r := lastRecord(t, inst, "ecr.dkr", "manifest"); r.Outcome != journal.OutcomeAllowed {
		t.Fatalf("manifest record: %+v", r)
	}
}

// TestScenarioFargateAuth: with no ecr.api endpoint, Fargate 1.4.0 cannot
// fetch the registry auth; 1.3.0 fetches it through the platform.
func TestScenarioFargateAuth(t *testing.T) {
	t.Parallel()
	for pv, held := range map[string]bool{"1.4.0": true, "1.3.0": false} {
		doc := strings.Replace(privateVPC, "client: { kind: ecs-ec2,", "client: { kind: fargate, platformVersion: "+pv+",", 1)
		doc = strings.Replace(doc, "  - { id: vpce-0api, service: ecr.api, securityGroups: [sg-endpoints] }\n", "", 1)
		inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, doc)})
		_, err := inst.ECR().GetAuthorizationToken(t.Context(), &ecr.GetAuthorizationTokenInput{})
		r := lastRecord(t, inst, "ecr.api", "auth")
		switch {
		case held && (err == nil || r.Outcome != journal.OutcomeHeld):
			t.Errorf("PV %s: %v, %+v; want held", pv, err, r)
		case !held && (err != nil || r.Route.Via != journal.ViaFargate):
			t.Errorf("PV %s: %v, %+v; want through the platform", pv, err, r)
		}
	}
}

// TestScenarioBadDocumentChangesNothing: an invalid PUT answers every
// finding with its path and line, and the scenario in force stays.
func TestScenarioBadDocumentChangesNothing(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, privateVPC)})
	_, before := control(t, inst, http.MethodGet, "/_ecrlink/scenario", "", "")
	bad := strings.Replace(privateVPC, "cidr: 10.0.1.0/24", "cidr: 10.0.1.0/33", 1) + "extra: 1\n"
	code, body := control(t, inst, http.MethodPut, "/_ecrlink/scenario", "application/yaml", bad)
	var out struct{ Errors []scenario.Error }
	if err := json.Unmarshal([]byte(body), &out); code != 400 || err != nil || len(out.Errors) == 0 {
		t.Fatalf("PUT of a bad scenario: %d %s", code, body)
	}
	for _, e := range out.Errors {
		if e.Path == "" || e.Line == 0 {
			t.Errorf("finding without path or line: %+v", e)
		}
	}
	if code, after := control(t, inst, http.MethodGet, "/_ecrlink/scenario", "", ""); code != 200 || after != before {
		t.Fatalf("the scenario changed:\n%s\n%s", before, after)
	}
	big := bytes.Repeat([]byte("#"), scenario.MaxSize+1)
	if code, _ := control(t, inst, http.MethodPut, "/_ecrlink/scenario", "application/yaml", string(big)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB document: %d", code)
	}
	if code, body := control(t, inst, http.MethodPost, "/_ecrlink/reset", "", ""); code != 200 {
		t.Errorf("reset: %d %s", code, body)
	}
}

// TestScenarioTokenLifetime: tokens.lifetime bounds the token, and a pull
// after it sees ECR's words.
func TestScenarioTokenLifetime(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	doc := strings.Replace(privateVPC, "hold: 300ms", "hold: 300ms\ntokens: { lifetime: 1m }", 1)
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, doc), Now: clock})
	img, _ := random.Image(256, 1)
	opts := inst.Remote()
	if err := remote.Write(inst.Ref("app:1"), img, opts...); err != nil {
		t.Fatal(err)
	}
	now.Add(61)
	_, err := remote.Image(inst.Ref("app:1"), opts...)
	var te *transport.Error
	if !errors.As(err, &te) || len(te.Errors) == 0 || te.Errors[0].Message != "Your authorization token has expired. Reauthenticate and try again." {
		t.Fatalf("pull with an expired token: %v", err)
	}
	if r := lastRecord(t, inst, "ecr.dkr", ""); r.Error != "denied: Your authorization token has expired. Reauthenticate and try again." {
		t.Fatalf("record: %+v", r)
	}
}

// TestScenarioSwapUnderLoad: 50 pullers while the scenario is swapped
// every 10 ms between two VPCs that both allow the pull: every pull works.
func TestScenarioSwapUnderLoad(t *testing.T) {
	t.Parallel()
	a := parseScenario(t, privateVPC)
	b := parseScenario(t, strings.Replace(privateVPC, "vpc: { id: vpc-0app, cidr: 10.0.0.0/16 }", "vpc: { id: vpc-0app, cidr: 10.0.0.0/16, dns: custom-forwarding }", 1))
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: a})
	img, _ := random.Image(1024, 2)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	opts := inst.Remote()
	stop := make(chan struct{})
	swapped := make(chan int)
	go func() {
		n := 0
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				swapped <- n
				return
			case <-tick.C:
				next := a
				if n%2 == 0 {
					next = b
				}
				if err := inst.SetScenario(t.Context(), next); err != nil {
					t.Error(err)
				}
				n++
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 50*4)
	for range 50 {
		wg.Go(func() {
			for range 4 {
				errs <- pull(inst.Ref("app:1"), opts)
			}
		})
	}
	wg.Wait()
	close(stop)
	if n := <-swapped; n < 2 {
		t.Errorf("the scenario was swapped %d times while pulling", n)
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a pull failed during swaps: %v", err)
		}
	}
}

// TestScenarioFaultEffects: each network effect of a fault on the API, as
// the client meets it and the journal words it; after lets the first
// requests through.
func TestScenarioFaultEffects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		effect, extra string
		clientErr     string // in the SDK's error
		journalErr    string
	}{
		// A dropped connection shows as EOF, or as a reset when the kernel
		// still held unread body bytes when it closed.
		{"timeout", "", "EOF|connection reset by peer", "dial tcp api.ecr.us-east-1.amazonaws.com:443: i/o timeout"},
		{"nxdomain", "", "request send failed", "dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no such host"},
		{"refuse", "", "connection reset by peer|broken pipe|use of closed network connection", "dial tcp api.ecr.us-east-1.amazonaws.com:443: connect: connection refused"},
		{"http-500", "", "ServerException", "ServerException"},
		{"reset", "", "connection reset by peer|EOF", "read: connection reset by peer"},
		{"slow", ", bytesPerSecond: 100000", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.effect, func(t *testing.T) {
			t.Parallel()
			doc := privateVPC + "faults: [{ match: { service: ecr.api, action: ecr:DescribeRepositories }, effect: " + tc.effect + ", after: 1" + tc.extra + " }]\n"
			inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, doc)})
			for i := range 2 {
				before := inst.Journal().Last()
				_, err := inst.ECR().DescribeRepositories(t.Context(), &ecr.DescribeRepositoriesInput{})
				for deadline := time.Now().Add(2 * time.Second); inst.Journal().Last() == before && time.Now().Before(deadline); {
					time.Sleep(5 * time.Millisecond) // a reset reaches the client before its record is kept
				}
				r := lastRecord(t, inst, "ecr.api", "api")
				switch {
				case i == 0 && (err != nil || r.Outcome != journal.OutcomeAllowed):
					t.Fatalf("the first request, let through by after: %v %+v", err, r)
				case i == 1 && tc.clientErr == "" && (err != nil || r.Outcome != journal.OutcomeAllowed || !strings.Contains(r.Route.Reason, "slowed")):
					t.Fatalf("%s: %v %+v; want the answer, slowed", tc.effect, err, r)
				case i == 1 && tc.clientErr == "":
				case i == 1 && tc.clientErr != "" && (err == nil || !containsAny(err.Error(), strings.Split(tc.clientErr, "|"))):
					t.Fatalf("%s: client saw %v, want %q", tc.effect, err, tc.clientErr)
				case i == 1 && (r.Outcome != journal.OutcomeFault || !strings.HasPrefix(r.Error, tc.journalErr)):
					t.Fatalf("%s: record %+v, want error %q", tc.effect, r, tc.journalErr)
				}
			}
		})
	}
}

// TestBadScenariosChangeNothing: each kind of bad document, by PUT and by
// PATCH, is refused with findings naming path and line, and the scenario
// in force stays as it was.
func TestBadScenariosChangeNothing(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, privateVPC)})
	_, before := control(t, inst, http.MethodGet, "/_ecrlink/scenario", "", "")
	tests := []struct {
		name, put, merge string
		path             string
	}{
		{"unknown field", strings.Replace(privateVPC, "hold: 300ms", "hold: 300ms\nholdd: 1s", 1), `{"vpc":{"dsn":"amazon"}}`, "vpc.dsn"},
		{"bad CIDR", strings.Replace(privateVPC, "cidr: 10.0.1.0/24", "cidr: 10.0.1.0/33", 1), `{"vpc":{"cidr":"10.0.0.0/99"}}`, "vpc.cidr"},
		{"unknown security group", strings.Replace(privateVPC, "securityGroups: [sg-endpoints] }\n  - { id: vpce-0dkr", "securityGroups: [sg-nope] }\n  - { id: vpce-0dkr", 1),
			`{"client":{"securityGroups":["sg-nope"]}}`, "client.securityGroups[0]"},
		{"unknown route table", strings.Replace(privateVPC, "routeTables: [rtb-a]", "routeTables: [rtb-nope]", 1),
			`{"endpoints":[{"id":"vpce-0s3","service":"s3","type":"gateway","routeTables":["rtb-nope"]}]}`, "endpoints[0].routeTables[0]"},
		{"invalid policy", strings.Replace(privateVPC, "repositories: [{ name: app }]", `repositories: [{ name: app, policy: {"Statement": [{"Effect": "Allow"}]} }]`, 1),
			`{"registryPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Principal":"*","Action":"ecr:*","Resource":"*"}]}}`, "registryPolicy.Statement[0].Effect"},
		{"bad duration", strings.Replace(privateVPC, "hold: 300ms", "hold: soon", 1), `{"tokens":{"lifetime":"13h"}}`, "tokens.lifetime"},
		{"malformed YAML", privateVPC + "  : [\n", `{"hold":`, ""},
	}
	for _, tc := range tests {
		for _, way := range []struct{ method, contentType, body string }{
			{http.MethodPut, "application/yaml", tc.put},
			{http.MethodPatch, "application/merge-patch+json", tc.merge},
		} {
			code, body := control(t, inst, way.method, "/_ecrlink/scenario", way.contentType, way.body)
			var out struct{ Errors []scenario.Error }
			if err := json.Unmarshal([]byte(body), &out); code != 400 || err != nil || len(out.Errors) == 0 {
				t.Errorf("%s by %s: %d %s", tc.name, way.method, code, body)
				continue
			}
			e := out.Errors[0]
			if way.method == http.MethodPatch && tc.path != "" && !slices.ContainsFunc(out.Errors, func(e scenario.Error) bool { return e.Path == tc.path && e.Line > 0 }) {
				t.Errorf("%s by PATCH: %s, want a finding at %s with its line", tc.name, body, tc.path)
			}
			if way.method == http.MethodPut && e.Line == 0 {
				t.Errorf("%s by PUT: %s, want findings with lines", tc.name, body)
			}
		}
	}
	if _, after := control(t, inst, http.MethodGet, "/_ecrlink/scenario", "", ""); after != before {
		t.Fatalf("the scenario changed")
	}
}

func containsAny(s string, subs []string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}

// TestScenarioFaultByRepositoryOnTheAPI: a fault matching a repository
// fires on an API call naming it in its body, and not on another's.
func TestScenarioFaultByRepositoryOnTheAPI(t *testing.T) {
	t.Parallel()
	doc := strings.Replace(privateVPC, "repositories: [{ name: app }]", "repositories: [{ name: app }, { name: other }]", 1) +
		"faults: [{ match: { service: ecr.api, repository: app }, effect: throttle }]\n"
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, doc)})
	_, err := inst.ECR().DescribeImages(t.Context(), &ecr.DescribeImagesInput{RepositoryName: aws.String("app")})
	if err == nil || !strings.Contains(err.Error(), "ThrottlingException") {
		t.Fatalf("DescribeImages of app: %v, want ThrottlingException", err)
	}
	if _, err := inst.ECR().DescribeImages(t.Context(), &ecr.DescribeImagesInput{RepositoryName: aws.String("other")}); err != nil {
		t.Fatalf("DescribeImages of other: %v", err)
	}
}
