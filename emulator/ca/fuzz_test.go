package ca

import (
	"crypto/x509"
	"strings"
	"testing"
)

// FuzzSubjectNames: every name given a leaf is one that x509 hostname
// verification accepts for that leaf, so covers agrees with crypto/x509.
func FuzzSubjectNames(f *testing.F) {
	for _, s := range []string{
		"111122223333.dkr.ecr.us-east-1.amazonaws.com", "vpce-0ce51b38767233f0d-9g7ebdmt.api.ecr.us-east-1.vpce.amazonaws.com",
		"prod-us-east-1-starport-layer-bucket.s3.amazonaws.com", "ecr.us-west-2.api.aws", "LOCALHOST.", "example.com", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := subjectNames(s)
		if err != nil {
			return
		}
		host := strings.TrimRight(strings.ToLower(s), ".")
		if err := (&x509.Certificate{DNSNames: names}).VerifyHostname(host); err != nil {
			t.Fatalf("subjectNames(%q) = %v, which x509 refuses: %v", s, names, err)
		}
	})
}
