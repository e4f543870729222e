package sigv4

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCanonicalQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query url.Values
		want  string
	}{
		{name: "empty", query: url.Values{}, want: ""},
		{name: "keys sorted", query: url.Values{"b": {"1"}, "a": {"2"}}, want: "a=2&b=1"},
		{name: "repeated values sorted", query: url.Values{"a": {"2", "1"}}, want: "a=1&a=2"},
		{name: "space is %20", query: url.Values{"k": {"a b"}}, want: "k=a%20b"},
		{name: "plus is escaped", query: url.Values{"k": {"a+b"}}, want: "k=a%2Bb"},
		{name: "unreserved kept", query: url.Values{"k": {"A-z_0.9~"}}, want: "k=A-z_0.9~"},
		{name: "reserved escaped", query: url.Values{"k": {"a/b:c=d&e"}}, want: "k=a%2Fb%3Ac%3Dd%26e"},
		{name: "empty value", query: url.Values{"k": {""}}, want: "k="},
		// '/' sorts after '-' but %2F before it: the order is the escaped one.
		{name: "sorted after escaping", query: url.Values{"k": {"a-b", "a/b"}}, want: "k=a%2Fb&k=a-b"},
		{name: "keys sorted after escaping", query: url.Values{"a": {"1"}, "é": {"2"}}, want: "%C3%A9=2&a=1"},
		{name: "key before longer key", query: url.Values{"a-b": {"1"}, "a": {"2"}}, want: "a=2&a-b=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := CanonicalQuery(tc.query); got != tc.want {
				t.Fatalf("CanonicalQuery(%v) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}

func TestCanonicalRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		url    string
		host   string
		header http.Header
		signed []string
		want   string
	}{
		{
			name: "empty path is /", url: "http://h", signed: []string{"host"},
			want: "GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD",
		},
		{
			name: "host as signed, not the URL's", url: "http://127.0.0.1:1/x", host: "bucket.s3.amazonaws.com", signed: []string{"host"},
			want: "GET\n/x\n\nhost:bucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD",
		},
		{
			name: "path as escaped on the wire", url: "http://h/a%20b/~c", signed: []string{"host"},
			want: "GET\n/a%20b/~c\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD",
		},
		{
			name: "whitespace folded, values joined", url: "http://h/?b=2&a=1",
			header: http.Header{"X-Amz-Meta": {"  a   b\t c ", "d"}}, signed: []string{"host", "x-amz-meta"},
			want: "GET\n/\na=1&b=2\nhost:h\nx-amz-meta:a b c,d\n\nhost;x-amz-meta\nUNSIGNED-PAYLOAD",
		},
		{
			name: "a signed header that is absent is empty", url: "http://h/", signed: []string{"host", "x-absent"},
			want: "GET\n/\n\nhost:h\nx-absent:\n\nhost;x-absent\nUNSIGNED-PAYLOAD",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := http.NewRequest(http.MethodGet, tc.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.host != "" {
				r.Host = tc.host
			}
			for k, v := range tc.header {
				r.Header[k] = v
			}
			if got := CanonicalRequest(r, tc.signed, UnsignedPayload); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestKnownSignature is get-vanilla from AWS's SigV4 test suite.
func TestKnownSignature(t *testing.T) {
	t.Parallel()
	r, _ := http.NewRequest(http.MethodGet, "http://example.amazonaws.com/", nil)
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	scope := Scope{Date: "20150830", Region: "us-east-1", Service: "service"}
	canon := CanonicalRequest(r, []string{"host", "x-amz-date"}, HashPayload(nil))
	got := Signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", scope, canon)
	if want := "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	const good = "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab"
	tests := []struct {
		name    string
		header  string
		want    *Authorization
		missing bool
	}{
		{name: "valid", header: good, want: &Authorization{AccessKeyID: "AK",
			Scope:         Scope{Date: "20260101", Region: "us-east-1", Service: "ecr"},
			SignedHeaders: []string{"host", "x-amz-date"}, Signature: "ab"}},
		{name: "no spaces after commas", header: strings.ReplaceAll(good, ", ", ","), want: &Authorization{AccessKeyID: "AK",
			Scope:         Scope{Date: "20260101", Region: "us-east-1", Service: "ecr"},
			SignedHeaders: []string{"host", "x-amz-date"}, Signature: "ab"}},
		{name: "missing", header: "", missing: true},
		{name: "other scheme", header: "Basic abc"},
		{name: "other algorithm", header: strings.Replace(good, "SHA256", "SHA1", 1)},
		{name: "short credential", header: strings.Replace(good, "/ecr/", "/", 1)},
		{name: "credential not aws4_request", header: strings.Replace(good, "aws4_request", "aws4", 1)},
		{name: "no signature", header: strings.Replace(good, ", Signature=ab", "", 1)},
		{name: "no signed headers", header: strings.Replace(good, " SignedHeaders=host;x-amz-date,", "", 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAuthorization(tc.header)
			if tc.want == nil {
				ae, ok := err.(*AuthorizationError)
				if !ok || ae.Missing != tc.missing {
					t.Fatalf("got %v, %v; want AuthorizationError{Missing: %v}", got, err, tc.missing)
				}
				return
			}
			if err != nil || got.AccessKeyID != tc.want.AccessKeyID || got.Scope != tc.want.Scope ||
				strings.Join(got.SignedHeaders, ";") != strings.Join(tc.want.SignedHeaders, ";") || got.Signature != tc.want.Signature {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// TestSignVerify signs with Signer and verifies with Verify and
// VerifyPresigned, and checks that a wrong secret fails.
func TestSignVerify(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s := Signer{Credentials: Credentials{AccessKeyID: "AK", SecretAccessKey: "secret", SessionToken: "tok"}, Region: "us-east-1", Service: "ecr"}
	body := []byte(`{"repositoryName":"app"}`)
	r, _ := http.NewRequest(http.MethodPost, "http://api.ecr.us-east-1.amazonaws.com/", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	s.Sign(r, HashPayload(body), at)
	a, err := ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Scope != ScopeAt(at, "us-east-1", "ecr") {
		t.Fatalf("scope %+v", a.Scope)
	}
	if err := Verify(r, a, "secret", HashPayload(body)); err != nil {
		t.Fatalf("own signature: %v", err)
	}
	if err := Verify(r, a, "other", HashPayload(body)); err != ErrSignatureMismatch {
		t.Fatalf("wrong secret: %v", err)
	}

	u, _ := url.Parse("http://bucket.s3.us-east-1.amazonaws.com/k?x=1")
	s.Service = "s3"
	p := s.Presign(http.MethodGet, u, at, time.Hour)
	g, _ := http.NewRequest(http.MethodGet, p.String(), nil)
	if err := VerifyPresigned(g, "secret", ScopeAt(at, "us-east-1", "s3")); err != nil {
		t.Fatalf("own presigned URL %s: %v", p, err)
	}
	if err := VerifyPresigned(g, "secret", ScopeAt(at, "eu-west-1", "s3")); err != ErrSignatureMismatch {
		t.Fatalf("other scope: %v", err)
	}
}
