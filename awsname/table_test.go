package awsname

import "testing"

// TestHostTable is the emulator's original table of hosts: kind,
// account, region, the paired registry host and the partition check.
func TestHostTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, host    string
		kind          Kind
		account       string
		region        string
		registryHost  string // paired registry host for account 111122223333
		partitionFits bool
	}{
		{"direct ip", "127.0.0.1:5000", OtherHost, "", "", "", false},
		{"localhost", "localhost", OtherHost, "", "", "", false},
		{"registry", "111122223333.dkr.ecr.us-east-1.amazonaws.com", RegistryHost, "111122223333", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"registry upper case with port", "111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM:8443", RegistryHost, "111122223333", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com:8443", true},
		{"registry fips", "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com", RegistryHost, "111122223333", "us-gov-west-1", "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com", true},
		{"registry dual-stack", "111122223333.dkr-ecr.us-west-2.on.aws", RegistryHost, "111122223333", "us-west-2", "111122223333.dkr-ecr.us-west-2.on.aws", true},
		{"registry china", "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", RegistryHost, "111122223333", "cn-north-1", "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", true},
		{"registry china dual-stack", "111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", RegistryHost, "111122223333", "cn-north-1", "111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", true},
		{"registry iso", "111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov", RegistryHost, "111122223333", "us-iso-east-1", "111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov", true},
		{"registry eusc", "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu", RegistryHost, "111122223333", "eusc-de-east-1", "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu", true},
		{"registry wrong partition", "111122223333.dkr.ecr.us-east-1.amazonaws.com.cn", RegistryHost, "111122223333", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com.cn", false},
		{"registry extra label is not ECR", "111122223333.dkr.ecr.us-east-1.amazonaws.com.fake.example.com", OtherHost, "", "", "", false},
		{"registry short account is not ECR", "11112222333.dkr.ecr.us-east-1.amazonaws.com", OtherHost, "", "", "", false},
		{"api", "api.ecr.us-east-1.amazonaws.com", APIHost, "", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"api with port", "api.ecr.eu-west-1.amazonaws.com:4443", APIHost, "", "eu-west-1", "111122223333.dkr.ecr.eu-west-1.amazonaws.com:4443", true},
		{"api fips", "api.ecr-fips.us-east-1.amazonaws.com", APIHost, "", "us-east-1", "111122223333.dkr.ecr-fips.us-east-1.amazonaws.com", true},
		{"api old name", "ecr.us-east-1.amazonaws.com", APIHost, "", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"api dual-stack", "ecr.us-east-1.api.aws", APIHost, "", "us-east-1", "111122223333.dkr-ecr.us-east-1.on.aws", true},
		{"api dual-stack fips", "ecr-fips.us-east-1.api.aws", APIHost, "", "us-east-1", "111122223333.dkr-ecr-fips.us-east-1.on.aws", true},
		{"api china", "api.ecr.cn-north-1.amazonaws.com.cn", APIHost, "", "cn-north-1", "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", true},
		{"api china dual-stack", "ecr.cn-north-1.api.amazonwebservices.com.cn", APIHost, "", "cn-north-1", "111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", true},
		{"trailing dot", "api.ecr.us-east-1.amazonaws.com.", APIHost, "", "us-east-1", "111122223333.dkr.ecr.us-east-1.amazonaws.com", true},
		{"s3 is not ECR", "s3.us-east-1.amazonaws.com", OtherHost, "", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := ParseHost(tc.host)
			if h.Kind != tc.kind || h.Account != tc.account || h.Region != tc.region {
				t.Fatalf("ParseHost(%q) = kind %d account %q region %q, want %d %q %q", tc.host, h.Kind, h.Account, h.Region, tc.kind, tc.account, tc.region)
			}
			if h.Kind == OtherHost {
				return
			}
			if got := h.RegistryFor("111122223333").String(); got != tc.registryHost {
				t.Errorf("RegistryFor = %q, want %q", got, tc.registryHost)
			}
			if got := h.InPartition(); got != tc.partitionFits {
				t.Errorf("InPartition = %v, want %v", got, tc.partitionFits)
			}
		})
	}
}
