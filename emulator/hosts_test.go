package emulator

import "testing"

func TestParseHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, host    string
		kind          hostKind
		account       string
		region        string
		registryHost  string // paired registry host for account 111122223333
		partitionFits bool
	}{
		{"direct ip", "127.0.0.1:5000", hostDirect, "", "", "", false},
		{"localhost", "localhost", hostDirect, "", "", "", false},
		{"registry", "111122223333.dkr.ecr.us-east-1.amazonaws.com", hostRegistry, "111122223333", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"registry upper case with port", "111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM:8443", hostRegistry, "111122223333", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com:8443", true},
		{"registry fips", "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com", hostRegistry, "111122223333", "us-gov-west-1", "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com", true},
		{"registry dual-stack", "111122223333.dkr-ecr.us-west-2.on.aws", hostRegistry, "111122223333", "us-west-2", "111122223333.dkr-ecr.us-west-2.on.aws", true},
		{"registry china", "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", hostRegistry, "111122223333", "cn-north-1", "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", true},
		{"registry china dual-stack", "111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", hostRegistry, "111122223333", "cn-north-1", "111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", true},
		{"registry iso", "111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov", hostRegistry, "111122223333", "us-iso-east-1", "111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov", true},
		{"registry eusc", "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu", hostRegistry, "111122223333", "eusc-de-east-1", "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu", true},
		{"registry wrong partition", "111122223333.dkr.ecr.us-east-1.amazonaws.com.cn", hostRegistry, "111122223333", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com.cn", false},
		{"registry extra label is not ECR", "111122223333.dkr.ecr.us-east-1.amazonaws.com.fake.example.com", hostDirect, "", "", "", false},
		{"registry short account is not ECR", "11112222333.dkr.ecr.us-east-1.amazonaws.com", hostDirect, "", "", "", false},
		{"api", "api.ecr.us-east-1.amazonaws.com", hostAPI, "", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"api with port", "api.ecr.eu-west-1.amazonaws.com:4443", hostAPI, "", "eu-west-1", "111122223333.dkr.ecr.eu-west-1.amazonaws.com:4443", true},
		{"api fips", "api.ecr-fips.us-east-1.amazonaws.com", hostAPI, "", "us-east-1", "111122223333.dkr.ecr-fips.us-east-1.amazonaws.com", true},
		{"api old name", "ecr.us-east-1.amazonaws.com", hostAPI, "", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"api dual-stack", "ecr.us-east-1.api.aws", hostAPI, "", "us-east-1", "111122223333.dkr-ecr.us-east-1.on.aws", true},
		{"api dual-stack fips", "ecr-fips.us-east-1.api.aws", hostAPI, "", "us-east-1", "111122223333.dkr-ecr-fips.us-east-1.on.aws", true},
		{"api china", "api.ecr.cn-north-1.amazonaws.com.cn", hostAPI, "", "cn-north-1", "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", true},
		{"api china dual-stack", "ecr.cn-north-1.api.amazonwebservices.com.cn", hostAPI, "", "cn-north-1", "111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", true},
		{"trailing dot", "api.ecr.us-east-1.amazonaws.com.", hostAPI, "", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"s3 is not ECR", "s3.us-east-1.amazonaws.com", hostDirect, "", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := parseHost(tc.host)
			if h.kind != tc.kind || h.account != tc.account || h.region != tc.region {
				t.Fatalf("parseHost(%q) = kind %d account %q region %q, want %d %q %q", tc.host, h.kind, h.account, h.region, tc.kind, tc.account, tc.region)
			}
			if h.kind == hostDirect {
				return
			}
			if got := h.registryHost("111122223333"); got != tc.registryHost {
				t.Errorf("registryHost = %q, want %q", got, tc.registryHost)
			}
			if got := suffixFits(h); got != tc.partitionFits {
				t.Errorf("suffixFits = %v, want %v", got, tc.partitionFits)
			}
		})
	}
}

func FuzzParseHost(f *testing.F) {
	for _, s := range []string{"127.0.0.1:5000", "111122223333.dkr.ecr.us-east-1.amazonaws.com", "ecr.us-east-1.api.aws:1", "[::1]:80", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		h := parseHost(host)
		if h.kind != hostDirect {
			_ = h.registryHost("111122223333")
			_ = suffixFits(h)
		}
	})
}
