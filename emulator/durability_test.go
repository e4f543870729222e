package emulator_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ecrlink-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "ecrlink")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/ecrlink").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// process is an `ecrlink serve` child process.
type process struct {
	cmd    *exec.Cmd
	host   string
	client *http.Client // the test's own, for every request to this process
}

// startProcess runs `ecrlink serve` with args on a random port and waits
// until it answers.
func startProcess(t testing.TB, args ...string) *process {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	host := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append([]string{"serve", "--listen", host, "--log-level", "warn"}, args...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, host: host, client: ecrtest.Client(t)}
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := p.client.Get("http://" + host + "/v2/")
		if err == nil {
			resp.Body.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("ecrlink did not answer on %s", host)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL: no shutdown code runs.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

func (p *process) ecr() *ecr.Client {
	return ecr.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + p.host),
		Credentials: credentials.NewStaticCredentialsProvider("AKIACRASH", "x", ""), HTTPClient: p.client})
}

func (p *process) auth(t *testing.T) authn.Authenticator {
	t.Helper()
	return loginWith(t, p.ecr())
}

func loginWith(t *testing.T, c *ecr.Client) authn.Authenticator {
	t.Helper()
	out, err := c.GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	return tokenAuth(t, aws.ToString(out.AuthorizationData[0].AuthorizationToken))
}

// TestSurvivesKill9 pushes, kills the server with SIGKILL right after the
// push is acknowledged, restarts it on the same storage and pulls every
// digest back: in file mode and MinIO mode.
func TestSurvivesKill9(t *testing.T) {
	tests := []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"file", func(t *testing.T) []string { return []string{"--data-dir", t.TempDir()} }},
		{"minio", func(t *testing.T) []string {
			m := ecrlinktest.StartMinIO(t)
			return []string{"--s3-endpoint", m.Endpoint, "--s3-bucket", "crash", "--s3-access-key", m.AccessKey, "--s3-secret-key", m.SecretKey}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := tc.args(t)
			p := startProcess(t, args...)
			if _, err := p.ecr().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("crash")}); err != nil {
				t.Fatal(err)
			}
			img, _ := random.Image(2048, 3)
			idx, _ := random.Index(512, 1, 2)
			tag, _ := name.ParseReference(p.host+"/crash:img", name.Insecure)
			itag, _ := name.ParseReference(p.host+"/crash:idx", name.Insecure)
			// p.client works for q too: a transport is not bound to one host.
			auth := []remote.Option{remote.WithAuth(p.auth(t)), remote.WithTransport(p.client.Transport)}
			if err := remote.Write(tag, img, auth...); err != nil {
				t.Fatal(err)
			}
			if err := remote.WriteIndex(itag, idx, auth...); err != nil {
				t.Fatal(err)
			}
			p.kill()
			q := startProcess(t, args...)
			// The token key survived too: the credentials issued before the
			// crash still work.
			pullAll(t, q.host+"/crash:img", img, auth...)
			got, err := remote.Index(mustRef(t, q.host+"/crash:idx"), auth...)
			if err != nil {
				t.Fatalf("index after restart: %v", err)
			}
			if d, w := mustDigest(t, got), mustDigest(t, idx); d != w {
				t.Fatalf("index digest %s, want %s", d, w)
			}
		})
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pullAll pulls ref and reads every layer, comparing digests with want.
func pullAll(t *testing.T, ref string, want v1.Image, opts ...remote.Option) {
	t.Helper()
	got, err := remote.Image(mustRef(t, ref), opts...)
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	if d, w := mustDigest(t, got), mustDigest(t, want); d != w {
		t.Fatalf("pulled %s, want %s", d, w)
	}
	if _, err := got.ConfigFile(); err != nil {
		t.Fatalf("config of %s: %v", ref, err)
	}
	layers, _ := got.Layers()
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatalf("layer of %s: %v", ref, err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("layer bytes of %s: %v", ref, err)
		}
		rc.Close()
	}
}

// TestConcurrentPushesAndPulls runs 50 clients at once against one server:
// all push the same layer set and the same tag, others push their own
// images, and all pull. Every digest must be readable afterwards.
func TestConcurrentPushesAndPulls(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(t *testing.T) emulator.Config
	}{
		{"file", func(t *testing.T) emulator.Config { return emulator.Config{DataDir: t.TempDir()} }},
		{"minio", func(t *testing.T) emulator.Config {
			return emulator.Config{S3: ecrlinktest.StartMinIO(t).S3Config("concurrent")}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inst := ecrlinktest.Start(t, tc.cfg(t))
			inst.CreateRepository("busy")
			opts := inst.Remote()
			shared, _ := random.Image(4096, 2)
			const clients = 50
			want := mustDigest(t, shared)
			own := make([]v1.Image, clients)
			var wg sync.WaitGroup
			errs := make(chan error, 3*clients)
			for i := range clients {
				own[i], _ = random.Image(256, 1)
				wg.Go(func() {
					if err := remote.Write(inst.Ref("busy:shared"), shared, opts...); err != nil {
						errs <- fmt.Errorf("client %d shared push: %w", i, err)
					}
					if err := remote.Write(inst.Ref(fmt.Sprintf("busy:own-%d", i)), own[i], opts...); err != nil {
						errs <- fmt.Errorf("client %d own push: %w", i, err)
					}
					// This client's push of the shared tag succeeded, so
					// the tag exists, and every pusher wrote the same digest.
					got, err := remote.Image(inst.Ref("busy:shared"), opts...)
					if err != nil {
						errs <- fmt.Errorf("client %d pull while others push: %w", i, err)
					} else if d, _ := got.Digest(); d != want {
						errs <- fmt.Errorf("client %d pulled %s, want the shared image", i, d)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			pullAll(t, inst.Host()+"/busy:shared", shared, opts...)
			for i := range clients {
				pullAll(t, inst.Host()+fmt.Sprintf("/busy:own-%d", i), own[i], opts...)
			}
		})
	}
}

// tokenAuth turns an authorizationToken into registry credentials, as the
// credential helper does.
func tokenAuth(t testing.TB, token string) authn.Authenticator {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		t.Fatal(err)
	}
	user, pass, _ := strings.Cut(string(raw), ":")
	return &authn.Basic{Username: user, Password: pass}
}
