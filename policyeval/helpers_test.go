package policyeval

import (
	"strings"
	"testing"
)

// Fixtures of POLICY-FACTS §10's seed cases: a session of role R in
// 111111111111 pulling from repository app in the same account, through
// endpoint vpce-1.
const (
	acctA     = "111111111111"
	acctB     = "222222222222"
	sessionR  = "arn:aws:sts::111111111111:assumed-role/R/build-1"
	sessionR2 = "arn:aws:sts::111111111111:assumed-role/R/build-2"
	roleR     = "arn:aws:iam::111111111111:role/R"
	rootA     = "arn:aws:iam::111111111111:root"
	userA     = "arn:aws:iam::111111111111:user/alice"
	sessionB  = "arn:aws:sts::222222222222:assumed-role/ci/job-7"
	roleB     = "arn:aws:iam::222222222222:role/ci"
	rootB     = "arn:aws:iam::222222222222:root"
	repoApp   = "arn:aws:ecr:us-east-1:111111111111:repository/app"
	repoOther = "arn:aws:ecr:us-east-1:111111111111:repository/other"
	starport  = "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/111111111111/app/sha256:abc"
)

// doc wraps statements in a 2012-10-17 policy document.
func doc(stmts ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(stmts, ", ") + `]}`
}

// docV wraps statements in a document of the given Version ("" for none).
func docV(version string, stmts ...string) string {
	v := ""
	if version != "" {
		v = `"Version": "` + version + `", `
	}
	return `{` + v + `"Statement": [` + strings.Join(stmts, ", ") + `]}`
}

// st builds a statement from its elements, each a `"Key": value` fragment.
func st(elements ...string) string { return `{` + strings.Join(elements, ", ") + `}` }

func sid(s string) string       { return `"Sid": "` + s + `"` }
func allow() string             { return `"Effect": "Allow"` }
func deny() string              { return `"Effect": "Deny"` }
func anyone() string            { return `"Principal": "*"` }
func aws(p ...string) string    { return `"Principal": {"AWS": ` + jsonList(p) + `}` }
func notAWS(p ...string) string { return `"NotPrincipal": {"AWS": ` + jsonList(p) + `}` }
func act(a ...string) string    { return `"Action": ` + jsonList(a) }
func notAct(a ...string) string { return `"NotAction": ` + jsonList(a) }
func res(r ...string) string    { return `"Resource": ` + jsonList(r) }
func notRes(r ...string) string { return `"NotResource": ` + jsonList(r) }
func cond(c string) string      { return `"Condition": ` + c }

func jsonList(vals []string) string {
	if len(vals) == 1 {
		return `"` + vals[0] + `"`
	}
	return `["` + strings.Join(vals, `", "`) + `"]`
}

// mustParse parses a test fixture, failing the test on error.
func mustParse(t testing.TB, document string, kind Kind) *Policy {
	t.Helper()
	p, err := Parse([]byte(document), kind)
	if err != nil {
		t.Fatalf("Parse(%s): %v\n%s", kind, err, document)
	}
	return p
}
