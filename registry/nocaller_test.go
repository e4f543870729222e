package registry_test

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/registry"
	"github.com/ecrlink/ecrlink/reqinfo"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// stamped serves svc as the emulator does in direct mode, with the
// request facts stamp decides: a caller, none, or no facts at all.
func stamped(t *testing.T, svc *registry.Service, stamp func(*reqinfo.Info) *reqinfo.Info) *httptest.Server {
	api, reg := svc.API(), svc.Registry()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := stamp(reqinfo.New(r)); info != nil {
			r = r.WithContext(reqinfo.With(r.Context(), info))
		}
		if strings.HasPrefix(r.URL.Path, "/v2") {
			reg.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func ecrClient(t *testing.T, srv *httptest.Server) *ecr.Client {
	return ecr.New(ecr.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
}

// TestNoCallerIsDenied: a request the network decided nothing about is
// denied on both APIs, and one without request facts is refused; neither
// is ever served on a guess.
func TestNoCallerIsDenied(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, err := registry.New(ctx, registry.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	withCaller := stamped(t, svc, func(i *reqinfo.Info) *reqinfo.Info { i.Caller = &policyeval.Caller{}; return i })
	noCaller := stamped(t, svc, func(i *reqinfo.Info) *reqinfo.Info { return i })
	noInfo := stamped(t, svc, func(*reqinfo.Info) *reqinfo.Info { return nil })

	good := ecrClient(t, withCaller)
	if _, err := good.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	tok, err := good.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(*tok.AuthorizationData[0].AuthorizationToken)
	user, pass, _ := strings.Cut(string(raw), ":")
	auth := remote.WithAuth(&authn.Basic{Username: user, Password: pass})
	img, _ := random.Image(512, 1)
	push := func(srv *httptest.Server) error {
		ref, _ := name.ParseReference(strings.TrimPrefix(srv.URL, "http://")+"/app:1", name.Insecure)
		return remote.Write(ref, img, auth, remote.WithTransport(srv.Client().Transport))
	}
	if err := push(withCaller); err != nil {
		t.Fatalf("push with a caller: %v", err)
	}

	_, err = ecrClient(t, noCaller).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" ||
		!strings.Contains(apiErr.ErrorMessage(), "because no network path was decided for the request") {
		t.Fatalf("API without a caller: %v, want AccessDeniedException", err)
	}
	get := func(srv *httptest.Server) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v2/app/manifests/1", nil)
		req.SetBasicAuth(user, pass)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := get(noCaller); status != http.StatusForbidden || !strings.Contains(body, `"code":"DENIED"`) {
		t.Fatalf("registry without a caller: %d %s, want 403 DENIED", status, body)
	}
	_, err = ecrClient(t, noInfo).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServerException" {
		t.Fatalf("API without request facts: %v, want ServerException", err)
	}
	if status, body := get(noInfo); status != http.StatusInternalServerError {
		t.Fatalf("registry without request facts: %d %s, want 500", status, body)
	}
}
