package policyeval

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const simulateExample = `{
  "request": {
    "principal": "arn:aws:sts::111122223333:assumed-role/ci/build-42",
    "action": "ecr:BatchGetImage",
    "resource": "arn:aws:ecr:us-east-1:111122223333:repository/app",
    "resourceAccount": "111122223333",
    "context": { "aws:SourceVpce": "vpce-0dkr", "aws:PrincipalTag/team": ["a", "b"] }
  },
  "identityPolicies": [ { "Version": "2012-10-17", "Statement": [ {"Sid": "Pull", "Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"} ] } ],
  "resourcePolicy": { "Version": "2008-10-17", "Statement": [ {"Sid": "NoTeamC", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": "c"}}} ] },
  "registryPolicy": null,
  "endpointPolicies": [ { "Statement": [ { "Sid": "Only", "Effect": "Allow", "Principal": "*", "Action": "%s", "Resource": "*" } ] } ]
}`

func TestSimulate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		endpoint string
		want     string
	}{
		{"allowed", "ecr:*", `{"decision":"Allowed","deniedBy":null,"matched":[{"policyType":"identity","policyIndex":0,"sid":"Pull"},{"policyType":"endpoint","policyIndex":0,"sid":"Only"}],"message":""}`},
		{"endpoint implicit deny", "ecr:GetAuthorizationToken", `{"decision":"ImplicitlyDenied","deniedBy":"endpoint","matched":[{"policyType":"identity","policyIndex":0,"sid":"Pull"}],"message":"User: arn:aws:sts::111122223333:assumed-role/ci/build-42 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111122223333:repository/app because no VPC endpoint policy allows the ecr:BatchGetImage action"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := Simulate([]byte(strings.Replace(simulateExample, "%s", tc.endpoint, 1)))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(res)
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSimulateExplicitDenyAndEmptyMatches(t *testing.T) {
	t.Parallel()
	in := `{"request": {"principal": "arn:aws:sts::111122223333:assumed-role/ci/b", "action": "ecr:PutImage",
		"resource": "arn:aws:ecr:us-east-1:111122223333:repository/app", "context": {"aws:PrincipalTag/team": ["a", "c"]}},
		"resourcePolicy": {"Statement": [{"Sid": "NoTeamC", "Effect": "Deny", "Principal": "*", "Action": "ecr:*",
			"Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": "c"}}}]}}`
	res, err := Simulate([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res)
	want := `{"decision":"ExplicitlyDenied","deniedBy":"resource","matched":[{"policyType":"resource","policyIndex":0,"sid":"NoTeamC"}],"message":"User: arn:aws:sts::111122223333:assumed-role/ci/b is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:111122223333:repository/app with an explicit deny in a resource-based policy"}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	res, err = Simulate([]byte(`{"request": {"action": "ecr:GetAuthorizationToken"}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, _ = json.Marshal(res)
	want = `{"decision":"ImplicitlyDenied","deniedBy":"resource","matched":[],"message":"User: anonymous is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no resource-based policy allows the ecr:GetAuthorizationToken action"}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestSimulateAllMatches: the simulator reports every match, beyond the
// bound a Decision keeps.
func TestSimulateAllMatches(t *testing.T) {
	t.Parallel()
	stmts := make([]string, 12)
	for i := range stmts {
		stmts[i] = `{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}`
	}
	in := `{"request": {"principal": "arn:aws:iam::111122223333:user/u", "action": "ecr:ListImages", "resource": "arn:aws:ecr:us-east-1:111122223333:repository/app"},
		"identityPolicies": [{"Version": "2012-10-17", "Statement": [` + strings.Join(stmts, ",") + `]}]}`
	res, err := Simulate([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matched) != 12 {
		t.Errorf("matched %d statements, want 12", len(res.Matched))
	}
	p := mustParse(t, `{"Version": "2012-10-17", "Statement": [`+strings.Join(stmts, ",")+`]}`, KindIdentity)
	d := Evaluate(&Request{Principal: "arn:aws:iam::111122223333:user/u", Action: "ecr:ListImages", Resource: repoApp}, &Set{Identity: []*Policy{p}})
	if len(d.Matched()) != maxMatched || !d.Truncated {
		t.Errorf("Decision kept %d matches, truncated %v", len(d.Matched()), d.Truncated)
	}
}

func TestSimulateRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		validation     bool
	}{
		{"not JSON", `{`, "simulate: input", false},
		{"unknown field", `{"request": {"action": "ecr:X"}, "resourcePolicies": []}`, `unknown field "resourcePolicies"`, false},
		{"unknown request field", `{"request": {"action": "ecr:X", "region": "us-east-1"}}`, `unknown field "region"`, false},
		{"duplicate key", `{"request": {"action": "ecr:X", "action": "ecr:Y"}}`, `duplicate key "action"`, false},
		{"trailing data", `{"request": {"action": "ecr:X"}} {}`, "unexpected data", false},
		{"no action", `{"request": {"principal": "arn:aws:iam::111122223333:root"}}`, "request.action is required", false},
		{"context number", `{"request": {"action": "ecr:X", "context": {"k": 5}}}`, "a context value must be a string or an array of strings", false},
		{"context key twice", `{"request": {"action": "ecr:X", "context": {"aws:SourceVpce": "a", "AWS:SourceVpce": "b"}}}`, `names "aws:sourcevpce" twice`, false},
		{"invalid identity policy", `{"request": {"action": "ecr:X"}, "identityPolicies": [{"Statement": []}]}`, "identityPolicies[0] (identity policy): ", true},
		{"invalid resource policy", `{"request": {"action": "ecr:X"}, "resourcePolicy": {}}`, "resourcePolicy (repository policy): ", true},
		{"invalid registry policy", `{"request": {"action": "ecr:X"}, "registryPolicy": {"Statement": {"Effect": "Allow"}}}`, "registryPolicy (registry policy): ", true},
		{"invalid endpoint policy", `{"request": {"action": "ecr:X"}, "endpointPolicies": [{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}]}`, "Add a Principal element", true},
		{"too large", `{"request": {"action": "` + strings.Repeat("x", MaxSimulateInput) + `"}}`, "larger than", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Simulate([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Simulate error = %v, want it to contain %q", err, tc.want)
			}
			var ve *ValidationError
			if errors.As(err, &ve) != tc.validation {
				t.Errorf("errors.As(*ValidationError) = %v, want %v", !tc.validation, tc.validation)
			}
		})
	}
}
