package awsname

import (
	"strings"
	"testing"
)

func TestParseHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Host
	}{
		{"123456789012.dkr.ecr.us-west-2.amazonaws.com", Host{Kind: RegistryHost, Account: "123456789012", Region: "us-west-2", Suffix: "amazonaws.com"}},
		{"123456789012.DKR.ecr.us-west-2.amazonaws.com.:443", Host{Kind: RegistryHost, Account: "123456789012", Region: "us-west-2", Suffix: "amazonaws.com", Port: "443"}},
		{"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", Host{Kind: RegistryHost, Account: "123456789012", Region: "us-gov-west-1", Suffix: "amazonaws.com", FIPS: true}},
		{"123456789012.dkr-ecr.us-west-2.on.aws", Host{Kind: RegistryHost, Account: "123456789012", Region: "us-west-2", Suffix: "on.aws", DualStack: true}},
		{"123456789012.dkr-ecr-fips.us-west-2.on.aws", Host{Kind: RegistryHost, Account: "123456789012", Region: "us-west-2", Suffix: "on.aws", DualStack: true, FIPS: true}},
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", Host{Kind: RegistryHost, Account: "123456789012", Region: "cn-north-1", Suffix: "amazonaws.com.cn"}},
		{"123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", Host{Kind: RegistryHost, Account: "123456789012", Region: "us-iso-east-1", Suffix: "c2s.ic.gov"}},
		{"123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", Host{Kind: RegistryHost, Account: "123456789012", Region: "eusc-de-east-1", Suffix: "amazonaws.eu"}},
		{"vpce-0ce51b38767233f0d-9g7ebdmt.dkr.ecr.eu-west-1.vpce.amazonaws.com", Host{Kind: RegistryHost, Region: "eu-west-1", Suffix: "amazonaws.com", Endpoint: "vpce-0ce51b38767233f0d-9g7ebdmt"}},
		{"vpce-0ce51b38767233f0d-9g7ebdmt-eu-west-1a.dkr.ecr.eu-west-1.vpce.amazonaws.com", Host{Kind: RegistryHost, Region: "eu-west-1", Suffix: "amazonaws.com", Endpoint: "vpce-0ce51b38767233f0d-9g7ebdmt", Zone: "eu-west-1a"}},
		{"api.ecr.us-east-1.amazonaws.com", Host{Kind: APIHost, Region: "us-east-1", Suffix: "amazonaws.com"}},
		{"api.ecr-fips.us-east-1.amazonaws.com", Host{Kind: APIHost, Region: "us-east-1", Suffix: "amazonaws.com", FIPS: true}},
		{"ecr.us-east-1.api.aws", Host{Kind: APIHost, Region: "us-east-1", Suffix: "api.aws", DualStack: true, Short: true}},
		{"ecr.us-east-1.amazonaws.com", Host{Kind: APIHost, Region: "us-east-1", Suffix: "amazonaws.com", Short: true}},
		{"vpce-0abc1234def567890-abcdefgh.api.ecr.us-east-1.vpce.amazonaws.com", Host{Kind: APIHost, Region: "us-east-1", Suffix: "amazonaws.com", Endpoint: "vpce-0abc1234def567890-abcdefgh"}},
		{"logs.us-east-1.amazonaws.com", Host{Kind: LogsHost, Region: "us-east-1", Suffix: "amazonaws.com"}},
		{"vpce-0abc1234def567890-abcdefgh.logs.us-east-1.vpce.amazonaws.com", Host{Kind: LogsHost, Region: "us-east-1", Suffix: "amazonaws.com", Endpoint: "vpce-0abc1234def567890-abcdefgh"}},
		{"prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com", Host{Kind: StarportHost, Region: "us-east-1", Suffix: "amazonaws.com"}},
		{"prod-us-east-1-starport-layer-bucket.s3.amazonaws.com", Host{Kind: StarportHost, Region: "us-east-1", Suffix: "amazonaws.com", Global: true}},
		{"prod-us-east-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com", Host{Kind: OtherHost, Name: "prod-us-east-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com"}},
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com.fake.example.com", Host{Kind: OtherHost, Name: "123456789012.dkr.ecr.us-east-1.amazonaws.com.fake.example.com"}},
		{"127.0.0.1:5000", Host{Kind: OtherHost, Name: "127.0.0.1", Port: "5000"}},
		{"[::1]:5000", Host{Kind: OtherHost, Name: "::1", Port: "5000"}},
		{"localhost", Host{Kind: OtherHost, Name: "localhost"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := ParseHost(tt.in)
			if got != tt.want {
				t.Fatalf("ParseHost(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			if again := ParseHost(got.String()); again != got {
				t.Fatalf("ParseHost(%q.String() = %q) = %+v", tt.in, got.String(), again)
			}
			norm := strings.ToLower(strings.Replace(tt.in, ".:", ":", 1))
			if got.IsAWS() && got.String() != strings.TrimSuffix(norm, ".") {
				t.Fatalf("String() = %q, want %q", got.String(), norm)
			}
		})
	}
}

func TestHostPairs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, registry, starport string
		inPartition            bool
	}{
		{"api.ecr.us-east-1.amazonaws.com:8443", "111122223333.dkr.ecr.us-east-1.amazonaws.com:8443", "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com:8443", true},
		{"ecr-fips.us-east-1.api.aws", "111122223333.dkr-ecr-fips.us-east-1.on.aws", "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com", true},
		{"ecr.cn-north-1.api.amazonwebservices.com.cn", "111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", "prod-cn-north-1-starport-layer-bucket.s3.cn-north-1.amazonaws.com.cn", true},
		{"999999999999.dkr.ecr.eu-west-1.amazonaws.com", "999999999999.dkr.ecr.eu-west-1.amazonaws.com", "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com", true},
		{"vpce-0abc1234def567890-abcdefgh.api.ecr.us-east-1.vpce.amazonaws.com", "111122223333.dkr.ecr.us-east-1.amazonaws.com", "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com", true},
		{"api.ecr.cn-north-1.amazonaws.com", "111122223333.dkr.ecr.cn-north-1.amazonaws.com", "prod-cn-north-1-starport-layer-bucket.s3.cn-north-1.amazonaws.com.cn", false},
	}
	for _, tt := range tests {
		h := ParseHost(tt.in)
		if got := h.RegistryFor("111122223333").String(); h.Kind != RegistryHost && got != tt.registry {
			t.Errorf("%s: RegistryFor = %q, want %q", tt.in, got, tt.registry)
		}
		if h.Kind == RegistryHost && h.RegistryFor("x").Account != "x" {
			t.Errorf("%s: RegistryFor keeps the account", tt.in)
		}
		if got := h.StarportFor().String(); got != tt.starport {
			t.Errorf("%s: StarportFor = %q, want %q", tt.in, got, tt.starport)
		}
		if got := h.InPartition(); got != tt.inPartition {
			t.Errorf("%s: InPartition = %v", tt.in, got)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{
		"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso",
		"us-isob-east-1": "aws-iso-b", "eu-isoe-west-1": "aws-iso-e", "us-isof-south-1": "aws-iso-f", "eusc-de-east-1": "aws-eusc",
	} {
		if got := PartitionOf(region).ID; got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestRepositoryARN(t *testing.T) {
	t.Parallel()
	r := Repository{Region: "cn-north-1", Account: "111122223333", Name: "team/app"}
	if got := r.String(); got != "arn:aws-cn:ecr:cn-north-1:111122223333:repository/team/app" {
		t.Fatalf("ARN = %q", got)
	}
	if back, ok := ParseRepositoryARN(r.String()); !ok || back != r {
		t.Fatalf("ParseRepositoryARN = %+v %v", back, ok)
	}
	for _, bad := range []string{"", "*", "arn:aws:s3:::bucket/key", "arn:aws:ecr:us-east-1:111122223333:repository/", "arn:aws:ecr:us-east-1:1:registry"} {
		if _, ok := ParseRepositoryARN(bad); ok {
			t.Errorf("ParseRepositoryARN(%q) ok", bad)
		}
	}
}

func TestLayerKey(t *testing.T) {
	t.Parallel()
	d := "sha256:" + strings.Repeat("ab", 32)
	key, err := LayerKey("111122223333", d)
	if err != nil {
		t.Fatal(err)
	}
	reg, got, ok := ParseLayerKey(key)
	if !ok || reg != "111122223333" || got != d {
		t.Fatalf("ParseLayerKey(%q) = %q %q %v", key, reg, got, ok)
	}
	if _, _, ok := ParseLayerKey("0000" + key[4:]); ok {
		t.Fatal("a key with a wrong prefix parsed")
	}
	if _, err := LayerKey("111122223333", "sha512:abcd"); err == nil {
		t.Fatal("a sha512 digest made a key")
	}
}
