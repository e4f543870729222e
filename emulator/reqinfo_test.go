package emulator

import (
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// countingTransport counts the requests that got an answer: the client's
// HTTPS probes of an insecure registry never reach HTTP.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		c.n.Add(1)
	}
	return resp, err
}

// observed collects authorization decisions.
type observed struct {
	mu  sync.Mutex
	all []reqinfo.Authorization
}

func (o *observed) ObserveAuthorization(_ context.Context, _ *reqinfo.Info, a reqinfo.Authorization) {
	o.mu.Lock()
	o.all = append(o.all, a)
	o.mu.Unlock()
}

func (o *observed) find(action string, allowed bool) *reqinfo.Authorization {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.all {
		if o.all[i].Action == action && o.all[i].Decision.Allowed() == allowed {
			return &o.all[i]
		}
	}
	return nil
}

// TestRequestFactsComputedOnce pushes and pulls by AWS names (API,
// registry, starport bucket): each request's facts, its host parse
// included, are computed exactly once, every decision of the registry and
// of the bucket reaches the observer, and a denial arrives with its
// deciding policy and AWS's text.
func TestRequestFactsComputedOnce(t *testing.T) {
	t.Parallel()
	var computed atomic.Int64
	obs := &observed{}
	srv, err := Start(t.Context(), Config{Account: "111122223333", Observer: obs,
		newInfo: func(r *http.Request) *reqinfo.Info { computed.Add(1); return reqinfo.New(r) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	addr := srv.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	base := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(base.CloseIdleConnections)
	tr := &countingTransport{next: base}
	api := ecr.New(ecr.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://api.ecr.us-east-1.amazonaws.com:" + port),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""), HTTPClient: &http.Client{Transport: tr}})
	ctx := t.Context()
	if _, err := api.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	tok, err := api.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(*tok.AuthorizationData[0].AuthorizationToken)
	user, pass, _ := strings.Cut(string(raw), ":")
	opts := []remote.Option{remote.WithTransport(tr), remote.WithAuth(&authn.Basic{Username: user, Password: pass})}
	ref, _ := name.ParseReference("111122223333.dkr.ecr.us-east-1.amazonaws.com:"+port+"/app:1", name.Insecure)
	img, _ := random.Image(1024, 2)
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatal(err)
	}
	pulled, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := pulled.Layers()
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, rc)
		_ = rc.Close()
	}
	if sent, got := tr.n.Load(), computed.Load(); sent != got || sent == 0 {
		t.Fatalf("%d requests sent, facts computed %d times", sent, got)
	}
	for _, action := range []string{"ecr:CreateRepository", "ecr:GetAuthorizationToken", "ecr:InitiateLayerUpload", "ecr:PutImage",
		"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "s3:GetObject"} {
		if obs.find(action, true) == nil {
			t.Errorf("observer saw no allowed %s", action)
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"NoPull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]}`
	if _, err := api.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("app"), PolicyText: &deny}); err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Image(ref, opts...); err == nil {
		t.Fatal("pull allowed under a denying repository policy")
	}
	d := obs.find("ecr:BatchGetImage", false)
	if d == nil {
		t.Fatal("observer saw no denied ecr:BatchGetImage")
	}
	m := d.Decision.Matched()
	if len(m) == 0 || !m[0].Deny || m[0].Sid != "NoPull" || m[0].Type != policyeval.PolicyResource ||
		!strings.Contains(d.Message, "with an explicit deny in a resource-based policy") {
		t.Fatalf("denial observed as %+v (matched %+v)", d, m)
	}
}

// TestHostIsParsedOnlyByReqinfo: outside awsname's own tests, the one
// caller of awsname.ParseHost is reqinfo.New, which the emulator calls
// once per request (TestRequestFactsComputedOnce).
func TestHostIsParsedOnlyByReqinfo(t *testing.T) {
	t.Parallel()
	var callers []string
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "ParseHost(") && !strings.HasPrefix(filepath.ToSlash(path), "../awsname/") {
			callers = append(callers, filepath.ToSlash(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(callers) != 1 || callers[0] != "../reqinfo/classify.go" {
		t.Fatalf("ParseHost is called from %v, want only ../reqinfo/classify.go", callers)
	}
}
