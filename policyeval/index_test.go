package policyeval

import (
	"strings"
	"testing"
)

// TestActionIndex checks that the action index keeps statement order and
// decisions whatever mix of exact, wildcard and NotAction statements.
func TestActionIndex(t *testing.T) {
	t.Parallel()
	p := mustParse(t, doc(
		st(sid("Exact"), allow(), act("ecr:BatchGetImage", "ECR:batchgetimage"), res("*")),
		st(sid("Wild"), allow(), act("ecr:Batch*"), res("*")),
		st(sid("Other"), allow(), act("ecr:PutImage"), res("*")),
		st(sid("Not"), allow(), notAct("ecr:PutImage"), res("*")),
		st(sid("Again"), deny(), act("ecr:batchGetImage"), res("*")),
	), KindIdentity)
	for _, tc := range []struct {
		action string
		want   string
	}{
		{"ecr:BatchGetImage", "Exact,Wild,Not,Again"},
		{"ECR:BATCHGETIMAGE", "Exact,Wild,Not,Again"},
		{"ecr:PutImage", "Other"},
		{"ecr:ListImages", "Not"},
		{"ecr:" + strings.Repeat("x", maxIndexedAction), "Not"},
	} {
		d := Evaluate(&Request{Principal: userA, Action: tc.action, Resource: repoApp}, &Set{Identity: []*Policy{p}})
		var sids []string
		for _, m := range d.Matched() {
			sids = append(sids, m.Sid)
		}
		if got := strings.Join(sids, ","); got != tc.want {
			t.Errorf("%s matched %s, want %s", tc.action, got, tc.want)
		}
	}
	if len(p.byAction["ecr:batchgetimage"]) != 2 {
		t.Errorf("index of ecr:batchgetimage = %v, want statements 0 and 4 once each", p.byAction["ecr:batchgetimage"])
	}
}

// TestNilPolicies: nil policies in a Set, and a nil Set, are skipped.
func TestNilPolicies(t *testing.T) {
	t.Parallel()
	id := mustParse(t, idAllowECR, KindIdentity)
	req := &Request{Principal: sessionR, Action: "ecr:BatchGetImage", Resource: repoApp}
	if d := Evaluate(req, &Set{Identity: []*Policy{nil, id}, Endpoint: []*Policy{nil}}); !d.Allowed() {
		t.Errorf("nil policies: %v by %v", d.Effect, d.DeniedBy)
	}
	if d := Evaluate(req, nil); d.Effect != ImplicitlyDenied || d.DeniedBy != PolicyIdentity {
		t.Errorf("nil set: %v by %v", d.Effect, d.DeniedBy)
	}
}
