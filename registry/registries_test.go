package registry_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/ecrlink/ecrlink/registry"
)

const (
	accountA = "111122223333"
	accountB = "444455556666"
	alice    = "arn:aws:iam::111122223333:user/alice"
	bob      = "arn:aws:iam::444455556666:user/bob"
)

// everything is an identity policy granting all of ECR.
const everything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`

// multi is a Service holding A's registries in us-east-1 and us-west-2
// and B's in us-east-1, reached under AWS names through one listener, with
// alice of A and bob of B as identities.
type multi struct {
	svc  *registry.Service
	srv  *httptest.Server
	port string
}

func startMulti(t *testing.T, dataDir string) *multi {
	t.Helper()
	svc, err := registry.New(t.Context(), registry.Config{
		Account: accountA, Region: "us-east-1", DataDir: dataDir,
		Registries: []awsname.Registry{{Account: accountB, Region: "us-east-1"}, {Account: accountA, Region: "us-west-2"}},
		Identities: []registry.Identity{
			{AccessKeyID: "AKIAALICE", SecretAccessKey: "alice-secret", Principal: alice, Policies: []string{everything}},
			{AccessKeyID: "AKIABOB", SecretAccessKey: "bob-secret", Principal: bob, Policies: []string{everything}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	srv := stamped(t, svc, withCaller)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return &multi{svc: svc, srv: srv, port: port}
}

// transport dials the server whatever name a client asks for, as DNS
// pointing AWS's names at ecrlink would.
func (m *multi) transport(t *testing.T) *http.Transport {
	addr := m.srv.Listener.Addr().String()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// api is an ECR client for key in region, at the region's API name.
func (m *multi) api(t *testing.T, region, key, secret string) *ecr.Client {
	return ecr.New(ecr.Options{Region: region, BaseEndpoint: aws.String("http://api.ecr." + region + ".amazonaws.com:" + m.port),
		HTTPClient: &http.Client{Transport: m.transport(t)}, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
}

// ref is repo:tag on account's registry in region, by its AWS name.
func (m *multi) ref(t *testing.T, account, region, s string) name.Reference {
	ref, err := name.ParseReference(account+".dkr.ecr."+region+".amazonaws.com:"+m.port+"/"+s, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// login is the Basic credential of c's GetAuthorizationToken.
func login(t *testing.T, c *ecr.Client) authn.Authenticator {
	t.Helper()
	out, err := c.GetAuthorizationToken(t.Context(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	user, pass, _ := strings.Cut(string(raw), ":")
	return &authn.Basic{Username: user, Password: pass}
}

// wantRegistryErr asserts a registry error with code and a message containing msg.
func wantRegistryErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var te *transport.Error
	if !errors.As(err, &te) || len(te.Errors) == 0 || string(te.Errors[0].Code) != code || !strings.Contains(te.Errors[0].Message, msg) {
		t.Fatalf("got %v, want %s containing %q", err, code, msg)
	}
}

// TestCrossAccountPull: bob's repository in B's registry is pulled by
// alice of A with a token from A's API, once a repository policy allows
// it, and denied with AWS's text before; A's repository of the same name
// is another repository.
func TestCrossAccountPull(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := startMulti(t, "")
	tr := m.transport(t)
	bobAPI, aliceAPI := m.api(t, "us-east-1", "AKIABOB", "bob-secret"), m.api(t, "us-east-1", "AKIAALICE", "alice-secret")
	for _, c := range []*ecr.Client{bobAPI, aliceAPI} {
		if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("shared")}); err != nil {
			t.Fatal(err)
		}
	}
	img, _ := random.Image(256, 1)
	bobRef := m.ref(t, accountB, "us-east-1", "shared:1")
	if err := remote.Write(bobRef, img, remote.WithAuth(login(t, bobAPI)), remote.WithTransport(tr)); err != nil {
		t.Fatalf("bob pushes to his registry: %v", err)
	}
	if out, err := aliceAPI.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("shared")}); err != nil || len(out.ImageDetails) != 0 {
		t.Fatalf("A's shared holds %v (%v), want nothing: it is not B's", out, err)
	}

	aliceAuth := remote.WithAuth(login(t, aliceAPI))
	_, err := remote.Image(bobRef, aliceAuth, remote.WithTransport(tr))
	wantRegistryErr(t, err, "DENIED", "User: "+alice+" is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:444455556666:repository/shared because no resource-based policy allows the ecr:BatchGetImage action")

	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"AlicePulls","Effect":"Allow","Principal":{"AWS":"` + alice + `"},
	"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]}]}`
	if _, err := bobAPI.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("shared"), PolicyText: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	got, err := remote.Image(bobRef, aliceAuth, remote.WithTransport(tr))
	if err != nil {
		t.Fatalf("alice pulls with the policy: %v", err)
	}
	if gd, _ := got.Digest(); gd.String() != ecrtest.DigestOf(t, img) {
		t.Fatalf("alice pulled %s, bob pushed %s", gd, ecrtest.DigestOf(t, img))
	}
	// The policy grants pulls, not pushes.
	err = remote.Write(m.ref(t, accountB, "us-east-1", "shared:2"), img, aliceAuth, remote.WithTransport(tr))
	wantRegistryErr(t, err, "DENIED", "is not authorized to perform: ecr:")
}

// TestRegistriesAreKeptApart: each registry has its own repositories,
// region by region; a token is good in its region only; the home
// registry's data directory keeps its layout, and the others theirs
// across a restart.
func TestRegistriesAreKeptApart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	m := startMulti(t, dir)
	east, west := m.api(t, "us-east-1", "AKIAALICE", "alice-secret"), m.api(t, "us-west-2", "AKIAALICE", "alice-secret")
	if _, err := west.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("west-only")}); err != nil {
		t.Fatal(err)
	}
	if _, err := east.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("east-only")}); err != nil {
		t.Fatal(err)
	}
	names := func(c *ecr.Client) []string {
		out, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, r := range out.Repositories {
			n = append(n, aws.ToString(r.RepositoryName)+" "+aws.ToString(r.RepositoryUri))
		}
		return n
	}
	if got := names(west); len(got) != 1 || got[0] != "west-only "+accountA+".dkr.ecr.us-west-2.amazonaws.com:"+m.port+"/west-only" {
		t.Errorf("us-west-2 holds %q", got)
	}
	if got := names(east); len(got) != 1 || !strings.HasPrefix(got[0], "east-only ") {
		t.Errorf("us-east-1 holds %q", got)
	}
	img, _ := random.Image(128, 1)
	_, err := remote.Image(m.ref(t, accountA, "us-west-2", "west-only:1"), remote.WithAuth(login(t, east)), remote.WithTransport(m.transport(t)))
	wantRegistryErr(t, err, "DENIED", "Your authorization token is not valid in this region.")
	if err := remote.Write(m.ref(t, accountA, "us-west-2", "west-only:1"), img, remote.WithAuth(login(t, west)), remote.WithTransport(m.transport(t))); err != nil {
		t.Fatalf("push with a us-west-2 token: %v", err)
	}

	for _, p := range []string{"meta/repositories", "registries/" + accountA + "/us-west-2/meta/repositories", "registries/" + accountA + "/us-west-2/registry"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("data directory: %v", err)
		}
	}
	_ = m.svc.Close()
	again := startMulti(t, dir)
	if got := names(again.api(t, "us-west-2", "AKIAALICE", "alice-secret")); len(got) != 1 {
		t.Errorf("after a restart us-west-2 holds %q", got)
	}
	if _, err := remote.Image(again.ref(t, accountA, "us-west-2", "west-only:1"), remote.WithAuth(login(t, again.api(t, "us-west-2", "AKIAALICE", "alice-secret"))),
		remote.WithTransport(again.transport(t))); err != nil {
		t.Errorf("pull after a restart: %v", err)
	}
}

// TestAddRegistry: a registry added at run time is served at once, and
// adding it again changes nothing.
func TestAddRegistry(t *testing.T) {
	t.Parallel()
	m := startMulti(t, "")
	c := m.api(t, "eu-west-1", "AKIAALICE", "alice-secret")
	if _, err := c.DescribeRepositories(t.Context(), &ecr.DescribeRepositoriesInput{}); err == nil {
		t.Fatal("eu-west-1 answered before it was served")
	}
	id := awsname.Registry{Account: accountA, Region: "eu-west-1"}
	for range 2 {
		if err := m.svc.AddRegistry(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}); err != nil {
		t.Fatalf("eu-west-1 after AddRegistry: %v", err)
	}
	if err := m.svc.AddRegistry(t.Context(), awsname.Registry{Account: "1", Region: "eu-west-1"}); err == nil {
		t.Error("AddRegistry took a bad account")
	}
}

// TestOtherAccountsRegistryNeedsItsPolicies: a registryId sent to an
// operation on the account names nothing (it acts on the caller's own
// registry); DescribeRepositories of another account's registry is
// decided by that account's policies; a repository is never created in
// another account's registry, even where its policy allows it.
func TestOtherAccountsRegistryNeedsItsPolicies(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m := startMulti(t, "")
	ac, bc := m.api(t, "us-east-1", "AKIAALICE", "alice-secret"), m.api(t, "us-east-1", "AKIABOB", "bob-secret")
	if _, err := bc.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("bobs")}); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"ecr:CreateRepository","Resource":"*"}]}`
	if _, err := ac.PutRegistryPolicy(ctx, &ecr.PutRegistryPolicyInput{PolicyText: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := bc.GetRegistryPolicy(ctx, &ecr.GetRegistryPolicyInput{}); err == nil {
		t.Fatal("alice's PutRegistryPolicy reached bob's registry")
	}
	_, err := ac.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RegistryId: aws.String(accountB)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || !strings.Contains(ae.ErrorMessage(), "repository/*") {
		t.Fatalf("DescribeRepositories of B's registry: %v, want AccessDeniedException", err)
	}
	if _, err := bc.PutRegistryPolicy(ctx, &ecr.PutRegistryPolicyInput{PolicyText: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	_, err = ac.CreateRepository(ctx, &ecr.CreateRepositoryInput{RegistryId: aws.String(accountB), RepositoryName: aws.String("sneaky")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" || !strings.Contains(ae.ErrorMessage(), "Cross-account repository creation is not supported") {
		t.Fatalf("CreateRepository in B's registry: %v", err)
	}
}
