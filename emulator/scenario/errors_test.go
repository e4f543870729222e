package scenario

import (
	"errors"
	"strings"
	"testing"
)

// edit returns base with old replaced by new, failing the test if old is
// not in base.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		doc  func(t *testing.T) string
		want Error
	}{
		// Decoding.
		{"syntax", func(*testing.T) string { return "account: '1111\n" }, Error{"", 1, "could not find end character of single-quoted text"}},
		{"empty", func(*testing.T) string { return "# nothing\n" }, Error{"", 0, "the scenario is empty; account, region, vpc, subnets and client are required"}},
		{"two documents", func(*testing.T) string { return base + "---\naccount: x\n" }, Error{"", 10, "a scenario is one YAML document; found 2"}},
		{"not a mapping", func(*testing.T) string { return "[1, 2]" }, Error{"", 1, "sequence was used where mapping is expected"}},
		{"unknown field", func(t *testing.T) string { return edit(t, "routeTable: rtb-a", "routeTabel: rtb-a") }, Error{"subnets[0].routeTabel", 5, `unknown field "routeTabel"`}},
		{"unknown top field", func(*testing.T) string { return base + "endpoint: []\n" }, Error{"endpoint", 9, `unknown field "endpoint"`}},
		{"wrong type", func(*testing.T) string { return base + "securityGroups2: 1\n" }, Error{"securityGroups2", 9, `unknown field "securityGroups2"`}},
		{"list for string", func(t *testing.T) string { return edit(t, "region: us-east-1", "region: [us-east-1]") }, Error{"region", 2, "want a string, got a list"}},
		{"bool type", func(*testing.T) string {
			return base + "endpoints:\n  - { id: vpce-1, service: ecr.api, privateDns: yes }\n"
		}, Error{"endpoints[0].privateDns", 10, "want a boolean (true or false), got a string"}},
		{"overflow", func(*testing.T) string {
			return base + "faults:\n  - { effect: timeout, after: 99999999999999999999 }\n"
		}, Error{"faults[0].after", 10, "number out of range: 99999999999999999999"}},
		{"bad duration", func(*testing.T) string { return base + "hold: 20 seconds\n" }, Error{"hold", 9, `not a duration: unknown unit " seconds" in duration "20 seconds"; want e.g. "20s" or "12h"`}},
		{"bad cidr", func(t *testing.T) string { return edit(t, "cidr: 10.0.0.0/16", "cidr: 10.0.0.0/33") }, Error{"vpc.cidr", 3, "not a CIDR block: 10.0.0.0/33"}},
		{"bad ip", func(t *testing.T) string { return edit(t, "ip: 10.0.1.25", "ip: 10.0.1") }, Error{"client.ip", 8, "not an IP address: 10.0.1"}},
		{"policy not mapping", func(*testing.T) string { return base + "registryPolicy: [1]\n" }, Error{"registryPolicy", 9, "a policy is a mapping, or a string holding a JSON policy document"}},
		{"split condition key", func(*testing.T) string {
			return base + "registryPolicy: {Statement: [{Condition: {StringEquals: {aws:SourceVpce: vpce-1}}}]}\n"
		}, Error{"registryPolicy.Statement[0].Condition.StringEquals.aws", 9, `quote a key holding ":" inside {…}, as in {"aws:SourceVpce": …}`}},
		{"alias bomb", func(*testing.T) string { return base + bomb() }, Error{"x6[0]", 15, "the document expands (through aliases) to more than 1048576 nodes"}},

		// Top level.
		{"account short", func(t *testing.T) string { return edit(t, `"111122223333"`, `"1111"`) }, Error{"account", 1, `"1111" is not a 12-digit account id (quote it, so YAML keeps leading zeros)`}},
		{"account missing", func(t *testing.T) string { return edit(t, "account: \"111122223333\"\n", "") }, Error{"account", 0, "required: the 12-digit account id"}},
		{"region bad", func(t *testing.T) string { return edit(t, "us-east-1", "US-East") }, Error{"region", 2, `"US-East" is not a region name such as us-east-1`}},
		{"hold zero", func(*testing.T) string { return base + "hold: 0s\n" }, Error{"hold", 9, "0s is out of range: want more than 0s and at most 15m"}},
		{"lifetime long", func(*testing.T) string { return base + "tokens: { lifetime: 13h }\n" }, Error{"tokens.lifetime", 9, "13h is out of range: want more than 0s and at most 12h"}},

		// VPC and subnets.
		{"vpc id", func(t *testing.T) string { return edit(t, "id: vpc-1", "id: vpc-") }, Error{"vpc.id", 3, `"vpc-" is not a vpc id (want vpc-…)`}},
		{"vpc cidr v6", func(t *testing.T) string { return edit(t, "cidr: 10.0.0.0/16", "cidr: 2600::/56") }, Error{"vpc.cidr", 3, "2600::/56 is not an IPv4 block"}},
		{"vpc cidr size", func(t *testing.T) string { return edit(t, "cidr: 10.0.0.0/16 }", "cidr: 10.0.0.0/8 }") }, Error{"vpc.cidr", 3, "a VPC's IPv4 block is /16 to /28, not /8"}},
		{"vpc cidr host bits", func(t *testing.T) string { return edit(t, "cidr: 10.0.0.0/16", "cidr: 10.0.0.1/16") }, Error{"vpc.cidr", 3, "10.0.0.1/16 is not a network address (did you mean 10.0.0.0/16?)"}},
		{"vpc ipv6 family", func(t *testing.T) string {
			return edit(t, "cidr: 10.0.0.0/16 }", "cidr: 10.0.0.0/16, ipv6Cidr: 10.1.0.0/16 }")
		}, Error{"vpc.ipv6Cidr", 3, "10.1.0.0/16 is not an IPv6 block"}},
		{"dns mode", func(t *testing.T) string { return edit(t, "cidr: 10.0.0.0/16 }", "cidr: 10.0.0.0/16, dns: route53 }") }, Error{"vpc.dns", 3, `"route53" is not one of amazon, custom-forwarding, custom-no-forwarding, custom-isolated`}},
		{"dns empty", func(t *testing.T) string { return edit(t, "cidr: 10.0.0.0/16 }", `cidr: 10.0.0.0/16, dns: "" }`) }, Error{"vpc.dns", 3, "required: one of amazon, custom-forwarding, custom-no-forwarding, custom-isolated"}},
		{"internet mode", func(t *testing.T) string { return edit(t, "cidr: 10.0.0.0/16 }", "cidr: 10.0.0.0/16, internet: yes }") }, Error{"vpc.internet", 3, `"yes" is not one of none, nat, igw`}},
		{"nat ip v6", func(t *testing.T) string {
			return edit(t, "cidr: 10.0.0.0/16 }", `cidr: 10.0.0.0/16, natIp: "2600::1" }`)
		}, Error{"vpc.natIp", 3, "2600::1 is not an IPv4 address"}},
		{"no subnets", func(t *testing.T) string {
			return edit(t, "subnets:\n  - { id: subnet-a, cidr: 10.0.1.0/24, routeTable: rtb-a }\n", "subnets: []\n")
		}, Error{"subnets", 4, "required: at least one subnet"}},
		{"subnet outside", func(t *testing.T) string { return edit(t, "cidr: 10.0.1.0/24", "cidr: 10.1.1.0/24") }, Error{"subnets[0].cidr", 5, "10.1.1.0/24 is not inside the VPC's 10.0.0.0/16"}},
		{"subnet id dup", func(t *testing.T) string {
			return edit(t, "routeTable: rtb-a }\n", "routeTable: rtb-a }\n  - { id: subnet-a, cidr: 10.0.2.0/24 }\n")
		}, Error{"subnets[1].id", 6, `duplicate subnet id "subnet-a" (first at subnets[0].id)`}},
		{"subnet overlap", func(t *testing.T) string {
			return edit(t, "routeTable: rtb-a }\n", "routeTable: rtb-a }\n  - { id: subnet-b, cidr: 10.0.1.128/25 }\n")
		}, Error{"subnets[1].cidr", 6, "10.0.1.128/25 overlaps 10.0.1.0/24 of subnet subnet-a"}},
		{"route table id", func(t *testing.T) string { return edit(t, "routeTable: rtb-a", "routeTable: main") }, Error{"subnets[0].routeTable", 5, `"main" is not a rtb id (want rtb-…)`}},

		// Security groups.
		{"sg id", func(t *testing.T) string { return edit(t, "  - id: sg-a\n", "  - id: subnet-x\n") }, Error{"securityGroups[0].id", 7, `"subnet-x" is not a sg id (want sg-…)`}},
		{"protocol", func(t *testing.T) string { return ingress(t, "{ protocol: icmp, cidr: 10.0.0.0/8 }") }, Error{"securityGroups[0].ingress[0].protocol", 9, `"icmp" is not one of tcp, udp, -1, all`}},
		{"port range", func(t *testing.T) string { return ingress(t, "{ protocol: tcp, port: 70000, cidr: 10.0.0.0/8 }") }, Error{"securityGroups[0].ingress[0].port", 9, "port 70000 is out of range 0-65535"}},
		{"port and from", func(t *testing.T) string {
			return ingress(t, "{ protocol: tcp, port: 443, fromPort: 443, toPort: 443, cidr: 10.0.0.0/8 }")
		}, Error{"securityGroups[0].ingress[0].port", 9, "port is shorthand for fromPort = toPort; give one or the other"}},
		{"from without to", func(t *testing.T) string { return ingress(t, "{ protocol: tcp, fromPort: 443, cidr: 10.0.0.0/8 }") }, Error{"securityGroups[0].ingress[0]", 9, "give fromPort and toPort together"}},
		{"no ports", func(t *testing.T) string { return ingress(t, "{ protocol: udp, cidr: 10.0.0.0/8 }") }, Error{"securityGroups[0].ingress[0]", 9, "protocol udp needs port, or fromPort and toPort"}},
		{"ports reversed", func(t *testing.T) string {
			return ingress(t, "{ protocol: tcp, fromPort: 444, toPort: 443, cidr: 10.0.0.0/8 }")
		}, Error{"securityGroups[0].ingress[0].toPort", 9, "toPort 443 is below fromPort 444"}},
		{"all with port", func(t *testing.T) string { return ingress(t, `{ protocol: "-1", port: 443, cidr: 10.0.0.0/8 }`) }, Error{"securityGroups[0].ingress[0].port", 9, "protocol -1 covers every port; leave port out"}},
		{"cidr and group", func(t *testing.T) string {
			return ingress(t, "{ protocol: tcp, port: 443, cidr: 10.0.0.0/8, sourceGroup: sg-a }")
		}, Error{"securityGroups[0].ingress[0]", 9, "give exactly one of cidr and sourceGroup"}},
		{"neither cidr nor group", func(t *testing.T) string { return ingress(t, "{ protocol: tcp, port: 443 }") }, Error{"securityGroups[0].ingress[0]", 9, "give exactly one of cidr and sourceGroup"}},
		{"unknown source group", func(t *testing.T) string { return ingress(t, "{ protocol: tcp, port: 443, sourceGroup: sg-nope }") }, Error{"securityGroups[0].ingress[0].sourceGroup", 9, `security group "sg-nope" is not in securityGroups`}},

		// Client.
		{"client kind", func(t *testing.T) string { return edit(t, "client: {", "client: { kind: lambda,") }, Error{"client.kind", 8, `"lambda" is not one of fargate, ecs-ec2, eks, docker`}},
		{"pv not fargate", func(t *testing.T) string { return edit(t, "client: {", "client: { kind: eks, platformVersion: 1.4.0,") }, Error{"client.platformVersion", 8, "platformVersion is for kind fargate only"}},
		{"pv format", func(t *testing.T) string {
			return edit(t, "client: {", "client: { kind: fargate, platformVersion: v1.4,")
		}, Error{"client.platformVersion", 8, `"v1.4" is not a platform version such as 1.4.0 or LATEST`}},
		{"client subnet missing", func(t *testing.T) string { return edit(t, "subnet: subnet-a,", "subnet: subnet-b,") }, Error{"client.subnet", 8, `subnet "subnet-b" is not in subnets`}},
		{"client ip outside", func(t *testing.T) string { return edit(t, "ip: 10.0.1.25", "ip: 10.0.2.25") }, Error{"client.ip", 8, "10.0.2.25 is not in subnet subnet-a (10.0.1.0/24)"}},
		{"client ip reserved", func(t *testing.T) string { return edit(t, "ip: 10.0.1.25", "ip: 10.0.1.2") }, Error{"client.ip", 8, "10.0.1.2 is reserved by AWS in 10.0.1.0/24 (the first four addresses and the last)"}},
		{"client ip broadcast", func(t *testing.T) string { return edit(t, "ip: 10.0.1.25", "ip: 10.0.1.255") }, Error{"client.ip", 8, "10.0.1.255 is reserved by AWS in 10.0.1.0/24 (the first four addresses and the last)"}},
		{"client ip missing", func(t *testing.T) string { return edit(t, ", ip: 10.0.1.25", "") }, Error{"client.ip", 8, "required: the client's IPv4 address in its subnet"}},
		{"client ipv6 no vpc v6", func(t *testing.T) string { return edit(t, "ip: 10.0.1.25", `ip: 10.0.1.25, ipv6: "2600::5"`) }, Error{"client.ipv6", 8, "the VPC has no ipv6Cidr"}},
		{"client sg", func(t *testing.T) string {
			return edit(t, "ip: 10.0.1.25", "ip: 10.0.1.25, securityGroups: [sg-a, sg-b]")
		}, Error{"client.securityGroups[1]", 8, `security group "sg-b" is not in securityGroups`}},

		// Endpoints.
		{"endpoint service", func(*testing.T) string { return endpoints("{ id: vpce-1, service: ecr }") }, Error{"endpoints[0].service", 10, `"ecr" is not one of ecr.api, ecr.dkr, s3, logs, ecs, ecs-agent, ecs-telemetry, sts, secretsmanager, ssm, kms`}},
		{"endpoint type", func(*testing.T) string { return endpoints("{ id: vpce-1, service: s3, type: gatewy }") }, Error{"endpoints[0].type", 10, `"gatewy" is not one of interface, gateway`}},
		{"gateway not s3", func(*testing.T) string {
			return endpoints("{ id: vpce-1, service: ecr.dkr, type: gateway, routeTables: [rtb-a] }")
		}, Error{"endpoints[0].type", 10, "only s3 has gateway endpoints here; ecr.dkr is interface only"}},
		{"gateway private dns", func(*testing.T) string {
			return endpoints("{ id: vpce-1, service: s3, type: gateway, privateDns: true, routeTables: [rtb-a] }")
		}, Error{"endpoints[0].privateDns", 10, "a gateway endpoint has no private DNS: it works through route tables"}},
		{"gateway no route tables", func(*testing.T) string { return endpoints("{ id: vpce-1, service: s3, type: gateway }") }, Error{"endpoints[0].routeTables", 10, "required: the route tables the gateway endpoint is associated with"}},
		{"gateway unknown route table", func(*testing.T) string {
			return endpoints("{ id: vpce-1, service: s3, type: gateway, routeTables: [rtb-x] }")
		}, Error{"endpoints[0].routeTables[0]", 10, `route table "rtb-x" is no subnet's routeTable`}},
		{"gateway security groups", func(*testing.T) string {
			return endpoints("{ id: vpce-1, service: s3, type: gateway, routeTables: [rtb-a], securityGroups: [sg-a] }")
		}, Error{"endpoints[0].securityGroups", 10, "a gateway endpoint has no security groups"}},
		{"interface route tables", func(*testing.T) string { return endpoints("{ id: vpce-1, service: ecr.api, routeTables: [rtb-a] }") }, Error{"endpoints[0].routeTables", 10, "an interface endpoint has no route tables (only gateway endpoints do)"}},
		{"endpoint sg", func(*testing.T) string { return endpoints("{ id: vpce-1, service: ecr.api, securityGroups: [sg-x] }") }, Error{"endpoints[0].securityGroups[0]", 10, `security group "sg-x" is not in securityGroups`}},
		{"endpoint region", func(*testing.T) string { return endpoints("{ id: vpce-1, service: ecr.api, region: mars }") }, Error{"endpoints[0].region", 10, `"mars" is not a region name such as us-east-1`}},
		{"endpoint id dup", func(*testing.T) string {
			return endpoints("{ id: vpce-1, service: ecr.api }", "{ id: vpce-1, service: ecr.dkr }")
		}, Error{"endpoints[1].id", 11, `duplicate endpoint id "vpce-1" (first at endpoints[0].id)`}},
		{"two private dns", func(*testing.T) string {
			return endpoints("{ id: vpce-1, service: ecr.api }", "{ id: vpce-2, service: ecr.api }")
		}, Error{"endpoints[1].privateDns", 11, `duplicate private DNS for "ecr.api in us-east-1" (first at endpoints[0].privateDns)`}},
		{"endpoint policy", func(*testing.T) string {
			return endpoints("{ id: vpce-1, service: ecr.dkr, policy: { Version: \"2012-10-17\", Statement: [{ Effect: Permit, Principal: \"*\", Action: \"*\", Resource: \"*\" }] } }")
		}, Error{"endpoints[0].policy.Statement[0].Effect", 10, "endpoint policy: The effect Permit is not valid. Use Allow or Deny."}},
		{"gateway policy principal", func(*testing.T) string {
			return endpoints(`{ id: vpce-1, service: s3, type: gateway, routeTables: [rtb-a], policy: { Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "*", Resource: "*" }] } }`)
		}, Error{"endpoints[0].policy.Statement[0].Principal", 10, "s3-gateway policy: For gateway endpoints, the Principal element must be set to *. To specify a principal, use the aws:PrincipalArn condition key."}},

		// Identities.
		{"access key missing", func(*testing.T) string {
			return identity("{ secretAccessKey: s, principal: \"arn:aws:iam::111122223333:user/ci\" }")
		}, Error{"identities[0].accessKeyId", 10, "required: an access key id such as AKIAIOSFODNN7EXAMPLE"}},
		{"access key dup", func(*testing.T) string {
			return identity("{ accessKeyId: AKIA1, secretAccessKey: s, principal: \"arn:aws:iam::111122223333:user/a\" }",
				"{ accessKeyId: AKIA1, secretAccessKey: s, principal: \"arn:aws:iam::111122223333:user/b\" }")
		}, Error{"identities[1].accessKeyId", 11, `duplicate access key id "AKIA1" (first at identities[0].accessKeyId)`}},
		{"secret missing", func(*testing.T) string {
			return identity("{ accessKeyId: AKIA1, principal: \"arn:aws:iam::111122223333:user/ci\" }")
		}, Error{"identities[0].secretAccessKey", 10, "required: the key's secret, used to verify SigV4 signatures"}},
		{"principal not arn", func(*testing.T) string {
			return identity("{ accessKeyId: AKIA1, secretAccessKey: s, principal: ci-user }")
		}, Error{"identities[0].principal", 10, `"ci-user" is not an IAM user, role, root or STS assumed-role ARN`}},
		{"principal other account", func(*testing.T) string {
			return identity("{ accessKeyId: AKIA1, secretAccessKey: s, principal: \"arn:aws:iam::999999999999:user/ci\" }")
		}, Error{"identities[0].principal", 10, `account "999999999999" is not served by this scenario (account or registries[].account)`}},
		{"principal partition", func(*testing.T) string {
			return identity("{ accessKeyId: AKIA1, secretAccessKey: s, principal: \"arn:aws-cn:iam::111122223333:user/ci\" }")
		}, Error{"identities[0].principal", 10, `partition "aws-cn" is not that of region us-east-1 (aws)`}},
		{"sts not session", func(*testing.T) string {
			return identity("{ accessKeyId: AKIA1, secretAccessKey: s, principal: \"arn:aws:sts::111122223333:role/x\" }")
		}, Error{"identities[0].principal", 10, "an STS principal is an assumed-role session: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION"}},
		{"identity policy principal", func(*testing.T) string {
			return identity(`{ accessKeyId: AKIA1, secretAccessKey: s, principal: "arn:aws:iam::111122223333:user/ci", policies: [{ Version: "2012-10-17", Statement: [{ Effect: Allow, Principal: "*", Action: "*", Resource: "*" }] }] }`)
		}, Error{"identities[0].policies[0].Statement[0].Principal", 10, "identity policy: Policy document should not specify a principal. (The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.)"}},
		{"identity policy string", func(*testing.T) string {
			return identity(`{ accessKeyId: AKIA1, secretAccessKey: s, principal: "arn:aws:iam::111122223333:user/ci", policies: ['{"Version": "2012-10-17"'] }`)
		}, Error{"identities[0].policies[0]", 10, "identity policy: Syntax errors in policy. (unexpected end of JSON input)"}},

		{"identity policy null", func(*testing.T) string {
			return identity(`{ accessKeyId: AKIA1, secretAccessKey: s, principal: "arn:aws:iam::111122223333:user/ci", policies: [null] }`)
		}, Error{"identities[0].policies[0]", 10, "a policy, not null"}},

		// Repositories and registries.
		{"repo name", func(*testing.T) string { return base + "repositories:\n  - { name: App }\n" }, Error{"repositories[0].name", 10, `"App" is not an ECR repository name (2-256 characters, lower case, /-separated)`}},
		{"repo name short", func(*testing.T) string { return base + "repositories:\n  - { name: a }\n" }, Error{"repositories[0].name", 10, `"a" is not an ECR repository name (2-256 characters, lower case, /-separated)`}},
		{"repo dup", func(*testing.T) string { return base + "repositories:\n  - { name: app }\n  - { name: app }\n" }, Error{"repositories[1].name", 11, `duplicate repository "app" (first at repositories[0].name)`}},
		{"mutability", func(*testing.T) string {
			return base + "repositories:\n  - { name: app, imageTagMutability: mutable }\n"
		}, Error{"repositories[0].imageTagMutability", 10, `"mutable" is not one of MUTABLE, IMMUTABLE`}},
		{"repo policy", func(*testing.T) string {
			return base + "repositories:\n  - name: app\n    policy:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Allow\n          Action: ecr:BatchGetImage\n"
		}, Error{"repositories[0].policy.Statement[0]", 14, "repository policy: Add a Principal element to the policy statement."}},
		{"registry is main", func(*testing.T) string {
			return base + "registries:\n  - { account: \"111122223333\", region: us-east-1 }\n"
		}, Error{"registries[0]", 10, `duplicate registry "111122223333 in us-east-1" (first at account and region)`}},
		{"registry dup", func(*testing.T) string {
			return base + "registries:\n  - { account: \"444455556666\", region: us-east-1 }\n  - { account: \"444455556666\", region: us-east-1 }\n"
		}, Error{"registries[1]", 11, `duplicate registry "444455556666 in us-east-1" (first at registries[0])`}},
		{"registry account", func(*testing.T) string { return base + "registries:\n  - { account: \"4444\", region: us-east-1 }\n" }, Error{"registries[0].account", 10, `"4444" is not a 12-digit account id (quote it, so YAML keeps leading zeros)`}},
		{"registry partition", func(*testing.T) string {
			return base + "registries:\n  - { account: \"444455556666\", region: cn-north-1 }\n"
		}, Error{"registries[0].region", 10, "cn-north-1 is not in the partition of us-east-1: no principal could reach it"}},
		{"registry policy", func(*testing.T) string { return base + "registryPolicy: { Version: \"2012-10-17\" }\n" }, Error{"registryPolicy.Statement", 9, "registry policy: Add a statement to the policy"}},

		// Faults.
		{"effect", func(*testing.T) string { return base + "faults:\n  - { effect: explode }\n" }, Error{"faults[0].effect", 10, `"explode" is not one of timeout, refuse, nxdomain, throttle, http-500, slow, reset`}},
		{"effect missing", func(*testing.T) string { return base + "faults:\n  - { after: 1 }\n" }, Error{"faults[0].effect", 10, "required: one of timeout, refuse, nxdomain, throttle, http-500, slow, reset"}},
		{"rate zero", func(*testing.T) string { return base + "faults:\n  - { effect: reset, rate: 0 }\n" }, Error{"faults[0].rate", 10, "rate 0 is out of range: want more than 0 and at most 1"}},
		{"rate above one", func(*testing.T) string { return base + "faults:\n  - { effect: reset, rate: 1.5 }\n" }, Error{"faults[0].rate", 10, "rate 1.5 is out of range: want more than 0 and at most 1"}},
		{"after negative", func(*testing.T) string { return base + "faults:\n  - { effect: reset, after: -1 }\n" }, Error{"faults[0].after", 10, "after is a count of requests: 0 or more, not -1"}},
		{"slow needs rate", func(*testing.T) string { return base + "faults:\n  - { effect: slow }\n" }, Error{"faults[0].bytesPerSecond", 10, "effect slow needs bytesPerSecond greater than 0"}},
		{"bytes not slow", func(*testing.T) string { return base + "faults:\n  - { effect: timeout, bytesPerSecond: 10 }\n" }, Error{"faults[0].bytesPerSecond", 10, "bytesPerSecond is for effect slow only"}},
		{"match service", func(*testing.T) string { return base + "faults:\n  - { effect: reset, match: { service: docker } }\n" }, Error{"faults[0].match.service", 10, `"docker" is not one of ecr.api, ecr.dkr, s3, logs, ecs, ecs-agent, ecs-telemetry, sts, secretsmanager, ssm, kms`}},
		{"match action", func(*testing.T) string {
			return base + "faults:\n  - { effect: reset, match: { action: GetAuthorizationToken } }\n"
		}, Error{"faults[0].match.action", 10, `"GetAuthorizationToken" is not an action such as ecr:GetAuthorizationToken`}},
		{"match host", func(*testing.T) string {
			return base + "faults:\n  - { effect: reset, match: { host: \"https://x\" } }\n"
		}, Error{"faults[0].match.host", 10, `"https://x" is not a host name`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc(t)))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want Errors", err)
			}
			if len(errs) == 0 {
				t.Fatal("no findings")
			}
			if *errs[0] != tc.want {
				t.Fatalf("got  %#v\nwant %#v", *errs[0], tc.want)
			}
		})
	}
}

// ingress gives base's sg-a one ingress rule, on line 9.
func ingress(t *testing.T, rule string) string {
	t.Helper()
	return edit(t, "  - id: sg-a\n", "  - id: sg-a\n    ingress:\n      - "+rule+"\n")
}

// endpoints appends endpoints to base, the first on line 10.
func endpoints(es ...string) string {
	return base + "endpoints:\n  - " + strings.Join(es, "\n  - ") + "\n"
}

// identity appends identities to base, the first on line 10.
func identity(ids ...string) string {
	return base + "identities:\n  - " + strings.Join(ids, "\n  - ") + "\n"
}

// bomb is a "billion laughs" document fragment.
func bomb() string {
	var b strings.Builder
	b.WriteString("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("x" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// TestPrescan: nesting that would cost go-yaml's parser seconds is refused
// before it runs.
func TestPrescan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, doc string
		want      Error
	}{
		{"brackets", base + "x: " + strings.Repeat("[", 100000), Error{"", 9, "nested deeper than 32 levels"}},
		{"dashes", strings.Repeat("- ", 100000), Error{"", 1, "indented deeper than 128 columns"}},
		{"indent", base + "x:\n" + strings.Repeat(" ", 129) + "y: 1\n", Error{"", 10, "indented deeper than 128 columns"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc))
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 || *errs[0] != tc.want {
				t.Fatalf("got %v, want %v", err, &tc.want)
			}
		})
	}
}

func TestMaxSize(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte(base + "#" + strings.Repeat("x", MaxSize)))
	var errs Errors
	if !errors.As(err, &errs) || errs[0].Message != "the scenario is larger than 1048576 bytes" {
		t.Fatalf("got %v", err)
	}
}
