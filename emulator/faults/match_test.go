package faults

import (
	"testing"

	"github.com/ecrlink/ecrlink/emulator/scenario"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	pull := Request{Service: "ecr.dkr", Action: "ecr:BatchGetImage", Repository: "web/app",
		Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com"}
	tests := []struct {
		name  string
		match scenario.FaultMatch
		req   Request
		want  bool
	}{
		{"empty matches anything", scenario.FaultMatch{}, pull, true},
		{"empty matches an empty request", scenario.FaultMatch{}, Request{}, true},
		{"service", scenario.FaultMatch{Service: "ecr.dkr"}, pull, true},
		{"other service", scenario.FaultMatch{Service: "ecr.api"}, pull, false},
		{"action", scenario.FaultMatch{Action: "ecr:BatchGetImage"}, pull, true},
		{"action case-insensitive, as IAM", scenario.FaultMatch{Action: "ECR:batchgetimage"}, pull, true},
		{"action wildcard", scenario.FaultMatch{Action: "ecr:Batch*"}, pull, true},
		{"action service wildcard", scenario.FaultMatch{Action: "ecr:*"}, pull, true},
		{"other action", scenario.FaultMatch{Action: "ecr:PutImage"}, pull, false},
		{"action prefix is not a match", scenario.FaultMatch{Action: "ecr:BatchGet"}, pull, false},
		{"repository", scenario.FaultMatch{Repository: "web/app"}, pull, true},
		{"other repository", scenario.FaultMatch{Repository: "web"}, pull, false},
		{"repository wanted, none named", scenario.FaultMatch{Repository: "web/app"},
			Request{Service: "ecr.api", Action: "ecr:GetAuthorizationToken"}, false},
		{"host", scenario.FaultMatch{Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com"}, pull, true},
		{"host case-insensitive", scenario.FaultMatch{Host: "111122223333.DKR.ecr.us-east-1.amazonaws.com"},
			Request{Host: "111122223333.dkr.ECR.us-east-1.amazonaws.com"}, true},
		{"host ignores the request's port", scenario.FaultMatch{Host: "api.ecr.us-east-1.amazonaws.com"},
			Request{Host: "api.ecr.us-east-1.amazonaws.com:443"}, true},
		{"host port must match when given", scenario.FaultMatch{Host: "127.0.0.1:5000"},
			Request{Host: "127.0.0.1:5000"}, true},
		{"host other port", scenario.FaultMatch{Host: "127.0.0.1:5000"}, Request{Host: "127.0.0.1:5001"}, false},
		{"host port given, request has none", scenario.FaultMatch{Host: "127.0.0.1:5000"}, Request{Host: "127.0.0.1"}, false},
		{"host trailing dot", scenario.FaultMatch{Host: "logs.us-east-1.amazonaws.com"},
			Request{Host: "logs.us-east-1.amazonaws.com."}, true},
		{"host wildcard label", scenario.FaultMatch{Host: "*.dkr.ecr.us-east-1.amazonaws.com"}, pull, true},
		{"host wildcard spans dots", scenario.FaultMatch{Host: "*.amazonaws.com"}, pull, true},
		{"host wildcard inside a label", scenario.FaultMatch{Host: "prod-*-starport-layer-bucket.s3.*.amazonaws.com"},
			Request{Host: "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com"}, true},
		{"host wildcard with port", scenario.FaultMatch{Host: "*:8443"}, Request{Host: "x.example:8443"}, true},
		{"host wildcard, other port", scenario.FaultMatch{Host: "*:8443"}, Request{Host: "x.example:443"}, false},
		{"host wildcard does not reach the port", scenario.FaultMatch{Host: "127.0.0.*"},
			Request{Host: "127.0.0.1:5000"}, true},
		{"host wildcard must anchor", scenario.FaultMatch{Host: "*.dkr.ecr.us-east-1.amazonaws.com"},
			Request{Host: "api.ecr.us-east-1.amazonaws.com"}, false},
		{"host not a suffix match", scenario.FaultMatch{Host: "amazonaws.com"}, pull, false},
		{"host wanted, none sent", scenario.FaultMatch{Host: "*"}, Request{}, true},
		{"host IPv6 literal", scenario.FaultMatch{Host: "*"}, Request{Host: "[::1]:5000"}, true},
		{"all fields", scenario.FaultMatch{Service: "ecr.dkr", Action: "ecr:BatchGetImage", Repository: "web/app",
			Host: "*.dkr.ecr.*.amazonaws.com"}, pull, true},
		{"all fields but one", scenario.FaultMatch{Service: "ecr.dkr", Action: "ecr:BatchGetImage", Repository: "web/other",
			Host: "*.dkr.ecr.*.amazonaws.com"}, pull, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := compile(tc.match)
			if got := m.matches(normalize(tc.req)); got != tc.want {
				t.Errorf("match %+v against %+v = %v, want %v", tc.match, tc.req, got, tc.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"**", "abc", true},
		{"a*", "a", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbcd", false},
		{"*b*b*", "abab", true},
		{"*aab", "aaaab", true}, // needs the backtrack
		{"a*b*c", "acb", false},
	}
	for _, tc := range tests {
		if got := glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestSplitHostPort(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, name, port string }{
		{"a.example", "a.example", ""},
		{"a.example:443", "a.example", "443"},
		{"[::1]:80", "::1", "80"},
		{"[::1]", "::1", ""},
		{"::1", "::1", ""},
		{"[::1", "[::1", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		if name, port := splitHostPort(tc.in); name != tc.name || port != tc.port {
			t.Errorf("splitHostPort(%q) = %q, %q; want %q, %q", tc.in, name, port, tc.name, tc.port)
		}
	}
}
