package sigv4

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// mutations change one signed part of a request; each must make its
// signature fail.
var mutations = []struct {
	name      string
	presigned bool // applies to a presigned URL too
	apply     func(r *http.Request, body *[]byte)
}{
	{"method", true, func(r *http.Request, _ *[]byte) { r.Method += "X" }},
	{"path", true, func(r *http.Request, _ *[]byte) { r.URL.Path += "x"; r.URL.RawPath = "" }},
	{"query", true, func(r *http.Request, _ *[]byte) { r.URL.RawQuery += "&fuzz-added=1" }},
	{"host", true, func(r *http.Request, _ *[]byte) { r.Host += "x" }},
	{"signed header", false, func(r *http.Request, _ *[]byte) { r.Header.Set("X-Fuzz", r.Header.Get("X-Fuzz")+"x") }},
	{"body", false, func(_ *http.Request, body *[]byte) { *body = append(*body, 'x') }},
}

// FuzzSignVerify holds the property: a signature we produce verifies,
// and any change to the method, path, query, host, a signed header or the
// body makes it fail — in the header form and the presigned form.
func FuzzSignVerify(f *testing.F) {
	f.Add("POST", "/", "", "application/x-amz-json-1.1", []byte(`{"repositoryName":"app"}`))
	f.Add("GET", "/prod-us-east-1-starport-layer-bucket/0a1b-111122223333-x/y", "", "", []byte(nil))
	f.Add("GET", "/a b/~c/%2F", "b=2&a=1&a=0&k=a+b&e=%C3%A9", "  folded   value ", []byte("x"))
	f.Add("PUT", "", "X-Amz-Signature=00&x=", "v1,v2", []byte{0, 1, 2})
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s := Signer{Credentials: Credentials{AccessKeyID: "AK", SecretAccessKey: "secret", SessionToken: "tok"}, Region: "us-east-1", Service: "ecr"}
	f.Fuzz(func(t *testing.T, method, path, query, header string, body []byte) {
		if method == "" {
			return
		}
		build := func() *http.Request {
			return &http.Request{Method: method, URL: &url.URL{Scheme: "http", Host: "h", Path: path, RawQuery: query},
				Host: "h", Header: http.Header{"X-Fuzz": {header}}}
		}
		for _, m := range mutations {
			r, b := build(), bytes.Clone(body)
			s.Sign(r, HashPayload(b), at)
			a, err := ParseAuthorization(r.Header.Get("Authorization"))
			if err != nil {
				t.Fatalf("own Authorization %q: %v", r.Header.Get("Authorization"), err)
			}
			if err := Verify(r, a, "secret", HashPayload(b)); err != nil {
				t.Fatalf("own signature does not verify: %v", err)
			}
			m.apply(r, &b)
			if err := Verify(r, a, "secret", HashPayload(b)); !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("changed %s still verifies", m.name)
			}
		}
		for _, m := range mutations {
			if !m.presigned {
				continue
			}
			u := s.Presign(method, build().URL, at, time.Hour)
			r := &http.Request{Method: method, URL: u, Host: u.Host, Header: http.Header{}}
			scope := ScopeAt(at, s.Region, s.Service)
			if err := VerifyPresigned(r, "secret", scope); err != nil {
				t.Fatalf("own presigned %s does not verify: %v", u, err)
			}
			m.apply(r, nil)
			if err := VerifyPresigned(r, "secret", scope); !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("changed %s of presigned %s still verifies", m.name, u)
			}
		}
	})
}
