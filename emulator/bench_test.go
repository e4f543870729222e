package emulator_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Benchmarks, not timed tests: figures are reported, never asserted. The
// README quotes them (targets: start-up under 150 ms, pull ratio ≥ 0.9).

// BenchmarkStartup measures emulator.Start up to the first successful
// authenticated registry request: GetAuthorizationToken on the API, then
// GET /v2/ with the token, as a client's first pull does.
// The "binary" case runs `ecrlink serve --ephemeral` as a process, so it
// also counts exec, runtime and package initialisation.
func BenchmarkStartup(b *testing.B) {
	b.Run("ephemeral", func(b *testing.B) { benchStartup(b, "") })
	b.Run("filesystem", func(b *testing.B) { benchStartup(b, b.TempDir()) })
	b.Run("binary", benchStartupBinary)
}

func benchStartup(b *testing.B, dataDir string) {
	b.ReportAllocs()
	var ready time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: dataDir})
		if err != nil {
			b.Fatal(err)
		}
		// A fresh transport: no connection outlives its server.
		client := &http.Client{Transport: ecrtest.NewTransport()}
		if err := firstPull(client, srv.URL()); err != nil {
			b.Fatal(err)
		}
		ready += time.Since(t0)
		n++
		b.StopTimer() // shutting down is not start-up
		client.CloseIdleConnections()
		if err := srv.Shutdown(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(ready.Microseconds())/float64(n)/1000, "ms/ready")
}

func benchStartupBinary(b *testing.B) {
	if testing.Short() {
		b.Skip("builds cmd/ecrlink; skipped with -short")
	}
	bin := filepath.Join(b.TempDir(), "ecrlink")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/ecrlink/ecrlink/cmd/ecrlink").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var ready time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		cmd := exec.Command(bin, "serve", "--ephemeral", "--listen", "127.0.0.1:0", "--log-level", "warn")
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		// serve prints "... at http://127.0.0.1:PORT — ..." once it listens.
		line, err := bufio.NewReader(stdout).ReadString('\n')
		base, _, _ := strings.Cut(line[strings.Index(line, " at ")+4:], " ")
		if err != nil || !strings.HasPrefix(base, "http://") {
			b.Fatalf("serve said %q: %v", line, err)
		}
		client := &http.Client{Transport: ecrtest.NewTransport()}
		if err := firstPull(client, base); err != nil {
			b.Fatal(err)
		}
		ready += time.Since(t0)
		n++
		b.StopTimer()
		client.CloseIdleConnections()
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		b.StartTimer()
	}
	b.ReportMetric(float64(ready.Microseconds())/float64(n)/1000, "ms/ready")
}

// firstPull logs in as `aws ecr get-login-password` does and pings the
// registry with the token.
func firstPull(c *http.Client, base string) error {
	req, _ := http.NewRequest(http.MethodPost, base+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	// ecrlink maps an unknown access key to the account root.
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIABENCH/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	var out struct {
		AuthorizationData []struct {
			AuthorizationToken string `json:"authorizationToken"`
		} `json:"authorizationData"`
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || len(out.AuthorizationData) == 0 {
		return fmt.Errorf("GetAuthorizationToken: %d %v", resp.StatusCode, err)
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/v2/", nil)
	req.Header.Set("Authorization", "Basic "+out.AuthorizationData[0].AuthorizationToken)
	resp, err = c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /v2/: %d", resp.StatusCode)
	}
	return nil
}

const (
	pullImageSize = 256 << 20
	pullLayers    = 4
)

// BenchmarkPull256MiB pulls one 256 MiB image (four random, incompressible
// layers) through ecrlink and through a bare distribution v3 registry
// serving the same storage directory, alternating which goes first, and
// reports each one's throughput and their ratio (ecrlink / distribution).
// ecrlink's pull is what a client sees: manifest, then each blob GET
// answered 307 and followed to the layer bucket.
func BenchmarkPull256MiB(b *testing.B) {
	if testing.Short() {
		b.Skip("pushes 256 MiB; skipped with -short")
	}
	dataDir := b.TempDir()
	inst := ecrlinktest.Start(b, emulator.Config{DataDir: dataDir})
	inst.CreateRepository("bench/app")
	img := randomImage(b)
	if err := remote.Write(inst.Ref("bench/app:v1"), img, inst.Remote()...); err != nil {
		b.Fatalf("push: %v", err)
	}
	token := "Basic " + base64.StdEncoding.EncodeToString([]byte("AWS:"+inst.Auth().(*authn.Basic).Password))
	bare := bareDistribution(b, filepath.Join(dataDir, "registry"))

	targets := []*pullTarget{
		{name: "ecrlink", base: inst.URL(), auth: token},
		{name: "distribution", base: bare.URL},
	}
	for _, t := range targets {
		t.client = ecrtest.Client(b)
	}
	pullInTurn(b, targets, "bench/app", "v1")
	b.ReportMetric(targets[0].mbps()/targets[1].mbps(), "ratio")
}

// pullInTurn pulls repo:tag from each target once to warm caches alike,
// then once from each per iteration, the first of them changing every
// iteration, and reports each target's MB/s.
func pullInTurn(b *testing.B, targets []*pullTarget, repo, tag string) {
	for _, t := range targets {
		if err := t.pull(repo, tag); err != nil {
			b.Fatalf("%s: %v", t.name, err)
		}
		t.bytes, t.took = 0, 0
	}
	i := 0
	for b.Loop() {
		for j := range targets {
			t := targets[(i+j)%len(targets)]
			if err := t.pull(repo, tag); err != nil {
				b.Fatalf("%s: %v", t.name, err)
			}
		}
		i++
	}
	for _, t := range targets {
		b.ReportMetric(t.mbps(), t.name+"-MB/s")
	}
}

// randomImage builds an image of pullLayers layers of random bytes, so that
// nothing on the path can compress them.
func randomImage(b *testing.B) v1.Image {
	b.Helper()
	rng := rand.NewChaCha8([32]byte{'e', 'c', 'r', 'l', 'i', 'n', 'k'})
	layers := make([]v1.Layer, pullLayers)
	for i := range layers {
		data := make([]byte, pullImageSize/pullLayers)
		_, _ = rng.Read(data)
		layers[i] = static.NewLayer(data, types.OCILayer)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layers...)
	if err != nil {
		b.Fatal(err)
	}
	return img
}

// bareDistribution serves root with distribution's own app and nothing of
// ecrlink's: the same driver, cache (none) and redirect settings as the
// embedded one.
func bareDistribution(b *testing.B, root string) *httptest.Server {
	b.Helper()
	cfg := &configuration.Configuration{Storage: configuration.Storage{
		"filesystem": configuration.Parameters{"rootdirectory": root},
		"delete":     configuration.Parameters{"enabled": true},
		"redirect":   configuration.Parameters{"disable": true},
	}}
	cfg.Version = configuration.MajorMinorVersion(0, 1)
	cfg.HTTP.Secret = "bench"
	cfg.Log.AccessLog.Disabled = true
	app := handlers.NewApp(context.Background(), cfg)
	srv := httptest.NewServer(app)
	b.Cleanup(func() {
		srv.Close()
		_ = app.Shutdown()
	})
	return srv
}

// pullTarget is one registry being pulled from, with its running totals.
type pullTarget struct {
	name, base, auth string
	client           *http.Client
	bytes            int64
	took             time.Duration
}

func (t *pullTarget) mbps() float64 {
	return float64(t.bytes) / (1 << 20) / t.took.Seconds()
}

// pull fetches the manifest, then every blob it names, discarding the bytes.
func (t *pullTarget) pull(repo, tag string) error {
	t0 := time.Now()
	var m struct {
		Config v1.Descriptor   `json:"config"`
		Layers []v1.Descriptor `json:"layers"`
	}
	n, err := t.get("/v2/"+repo+"/manifests/"+tag, func(r io.Reader) error { return json.NewDecoder(r).Decode(&m) })
	if err != nil {
		return err
	}
	t.bytes += n
	for _, d := range append([]v1.Descriptor{m.Config}, m.Layers...) {
		n, err := t.get("/v2/"+repo+"/blobs/"+d.Digest.String(), nil)
		if err != nil {
			return err
		}
		if n != d.Size {
			return fmt.Errorf("blob %s: %d bytes, want %d", d.Digest, n, d.Size)
		}
		t.bytes += n
	}
	t.took += time.Since(t0)
	return nil
}

// get GETs path, following redirects, and returns how many body bytes
// came; read consumes the body if given, else it is discarded.
func (t *pullTarget) get(path string, read func(io.Reader) error) (int64, error) {
	req, _ := http.NewRequest(http.MethodGet, t.base+path, nil)
	req.Header.Set("Accept", string(types.OCIManifestSchema1))
	if t.auth != "" {
		req.Header.Set("Authorization", t.auth)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if read != nil {
		cr := &countingReader{r: resp.Body}
		err := read(cr)
		return cr.n, err
	}
	// Large reads, so the client's share of the time stays small.
	var n int64
	buf := make([]byte, 1<<20)
	for {
		k, err := resp.Body.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
