package policyeval

import "testing"

// Wildcard cases ported from seaweedfs/seaweedfs
// weed/s3api/policy_engine/wildcard_matcher_test.go (commit
// 4acfa779a9865c3d22b9ac55572b29c01c2aafea), Apache License 2.0, Copyright
// the SeaweedFS authors; see testdata/ATTRIBUTION.md. They exercise the
// glob of StringLike and of actions: * spans anything, ? one character.
var seaweedWildcardCases = []struct {
	name    string
	pattern string
	str     string
	want    bool
}{
	{"exact match", "test", "test", true},
	{"single wildcard", "*", "anything", true},
	{"empty string with wildcard", "*", "", true},
	{"prefix wildcard", "test*", "test123", true},
	{"suffix wildcard", "*test", "123test", true},
	{"middle wildcard", "test*123", "testABC123", true},
	{"multiple wildcards", "test*abc*123", "testXYZabcDEF123", true},
	{"no match", "test*", "other", false},
	{"single question mark", "test?", "test1", true},
	{"multiple question marks", "test??", "test12", true},
	{"question mark no match", "test?", "test12", false},
	{"mixed wildcards", "test*abc?def", "testXYZabc1def", true},
	{"empty pattern", "", "", true},
	{"empty pattern with string", "", "test", false},
	{"pattern with string empty", "test", "", false},
	{"regex special characters", "test[abc]", "test[abc]", true},
	{"dots", "test.txt", "test.txt", true},
	{"dots and wildcard", "*.txt", "test.txt", true},
	{"star matches the bare prefix", "test*", "test", true},
	{"star matches longer", "test*", "testing", true},
	{"question mark needs a character", "test?", "test", false},
	{"star suffix no match", "*.txt", "file.doc", false},
	{"star suffix needs the dot", "*.txt", "txt", false},
	{"backtracking", "test*abc*123", "testXYZabc456123", true},
	{"mixed with star", "test*abc?", "testXYZabc1", true},
}

func TestGlobSeaweed(t *testing.T) {
	t.Parallel()
	for _, tc := range seaweedWildcardCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := compilePattern(tc.pattern, false)
			if got := p.match(tc.str, false, nil); got != tc.want {
				t.Errorf("%q ~ %q = %v, want %v", tc.pattern, tc.str, got, tc.want)
			}
		})
	}
}

// ARN cases ported from scality/Arsenal
// tests/unit/policyEvaluator/utils/test_checkArnMatch.spec.js (commit
// 0cbf67b35b635cef44c7f46410317188e032fff1), Apache License 2.0; the
// case-sensitive rows (resource ARNs are case-sensitive, POLICY-FACTS §3.2)
// and the one on the account field. Scality's utapi exemption is theirs,
// not AWS's, and is left out.
var arsenalARNCases = []struct {
	name, pattern, arn string
	want               bool
}{
	{"account wildcard", "arn:aws:iam::*:policy/1236-Ng", "arn:aws:iam::005978442556:policy/1236-Ng", true},
	{"account wildcard, case differs", "arn:aws:iam::*:policy/1236-Ng", "arn:aws:iam::005978442556:policy/1236-ng", false},
	{"exact", "arn:aws:iam::005978442556:policy/1236-Ng", "arn:aws:iam::005978442556:policy/1236-Ng", true},
	{"exact, case differs", "arn:aws:iam::005978442556:policy/1236-Ng", "arn:aws:iam::005978442556:policy/1236-ng", false},
	{"other account", "arn:aws:iam::005978442556:policy/1236-Ng", "arn:aws:iam::005978442557:policy/1236-Ng", false},
	{"other account, case differs", "arn:aws:iam::005978442556:policy/1236-Ng", "arn:aws:iam::005978442557:policy/1236-ng", false},
	{"s3 object", "arn:aws:s3:::bucket/file.txt", "arn:aws:s3:::bucket/file.txt", true},
	{"dot is literal", "arn:aws:s3:::bucket/file.txt", "arn:aws:s3:::bucket/fileAtxt", false},
	{"star spans slashes", "arn:aws:s3:::bucket/prefix/*", "arn:aws:s3:::bucket/prefix/deep/obj", true},
	{"star prefix differs", "arn:aws:s3:::bucket/prefix/*", "arn:aws:s3:::bucket/other/obj", false},
	{"question marks", "arn:aws:s3:::bucket/??x", "arn:aws:s3:::bucket/abx", true},
	{"question marks too short", "arn:aws:s3:::bucket/??x", "arn:aws:s3:::bucket/ax", false},
	{"empty account is not a wildcard", "arn:aws:s3:::bucket/foo", "arn:aws:s3::005978442556:bucket/foo", false},
	{"role with path", "arn:aws:iam::005978442556:role/path/sub/MyRole", "arn:aws:iam::005978442556:role/path/sub/MyRole", true},
}

// ecrlink's own ARN rows: POLICY-FACTS §3.2 and §4 "ARN vs string".
var ownARNCases = []struct {
	name, pattern, arn string
	want               bool
}{
	{"repository prefix spans nested names", "arn:aws:ecr:us-east-1:111111111111:repository/team-a/*", "arn:aws:ecr:us-east-1:111111111111:repository/team-a/alpine", true},
	{"repository prefix other team", "arn:aws:ecr:us-east-1:111111111111:repository/team-a/*", "arn:aws:ecr:us-east-1:111111111111:repository/team-b/alpine", false},
	{"repository star", "arn:aws:ecr:us-east-1:111111111111:repository/*", "arn:aws:ecr:us-east-1:111111111111:repository/app", true},
	{"region wildcard", "arn:aws:ecr:*:111111111111:repository/app", "arn:aws:ecr:eu-west-1:111111111111:repository/app", true},
	{"region partial wildcard", "arn:aws:ecr:us-*-1:111111111111:repository/app", "arn:aws:ecr:us-west-1:111111111111:repository/app", true},
	{"region partial wildcard no colon", "arn:aws:ecr:us-*-1:111111111111:repository/app", "arn:aws:ecr:us-east-2:111111111111:repository/app", false},
	{"trailing star in account field spans colons", "arn:aws:ecr:us-east-1:*", "arn:aws:ecr:us-east-1:111111111111:repository/app", true},
	{"trailing star in service field spans colons", "arn:aws:ecr*", "arn:aws:ecr:us-east-1:111111111111:repository/app", true},
	{"short pattern without star", "arn:aws:ecr:us-east-1", "arn:aws:ecr:us-east-1:111111111111:repository/app", false},
	{"wildcard within the service field", "arn:aws:ec*:us-east-1:111111111111:repository/app", "arn:aws:ecr:us-east-1:111111111111:repository/app", true},
	{"partition differs", "arn:aws-cn:ecr:us-east-1:111111111111:repository/app", "arn:aws:ecr:us-east-1:111111111111:repository/app", false},
	{"all stars", "*", "arn:aws:ecr:us-east-1:111111111111:repository/app", true},
	{"star and request star", "*", "*", true},
	{"ARN never matches the star of actions without resources", "arn:aws:ecr:*:*:*", "*", false},
	{"resource field keeps colons", "arn:aws:someservice:*:111122223333:finance/*", "arn:aws:someservice:us-east-2:111122223333:finance/a:b", true},
	{"account checked separately", "arn:aws:someservice:*:111122223333:finance/*", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt", false},
	{"not an ARN", "arn:aws:s3:::bucket", "bucket", false},
	{"case of the resource type", "arn:aws:ecr:us-east-1:111111111111:repository/App", "arn:aws:ecr:us-east-1:111111111111:repository/app", false},
}

func TestARNMatch(t *testing.T) {
	t.Parallel()
	for _, group := range [][]struct {
		name, pattern, arn string
		want               bool
	}{arsenalARNCases, ownARNCases} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				p := compileARN(tc.pattern, true)
				if got := p.match(tc.arn, nil); got != tc.want {
					t.Errorf("%q ~ %q = %v, want %v", tc.pattern, tc.arn, got, tc.want)
				}
			})
		}
	}
}

// TestStringLikeVersusArnLike is POLICY-FACTS §4's documented example.
func TestStringLikeVersusArnLike(t *testing.T) {
	t.Parallel()
	const (
		pattern = "arn:aws:someservice:*:111122223333:finance/*"
		value   = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	)
	for _, tc := range []struct {
		op   string
		want Effect
	}{{"StringLike", Allowed}, {"ArnLike", ImplicitlyDenied}, {"ArnEquals", ImplicitlyDenied}, {"StringNotLike", ImplicitlyDenied}, {"ArnNotLike", Allowed}} {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, doc(st(allow(), act("ecr:*"), res("*"), cond(`{"`+tc.op+`": {"aws:SourceArn": "`+pattern+`"}}`))), KindIdentity)
			req := &Request{Principal: sessionR, Action: "ecr:BatchGetImage", Resource: repoApp}
			req.Context.Set("aws:SourceArn", value)
			if got := Evaluate(req, &Set{Identity: []*Policy{p}}).Effect; got != tc.want {
				t.Errorf("%s = %v, want %v", tc.op, got, tc.want)
			}
		})
	}
}

// TestElementMatching holds the Action, Resource and Principal rows of
// POLICY-FACTS §3.
func TestElementMatching(t *testing.T) {
	t.Parallel()
	pull := func(a ...string) []string { return []string{doc(st(allow(), act(a...), res("*")))} }
	onRes := func(r ...string) []string { return []string{doc(st(allow(), act("ecr:*"), res(r...)))} }
	roleWithPath := "arn:aws:iam::111111111111:role/service-role/ci/R"
	runEvalRows(t, []evalRow{
		{name: "action case-insensitive prefix and name", identity: pull("ECR:batchgetimage"), want: Allowed},
		{name: "action request case-insensitive", identity: pull("ecr:BatchGetImage"), action: "ECR:BATCHGETIMAGE", want: Allowed},
		{name: "action star suffix", identity: pull("ecr:Batch*"), want: Allowed},
		{name: "action star prefix", identity: pull("ecr:*Image"), want: Allowed},
		{name: "action question mark", identity: pull("ecr:?atchGetImage"), want: Allowed},
		{name: "action question mark is one character", identity: pull("ecr:?GetImage"), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "action star alone", identity: pull("*"), want: Allowed},
		{name: "action of another service", identity: pull("s3:*"), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "action list, one matches", identity: pull("ecr:PutImage", "ecr:BatchGetImage"), want: Allowed},
		{name: "NotAction excludes the action", identity: []string{doc(st(allow(), notAct("ecr:BatchGetImage"), res("*")))}, want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "NotAction allows other actions", identity: []string{doc(st(allow(), notAct("ecr:Delete*"), res("*")))}, want: Allowed},
		{name: "NotAction deny", identity: []string{doc(st(allow(), act("ecr:*"), res("*")), st(deny(), notAct("ecr:Describe*", "ecr:List*"), res("*")))}, want: ExplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "resource exact", identity: onRes(repoApp), want: Allowed},
		{name: "resource is case-sensitive", identity: onRes("arn:aws:ecr:us-east-1:111111111111:repository/App"), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "resource nested repository", identity: onRes("arn:aws:ecr:us-east-1:111111111111:repository/team-a/*"), resource: "arn:aws:ecr:us-east-1:111111111111:repository/team-a/alpine", want: Allowed},
		{name: "resource ARN does not match the token's star", identity: onRes("arn:aws:ecr:us-east-1:111111111111:repository/*"), action: "ecr:GetAuthorizationToken", resource: "*", want: ImplicitlyDenied, deniedBy: PolicyIdentity,
			msg: "User: arn:aws:sts::111111111111:assumed-role/R/build-1 is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action"},
		{name: "empty request resource means star", identity: onRes("*"), action: "ecr:GetAuthorizationToken", resource: "*", want: Allowed},
		{name: "NotResource excludes", identity: []string{doc(st(allow(), act("ecr:*"), notRes(repoApp)))}, want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "NotResource covers the token's star", identity: []string{doc(st(allow(), act("ecr:*"), notRes(repoApp)))}, action: "ecr:GetAuthorizationToken", resource: "*", want: Allowed},
		{name: "repository policy without Resource covers its repository", repo: doc(st(allow(), aws(roleR), act("ecr:*"))), want: Allowed},
		{name: "repository policy with Resource of another repository", repo: doc(st(allow(), aws(roleR), act("ecr:*"), res(repoOther))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "role with a path matches its session by name", repo: doc(st(allow(), aws(roleWithPath), act("ecr:*"))), want: Allowed},
		{name: "role of another account does not match", repo: doc(st(allow(), aws("arn:aws:iam::222222222222:role/R"), act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "other role name does not match", repo: doc(st(allow(), aws("arn:aws:iam::111111111111:role/Rx"), act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "session ARN matches only that session", repo: doc(st(allow(), aws(sessionR2), act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "user name is case-sensitive", principal: userA, repo: doc(st(allow(), aws("arn:aws:iam::111111111111:user/Alice"), act("ecr:*"))), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "account ID and root ARN deny alike", identity: []string{idAllowECR}, repo: doc(st(deny(), aws(acctA), act("ecr:*"))), want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "root ARN denies the account's sessions", identity: []string{idAllowECR}, repo: doc(st(deny(), aws(rootA), act("ecr:*"))), want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "principal list, any entry", repo: doc(st(allow(), aws(userA, roleR), act("ecr:*"))), want: Allowed},
		{name: "NotPrincipal deny listing session, role and account spares the session", identity: []string{idAllowECR}, repo: doc(st(deny(), notAWS(sessionR, roleR, rootA), act("ecr:*"))), want: Allowed},
		{name: "NotPrincipal deny listing the session only denies it", identity: []string{idAllowECR}, repo: doc(st(deny(), notAWS(sessionR), act("ecr:*"))), want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "NotPrincipal deny listing role and session without account denies", identity: []string{idAllowECR}, repo: doc(st(deny(), notAWS(sessionR, roleR), act("ecr:*"))), want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "NotPrincipal deny listing user and account spares the user", principal: userA, identity: []string{idAllowECR}, repo: doc(st(deny(), notAWS(userA, acctA), act("ecr:*"))), want: Allowed},
		{name: "NotPrincipal deny listing another account denies", identity: []string{idAllowECR}, repo: doc(st(deny(), notAWS(rootB), act("ecr:*"))), want: ExplicitlyDenied, deniedBy: PolicyResource},
		{name: "NotPrincipal allow grants those not listed", repo: doc(st(allow(), notAWS(rootB), act("ecr:*"))), want: Allowed},
		{name: "endpoint principal names the role", identity: []string{idAllowECR}, endpoint: []string{doc(st(allow(), aws(roleR), act("ecr:*"), res("*")))}, want: Allowed},
		{name: "endpoint principal names the account", identity: []string{idAllowECR}, endpoint: []string{doc(st(allow(), aws(acctA), act("ecr:*"), res("*")))}, want: Allowed},
		{name: "endpoint principal names another account", identity: []string{idAllowECR}, endpoint: []string{doc(st(allow(), aws(acctB), act("ecr:*"), res("*")))}, want: ImplicitlyDenied, deniedBy: PolicyEndpoint},
		{name: "gateway principal star with PrincipalArn condition", principal: userA, identity: []string{doc(st(allow(), act("s3:*"), res("*")))}, gateway: true,
			endpoint: []string{doc(st(allow(), anyone(), act("s3:GetObject"), res("*"), cond(`{"ArnEquals": {"aws:PrincipalArn": "`+userA+`"}}`)))}, action: "s3:GetObject", resource: starport, want: Allowed},
		{name: "gateway PrincipalArn of a session is the role", identity: []string{doc(st(allow(), act("s3:*"), res("*")))}, gateway: true,
			endpoint: []string{doc(st(allow(), anyone(), act("s3:GetObject"), res("*"), cond(`{"ArnEquals": {"aws:PrincipalArn": "`+roleR+`"}}`)))}, action: "s3:GetObject", resource: starport, want: Allowed},
	})
}

// TestGatewayAccountPrincipal: in a gateway endpoint policy an account
// principal means the root user only (POLICY-FACTS §3.1); the validator
// refuses such a policy, so this checks the matcher directly.
func TestGatewayAccountPrincipal(t *testing.T) {
	t.Parallel()
	p := principal{kind: pAccount, account: acctA}
	for _, tc := range []struct {
		caller string
		kind   Kind
		want   grant
	}{
		{rootA, KindS3Gateway, grantDirect},
		{sessionR, KindS3Gateway, grantNone},
		{sessionR, KindEndpoint, grantDirect},
		{sessionR, KindRepository, grantDelegated},
		{sessionB, KindRepository, grantNone},
		{"", KindRepository, grantNone},
	} {
		c := parseCaller(tc.caller)
		if got := p.match(&c, tc.kind); got != tc.want {
			t.Errorf("account principal vs %q in %s = %v, want %v", tc.caller, tc.kind, got, tc.want)
		}
	}
}

func TestParseCaller(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in                    string
		kind                  callerKind
		account, name, sessio string
	}{
		{"", callerAnonymous, "", "", ""},
		{"*", callerAnonymous, "", "", ""},
		{"111111111111", callerRoot, "111111111111", "", ""},
		{rootA, callerRoot, acctA, "", ""},
		{"arn:aws:iam::111111111111:user/dev/alice", callerUser, acctA, "alice", ""},
		{"arn:aws:iam::111111111111:role/path/R", callerRole, acctA, "R", ""},
		{sessionR, callerSession, acctA, "R", "build-1"},
		{"arn:aws-cn:sts::111111111111:assumed-role/R/s", callerSession, acctA, "R", "s"},
		{"arn:aws:sts::111111111111:federated-user/bob", callerFederated, acctA, "bob", ""},
		{"ecs-tasks.amazonaws.com", callerService, "", "", ""},
		{"arn:aws:iam::111111111111:saml-provider/p", callerOther, acctA, "", ""},
		{"arn:aws:sts::111111111111:assumed-role/R", callerOther, acctA, "", ""},
		{"garbage", callerOther, "", "", ""},
	} {
		c := parseCaller(tc.in)
		if c.kind != tc.kind || c.account != tc.account || c.name != tc.name || c.session != tc.sessio {
			t.Errorf("parseCaller(%q) = %+v", tc.in, c)
		}
	}
}
