package netmodel_test

import (
	"os"
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/netmodel"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/s3shim"
)

// walkCase is one situation of emulator/cases_test.go's live catalogue,
// walked: the same healthy VPC (testdata/healthy.json, a copy of its
// healthyVPC) broken by the same patch, and the failing hop the live
// journal records (service, step, outcome, error text).
type walkCase struct {
	name, patch string
	push, logs  bool
	ref         string
	service     string
	step        string // empty: the walk passes
	outcome     string
	err         string
	// differs says why the live table expects otherwise, for the cases
	// explain cannot see (faults, image existence); the walk passes then.
	differs string
}

const (
	ref      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1"
	denyPull = `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Sid":"DenyPull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*"}]}}]`
)

var walkCases = []walkCase{
	{name: "healthy"},
	{name: "healthy push", push: true},
	{name: "healthy awslogs", logs: true},
	{name: "awslogs without a logs endpoint", patch: `[{"op":"remove","path":"/endpoints/3"}]`, logs: true,
		service: "logs", step: "logs", outcome: "held", err: "i/o timeout"},
	{name: "ecr.api missing on ECS on EC2", patch: `[{"op":"remove","path":"/endpoints/0"}]`,
		service: "ecr.api", step: "auth", outcome: "held", err: ":443: i/o timeout"},
	{name: "ecr.api missing on Fargate 1.4.0", patch: `[{"op":"remove","path":"/endpoints/0"},
		{"op":"replace","path":"/client/kind","value":"fargate"},{"op":"add","path":"/client/platformVersion","value":"1.4.0"}]`,
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "ecr.api missing on Fargate 1.3.0", patch: `[{"op":"remove","path":"/endpoints/0"},
		{"op":"replace","path":"/client/kind","value":"fargate"},{"op":"add","path":"/client/platformVersion","value":"1.3.0"}]`},
	{name: "security group without 443", patch: `[{"op":"replace","path":"/securityGroups/0/ingress/0/fromPort","value":80},
		{"op":"replace","path":"/securityGroups/0/ingress/0/toPort","value":80}]`,
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "endpoints on the VPC default group", patch: `[{"op":"remove","path":"/endpoints/1/securityGroups"}]`,
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "ecr.dkr missing", patch: `[{"op":"remove","path":"/endpoints/1"}]`,
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "ecr.dkr private DNS off", patch: `[{"op":"add","path":"/endpoints/1/privateDns","value":false}]`,
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "custom DNS with forwarding", patch: `[{"op":"add","path":"/vpc/dns","value":"custom-forwarding"}]`},
	{name: "custom DNS without forwarding", patch: `[{"op":"add","path":"/vpc/dns","value":"custom-no-forwarding"}]`,
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "custom DNS isolated", patch: `[{"op":"add","path":"/vpc/dns","value":"custom-isolated"}]`,
		service: "ecr.api", step: "auth", outcome: "nxdomain", err: "dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no such host"},
	{name: "S3 gateway missing", patch: `[{"op":"remove","path":"/endpoints/2"}]`,
		service: "s3", step: "layer", outcome: "held", err: "i/o timeout"},
	{name: "S3 gateway on another route table", patch: `[{"op":"replace","path":"/endpoints/2/routeTables","value":["rtb-b"]}]`,
		service: "s3", step: "layer", outcome: "held", err: "i/o timeout"},
	{name: "S3 gateway policy without the starport bucket", patch: `[{"op":"add","path":"/endpoints/2/policy","value":
		{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}}]`,
		service: "s3", step: "layer", outcome: "denied", err: "AccessDenied: Access Denied"},
	{name: "S3 gateway policy with aws:PrincipalAccount", patch: `[{"op":"add","path":"/endpoints/2/policy","value":
		{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}}]`,
		service: "s3", step: "layer", outcome: "denied", err: "AccessDenied: Access Denied"},
	{name: "endpoint policy denies pulls", patch: denyPull,
		service: "ecr.dkr", step: "manifest", outcome: "denied", err: "with an explicit deny in a VPC endpoint policy"},
	{name: "endpoint policy allows another role only", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/other"},"Action":"*","Resource":"*"}]}}]`,
		service: "ecr.dkr", step: "manifest", outcome: "denied", err: "because no VPC endpoint policy allows the ecr:BatchGetImage action"},
	{name: "endpoint policy denies GetDownloadUrlForLayer", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"ecr:GetDownloadUrlForLayer","Resource":"*"}]}}]`,
		service: "ecr.dkr", step: "blob", outcome: "denied", err: "ecr:GetDownloadUrlForLayer"},
	{name: "endpoint policy denies PutImage: push fails", push: true, patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Resource":"*"}]}}]`,
		service: "ecr.dkr", step: "manifest", outcome: "denied", err: "ecr:PutImage"},
	{name: "endpoint policy denies PutImage: pull works", patch: `[{"op":"add","path":"/endpoints/1/policy","value":{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Resource":"*"}]}}]`},
	{name: "image in another region", ref: "111122223333.dkr.ecr.us-west-2.amazonaws.com/app:1",
		service: "ecr.api", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "dual-stack name in a private VPC", ref: "111122223333.dkr-ecr.us-east-1.on.aws/app:1",
		service: "ecr.dkr", step: "auth", outcome: "held", err: "i/o timeout"},
	{name: "repository policy on aws:SourceIp through an endpoint", patch: `[{"op":"add","path":"/repositories/0/policy","value":{"Statement":[
		{"Sid":"OfficeOnly","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}}]`,
		service: "ecr.dkr", step: "manifest", outcome: "denied", err: "with an explicit deny in a resource-based policy"},
	{name: "IPv4-only aws:SourceIp and an IPv6 client over an internet gateway", patch: `[{"op":"remove","path":"/endpoints/1"},
		{"op":"add","path":"/vpc/internet","value":"igw"},{"op":"add","path":"/client/ipv6","value":"2600:1f18:1234:5601::25"},
		{"op":"add","path":"/repositories/0/policy","value":{"Statement":[
		{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}}]`,
		ref: "111122223333.dkr-ecr.us-east-1.on.aws/app:1", service: "ecr.dkr", step: "manifest", outcome: "denied", err: "with an explicit deny in a resource-based policy"},
	{name: "NAT path and a repository policy requiring aws:SourceVpce", patch: `[{"op":"remove","path":"/endpoints/1"},
		{"op":"add","path":"/vpc/internet","value":"nat"},
		{"op":"add","path":"/repositories/0/policy","value":{"Statement":[
		{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0dkr"}}}]}}]`,
		service: "ecr.dkr", step: "manifest", outcome: "denied", err: "with an explicit deny in a resource-based policy"},
	{name: "GetAuthorizationToken restricted by aws:SourceVpce on Fargate", patch: `[
		{"op":"replace","path":"/client/kind","value":"fargate"},
		{"op":"add","path":"/identities","value":[{"accessKeyId":"AKIAECRLINKTEST","secretAccessKey":"secret",
		 "principal":"arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/task","policies":[{"Version":"2012-10-17","Statement":[
		 {"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0api"}}}]}]}]}]`,
		service: "ecr.api", step: "auth", outcome: "denied",
		err: "AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/task is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action"},
	{name: "cross-account with a repository policy", ref: "444455556666.dkr.ecr.us-east-1.amazonaws.com/shared:1"},
	{name: "cross-account without a repository policy", ref: "444455556666.dkr.ecr.us-east-1.amazonaws.com/shared:1",
		patch:   `[{"op":"remove","path":"/registries/1/repositories/0/policy"}]`,
		service: "ecr.dkr", step: "manifest", outcome: "denied", err: "because no resource-based policy allows the ecr:BatchGetImage action"},
	{name: "missing repository", ref: "111122223333.dkr.ecr.us-east-1.amazonaws.com/missing:1",
		differs: "live: 404 name unknown; explain assumes a repository the scenario does not name exists"},
	{name: "throttled auth", patch: `[{"op":"add","path":"/faults","value":[{"match":{"action":"ecr:GetAuthorizationToken"},"effect":"throttle"}]}]`,
		service: "ecr.api", step: "auth", outcome: "fault", err: "ThrottlingException: Rate exceeded"},
	{name: "reset layer download", patch: `[{"op":"add","path":"/faults","value":[{"match":{"service":"s3"},"effect":"reset"}]}]`,
		service: "s3", step: "layer", outcome: "fault", err: "read: connection reset by peer"},
	{name: "500 on the manifest", patch: `[{"op":"add","path":"/faults","value":[{"match":{"service":"ecr.dkr","action":"ecr:BatchGetImage"},"effect":"http-500"}]}]`,
		service: "ecr.dkr", step: "manifest", outcome: "fault", err: "UNKNOWN"},
	{name: "a fault after the first request", patch: `[{"op":"add","path":"/faults","value":[{"match":{"service":"s3"},"effect":"reset","after":1}]}]`},
	{name: "immutable tag overwritten", push: true, ref: "111122223333.dkr.ecr.us-east-1.amazonaws.com/locked:1",
		differs: "live: tag invalid; explain does not know which tags exist"},
}

func healthy(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/healthy.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func patched(t testing.TB, patch string) []byte {
	t.Helper()
	// The live table patches the scenario in force, as JSON.
	sc, err := scenario.Parse(healthy(t))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if patch == "" {
		return doc
	}
	p, err := jsonpatch.DecodePatch([]byte(patch))
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Apply(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func walk(t testing.TB, doc []byte, w netmodel.Walk) *netmodel.Trace {
	t.Helper()
	sc, err := scenario.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	m, err := netmodel.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Walk(w)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (tc walkCase) walk(t *testing.T) (netmodel.Walk, []byte) {
	r := tc.ref
	if r == "" {
		r = ref
	}
	img, err := awsname.ParseImage(r)
	if err != nil {
		t.Fatal(err)
	}
	w := netmodel.Walk{Image: img, Push: tc.push}
	if tc.logs {
		on := true
		w.AWSLogs = &on
	}
	return w, patched(t, tc.patch)
}

// TestWalkAgreesWithLive: each live catalogue case fails, walked, at the
// step the live journal records, with the journal's outcome and error.
func TestWalkAgreesWithLive(t *testing.T) {
	t.Parallel()
	for _, tc := range walkCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, doc := tc.walk(t)
			tr := walk(t, doc, w)
			h := tr.FailedHop()
			if tc.step == "" {
				if h != nil {
					t.Fatalf("the walk fails at %s %s: %s (%s; %s)", h.Step, h.Host, h.Error, h.Decision.Resolution, h.Decision.Reason)
				}
				return
			}
			if h == nil {
				t.Fatalf("the walk passes; live fails at %s", tc.step)
			}
			if h.Host.Service() != tc.service || string(h.Step) != tc.step || h.Outcome != tc.outcome || !strings.Contains(h.Error, tc.err) {
				t.Fatalf("fails at %s %s %s %q; live: %s %s %s %q", h.Host.Service(), h.Step, h.Outcome, h.Error, tc.service, tc.step, tc.outcome, tc.err)
			}
			if p := tr.Platform(); p.ID == "" || p.Text == "" {
				t.Errorf("no platform text for %+v", h)
			}
		})
	}
}

// TestFixMendsEveryCase: for every failing case the fix found applies to
// the scenario as JSON, parses, and makes the walk pass.
func TestFixMendsEveryCase(t *testing.T) {
	t.Parallel()
	for _, tc := range walkCases {
		if tc.step == "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, doc := tc.walk(t)
			sc, err := scenario.Parse(doc)
			if err != nil {
				t.Fatal(err)
			}
			canonical, err := sc.JSON()
			if err != nil {
				t.Fatal(err)
			}
			fix, err := netmodel.FindFix(canonical, w)
			if err != nil {
				t.Fatal(err)
			}
			if !fix.Passes || len(fix.Patch) == 0 || len(fix.Words) == 0 {
				t.Fatalf("fix %+v", fix)
			}
			mended, err := netmodel.ApplyPatch(canonical, fix.Patch)
			if err != nil {
				t.Fatalf("the patch %+v does not apply: %v", fix.Patch, err)
			}
			if tr := walk(t, mended, w); !tr.Passed() {
				t.Fatalf("after %v the walk fails at %+v", fix.Words, tr.FailedHop())
			}
		})
	}
}

// TestPresignerMatchesS3shim: the walk's layer hop acts as the principal
// the live bucket evaluates.
func TestPresignerMatchesS3shim(t *testing.T) {
	t.Parallel()
	w, doc := walkCase{}.walk(t)
	tr := walk(t, doc, w)
	for _, h := range tr.Hops {
		if h.Step == "layer" && h.Principal != s3shim.Principal("us-east-1") {
			t.Fatalf("layer principal %s, s3shim %s", h.Principal, s3shim.Principal("us-east-1"))
		}
	}
	if netmodel.PresignerAccount != s3shim.PresignerAccount {
		t.Fatal("presigner accounts differ")
	}
}
