package policyeval

import (
	"strings"
	"testing"
)

// benchEndpoint, benchIdentity and benchRepository are about ten statements
// each, with conditions, of the kind a real ECR set-up has.
func benchPolicies(tb testing.TB) *Set {
	tb.Helper()
	endpoint := doc(
		st(sid("Token"), allow(), anyone(), act("ecr:GetAuthorizationToken"), res("*")),
		st(sid("PullOwn"), allow(), anyone(), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"), res("arn:aws:ecr:us-east-1:111111111111:repository/*"), cond(`{"StringEquals": {"aws:PrincipalAccount": "111111111111"}}`)),
		st(sid("PullShared"), allow(), anyone(), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"), res("arn:aws:ecr:us-east-1:999999999999:repository/shared/*")),
		st(sid("PushCI"), allow(), aws(roleR), act("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"), res("arn:aws:ecr:us-east-1:111111111111:repository/*")),
		st(sid("Describe"), allow(), anyone(), act("ecr:Describe*", "ecr:List*"), res("*"), cond(`{"StringEquals": {"aws:PrincipalAccount": "111111111111"}}`)),
		st(sid("NoDelete"), deny(), anyone(), act("ecr:DeleteRepository", "ecr:DeleteRepositoryPolicy"), res("*")),
		st(sid("NoPolicy"), deny(), anyone(), act("ecr:SetRepositoryPolicy"), res("*"), cond(`{"StringNotEquals": {"aws:PrincipalTag/admin": "true"}}`)),
		st(sid("NoReplication"), deny(), anyone(), act("ecr:PutReplicationConfiguration"), res("*")),
		st(sid("OrgOnly"), deny(), anyone(), act("ecr:*"), res("*"), cond(`{"StringNotEquals": {"aws:PrincipalOrgID": "o-example123"}, "Bool": {"aws:PrincipalIsAWSService": "false"}}`)),
		st(sid("Lifecycle"), allow(), anyone(), act("ecr:GetLifecyclePolicy", "ecr:StartLifecyclePolicyPreview"), res("*")),
	)
	identity := doc(
		st(sid("Token"), allow(), act("ecr:GetAuthorizationToken"), res("*")),
		st(sid("Pull"), allow(), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"), res("arn:aws:ecr:us-east-1:111111111111:repository/${aws:PrincipalTag/team}/*", "arn:aws:ecr:us-east-1:111111111111:repository/base/*", repoApp)),
		st(sid("Push"), allow(), act("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"), res("arn:aws:ecr:us-east-1:111111111111:repository/${aws:PrincipalTag/team}/*"), cond(`{"StringEquals": {"aws:RequestedRegion": "us-east-1"}}`)),
		st(sid("Describe"), allow(), act("ecr:Describe*", "ecr:List*"), res("*")),
		st(sid("Logs"), allow(), act("logs:CreateLogStream", "logs:PutLogEvents"), res("arn:aws:logs:us-east-1:111111111111:log-group:/ecs/*")),
		st(sid("OnlyViaVPC"), deny(), act("ecr:*"), res("*"), cond(`{"Null": {"aws:SourceVpce": "true"}, "StringNotEqualsIfExists": {"aws:CalledVia": "cloudformation.amazonaws.com"}}`)),
		st(sid("OnlyOurEndpoints"), deny(), act("ecr:*"), res("*"), cond(`{"StringNotEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2", "vpce-3"]}}`)),
		st(sid("OfficeHours"), deny(), act("ecr:Delete*"), res("*"), cond(`{"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}`)),
		st(sid("NoPublic"), deny(), act("ecr:SetRepositoryPolicy"), res("*"), cond(`{"ForAnyValue:StringEquals": {"aws:TagKeys": ["public"]}}`)),
		st(sid("TLS"), deny(), act("*"), res("*"), cond(`{"Bool": {"aws:SecureTransport": "false"}}`)),
	)
	repository := doc(
		st(sid("PullAccount"), allow(), aws(acctA), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")),
		st(sid("PullPartner"), allow(), aws("arn:aws:iam::222222222222:role/ci"), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"), cond(`{"StringEquals": {"aws:SourceVpce": "vpce-9"}}`)),
		st(sid("PushCI"), allow(), aws(roleR), act("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"), cond(`{"StringLike": {"aws:PrincipalTag/team": "platform*"}}`)),
		st(sid("Lambda"), allow(), `"Principal": {"Service": "lambda.amazonaws.com"}`, act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"), cond(`{"StringLike": {"aws:sourceArn": "arn:aws:lambda:us-east-1:111111111111:function:*"}}`)),
		st(sid("NoDeleteTags"), deny(), anyone(), act("ecr:BatchDeleteImage"), cond(`{"StringNotEquals": {"aws:PrincipalTag/role": "release"}}`)),
		st(sid("Network"), deny(), anyone(), act("ecr:*"), cond(`{"NotIpAddressIfExists": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}, "Null": {"aws:SourceVpce": "true"}}`)),
		st(sid("MFA"), deny(), anyone(), act("ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy"), cond(`{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}`)),
		st(sid("Age"), deny(), anyone(), act("ecr:PutImage"), cond(`{"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}}`)),
		st(sid("Roles"), allow(), aws("arn:aws:iam::111111111111:role/deploy", "arn:aws:iam::111111111111:role/ops"), act("ecr:*"), cond(`{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/*"}}`)),
		st(sid("Scan"), allow(), anyone(), act("ecr:DescribeImageScanFindings"), cond(`{"StringEquals": {"aws:PrincipalOrgID": "o-example123"}}`)),
	)
	return &Set{
		Identity: []*Policy{mustParse(tb, identity, KindIdentity)},
		Resource: mustParse(tb, repository, KindRepository),
		Endpoint: []*Policy{mustParse(tb, endpoint, KindEndpoint)},
	}
}

// benchRequest is a pull by a role session through vpce-1.
func benchRequest() *Request {
	req := &Request{Principal: sessionR, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-east-1:111111111111:repository/platform/app"}
	req.Context.Set("aws:SourceVpce", "vpce-1")
	req.Context.Set("aws:SourceVpc", "vpc-1")
	req.Context.Set("aws:PrincipalArn", roleR)
	req.Context.Set("aws:PrincipalAccount", acctA)
	req.Context.Set("aws:PrincipalOrgID", "o-example123")
	req.Context.Set("aws:PrincipalTag/team", "platform")
	req.Context.Set("aws:SecureTransport", "true")
	req.Context.Set("aws:RequestedRegion", "us-east-1")
	req.Context.Set("aws:PrincipalIsAWSService", "false")
	req.Context.Set("aws:VpcSourceIp", "10.0.1.25")
	return req
}

func TestBenchmarkScenarioDecision(t *testing.T) {
	t.Parallel()
	set, req := benchPolicies(t), benchRequest()
	d := Evaluate(req, set)
	if !d.Allowed() {
		t.Fatalf("benchmark scenario is not allowed: %v by %v: %s", d.Effect, d.DeniedBy, d.Message(req))
	}
	var sids []string
	for _, m := range d.Matched() {
		sids = append(sids, m.Type.String()+":"+m.Sid)
	}
	if got := strings.Join(sids, ","); got != "identity:Pull,resource:PullAccount,endpoint:PullOwn" {
		t.Errorf("matched %s", got)
	}
}

// TestEvaluateDoesNotAllocate guards the hot path: no fmt, no maps, no
// string building per evaluation.
func TestEvaluateDoesNotAllocate(t *testing.T) {
	set, req := benchPolicies(t), benchRequest()
	deny := *req
	deny.Action = "ecr:DeleteRepository"
	for _, r := range []*Request{req, &deny} {
		if n := testing.AllocsPerRun(100, func() { Evaluate(r, set) }); n != 0 {
			t.Errorf("Evaluate(%s) allocates %v times", r.Action, n)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	set, req := benchPolicies(b), benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, set)
	}
}

// BenchmarkEvaluateBaseline is the same request against AWS's default
// endpoint policy alone.
func BenchmarkEvaluateBaseline(b *testing.B) {
	set, req := &Set{Endpoint: []*Policy{DefaultEndpointPolicy()}}, benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, set)
	}
}

func BenchmarkMessage(b *testing.B) {
	set, req := benchPolicies(b), benchRequest()
	req.Action = "ecr:DeleteRepository"
	d := Evaluate(req, set)
	b.ReportAllocs()
	for b.Loop() {
		_ = d.Message(req)
	}
}

func BenchmarkParse(b *testing.B) {
	docBytes := []byte(doc(st(sid("Pull"), allow(), act("ecr:BatchGetImage"), res("*"), cond(`{"StringEquals": {"aws:SourceVpce": "vpce-1"}}`))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(docBytes, KindIdentity); err != nil {
			b.Fatal(err)
		}
	}
}
