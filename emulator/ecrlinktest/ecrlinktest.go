// Package ecrlinktest starts a whole ecrlink for a Go test and hands the test
// real clients for it: an aws-sdk-go-v2 configuration and go-containerregistry
// credentials obtained through GetAuthorizationToken, as a CI job would.
package ecrlinktest

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Instance is a running ecrlink that stops when the test ends.
type Instance struct {
	*emulator.Server
	t testing.TB
	// transport carries the requests of the SDK, go-containerregistry and
	// Client; it is closed before shutdown, so the server never waits out
	// a connection the client left idle.
	transport *http.Transport
}

// Start starts ecrlink with cfg on a random 127.0.0.1 port (unless cfg says
// otherwise) and registers its shutdown with t.Cleanup.
func Start(t testing.TB, cfg emulator.Config) *Instance {
	t.Helper()
	srv, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start ecrlink: %v", err)
	}
	inst := &Instance{Server: srv, t: t, transport: ecrtest.NewTransport()}
	t.Cleanup(func() {
		inst.transport.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("stop ecrlink: %v", err)
		}
	})
	return inst
}

// Host is the registry's host:port in direct mode.
func (i *Instance) Host() string { return i.Addr().String() }

// AWSConfig is an SDK configuration whose ECR calls reach this instance,
// signed with a static key that ecrlink maps to the account root.
func (i *Instance) AWSConfig() aws.Config {
	return aws.Config{
		Region:           i.Region(),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIAECRLINKTEST", "secret", ""),
		BaseEndpoint:     aws.String(i.URL()),
		RetryMaxAttempts: 1,
		HTTPClient:       i.Client(),
	}
}

// Client returns a plain HTTP client of this instance's URL, on the
// instance's own transport (closed before the instance stops).
func (i *Instance) Client() *http.Client { return &http.Client{Transport: i.transport} }

// HTTPClient returns a client that reaches this instance whatever host a
// URL names, so tests can use real AWS hostnames without DNS.
func (i *Instance) HTTPClient() *http.Client {
	addr := i.Addr().String()
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
	}
	i.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// ECR returns an SDK client for this instance.
func (i *Instance) ECR() *ecr.Client { return ecr.NewFromConfig(i.AWSConfig()) }

// Auth logs in as `aws ecr get-login-password` would and returns the
// credentials for go-containerregistry.
func (i *Instance) Auth() authn.Authenticator {
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

// Remote returns go-containerregistry options authenticated to this instance.
func (i *Instance) Remote() []remote.Option {
	return []remote.Option{remote.WithAuth(i.Auth()), remote.WithTransport(i.transport), remote.WithContext(context.Background())}
}

// Ref parses "repo:tag" or "repo@digest" on this instance's registry.
func (i *Instance) Ref(s string) name.Reference {
	i.t.Helper()
	ref, err := name.ParseReference(i.Host()+"/"+s, name.Insecure)
	if err != nil {
		i.t.Fatalf("reference %q: %v", s, err)
	}
	return ref
}

// CreateRepository creates a repository through the ECR API.
func (i *Instance) CreateRepository(name string) {
	i.t.Helper()
	_, err := i.ECR().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
	if err != nil {
		i.t.Fatalf("CreateRepository %s: %v", name, err)
	}
}

// ProxyClient returns a client that reaches this instance under real AWS
// names over TLS, through its CONNECT proxy, trusting its CA: what a
// client with HTTPS_PROXY and AWS_CA_BUNDLE set does.
func (i *Instance) ProxyClient() *http.Client {
	proxy := &url.URL{Scheme: "http", Host: i.Addr().String()}
	tr := &http.Transport{
		Proxy:               http.ProxyURL(proxy),
		TLSClientConfig:     &tls.Config{RootCAs: i.CA().Pool()},
		TLSHandshakeTimeout: 10 * time.Second,
	}
	i.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// ProxyAWSConfig is AWSConfig for the real API name, through the proxy.
func (i *Instance) ProxyAWSConfig() aws.Config {
	cfg := i.AWSConfig()
	cfg.BaseEndpoint, cfg.HTTPClient = nil, i.ProxyClient()
	return cfg
}
