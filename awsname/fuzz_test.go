package awsname

import "testing"

// FuzzParseHost holds the round trip: whatever ParseHost returns formats
// back into a name that parses to the same Host, and an AWS name formats
// as what was parsed, lower-cased.
func FuzzParseHost(f *testing.F) {
	for _, s := range []string{
		"123456789012.dkr.ecr.us-west-2.amazonaws.com", "123456789012.dkr-ecr-fips.us-west-2.on.aws:443",
		"api.ecr.us-east-1.amazonaws.com", "ecr.cn-north-1.api.amazonwebservices.com.cn", "logs-fips.us-gov-west-1.amazonaws.com",
		"vpce-0ce51b38767233f0d-9g7ebdmt-eu-west-1a.dkr.ecr.eu-west-1.vpce.amazonaws.com",
		"prod-us-east-1-starport-layer-bucket.s3.amazonaws.com", "127.0.0.1:5000", "[::1]:1", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := ParseHost(s)
		if again := ParseHost(h.String()); again != h {
			t.Fatalf("ParseHost(%q) = %+v; formatted %q parses to %+v", s, h, h.String(), again)
		}
		if h.IsAWS() {
			if h.Region == "" || h.Suffix == "" || (h.Kind == RegistryHost && h.Endpoint == "" && !ValidAccount(h.Account)) {
				t.Fatalf("ParseHost(%q) = %+v: an AWS name without its fields", s, h)
			}
			if r := h.RegistryFor("111122223333"); ParseHost(r.String()) != r {
				t.Fatalf("RegistryFor of %q = %q does not parse back", s, r.String())
			}
			if sp := h.StarportFor(); ParseHost(sp.String()) != sp {
				t.Fatalf("StarportFor of %q = %q does not parse back", s, sp.String())
			}
		}
	})
}

// FuzzLayerKey: a key that parses is the key of what it parses to.
func FuzzLayerKey(f *testing.F) {
	k, _ := LayerKey("111122223333", "sha256:"+string(make([]byte, 0))+"0000000000000000000000000000000000000000000000000000000000000000")
	f.Add(k)
	f.Add("c814-653711331788-58b3a0a8-1806-5777-1315-c2d788e36c12/1e964f10-a061-4e7b-9290-4447e821fe9a")
	f.Fuzz(func(t *testing.T, key string) {
		reg, d, ok := ParseLayerKey(key)
		if !ok {
			return
		}
		if again, err := LayerKey(reg, d); err != nil || again != key {
			t.Fatalf("ParseLayerKey(%q) = %q %q, whose key is %q (%v)", key, reg, d, again, err)
		}
	})
}
