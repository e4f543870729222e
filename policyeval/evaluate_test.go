package policyeval

import "testing"

// evalRow is one request against a set of policies, with the expected
// decision, the policy type named, and (when given) AWS's message.
type evalRow struct {
	name      string
	identity  []string
	repo      string
	registry  string
	endpoint  []string
	gateway   bool   // parse endpoint policies as S3 gateway policies
	principal string // "" means sessionR; "-" means anonymous
	action    string // "" means ecr:BatchGetImage
	resource  string // "" means repoApp
	account   string // Request.ResourceAccount
	ctx       [][]string
	want      Effect
	deniedBy  PolicyType
	msg       string // exact AccessDenied text; "" to skip
}

func (r *evalRow) request() *Request {
	req := &Request{Principal: r.principal, Action: r.action, Resource: r.resource, ResourceAccount: r.account, Context: ctxOf(r.ctx)}
	switch req.Principal {
	case "":
		req.Principal = sessionR
	case "-":
		req.Principal = ""
	}
	if req.Action == "" {
		req.Action = "ecr:BatchGetImage"
	}
	if req.Resource == "" {
		req.Resource = repoApp
	}
	return req
}

func (r *evalRow) set(t *testing.T) *Set {
	s := &Set{}
	for _, d := range r.identity {
		s.Identity = append(s.Identity, mustParse(t, d, KindIdentity))
	}
	if r.repo != "" {
		s.Resource = mustParse(t, r.repo, KindRepository)
	}
	if r.registry != "" {
		s.Registry = mustParse(t, r.registry, KindRegistry)
	}
	kind := KindEndpoint
	if r.gateway {
		kind = KindS3Gateway
	}
	for _, d := range r.endpoint {
		s.Endpoint = append(s.Endpoint, mustParse(t, d, kind))
	}
	return s
}

func runEvalRows(t *testing.T, rows []evalRow) {
	t.Helper()
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := tc.request()
			d := Evaluate(req, tc.set(t))
			if d.Effect != tc.want || d.DeniedBy != tc.deniedBy {
				t.Errorf("Evaluate = %v by %q, want %v by %q; matched %+v", d.Effect, d.DeniedBy, tc.want, tc.deniedBy, d.Matched())
			}
			if tc.msg != "" {
				if got := d.Message(req); got != tc.msg {
					t.Errorf("Message:\n got %s\nwant %s", got, tc.msg)
				}
			}
			if tc.want == Allowed && d.Message(req) != "" {
				t.Errorf("Message of an allowed request = %q, want empty", d.Message(req))
			}
		})
	}
}

var (
	idAllowECR    = doc(st(allow(), act("ecr:*"), res("*")))
	idAllowPull   = doc(st(sid("Pull"), allow(), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"), res(repoApp)))
	idAllowToken  = doc(st(allow(), act("ecr:GetAuthorizationToken"), res("*")))
	epDefault     = defaultEndpointDocument
	viaVpce1      = [][]string{{"aws:SourceVpce", "vpce-1"}}
	viaVpce2      = [][]string{{"aws:SourceVpce", "vpce-2"}}
	repoAllowRole = doc(st(sid("AllowR"), allow(), aws(roleR), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")))
)

// TestSeedCases holds POLICY-FACTS §10's ten seed cases.
func TestSeedCases(t *testing.T) {
	t.Parallel()
	epTokenOnly := doc(st(allow(), anyone(), act("ecr:GetAuthorizationToken"), res("*")))
	epDenyPut := doc(st(sid("All"), allow(), anyone(), act("*"), res("*")), st(sid("NoPush"), deny(), anyone(), act("ecr:PutImage"), res(repoApp)))
	repoIPDeny := doc(st(sid("IPAllow"), deny(), anyone(), act("ecr:*"), cond(`{"NotIpAddress": {"aws:SourceIp": "54.240.143.0/24"}}`)))
	repoIPDenyIfExists := doc(st(deny(), anyone(), act("ecr:*"), cond(`{"NotIpAddressIfExists": {"aws:SourceIp": "54.240.143.0/24"}}`)))
	repoIPDenyDirectOnly := doc(st(deny(), anyone(), act("ecr:*"), cond(`{"NotIpAddressIfExists": {"aws:SourceIp": "54.240.143.0/24"}, "Null": {"aws:SourceVpce": "true"}}`)))
	repoVpceOnly := doc(st(sid("ViaVpce1"), allow(), aws(roleB), act("ecr:BatchGetImage"), cond(`{"StringEquals": {"aws:SourceVpce": "vpce-1"}}`)))
	repoAccountOnly := doc(st(allow(), aws(acctA), act("ecr:BatchGetImage")))
	repoToken := doc(st(allow(), anyone(), act("ecr:GetAuthorizationToken")))
	idNullDeny := doc(st(allow(), act("ecr:*"), res("*")), st(sid("OnlyViaEndpoint"), deny(), act("ecr:*"), res("*"), cond(`{"Null": {"aws:SourceVpce": "true"}}`)))
	gwOrgOnly := doc(st(allow(), anyone(), act("s3:GetObject"), res("arn:aws:s3:::*"), cond(`{"StringEquals": {"aws:PrincipalOrgID": "o-customer"}}`)))
	idDenyPull := doc(st(allow(), act("ecr:*"), res("*")), st(deny(), act("ecr:BatchGetImage"), res("*")))

	runEvalRows(t, []evalRow{
		{name: "1 endpoint allows only the token: pull denied", identity: []string{idAllowECR}, endpoint: []string{epTokenOnly}, ctx: viaVpce1,
			want: ImplicitlyDenied, deniedBy: PolicyEndpoint,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app because no VPC endpoint policy allows the ecr:BatchGetImage action"},
		{name: "1 endpoint allows only the token: token allowed", identity: []string{idAllowECR}, endpoint: []string{epTokenOnly}, ctx: viaVpce1,
			action: "ecr:GetAuthorizationToken", resource: "*", want: Allowed},
		{name: "2 endpoint denies PutImage", identity: []string{idAllowECR}, endpoint: []string{epDenyPut}, ctx: viaVpce1, action: "ecr:PutImage",
			want: ExplicitlyDenied, deniedBy: PolicyEndpoint,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app with an explicit deny in a VPC endpoint policy"},
		{name: "2 endpoint denies PutImage: layers pass", identity: []string{idAllowECR}, endpoint: []string{epDenyPut}, ctx: viaVpce1, action: "ecr:GetDownloadUrlForLayer", want: Allowed},
		{name: "2 endpoint denies PutImage: upload passes", identity: []string{idAllowECR}, endpoint: []string{epDenyPut}, ctx: viaVpce1, action: "ecr:UploadLayerPart", want: Allowed},
		{name: "3 NotIpAddress deny hits requests through an endpoint", identity: []string{idAllowECR}, repo: repoIPDeny, endpoint: []string{epDefault}, ctx: viaVpce1,
			want: ExplicitlyDenied, deniedBy: PolicyResource,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app with an explicit deny in a resource-based policy"},
		// POLICY-FACTS §10 seed 3 expects "not denied" here, but §4's
		// verified rule says an absent key makes an IfExists condition true,
		// "the request is still denied even if the tag is missing" for Deny
		// with a negated operator: the verified rule wins.
		{name: "3 NotIpAddressIfExists still denies requests through an endpoint", identity: []string{idAllowECR}, repo: repoIPDenyIfExists, endpoint: []string{epDefault}, ctx: viaVpce1, want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "3 NotIpAddressIfExists with a Null guard spares endpoint requests", identity: []string{idAllowECR}, repo: repoIPDenyDirectOnly, endpoint: []string{epDefault}, ctx: viaVpce1, want: Allowed},
		{name: "3 NotIpAddressIfExists with a Null guard denies other networks", identity: []string{idAllowECR}, repo: repoIPDenyDirectOnly, ctx: [][]string{{"aws:SourceIp", "198.51.100.7"}}, want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "3 NotIpAddress allows the listed network directly", identity: []string{idAllowECR}, repo: repoIPDeny, ctx: [][]string{{"aws:SourceIp", "54.240.143.7"}}, want: Allowed},
		{name: "3 NotIpAddress denies other networks directly", identity: []string{idAllowECR}, repo: repoIPDeny, ctx: [][]string{{"aws:SourceIp", "198.51.100.7"}}, want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "4 cross account via vpce-1 allowed", principal: sessionB, identity: []string{idAllowECR}, repo: repoVpceOnly, endpoint: []string{epDefault}, ctx: viaVpce1, want: Allowed},
		{name: "4 cross account via vpce-2 denied", principal: sessionB, identity: []string{idAllowECR}, repo: repoVpceOnly, endpoint: []string{epDefault}, ctx: viaVpce2,
			want: ImplicitlyDenied, deniedBy: PolicyResource,
			msg: "User: arn:aws:sts::222222222222:assumed-role/ci/job-7 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app because no resource-based policy allows the ecr:BatchGetImage action"},
		{name: "4 cross account directly denied", principal: sessionB, identity: []string{idAllowECR}, repo: repoVpceOnly, want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "5 repository names the role: allowed without identity policy", repo: repoAllowRole, want: Allowed},
		{name: "5 repository names only the account: identity must allow", repo: repoAccountOnly,
			want: ImplicitlyDenied, deniedBy: PolicyIdentity,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app because no identity-based policy allows the ecr:BatchGetImage action"},
		{name: "5 repository names the account and identity allows", repo: repoAccountOnly, identity: []string{idAllowPull}, want: Allowed},
		{name: "6 token allowed only by a repository policy is denied", repo: repoToken, action: "ecr:GetAuthorizationToken", resource: "*",
			want: ImplicitlyDenied, deniedBy: PolicyIdentity,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action"},
		{name: "6 token allowed by identity", identity: []string{idAllowToken}, repo: repoToken, action: "ecr:GetAuthorizationToken", resource: "*", want: Allowed},
		{name: "7 Null deny denies direct requests", identity: []string{idNullDeny}, want: ExplicitlyDenied, deniedBy: PolicyIdentity,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app with an explicit deny in an identity-based policy"},
		{name: "7 Null deny spares endpoint requests", identity: []string{idNullDeny}, endpoint: []string{epDefault}, ctx: viaVpce1, want: Allowed},
		{name: "7 ForAnyValue on an absent key is false", identity: []string{doc(st(allow(), act("ecr:*"), res("*"), cond(`{"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}`)))}, want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "7 ForAllValues on an absent key is true", identity: []string{doc(st(allow(), act("ecr:*"), res("*"), cond(`{"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}`)))}, want: Allowed},
		{name: "8 gateway limited to an organization denies the layer", identity: []string{doc(st(allow(), act("s3:GetObject"), res("*")))}, endpoint: []string{gwOrgOnly}, gateway: true,
			principal: userA, action: "s3:GetObject", resource: starport, ctx: [][]string{{"aws:PrincipalOrgID", "o-amazon"}},
			want: ImplicitlyDenied, deniedBy: PolicyEndpoint,
			msg: `User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/111111111111/app/sha256:abc" because no VPC endpoint policy allows the s3:GetObject action`},
		{name: "8 gateway allows the organization", identity: []string{doc(st(allow(), act("s3:GetObject"), res("*")))}, endpoint: []string{gwOrgOnly}, gateway: true,
			principal: userA, action: "s3:GetObject", resource: starport, ctx: [][]string{{"aws:PrincipalOrgID", "o-customer"}}, want: Allowed},
		{name: "9 IPv6 network matches its host", identity: []string{doc(st(allow(), act("ecr:*"), res("*"), cond(`{"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}}`)))}, ctx: [][]string{{"aws:SourceIp", "2001:db8:1234:5678::1"}}, want: Allowed},
		{name: "9 IPv6 network does not match IPv4", identity: []string{doc(st(allow(), act("ecr:*"), res("*"), cond(`{"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}}`)))}, ctx: [][]string{{"aws:SourceIp", "192.0.2.1"}}, want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "9 bare IPv4 is /32: itself", identity: []string{doc(st(allow(), act("ecr:*"), res("*"), cond(`{"IpAddress": {"aws:SourceIp": "203.0.113.5"}}`)))}, ctx: [][]string{{"aws:SourceIp", "203.0.113.5"}}, want: Allowed},
		{name: "9 bare IPv4 is /32: not its neighbour", identity: []string{doc(st(allow(), act("ecr:*"), res("*"), cond(`{"IpAddress": {"aws:SourceIp": "203.0.113.5"}}`)))}, ctx: [][]string{{"aws:SourceIp", "203.0.113.6"}}, want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "10 explicit identity deny beats endpoint implicit deny", identity: []string{idDenyPull}, endpoint: []string{epTokenOnly}, ctx: viaVpce1,
			want: ExplicitlyDenied, deniedBy: PolicyIdentity,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app with an explicit deny in an identity-based policy"},
	})
}

// TestDocumentedExamples holds the examples AWS documents (POLICY-FACTS
// §6, §7, §9).
func TestDocumentedExamples(t *testing.T) {
	t.Parallel()
	// vpc-endpoints.md's ECR endpoint policy, with a role ARN of 12 digits.
	ecrEndpoint := doc(
		st(sid("AllowPull"), allow(), aws("arn:aws:iam::123456789012:role/role_name"), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"), res("*")),
		st(sid("AllowAll"), allow(), anyone(), act("*"), res("*"), cond(`{"StringNotEquals": {"aws:PrincipalAccount": "123456789012"}}`)),
		st(sid("DenyDelete"), deny(), anyone(), act("ecr:DeleteRepository"), res("arn:aws:ecr:us-east-1:123456789012:repository/repository_name")))
	roleSession := "arn:aws:sts::123456789012:assumed-role/role_name/task"
	otherSession := "arn:aws:sts::123456789012:assumed-role/other/task"
	repo := "arn:aws:ecr:us-east-1:123456789012:repository/repository_name"
	// repository-policy-examples.md "IPAllow", in full.
	ipAllow := `{"Version": "2012-10-17", "Id": "ECRPolicyId1", "Statement": [{"Sid": "IPAllow", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"NotIpAddress": {"aws:SourceIp": "54.240.143.0/24"}}}]}`
	crossAccount := `{"Version": "2008-10-17", "Statement": [{"Sid": "AllowCrossAccountPull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]}]}`
	replication := doc(st(sid("ReplicationAccessCrossAccount"), allow(), aws("arn:aws:iam::222222222222:root"), act("ecr:CreateRepository", "ecr:ReplicateImage"), res("arn:aws:ecr:us-east-1:111111111111:repository/*")))
	runEvalRows(t, []evalRow{
		{name: "ECR endpoint example: named role pulls", identity: []string{idAllowECR}, endpoint: []string{ecrEndpoint}, principal: roleSession, resource: repo, want: Allowed},
		{name: "ECR endpoint example: other role of the account", identity: []string{idAllowECR}, endpoint: []string{ecrEndpoint}, principal: otherSession, resource: repo, want: ImplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "ECR endpoint example: other account passes", principal: sessionB, identity: []string{idAllowECR}, repo: doc(st(allow(), anyone(), act("ecr:*"))), endpoint: []string{ecrEndpoint}, resource: repo, want: Allowed},
		{name: "ECR endpoint example: delete denied", identity: []string{idAllowECR}, endpoint: []string{ecrEndpoint}, principal: sessionB, action: "ecr:DeleteRepository", resource: repo, repo: doc(st(allow(), anyone(), act("ecr:*"))),
			want: ExplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "default endpoint policy allows what identity allows", identity: []string{idAllowECR}, endpoint: []string{epDefault}, want: Allowed},
		{name: "default endpoint policy grants nothing", endpoint: []string{epDefault}, want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "IPAllow example denies an endpoint request", identity: []string{idAllowECR}, repo: ipAllow, endpoint: []string{epDefault}, ctx: viaVpce1, want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "IPAllow example allows the office network", identity: []string{idAllowECR}, repo: ipAllow, ctx: [][]string{{"aws:SourceIp", "54.240.143.1"}}, want: Allowed},
		{name: "cross account pull example: allowed with identity", principal: sessionB, identity: []string{idAllowECR}, repo: crossAccount, want: Allowed},
		{name: "cross account pull example: account policy is needed", principal: sessionB, repo: crossAccount, want: ImplicitlyDenied, deniedBy: PolicyIdentity,
			msg: "User: arn:aws:sts::222222222222:assumed-role/ci/job-7 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app because no identity-based policy allows the ecr:BatchGetImage action"},
		{name: "cross account pull example: push not granted", principal: sessionB, identity: []string{idAllowECR}, repo: crossAccount, action: "ecr:PutImage", want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "registry replication example", principal: rootB, registry: replication, action: "ecr:ReplicateImage", want: Allowed},
		{name: "registry replication example: other action", principal: rootB, registry: replication, action: "ecr:PutImage", want: ImplicitlyDenied, deniedBy: PolicyRegistry,
			msg: "User: arn:aws:iam::222222222222:root is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app because no resource-based policy allows the ecr:PutImage action"},
		{name: "troubleshooting example: explicit endpoint deny", principal: "arn:aws:iam::123456789012:user/JohnDoe", identity: []string{doc(st(allow(), act("codedeploy:*"), res("*")))},
			endpoint: []string{doc(st(allow(), anyone(), act("*"), res("*")), st(deny(), anyone(), act("codedeploy:ListDeployments"), res("*")))},
			action:   "codedeploy:ListDeployments", resource: "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*",
			want: ExplicitlyDenied, deniedBy: PolicyEndpoint,
			msg: "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a VPC endpoint policy"},
		{name: "S3 troubleshooting example: quoted resource", principal: "arn:aws:iam::123456789012:user/MaryMajor", identity: []string{doc(st(allow(), act("s3:*"), res("*")))},
			endpoint: []string{doc(st(allow(), anyone(), act("*"), res("*")), st(deny(), anyone(), act("s3:GetObject"), res("arn:aws:s3:::amzn-s3-demo-bucket1/*")))}, gateway: true,
			action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket1/object-name",
			want: ExplicitlyDenied, deniedBy: PolicyEndpoint,
			msg: `User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::amzn-s3-demo-bucket1/object-name" with an explicit deny in a VPC endpoint policy`},
	})
}

// TestDecisionRules holds one row per rule of POLICY-FACTS §2 and the
// precedence table of Evaluate.
func TestDecisionRules(t *testing.T) {
	t.Parallel()
	repoDenyAll := doc(st(sid("NoOne"), deny(), anyone(), act("ecr:*")))
	regDenyAll := doc(st(deny(), anyone(), act("ecr:*"), res("*")))
	idDenyAll := doc(st(deny(), act("ecr:*"), res("*")))
	epDenyAll := doc(st(deny(), anyone(), act("ecr:*"), res("*")))
	epNothing := doc(st(allow(), anyone(), act("logs:*"), res("*")))
	regAllowRole := doc(st(allow(), aws(roleR), act("ecr:*"), res("arn:aws:ecr:us-east-1:111111111111:repository/*")))
	regAllowB := doc(st(allow(), aws(acctB), act("ecr:BatchGetImage"), res("*")))
	runEvalRows(t, []evalRow{
		// §2.1
		{name: "no policy at all is an implicit deny", want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "identity allow", identity: []string{idAllowPull}, want: Allowed},
		{name: "explicit deny overrides allow in the same policy", identity: []string{doc(st(allow(), act("ecr:*"), res("*")), st(deny(), act("ecr:BatchGetImage"), res(repoApp)))}, want: ExplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "explicit deny in a second identity policy", identity: []string{idAllowECR, idDenyAll}, want: ExplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "root of the account has full access", principal: rootA, want: Allowed},
		{name: "bare account ID is the root", principal: acctA, want: Allowed},
		{name: "root is denied by an explicit deny", principal: rootA, repo: repoDenyAll, want: ExplicitlyDenied, deniedBy: PolicyResource,
			msg: "User: arn:aws:iam::111111111111:root is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app with an explicit deny in a resource-based policy"},
		{name: "root is bounded by the endpoint", principal: rootA, endpoint: []string{epNothing}, want: ImplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "root of another account needs the resource policy", principal: rootB, want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "root of another account named by the resource policy", principal: rootB, repo: doc(st(allow(), aws(acctB), act("ecr:BatchGetImage"))), want: Allowed},
		// §2.2 same account
		{name: "same account: resource policy alone names the session", repo: doc(st(allow(), aws(sessionR), act("ecr:BatchGetImage"))), want: Allowed},
		{name: "same account: resource policy names another session", repo: doc(st(allow(), aws(sessionR2), act("ecr:BatchGetImage"))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "same account: resource policy alone names the user", principal: userA, repo: doc(st(allow(), aws(userA), act("ecr:BatchGetImage"))), want: Allowed},
		{name: "same account: resource policy alone names everyone", repo: doc(st(allow(), anyone(), act("ecr:BatchGetImage"))), want: Allowed},
		{name: "same account: resource policy names the root ARN only", repo: doc(st(allow(), aws(rootA), act("ecr:BatchGetImage"))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "same account: identity allows, resource silent", identity: []string{idAllowECR}, repo: doc(st(allow(), aws(acctB), act("ecr:*"))), want: Allowed},
		{name: "same account: resource deny beats identity allow", identity: []string{idAllowECR}, repo: repoDenyAll, want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "same account: identity deny beats resource allow", identity: []string{idDenyAll}, repo: repoAllowRole, want: ExplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "same account: resource action not granted", repo: repoAllowRole, action: "ecr:PutImage", want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		// §2.3 cross account
		{name: "cross account: identity alone is not enough", principal: sessionB, identity: []string{idAllowECR}, want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "cross account: resource alone is not enough", principal: sessionB, repo: doc(st(allow(), aws(roleB), act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "cross account: both allow", principal: sessionB, identity: []string{idAllowECR}, repo: doc(st(allow(), aws(roleB), act("ecr:*"))), want: Allowed},
		{name: "cross account: account principal with identity", principal: sessionB, identity: []string{idAllowECR}, repo: doc(st(allow(), aws(acctB), act("ecr:*"))), want: Allowed},
		{name: "cross account: resource names another account", principal: sessionB, identity: []string{idAllowECR}, repo: doc(st(allow(), aws("333333333333"), act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "cross account: resource account given explicitly", principal: sessionB, identity: []string{idAllowECR}, account: acctA, want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "cross account: token is identity-only in the caller's account", principal: sessionB, identity: []string{idAllowToken}, action: "ecr:GetAuthorizationToken", resource: "*", want: Allowed},
		// §2.4 endpoint boundary
		{name: "endpoint allows but grants nothing", endpoint: []string{epDefault}, want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "endpoint silent on the action", identity: []string{idAllowECR}, endpoint: []string{epNothing}, want: ImplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "endpoint deny", identity: []string{idAllowECR}, endpoint: []string{epDenyAll}, want: ExplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "two endpoints, one silent", identity: []string{idAllowECR}, endpoint: []string{epDefault, epNothing}, want: ImplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "two endpoints, both allow", identity: []string{idAllowECR}, endpoint: []string{epDefault, epDefault}, want: Allowed},
		{name: "no endpoint, no boundary", identity: []string{idAllowECR}, want: Allowed},
		{name: "endpoint implicit deny before missing identity", endpoint: []string{epNothing}, want: ImplicitlyDenied, deniedBy: PolicyEndpoint},
		// precedence of explicit denies: endpoint, resource, registry, identity
		{name: "precedence: endpoint over resource", identity: []string{idAllowECR}, repo: repoDenyAll, endpoint: []string{epDenyAll}, want: ExplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "precedence: resource over registry", identity: []string{idAllowECR}, repo: repoDenyAll, registry: regDenyAll, want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "precedence: registry over identity", identity: []string{idDenyAll}, registry: regDenyAll, want: ExplicitlyDenied, deniedBy: PolicyRegistry,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app with an explicit deny in a resource-based policy"},
		{name: "precedence: resource over identity", identity: []string{idDenyAll}, repo: repoDenyAll, want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "precedence: explicit over implicit endpoint", identity: []string{idDenyAll}, endpoint: []string{epNothing}, want: ExplicitlyDenied, deniedBy: PolicyIdentity},
		// registry policy as a second resource policy
		{name: "registry grants the role", registry: regAllowRole, want: Allowed},
		{name: "registry grants another account with identity", principal: sessionB, identity: []string{idAllowECR}, registry: regAllowB, want: Allowed},
		{name: "registry or repository: either grants cross account", principal: sessionB, identity: []string{idAllowECR}, repo: doc(st(allow(), aws("333333333333"), act("ecr:*"))), registry: regAllowB, want: Allowed},
		{name: "registry resource does not cover the repository", registry: doc(st(allow(), aws(roleR), act("ecr:*"), res(repoOther))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "repository and registry both silent cross account", principal: sessionB, identity: []string{idAllowECR}, repo: doc(st(allow(), aws("333333333333"), act("ecr:*"))), registry: doc(st(allow(), aws("333333333333"), act("ecr:*"), res("*"))), want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "registry deny is named registry", identity: []string{idAllowECR}, registry: regDenyAll, want: ExplicitlyDenied, deniedBy: PolicyRegistry},
		// callers that are not IAM identities
		{name: "anonymous allowed by a public repository", principal: "-", repo: doc(st(allow(), anyone(), act("ecr:BatchGetImage"))), want: Allowed},
		{name: "anonymous denied without one", principal: "-", repo: repoAllowRole, want: ImplicitlyDenied, deniedBy: PolicyResource,
			msg: "User: anonymous is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111111111111:repository/app because no resource-based policy allows the ecr:BatchGetImage action"},
		{name: "anonymous is not an account member", principal: "-", repo: doc(st(allow(), aws(acctA), act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyResource},
		{name: "service principal allowed by name", principal: "replication.ecr.amazonaws.com", repo: doc(st(allow(), `"Principal": {"Service": "replication.ecr.amazonaws.com"}`, act("ecr:*"))), want: Allowed},
		{name: "service principal not named", principal: "replication.ecr.amazonaws.com", repo: doc(st(allow(), `"Principal": {"Service": "other.amazonaws.com"}`, act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyResource},
	})
}
