package awsname

import "testing"

func TestParseImage(t *testing.T) {
	t.Parallel()
	const dgst = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name, uri       string
		account, region string
		repo, tag, dg   string
		fips, dual      bool
		endpoint        string
		bad             bool
	}{
		{name: "dkr", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1", account: "111122223333", region: "us-east-1", repo: "app", tag: "1"},
		{name: "no tag", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/app", account: "111122223333", region: "us-east-1", repo: "team/app", tag: "latest"},
		{name: "digest", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app@" + dgst, account: "111122223333", region: "us-east-1", repo: "app", dg: dgst},
		{name: "fips", uri: "111122223333.dkr.ecr-fips.us-east-1.amazonaws.com/app:1", account: "111122223333", region: "us-east-1", repo: "app", tag: "1", fips: true},
		{name: "dual-stack", uri: "111122223333.dkr-ecr.us-east-1.on.aws/app:1", account: "111122223333", region: "us-east-1", repo: "app", tag: "1", dual: true},
		{name: "china", uri: "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1", account: "111122223333", region: "cn-north-1", repo: "app", tag: "1"},
		{name: "vpce", uri: "vpce-0ce51b38767233f0d-9g7ebdmt.dkr.ecr.eu-west-1.vpce.amazonaws.com/app:1", region: "eu-west-1", repo: "app", tag: "1", endpoint: "vpce-0ce51b38767233f0d-9g7ebdmt"},
		{name: "upper-case host", uri: "111122223333.DKR.ECR.us-east-1.amazonaws.com/app:1", account: "111122223333", region: "us-east-1", repo: "app", tag: "1"},
		{name: "docker hub", uri: "docker.io/library/alpine:3", bad: true},
		{name: "api host", uri: "api.ecr.us-east-1.amazonaws.com/app:1", bad: true},
		{name: "no repository", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com", bad: true},
		{name: "bad repository", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/App:1", bad: true},
		{name: "bad tag", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:-x", bad: true},
		{name: "bad digest", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app@sha256:12", bad: true},
		{name: "port", uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com:443/app:1", bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img, err := ParseImage(tc.uri)
			if tc.bad {
				if err == nil {
					t.Fatalf("ParseImage(%q) = %+v, want an error", tc.uri, img)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := img.Host
			if h.Account != tc.account || h.Region != tc.region || img.Repository != tc.repo || img.Tag != tc.tag || img.Digest != tc.dg ||
				h.FIPS != tc.fips || h.DualStack != tc.dual || h.Endpoint != tc.endpoint {
				t.Fatalf("ParseImage(%q) = %+v", tc.uri, img)
			}
		})
	}
}

// FuzzParseImage: nothing panics, and what parses formats back into a
// reference that parses to the same Image.
func FuzzParseImage(f *testing.F) {
	for _, s := range []string{
		"111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1", "111122223333.dkr-ecr.us-east-1.on.aws/a/b@sha256:" +
			"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"vpce-0ce51b38767233f0d-9g7ebdmt.dkr.ecr.eu-west-1.vpce.amazonaws.com/app", "/", "a/b:c@d", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		img, err := ParseImage(s)
		if err != nil {
			return
		}
		again, err := ParseImage(img.String())
		if err != nil || again != img {
			t.Fatalf("ParseImage(%q) = %+v; %q parses to %+v, %v", s, img, img.String(), again, err)
		}
	})
}
