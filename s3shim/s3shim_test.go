package s3shim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// memStore is a Store over a map, for handler tests; it holds only
// testRegistry's layers.
type memStore map[string][]byte

var testRegistry = awsname.Registry{Account: "111122223333", Region: "us-east-1"}

func (m memStore) Stat(_ context.Context, reg awsname.Registry, d string) (int64, time.Time, error) {
	if reg != testRegistry {
		return 0, time.Time{}, fmt.Errorf("registry %v: %w", reg, ErrNotFound)
	}
	b, ok := m[d]
	if !ok {
		return 0, time.Time{}, fmt.Errorf("%s: %w", d, ErrNotFound)
	}
	return int64(len(b)), time.Unix(1e9, 0), nil
}

func (m memStore) Open(_ context.Context, _ awsname.Registry, d string, off int64) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(m[d][off:])), nil
}

func layer(s string) (string, []byte) {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:]), []byte(s)
}

func testPresigner(now *time.Time) *Presigner {
	return &Presigner{Key: []byte("0123456789abcdef0123"), Now: func() time.Time { return *now }}
}

// TestSignatureAgreesWithMinIO signs a request with minio-go's own SigV4
// presigner and checks that ours verifies it: the two canonicalise alike.
func TestSignatureAgreesWithMinIO(t *testing.T) {
	t.Parallel()
	now := time.Now()
	p := testPresigner(&now)
	c := p.credentials()
	d, _ := layer("y")
	key, _ := awsname.LayerKey("111122223333", d)
	for _, u := range []string{
		"http://127.0.0.1:5000/" + awsname.StarportBucket("us-east-1") + "/" + key,
		"https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/" + key,
	} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		signed := signer.PreSignV4(*req, c.AccessKeyID, c.SecretAccessKey, c.SessionToken, "us-east-1", 600)
		in := httptest.NewRequest(http.MethodGet, signed.URL.String(), nil)
		if err := p.verify(in, "us-east-1"); err != nil {
			t.Fatalf("minio-go's signature of %s did not verify: %v", u, err)
		}
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	p := testPresigner(&now)
	d, _ := layer("z")
	good, err := p.URL(&url.URL{Scheme: "http", Host: "127.0.0.1:5000"}, PathStyle, testRegistry, d)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		url     string
		advance time.Duration
		code    string
		message string
	}{
		{name: "valid", url: good},
		{name: "tampered signature", url: strings.Replace(good, "X-Amz-Signature=", "X-Amz-Signature=0", 1), code: "SignatureDoesNotMatch", message: msgSignature},
		{name: "other path", url: strings.Replace(good, "-starport-layer-bucket/", "-starport-layer-bucket/x", 1), code: "SignatureDoesNotMatch"},
		{name: "expired", url: good, advance: DefaultExpiry, code: "AccessDenied", message: msgExpired},
		{name: "no query", url: strings.Split(good, "?")[0], code: "AccessDenied", message: msgAccessDenied},
		{name: "missing parameter", url: strings.Replace(good, "X-Amz-Date=", "X-Amz-Dat=", 1), code: "AuthorizationQueryParametersError"},
		{name: "repeated signature", url: good + "&X-Amz-Signature=00", code: "AuthorizationQueryParametersError", message: msgQueryParams},
		{name: "repeated date", url: good + "&X-Amz-Date=20260501T120000Z", code: "AuthorizationQueryParametersError", message: msgQueryParams},
		{name: "other credential", url: strings.Replace(good, "X-Amz-Credential=ASIA", "X-Amz-Credential=AKIA", 1), code: "InvalidAccessKeyId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := testPresigner(&now)
			later := now.Add(tc.advance)
			p.Now = func() time.Time { return later }
			err := p.verify(httptest.NewRequest(http.MethodGet, tc.url, nil), "us-east-1")
			switch e, _ := err.(*Error); {
			case tc.code == "" && err != nil:
				t.Fatalf("got %v, want success", err)
			case tc.code != "" && (e == nil || e.Code != tc.code || (tc.message != "" && e.Message != tc.message)):
				t.Fatalf("got %v, want %s %q", err, tc.code, tc.message)
			}
		})
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	now := time.Now()
	p := testPresigner(&now)
	d, data := layer(strings.Repeat("0123456789", 1000))
	missing, _ := layer("absent")
	srv := &Server{Presigner: p, Store: memStore{d: data}}
	base := &url.URL{Scheme: "http", Host: "127.0.0.1:5000"}
	u, _ := p.URL(base, PathStyle, testRegistry, d)
	uMissing, _ := p.URL(base, PathStyle, testRegistry, missing)
	vhost, _ := p.URL(&url.URL{Scheme: "https", Host: "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"}, VirtualHosted, testRegistry, d)
	deny := policyeval.MustParse(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
		"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`, policyeval.KindS3Gateway)
	tests := []struct {
		name, method, url, rangeHdr string
		endpoint                    *policyeval.Policy
		noCaller, noInfo            bool
		status                      int
		body                        string
	}{
		{name: "get", method: "GET", url: u, status: 200, body: string(data)},
		{name: "virtual-hosted", method: "GET", url: vhost, status: 200, body: string(data)},
		{name: "range", method: "GET", url: u, rangeHdr: "bytes=10-19", status: 206, body: string(data[10:20])},
		{name: "suffix range", method: "GET", url: u, rangeHdr: "bytes=-5", status: 206, body: string(data[len(data)-5:])},
		{name: "head", method: "HEAD", url: u, status: 200},
		{name: "missing layer", method: "GET", url: uMissing, status: 404, body: "<Code>NoSuchKey</Code>"},
		{name: "put", method: "PUT", url: u, status: 405, body: "<Code>MethodNotAllowed</Code>"},
		{name: "gateway policy for the customer's account only", method: "GET", url: u, endpoint: deny, status: 403,
			body: `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"},
		{name: "default gateway policy", method: "GET", url: u, endpoint: policyeval.DefaultEndpointPolicy(), status: 200, body: string(data)},
		{name: "no network decision", method: "GET", url: u, noCaller: true, status: 403, body: "<Code>AccessDenied</Code>"},
		{name: "no request facts", method: "GET", url: u, noInfo: true, status: 500, body: "<Code>InternalError</Code>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, tc.url, nil)
			if tc.rangeHdr != "" {
				req.Header.Set("Range", tc.rangeHdr)
			}
			info := reqinfo.New(req)
			info.Caller = &policyeval.Caller{}
			if tc.endpoint != nil {
				info.Caller.EndpointPolicies = []*policyeval.Policy{tc.endpoint}
			}
			if tc.noCaller {
				info.Caller = nil
			}
			var seen []reqinfo.Authorization
			info.Observer = reqinfo.ObserverFunc(func(_ context.Context, _ *reqinfo.Info, a reqinfo.Authorization) { seen = append(seen, a) })
			if !tc.noInfo {
				req = req.WithContext(reqinfo.With(req.Context(), info))
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
				t.Fatalf("got %d %.200s, want %d containing %.200q", rec.Code, rec.Body.String(), tc.status, tc.body)
			}
			if wantSeen := tc.status != 500 && !tc.noCaller && tc.method != "PUT"; wantSeen != (len(seen) == 1) {
				t.Fatalf("observer saw %d decisions", len(seen))
			}
			if tc.status == 200 && rec.Header().Get("Content-Length") != fmt.Sprint(len(data)) {
				t.Fatalf("Content-Length %q, want %d", rec.Header().Get("Content-Length"), len(data))
			}
		})
	}
}
