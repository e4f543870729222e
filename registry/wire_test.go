package registry_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/awsname"
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
func stamped(t testing.TB, svc *registry.Service, stamp func(*reqinfo.Info) *reqinfo.Info) *httptest.Server {
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

// withCaller stamps a caller the network let through with nothing to bound it.
func withCaller(i *reqinfo.Info) *reqinfo.Info { i.Caller = &policyeval.Caller{}; return i }

// basic returns the Basic credential for a password, as docker sends it.
func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// basicAuth is the Basic credential docker builds from an ECR token.
func basicAuth(t *testing.T, c *ecr.Client) (user, pass string) {
	t.Helper()
	tok, err := c.GetAuthorizationToken(t.Context(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(*tok.AuthorizationData[0].AuthorizationToken)
	user, pass, _ = strings.Cut(string(raw), ":")
	return user, pass
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
	withCaller := stamped(t, svc, withCaller)
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

// failingLocator cannot place any layer, as a broken presigner would.
type failingLocator struct{}

func (failingLocator) LayerURL(context.Context, awsname.Registry, string) (string, error) {
	return "", errors.New("presigner broken")
}

// TestFailedPresignServesNothing: when a layer URL cannot be presigned, the
// blob GET and GetDownloadUrlForLayer fail as server errors; they used to
// fall back to serving the bytes from the registry, around the layer
// bucket and whatever decides access to it.
func TestFailedPresignServesNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, err := registry.New(ctx, registry.Config{Layers: failingLocator{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	srv := stamped(t, svc, withCaller)
	c := ecrClient(t, srv)
	if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	user, pass := basicAuth(t, c)
	img, _ := random.Image(1000, 1)
	ref, _ := name.ParseReference(strings.TrimPrefix(srv.URL, "http://")+"/app:1", name.Insecure)
	if err := remote.Write(ref, img, remote.WithAuth(&authn.Basic{Username: user, Password: pass}), remote.WithTransport(srv.Client().Transport)); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	ld, _ := layers[0].Digest()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v2/app/blobs/"+ld.String(), nil)
	req.SetBasicAuth(user, pass)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("blob GET with a broken presigner: %d %.80q, want 500", resp.StatusCode, body)
	}
	_, err = c.GetDownloadUrlForLayer(ctx, &ecr.GetDownloadUrlForLayerInput{RepositoryName: aws.String("app"), LayerDigest: aws.String(ld.String())})
	var se *types.ServerException
	if !errors.As(err, &se) {
		t.Errorf("GetDownloadUrlForLayer with a broken presigner: %v, want ServerException", err)
	}
}

// syncBuffer is a log destination safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEachServiceLogsToItsOwnLogger: two Services in one process; what
// the embedded distribution logs while serving one of them reaches that
// one's logger only (distribution itself logs through one process-wide
// logger).
func TestEachServiceLogsToItsOwnLogger(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	type side struct {
		logs *syncBuffer
		srv  *httptest.Server
		auth [2]string
	}
	var sides [2]side
	for i := range sides {
		logs := &syncBuffer{}
		svc, err := registry.New(ctx, registry.Config{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = svc.Close() })
		srv := stamped(t, svc, withCaller)
		c := ecrClient(t, srv)
		if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(fmt.Sprintf("app%d", i))}); err != nil {
			t.Fatal(err)
		}
		user, pass := basicAuth(t, c)
		sides[i] = side{logs, srv, [2]string{user, pass}}
	}
	for i, s := range sides {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/v2/app%d/manifests/missing-%d", s.srv.URL, i, i), nil)
		req.SetBasicAuth(s.auth[0], s.auth[1])
		resp, err := s.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("GET of a missing manifest: %d", resp.StatusCode)
		}
	}
	for i, s := range sides {
		own, other := fmt.Sprintf("missing-%d", i), fmt.Sprintf("missing-%d", 1-i)
		logs := s.logs.String()
		if !strings.Contains(logs, "distribution: ") || !strings.Contains(logs, own) {
			t.Errorf("service %d's logger has no distribution line about its request:\n%s", i, logs)
		}
		if strings.Contains(logs, other) {
			t.Errorf("service %d's logger has the other service's line:\n%s", i, logs)
		}
	}
}
