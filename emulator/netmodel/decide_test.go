package netmodel

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// healthy is a Fargate task in a private subnet with every endpoint a
// pull needs (ECR-FACTS §6).
const healthy = `
account: "111122223333"
region: us-east-1
vpc: { id: vpc-0app, cidr: 10.0.0.0/16 }
subnets:
  - { id: subnet-a, cidr: 10.0.1.0/24, routeTable: rtb-a }
  - { id: subnet-b, cidr: 10.0.2.0/24, routeTable: rtb-b }
securityGroups:
  - id: sg-endpoints
    ingress: [{ protocol: tcp, port: 443, cidr: 10.0.0.0/16 }]
  - id: sg-task
endpoints:
  - { id: vpce-0api, service: ecr.api, securityGroups: [sg-endpoints] }
  - { id: vpce-0dkr, service: ecr.dkr, securityGroups: [sg-endpoints] }
  - { id: vpce-0s3, service: s3, type: gateway, routeTables: [rtb-a] }
  - { id: vpce-0logs, service: logs, securityGroups: [sg-endpoints] }
client: { kind: fargate, platformVersion: 1.4.0, subnet: subnet-a, ip: 10.0.1.25, securityGroups: [sg-task] }
`

func model(t *testing.T, doc string, edit func(*scenario.Scenario)) *Model {
	t.Helper()
	s, err := scenario.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	if edit != nil {
		edit(s)
	}
	m, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func without(id string) func(*scenario.Scenario) {
	return func(s *scenario.Scenario) {
		for i, e := range s.Endpoints {
			if e.ID == id {
				s.Endpoints = append(s.Endpoints[:i], s.Endpoints[i+1:]...)
				return
			}
		}
	}
}

func withEndpoint(id string, f func(*scenario.Endpoint)) func(*scenario.Scenario) {
	return func(s *scenario.Scenario) {
		for i := range s.Endpoints {
			if s.Endpoints[i].ID == id {
				f(&s.Endpoints[i])
			}
		}
	}
}

func all(fs ...func(*scenario.Scenario)) func(*scenario.Scenario) {
	return func(s *scenario.Scenario) {
		for _, f := range fs {
			f(s)
		}
	}
}

const (
	dkr      = "111122223333.dkr.ecr.us-east-1.amazonaws.com"
	api      = "api.ecr.us-east-1.amazonaws.com"
	starport = "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"
	logs     = "logs.us-east-1.amazonaws.com"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*scenario.Scenario)
		host     string
		step     reqinfo.Step
		action   string
		resolved Resolved
		outcome  Outcome
		via      string
		endpoint string
		why      string            // in the resolution or the reason
		keys     map[string]string // condition keys set ("" = absent)
		err      string            // Error's prefix
	}{
		{name: "healthy manifest", host: dkr, step: reqinfo.StepManifest, resolved: Private, outcome: Reachable, via: ViaEndpoint, endpoint: "vpce-0dkr",
			keys: map[string]string{"aws:SourceVpce": "vpce-0dkr", "aws:SourceVpc": "vpc-0app", "aws:VpcSourceIp": "10.0.1.25", "aws:SourceIp": "",
				"aws:SecureTransport": "true", "aws:RequestedRegion": "us-east-1"}},
		{name: "healthy layer through the gateway", host: starport, step: reqinfo.StepLayer, resolved: Public, outcome: Reachable, via: ViaEndpoint, endpoint: "vpce-0s3",
			keys: map[string]string{"aws:SourceVpce": "vpce-0s3"}},
		{name: "healthy auth on Fargate 1.4.0 carries no SourceVpc", host: api, step: reqinfo.StepAuth, action: "ecr:GetAuthorizationToken",
			resolved: Private, outcome: Reachable, via: ViaEndpoint, endpoint: "vpce-0api",
			keys: map[string]string{"aws:SourceVpce": "", "aws:SourceVpc": "", "aws:VpcSourceIp": "10.0.1.25"}},
		{name: "ecr.api missing on Fargate 1.4.0", edit: without("vpce-0api"), host: api, step: reqinfo.StepAuth, action: "ecr:GetAuthorizationToken",
			resolved: Public, outcome: NoRoute, via: ViaBlocked, why: "no interface endpoint for com.amazonaws.us-east-1.ecr.api", err: "dial tcp 52.94."},
		{name: "ecr.api missing on Fargate 1.3.0", edit: all(without("vpce-0api"), func(s *scenario.Scenario) { s.Client.PlatformVersion = "1.3.0" }),
			host: api, step: reqinfo.StepAuth, action: "ecr:GetAuthorizationToken", resolved: Public, outcome: Reachable, via: ViaFargate},
		{name: "ecr.api missing on ECS on EC2", edit: all(without("vpce-0api"), func(s *scenario.Scenario) { s.Client.Kind = "ecs-ec2" }),
			host: api, step: reqinfo.StepAuth, action: "ecr:GetAuthorizationToken", resolved: Public, outcome: NoRoute, via: ViaBlocked},
		{name: "security group without 443", edit: func(s *scenario.Scenario) {
			s.SecurityGroups[0].Ingress[0].FromPort, s.SecurityGroups[0].Ingress[0].ToPort = 80, 80
		},
			host: dkr, step: reqinfo.StepManifest, resolved: Private, outcome: NoRoute, via: ViaBlocked, why: "no ingress rule of sg-endpoints", err: "dial tcp 10.0.1."},
		{name: "endpoint on the VPC default group", edit: withEndpoint("vpce-0dkr", func(e *scenario.Endpoint) { e.SecurityGroups = nil }),
			host: dkr, step: reqinfo.StepManifest, resolved: Private, outcome: NoRoute, why: "admits only its own members"},
		{name: "endpoint and client on the default group", edit: all(withEndpoint("vpce-0dkr", func(e *scenario.Endpoint) { e.SecurityGroups = nil }),
			func(s *scenario.Scenario) { s.Client.SecurityGroups = nil }), host: dkr, step: reqinfo.StepManifest, resolved: Private, outcome: Reachable},
		{name: "source group rule", edit: func(s *scenario.Scenario) {
			s.SecurityGroups[0].Ingress[0].CIDR = scenario.Prefix{}
			s.SecurityGroups[0].Ingress[0].SourceGroup = "sg-task"
		}, host: dkr, step: reqinfo.StepManifest, resolved: Private, outcome: Reachable},
		{name: "ecr.dkr missing", edit: without("vpce-0dkr"), host: dkr, step: reqinfo.StepManifest, resolved: Public, outcome: NoRoute},
		{name: "ecr.dkr with private DNS off", edit: withEndpoint("vpce-0dkr", func(e *scenario.Endpoint) { e.PrivateDNS = false }),
			host: dkr, step: reqinfo.StepManifest, resolved: Public, outcome: NoRoute, why: "has private DNS off"},
		{name: "custom DNS forwarding", edit: func(s *scenario.Scenario) { s.VPC.DNS = "custom-forwarding" }, host: dkr, step: reqinfo.StepManifest,
			resolved: Private, outcome: Reachable},
		{name: "custom DNS without forwarding", edit: func(s *scenario.Scenario) { s.VPC.DNS = "custom-no-forwarding" }, host: dkr, step: reqinfo.StepManifest,
			resolved: Public, outcome: NoRoute, why: "custom-no-forwarding"},
		{name: "custom DNS without forwarding keeps the S3 gateway", edit: func(s *scenario.Scenario) { s.VPC.DNS = "custom-no-forwarding" }, host: starport,
			step: reqinfo.StepLayer, resolved: Public, outcome: Reachable, endpoint: "vpce-0s3"},
		{name: "custom DNS isolated", edit: func(s *scenario.Scenario) { s.VPC.DNS = "custom-isolated" }, host: dkr, step: reqinfo.StepManifest,
			resolved: NoSuchHost, outcome: Unresolved, err: "dial tcp: lookup " + dkr + ": no such host"},
		{name: "S3 gateway missing", edit: without("vpce-0s3"), host: starport, step: reqinfo.StepLayer, resolved: Public, outcome: NoRoute, err: "dial tcp 52.21"},
		{name: "S3 gateway on another route table", edit: withEndpoint("vpce-0s3", func(e *scenario.Endpoint) { e.RouteTables = []string{"rtb-b"} }),
			host: starport, step: reqinfo.StepLayer, resolved: Public, outcome: NoRoute},
		{name: "image in another region", host: "111122223333.dkr.ecr.us-west-2.amazonaws.com", step: reqinfo.StepManifest, resolved: Public, outcome: NoRoute,
			why: "do not serve another region"},
		{name: "endpoint of another region", edit: withEndpoint("vpce-0dkr", func(e *scenario.Endpoint) { e.Region = "us-west-2" }), host: dkr,
			step: reqinfo.StepManifest, resolved: Public, outcome: NoRoute},
		{name: "dual-stack name in a private VPC", host: "111122223333.dkr-ecr.us-east-1.on.aws", step: reqinfo.StepManifest, resolved: Public, outcome: NoRoute,
			why: "dual-stack"},
		{name: "vpce-specific name", edit: withEndpoint("vpce-0dkr", func(e *scenario.Endpoint) { e.ID, e.PrivateDNS = "vpce-0123456789abcdef0", false }),
			host: "vpce-0123456789abcdef0-abcdefgh.dkr.ecr.us-east-1.vpce.amazonaws.com", step: reqinfo.StepManifest},
		{name: "awslogs without a logs endpoint", edit: without("vpce-0logs"), host: logs, step: reqinfo.StepLogs, resolved: Public, outcome: NoRoute},
		{name: "NAT gives the internet and aws:SourceIp", edit: all(without("vpce-0dkr"), func(s *scenario.Scenario) { s.VPC.Internet = "nat" }),
			host: dkr, step: reqinfo.StepManifest, resolved: Public, outcome: Reachable, via: ViaInternet,
			keys: map[string]string{"aws:SourceIp": "198.51.100.7", "aws:SourceVpce": "", "aws:VpcSourceIp": ""}},
		{name: "IPv6 over an internet gateway on a dual-stack name", edit: func(s *scenario.Scenario) {
			s.VPC.Internet = "igw"
			s.Client.IPv6 = scenario.Addr{Addr: mustAddr("2600:1f18:1234:5601::25")}
		}, host: "111122223333.dkr-ecr.us-east-1.on.aws", step: reqinfo.StepManifest, resolved: Public, outcome: Reachable, via: ViaInternet,
			keys: map[string]string{"aws:SourceIp": "2600:1f18:1234:5601::25"}},
		{name: "not an AWS name", host: "registry.example.com", step: reqinfo.StepManifest, resolved: NoSuchHost, outcome: Unresolved},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := model(t, healthy, tc.edit)
			d := m.Decide(Hop{Host: awsname.ParseHost(tc.host), Step: tc.step, Action: tc.action})
			if tc.name == "vpce-specific name" {
				if d.Resolved != Private || d.Endpoint != "vpce-0123456789abcdef0" || d.Outcome != Reachable {
					t.Fatalf("%+v", d)
				}
				return
			}
			if d.Resolved != tc.resolved || d.Outcome != tc.outcome {
				t.Fatalf("resolved %v, outcome %v; want %v, %v\n%+v", d.Resolved, d.Outcome, tc.resolved, tc.outcome, d)
			}
			if tc.via != "" && d.Via != tc.via {
				t.Errorf("via %q, want %q", d.Via, tc.via)
			}
			if tc.endpoint != "" && d.Endpoint != tc.endpoint {
				t.Errorf("endpoint %q, want %q", d.Endpoint, tc.endpoint)
			}
			if tc.why != "" && !strings.Contains(d.Resolution+" / "+d.Reason, tc.why) {
				t.Errorf("resolution %q / reason %q do not say %q", d.Resolution, d.Reason, tc.why)
			}
			if !strings.HasPrefix(d.Error, tc.err) || (tc.outcome == Reachable) != (d.Error == "") {
				t.Errorf("error %q, want %q…", d.Error, tc.err)
			}
			if (d.Caller != nil) != (d.Outcome == Reachable) {
				t.Errorf("caller %v with outcome %v", d.Caller, d.Outcome)
			}
			for k, want := range tc.keys {
				got, _ := d.Caller.Context.Get(k)
				if (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
