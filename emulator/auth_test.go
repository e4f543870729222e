package emulator_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

func TestUnauthenticatedPingIsECRChallenge(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	resp, err := inst.Client().Get(inst.URL() + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := `Basic realm="https://` + inst.Host() + `/",service="ecr.amazonaws.com"`
	if resp.StatusCode != 401 || resp.Header.Get("Www-Authenticate") != want ||
		resp.Header.Get("Docker-Distribution-Api-Version") != "registry/2.0" || strings.TrimSpace(string(body)) != "Not Authorized" {
		t.Fatalf("got %d %q %q, want 401 %q Not Authorized", resp.StatusCode, resp.Header.Get("Www-Authenticate"), body, want)
	}
}

// basic returns the Basic credential for a password, as docker sends it.
func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func ping(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	return get(t, url+"/v2/", "Authorization", auth)
}

// get sends a GET with the given header name/value pairs (an empty value
// is left out) and returns the status and body.
func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	// A client for this one request: no connection outlives it.
	client := &http.Client{Transport: ecrtest.NewTransport()}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRegistryCredentials(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	inst := ecrlinktest.Start(t, emulator.Config{Now: clock})
	password := inst.Auth().(*authn.Basic).Password
	tests := []struct {
		name     string
		auth     string
		advance  time.Duration
		status   int
		contains string
	}{
		{name: "valid", auth: basic("AWS", password), status: 200},
		{name: "carriage return in password", auth: basic("AWS", password+"\r"), status: 400, contains: `"code":"DENIED"`},
		{name: "garbage password", auth: basic("AWS", "bm90IGEgdG9rZW4="), status: 400, contains: "Your authorization token is invalid."},
		{name: "wrong user", auth: basic("admin", password), status: 400, contains: "Your authorization token is invalid."},
		{name: "not basic", auth: "Bearer abc", status: 400, contains: "DENIED"},
		{name: "tampered", auth: basic("AWS", tamper(password)), status: 400, contains: "Your authorization token is invalid."},
		{name: "expired after 12 hours", auth: basic("AWS", password), advance: 12 * time.Hour, status: 403,
			contains: `{"errors":[{"code":"DENIED","message":"Your authorization token has expired. Reauthenticate and try again."}]}`},
	}
	for _, tc := range tests { // sequential: the expiry case moves the clock
		t.Run(tc.name, func(t *testing.T) {
			now.Add(int64(tc.advance / time.Second))
			status, body := ping(t, inst.URL(), tc.auth)
			if status != tc.status || !strings.Contains(body, tc.contains) {
				t.Fatalf("got %d %s, want %d containing %q", status, body, tc.status, tc.contains)
			}
		})
	}
}

// tamper flips one character inside the token's JSON envelope.
func tamper(password string) string {
	raw, _ := base64.StdEncoding.DecodeString(password)
	s := strings.Replace(string(raw), `"version":"2"`, `"version":"3"`, 1)
	s = strings.Replace(s, `"payload":"e`, `"payload":"f`, 1)
	return base64.StdEncoding.EncodeToString([]byte(s))
}

// TestAWSHostnames drives the API and the registry through their real names
// over plain HTTP: proxyEndpoint and repositoryUri name the dkr host with the
// client's port, and pushing through that name works.
func TestAWSHostnames(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Account: "111122223333"})
	_, port, _ := strings.Cut(inst.Host(), ":")
	cfg := inst.AWSConfig()
	cfg.HTTPClient = inst.HTTPClient()
	cfg.BaseEndpoint = aws.String("http://api.ecr.us-east-1.amazonaws.com:" + port)
	client := ecr.NewFromConfig(cfg)
	ctx := context.Background()
	tok, err := client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	dkr := "111122223333.dkr.ecr.us-east-1.amazonaws.com:" + port
	if got := aws.ToString(tok.AuthorizationData[0].ProxyEndpoint); got != "http://"+dkr {
		t.Errorf("proxyEndpoint = %q, want http://%s", got, dkr)
	}
	repo, err := client.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(repo.Repository.RepositoryUri); got != dkr+"/web" {
		t.Errorf("repositoryUri = %q, want %s/web", got, dkr)
	}
	raw, _ := base64.StdEncoding.DecodeString(aws.ToString(tok.AuthorizationData[0].AuthorizationToken))
	user, pass, _ := strings.Cut(string(raw), ":")
	opts := []remote.Option{remote.WithAuth(&authn.Basic{Username: user, Password: pass}), remote.WithTransport(inst.HTTPClient().Transport)}
	img, _ := random.Image(256, 1)
	ref, _ := name.ParseReference(aws.ToString(repo.Repository.RepositoryUri)+":1", name.Insecure)
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatalf("push through the dkr hostname: %v", err)
	}
	other, _ := name.ParseReference("222233334444.dkr.ecr.us-east-1.amazonaws.com:"+port+"/web:1", name.Insecure)
	_, err = remote.Image(other, opts...)
	// A cross-account pull with no repository policy there (ECR-FACTS F7's shape).
	wantRegistryDenied(t, err, "User: arn:aws:iam::111122223333:root is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:222233334444:repository/web because no resource-based policy allows the ecr:BatchGetImage action")
	var te *transport.Error
	elsewhere, _ := name.ParseReference("111122223333.dkr.ecr.eu-west-1.amazonaws.com:"+port+"/web:1", name.Insecure)
	_, err = remote.Image(elsewhere, opts...)
	if !errors.As(err, &te) || te.StatusCode != 403 {
		t.Errorf("another region's registry: got %v, want 403: tokens are region-bound", err)
	}
}

// TestSigV4 checks that a known identity's signature is verified and that
// unsigned or mis-scoped requests get AWS's errors.
func TestSigV4(t *testing.T) {
	t.Parallel()
	const principal = "arn:aws:iam::000000000000:user/ci"
	inst := ecrlinktest.Start(t, emulator.Config{Identities: []emulator.Identity{
		{AccessKeyID: "AKIAKNOWN", SecretAccessKey: "right", Principal: principal,
			Policies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`}}}})
	tests := []struct {
		name, key, secret, region string
		anonymous                 bool
		code                      string
	}{
		{name: "known key, right secret", key: "AKIAKNOWN", secret: "right", region: "us-east-1"},
		{name: "unknown key acts as root", key: "AKIAOTHER", secret: "whatever", region: "us-east-1"},
		{name: "known key, wrong secret", key: "AKIAKNOWN", secret: "wrong", region: "us-east-1", code: "InvalidSignatureException"},
		{name: "signed for another region", key: "AKIAKNOWN", secret: "right", region: "eu-west-1", code: "InvalidSignatureException"},
		{name: "unsigned", anonymous: true, region: "us-east-1", code: "MissingAuthenticationTokenException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := inst.AWSConfig()
			cfg.Region = tc.region
			cfg.Credentials = credentials.NewStaticCredentialsProvider(tc.key, tc.secret, "")
			if tc.anonymous {
				cfg.Credentials = aws.AnonymousCredentials{}
			}
			_, err := ecr.NewFromConfig(cfg).DescribeRepositories(context.Background(), &ecr.DescribeRepositoriesInput{})
			var ae smithy.APIError
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("got %v, want success", err)
			case tc.code != "" && (!errors.As(err, &ae) || ae.ErrorCode() != tc.code):
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}
