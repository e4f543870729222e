package scenario

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// base is the smallest valid scenario; the tests edit or extend it. Lines
// added by a test start at line 9.
const base = `account: "111122223333"
region: us-east-1
vpc: { id: vpc-1, cidr: 10.0.0.0/16 }
subnets:
  - { id: subnet-a, cidr: 10.0.1.0/24, routeTable: rtb-a }
securityGroups:
  - id: sg-a
client: { subnet: subnet-a, ip: 10.0.1.25 }
`

func mustParse(t *testing.T, doc string) *Scenario {
	t.Helper()
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func examples(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

func TestExamplesRoundTrip(t *testing.T) {
	t.Parallel()
	for name, doc := range examples(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := mustParse(t, string(doc))
			assertRoundTrip(t, s)
		})
	}
}

// assertRoundTrip checks Parse(JSON(s)) == s and that JSON is stable.
func assertRoundTrip(t *testing.T, s *Scenario) {
	t.Helper()
	out, err := s.JSON()
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	again, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(JSON(s)): %v\n%s", err, out)
	}
	if !reflect.DeepEqual(s, again) {
		t.Fatalf("Parse(JSON(s)) differs from s:\n got %#v\nwant %#v", again, s)
	}
	out2, _ := again.JSON()
	if string(out) != string(out2) {
		t.Fatalf("JSON not stable:\n%s\n%s", out, out2)
	}
	// encoding/json escapes <, > and & in policies; the value is the same.
	plain, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if again, err := Parse(plain); err != nil || !reflect.DeepEqual(s, again) {
		t.Fatalf("Parse(json.Marshal(s)) differs (%v):\n%s", err, plain)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	s := mustParse(t, base+`endpoints:
  - { id: vpce-1, service: ecr.api }
  - { id: vpce-2, service: s3, type: gateway, routeTables: [rtb-a] }
  - { id: vpce-3, service: ecr.dkr, privateDns: false, region: us-west-2 }
faults:
  - { effect: timeout }
repositories:
  - { name: app }
`)
	checks := []struct {
		name      string
		got, want any
	}{
		{"hold", time.Duration(s.Hold), 20 * time.Second},
		{"tokens.lifetime", time.Duration(s.Tokens.Lifetime), 12 * time.Hour},
		{"vpc.dns", s.VPC.DNS, "amazon"},
		{"vpc.internet", s.VPC.Internet, "none"},
		{"client.kind", s.Client.Kind, "docker"},
		{"client.platformVersion", s.Client.PlatformVersion, ""},
		{"endpoints[0].type", s.Endpoints[0].Type, "interface"},
		{"endpoints[0].region", s.Endpoints[0].Region, "us-east-1"},
		{"endpoints[0].privateDns", s.Endpoints[0].PrivateDNS, true},
		{"endpoints[1].privateDns", s.Endpoints[1].PrivateDNS, false},
		{"endpoints[2].privateDns", s.Endpoints[2].PrivateDNS, false},
		{"endpoints[2].region", s.Endpoints[2].Region, "us-west-2"},
		{"faults[0].rate", s.Faults[0].Rate, 1.0},
		{"repositories[0].imageTagMutability", s.Repositories[0].ImageTagMutability, "MUTABLE"},
		{"identities", len(s.Identities), 0},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	f := mustParse(t, strings.Replace(base, "client: {", "client: { kind: fargate,", 1))
	if f.Client.PlatformVersion != "LATEST" {
		t.Errorf("fargate platformVersion = %q, want LATEST", f.Client.PlatformVersion)
	}
	assertRoundTrip(t, s)
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	s := mustParse(t, strings.Replace(base, "  - id: sg-a\n", `  - id: sg-a
  - id: sg-b
    ingress:
      - { protocol: tcp, port: 443, sourceGroup: sg-a }
      - { protocol: all, cidr: 10.0.0.0/8 }
      - { protocol: udp, fromPort: 53, toPort: 53, cidr: "::/0" }
`, 1))
	got := s.SecurityGroups[1].Ingress
	want := []IngressRule{
		{Protocol: "tcp", FromPort: 443, ToPort: 443, SourceGroup: "sg-a"},
		{Protocol: "-1", FromPort: 0, ToPort: 65535, CIDR: got[1].CIDR},
		{Protocol: "udp", FromPort: 53, ToPort: 53, CIDR: got[2].CIDR},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rules = %+v, want %+v", got, want)
	}
	assertRoundTrip(t, s)
}

// TestPolicyForms: a policy written as YAML, as JSON and as a string holding
// JSON is the same canonical JSON text.
func TestPolicyForms(t *testing.T) {
	t.Parallel()
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}]}`
	forms := map[string]string{
		"yaml": `
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: ecr:*
          Resource: "*"
          Condition:
            NumericLessThan: { "aws:MultiFactorAuthAge": 3600 }`,
		"json":   " " + want,
		"string": " '" + strings.ReplaceAll(want, `,"`, `, "`) + "'",
		"block":  " |\n      " + want,
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := mustParse(t, base+"endpoints:\n  - id: vpce-1\n    service: ecr.dkr\n    policy:"+form+"\n")
			if got := string(s.Endpoints[0].Policy); got != want {
				t.Fatalf("policy = %s\nwant     %s", got, want)
			}
			assertRoundTrip(t, s)
		})
	}
}

func TestErrorsJSONShape(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte(strings.Replace(base, "vpc-1", "subnet-1", 1)))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("err = %v, want one finding in Errors", err)
	}
	var one *Error
	if !errors.As(err, &one) || one.Path != "vpc.id" {
		t.Fatalf("errors.As(*Error) = %v", one)
	}
	if got, want := err.Error(), `line 3: vpc.id: "subnet-1" is not a vpc id (want vpc-…)`; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestTooManyErrors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(base + "repositories:\n")
	for range 300 {
		b.WriteString("  - { name: X }\n")
	}
	_, err := Parse([]byte(b.String()))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != maxErrors+1 {
		t.Fatalf("got %d findings, want %d", len(errs), maxErrors+1)
	}
}

// TestHTMLInPolicy: characters encoding/json escapes survive the round trip.
func TestHTMLInPolicy(t *testing.T) {
	t.Parallel()
	s := mustParse(t, base+`registryPolicy:
  Version: "2012-10-17"
  Statement:
    - Sid: a
      Effect: Allow
      Principal: "*"
      Action: ecr:ReplicateImage
      Resource: "*"
      Condition: { StringLike: { "aws:userid": "<a&b>*" } }
`)
	if !strings.Contains(string(s.RegistryPolicy), `"<a&b>*"`) {
		t.Fatalf("policy = %s", s.RegistryPolicy)
	}
	assertRoundTrip(t, s)
}
