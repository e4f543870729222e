package sigv4_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/ecrlink/ecrlink/sigv4"
)

var (
	sdkCreds = aws.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "session/token+="}
	ourCreds = sigv4.Credentials{AccessKeyID: sdkCreds.AccessKeyID, SecretAccessKey: sdkCreds.SecretAccessKey, SessionToken: sdkCreds.SessionToken}
)

// verifying is a server that verifies each request's SigV4 header
// signature with the test secret and answers 204 or 403, so that what is
// checked is the request as it arrives, not as the client built it.
func verifying(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a, err := sigv4.ParseAuthorization(r.Header.Get("Authorization"))
		if err == nil {
			err = sigv4.Verify(r, a, sdkCreds.SecretAccessKey, sigv4.HashPayload(body))
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestVerifySDKSignedPost signs ECR API calls with aws-sdk-go-v2's signer,
// sends them, and verifies them on arrival; a body changed after signing
// must fail.
func TestVerifySDKSignedPost(t *testing.T) {
	t.Parallel()
	srv := verifying(t)
	tests := []struct {
		name   string
		path   string
		body   string
		send   string // the body sent, if not body
		status int
	}{
		{name: "signed body", path: "/", body: `{"repositoryName":"app"}`, status: http.StatusNoContent},
		{name: "empty body", path: "/", status: http.StatusNoContent},
		{name: "query", path: "/?b=2&a=x%20y&a=1", body: "{}", status: http.StatusNoContent},
		{name: "body changed", path: "/", body: `{"repositoryName":"app"}`, send: `{"repositoryName":"bad"}`, status: http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+tc.path, bytes.NewReader([]byte(tc.body)))
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories")
			req.Header.Set("X-Amz-Meta", "  folded    spaces ")
			err := v4.NewSigner().SignHTTP(t.Context(), sdkCreds, req, sigv4.HashPayload([]byte(tc.body)), "ecr", "us-east-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if tc.send != "" {
				req.Body = io.NopCloser(bytes.NewReader([]byte(tc.send)))
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, msg, tc.status)
			}
		})
	}
}

// presignTests are URLs presigned both by aws-sdk-go-v2 and by us.
var presignTests = []struct {
	name string
	url  string
}{
	{name: "virtual-hosted", url: "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/0a1b-111122223333-x/y"},
	{name: "path-style", url: "http://127.0.0.1:5000/prod-us-east-1-starport-layer-bucket/0a1b-111122223333-x/y"},
	{name: "escaped path and query", url: "http://h/b/a%20b~c?response-content-type=a%20b&x=2&x=1"},
	{name: "empty path", url: "http://h"},
}

// sdkPresign presigns a GET of raw with aws-sdk-go-v2, as S3's presigner
// does: the expiry in the query, the payload unsigned, the path not
// escaped a second time.
func sdkPresign(t *testing.T, raw string, at time.Time, expires time.Duration) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	u.RawQuery = q.Encode()
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	signed, _, err := v4.NewSigner().PresignHTTP(t.Context(), sdkCreds, req, sigv4.UnsignedPayload, "s3", "us-east-1", at,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// TestVerifySDKPresignedGet verifies URLs presigned by aws-sdk-go-v2.
func TestVerifySDKPresignedGet(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range presignTests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			signed := sdkPresign(t, tc.url, at, time.Hour)
			r := httptest.NewRequest(http.MethodGet, signed, nil)
			if err := sigv4.VerifyPresigned(r, sdkCreds.SecretAccessKey, sigv4.ScopeAt(at, "us-east-1", "s3")); err != nil {
				t.Fatalf("%s: %v", signed, err)
			}
			r.Host += ".other"
			if err := sigv4.VerifyPresigned(r, sdkCreds.SecretAccessKey, sigv4.ScopeAt(at, "us-east-1", "s3")); !errors.Is(err, sigv4.ErrSignatureMismatch) {
				t.Fatalf("another host: %v", err)
			}
		})
	}
}

// TestPresignMatchesSDK presigns with us and with aws-sdk-go-v2 and
// checks the signatures are the same.
func TestPresignMatchesSDK(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s := sigv4.Signer{Credentials: ourCreds, Region: "us-east-1", Service: "s3"}
	for _, tc := range presignTests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sdk, _ := url.Parse(sdkPresign(t, tc.url, at, time.Hour))
			u, _ := url.Parse(tc.url)
			ours := s.Presign(http.MethodGet, u, at, time.Hour)
			want, got := sdk.Query(), ours.Query()
			if got.Get("X-Amz-Signature") != want.Get("X-Amz-Signature") {
				t.Fatalf("signature differs:\nours %s\nsdk  %s", ours, sdk)
			}
			// The same parameters; the SDK writes repeated values sorted.
			if sigv4.CanonicalQuery(got) != sigv4.CanonicalQuery(want) {
				t.Fatalf("query differs:\nours %s\nsdk  %s", got.Encode(), want.Encode())
			}
			if ours.EscapedPath() != sdk.EscapedPath() || ours.Host != sdk.Host {
				t.Fatalf("URL differs: ours %s, sdk %s", ours, sdk)
			}
		})
	}
}
