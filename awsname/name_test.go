package awsname

import (
	"strings"
	"testing"
)

func TestMatchName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		kind Kind
		ok   bool
	}{
		{"111122223333.dkr.ecr.us-east-1.amazonaws.com", RegistryHost, true},
		{"111122223333.DKR.ECR.us-east-1.amazonaws.com.", RegistryHost, true},
		{"api.ecr.eu-west-1.amazonaws.com", APIHost, true},
		{"logs.us-east-1.amazonaws.com", LogsHost, true},
		{"prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com", StarportHost, true},
		{"111122223333.dkr.ecr.us-east-1.amazonaws.com:443", OtherHost, false}, // no port in a bare name
		{"example.com", OtherHost, false},
		{"", OtherHost, false},
	}
	for _, tt := range tests {
		h, ok := MatchName(tt.name)
		if ok != tt.ok || h.Kind != tt.kind {
			t.Errorf("MatchName(%q) = %v, %v; want %v, %v", tt.name, h.Kind, ok, tt.kind, tt.ok)
		}
	}
}

// FuzzMatchName: on a name without a port, MatchName agrees with ParseHost.
func FuzzMatchName(f *testing.F) {
	for _, s := range []string{"111122223333.dkr.ecr.us-east-1.amazonaws.com", "logs.us-east-1.amazonaws.com.", "example.com", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, ":[]") {
			return
		}
		h, ok := MatchName(s)
		if p := ParseHost(s); p != h || ok != p.IsAWS() {
			t.Fatalf("MatchName(%q) = %+v, %v; ParseHost gives %+v", s, h, ok, p)
		}
	})
}
