package registry_test

import (
	"context"
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/registry"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// instance is a registry.Service behind an httptest server, reached in
// direct mode with the request facts and caller the emulator would stamp,
// stopped when the test ends. Its methods are the real clients' handles.
type instance struct {
	svc *registry.Service
	srv *httptest.Server
	t   testing.TB
}

// start runs a Service with cfg for the test.
func start(t testing.TB, cfg registry.Config) *instance {
	t.Helper()
	svc, err := registry.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start registry: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return &instance{svc: svc, srv: stamped(t, svc, withCaller), t: t}
}

// URL is the server's base URL; Host its host:port.
func (i *instance) URL() string  { return i.srv.URL }
func (i *instance) Host() string { return strings.TrimPrefix(i.srv.URL, "http://") }

// ECR is an SDK client signed with a key the Service takes for the
// account root.
func (i *instance) ECR() *ecr.Client {
	return ecr.New(ecr.Options{Region: i.svc.Region(), BaseEndpoint: aws.String(i.srv.URL), HTTPClient: i.srv.Client(),
		RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider("AKIAECRLINKTEST", "secret", "")})
}

// Auth logs in as `aws ecr get-login-password` would.
func (i *instance) Auth() authn.Authenticator {
	i.t.Helper()
	out, err := i.ECR().GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		i.t.Fatalf("GetAuthorizationToken: %v", err)
	}
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	if err != nil {
		i.t.Fatalf("token is not base64: %v", err)
	}
	user, pass, _ := strings.Cut(string(raw), ":")
	return &authn.Basic{Username: user, Password: pass}
}

// Remote returns go-containerregistry options authenticated to the server.
func (i *instance) Remote() []remote.Option {
	return []remote.Option{remote.WithAuth(i.Auth()), remote.WithTransport(i.srv.Client().Transport), remote.WithContext(context.Background())}
}

// Ref parses "repo:tag" or "repo@digest" on the server's registry.
func (i *instance) Ref(s string) name.Reference {
	i.t.Helper()
	ref, err := name.ParseReference(i.Host()+"/"+s, name.Insecure)
	if err != nil {
		i.t.Fatalf("reference %q: %v", s, err)
	}
	return ref
}

// CreateRepository creates a repository through the ECR API.
func (i *instance) CreateRepository(name string) {
	i.t.Helper()
	if _, err := i.ECR().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)}); err != nil {
		i.t.Fatalf("CreateRepository %s: %v", name, err)
	}
}
