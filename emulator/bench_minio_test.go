package emulator_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/ecrlink/ecrlink/s3shim"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/minio/minio-go/v7"
)

// Benchmarks on MinIO storage with a 1 GiB image. Figures are reported,
// never asserted; the README quotes them (targets: pull ratio ≥ 0.85 against
// minio-go, server RSS growth under 100 MiB with 20 clients pulling).

const (
	bigImageSize = 1 << 30
	bigLayers    = 4
	bigRepo      = "bench/big"
	bigTag       = "v1"
	rssClients   = 20
)

// BenchmarkPullViaStarport1GiB pulls a 1 GiB image (four 256 MiB random
// layers) from ecrlink on MinIO as a client does — manifest, then each blob
// GET answered 307 and followed to the presigned layer-bucket URL — and the
// same objects (manifest, config, layers) straight from MinIO with minio-go
// GetObject, the two alternating which goes first. Reported: MB/s of each,
// ratio = ecrlink / minio-go, and each side's CPU seconds per GiB in this
// process (the client; on the ecrlink side ecrlink too; MinIO not counted),
// which, unlike MB/s, holds steady when the machine is shared.
func BenchmarkPullViaStarport1GiB(b *testing.B) {
	if testing.Short() {
		b.Skip("pushes 1 GiB to MinIO; skipped with -short")
	}
	const bucket = "bench"
	m := ecrlinktest.StartMinIO(b)
	inst := ecrlinktest.Start(b, emulator.Config{S3: m.S3Config(bucket)})
	inst.CreateRepository(bigRepo)
	img := bigImage(b)
	if err := remote.Write(inst.Ref(bigRepo+":"+bigTag), img, inst.Remote()...); err != nil {
		b.Fatalf("push: %v", err)
	}
	token := "Basic " + base64.StdEncoding.EncodeToString([]byte("AWS:"+inst.Auth().(*authn.Basic).Password))
	client, redirects := redirectCountingClient()
	b.Cleanup(client.CloseIdleConnections)
	via := &pullTarget{name: "ecrlink", base: inst.URL(), auth: token, client: client}
	direct := newMinIOTarget(b, m, bucket, img)

	sides := []struct {
		name string
		pull func() error
		mbps func() float64
		cpu  time.Duration // of this process: the client, and ecrlink on its side
	}{
		{name: "ecrlink", pull: func() error { return via.pull(bigRepo, bigTag) }, mbps: via.mbps},
		{name: "minio-go", pull: direct.pull, mbps: direct.mbps},
	}
	// Once each before timing, so both start from a warm page cache.
	for _, s := range sides {
		if err := s.pull(); err != nil {
			b.Fatalf("%s: %v", s.name, err)
		}
	}
	// Every blob GET (config and layers) must have gone to the layer bucket.
	if got, want := redirects.Load(), int64(len(direct.keys)-1); got != want {
		b.Fatalf("%d redirects to the layer bucket in one pull, want %d", got, want)
	}
	via.bytes, via.took, direct.bytes, direct.took = 0, 0, 0, 0
	i := 0
	for b.Loop() {
		for j := range sides {
			s := &sides[(i+j)%len(sides)]
			c0 := selfCPU()
			if err := s.pull(); err != nil {
				b.Fatalf("%s: %v", s.name, err)
			}
			s.cpu += selfCPU() - c0
		}
		i++
	}
	for _, s := range sides {
		b.ReportMetric(s.mbps(), s.name+"-MB/s")
		b.ReportMetric(s.cpu.Seconds()/float64(b.N)/(bigImageSize>>30), s.name+"-cpu-s/GiB")
	}
	b.ReportMetric(via.mbps()/direct.mbps(), "ratio")
}

// BenchmarkServerRSS20Clients runs `ecrlink serve` on MinIO as its own
// process, pushes the 1 GiB image, restarts the server so that nothing of
// the push is left in its heap, and then has 20 clients pull the image at
// once through the redirect path. The server's VmRSS is sampled every 50 ms
// (and VmHWM, the kernel's own peak since start, read at the end, so no
// spike between samples is missed). Reported: the RSS
// before the pulls, the peak, the growth in MiB, the clients' aggregate
// MB/s, and the server's CPU seconds per GiB served.
func BenchmarkServerRSS20Clients(b *testing.B) {
	if testing.Short() {
		b.Skip("pushes 1 GiB to MinIO and pulls it 20 times at once; skipped with -short")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("reads the server's RSS from /proc/PID/status; no /proc here")
	}
	m := ecrlinktest.StartMinIO(b)
	args := []string{"--s3-endpoint", m.Endpoint, "--s3-bucket", "rss", "--s3-access-key", m.AccessKey, "--s3-secret-key", m.SecretKey}
	p := startProcess(b, args...)
	if _, err := p.ecr().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String(bigRepo)}); err != nil {
		b.Fatal(err)
	}
	token := processToken(b, p)
	ref, err := name.ParseReference(p.host+"/"+bigRepo+":"+bigTag, name.Insecure)
	if err != nil {
		b.Fatal(err)
	}
	if err := remote.Write(ref, bigImage(b), remote.WithAuth(tokenAuth(b, token)), remote.WithTransport(p.client.Transport)); err != nil {
		b.Fatalf("push: %v", err)
	}
	p.kill()

	// A fresh server on the same bucket: the token key lives there, so the
	// token from before still works. One small authenticated request warms
	// it up before the baseline is read.
	p = startProcess(b, args...)
	pid := p.cmd.Process.Pid
	warm := &pullTarget{name: "warm", base: "http://" + p.host, auth: "Basic " + token,
		client: &http.Client{Transport: ecrtest.NewTransport()}}
	if _, err := warm.get("/v2/"+bigRepo+"/manifests/"+bigTag, nil); err != nil {
		b.Fatal(err)
	}
	warm.client.CloseIdleConnections()
	base, _, err := procMemory(pid)
	if err != nil {
		b.Fatal(err)
	}
	cpu0, err := procCPU(pid)
	if err != nil {
		b.Fatal(err)
	}

	var peak, total, redirects int64
	var took time.Duration
	for b.Loop() {
		stop := make(chan struct{})
		sampled := make(chan int64)
		go func() { sampled <- sampleRSS(pid, 50*time.Millisecond, stop) }()
		t0 := time.Now()
		n, r, err := pullConcurrently("http://"+p.host, "Basic "+token, rssClients)
		took += time.Since(t0)
		close(stop)
		peak = max(peak, <-sampled)
		total, redirects = total+n, redirects+r
		if err != nil {
			b.Fatal(err)
		}
	}
	if want := int64(b.N * rssClients * (1 + bigLayers)); redirects != want {
		b.Fatalf("%d redirects to the layer bucket, want %d", redirects, want)
	}
	_, hwm, err := procMemory(pid)
	if err != nil {
		b.Fatal(err)
	}
	cpu1, err := procCPU(pid)
	if err != nil {
		b.Fatal(err)
	}
	peak = max(peak, hwm)
	const mib = 1 << 20
	b.ReportMetric((cpu1-cpu0).Seconds()/(float64(total)/(1<<30)), "server-cpu-s/GiB")
	b.ReportMetric(float64(base)/mib, "rss-base-MiB")
	b.ReportMetric(float64(peak)/mib, "rss-peak-MiB")
	b.ReportMetric(float64(peak-base)/mib, "rss-growth-MiB")
	b.ReportMetric(float64(total)/mib/took.Seconds(), "MB/s")
}

// pullConcurrently has n clients, each with its own connections, pull the
// big image once from base at the same time, and returns the bytes read and
// the number of redirects to the layer bucket.
func pullConcurrently(base, auth string, n int) (int64, int64, error) {
	targets := make([]*pullTarget, n)
	errs := make([]error, n)
	var redirects atomic.Int64
	var wg sync.WaitGroup
	for i := range targets {
		client, r := redirectCountingClient()
		t := &pullTarget{name: fmt.Sprintf("client %d", i), base: base, auth: auth, client: client}
		targets[i] = t
		wg.Go(func() {
			if err := t.pull(bigRepo, bigTag); err != nil {
				errs[i] = fmt.Errorf("%s: %w", t.name, err)
			}
			t.client.CloseIdleConnections()
			redirects.Add(r.Load())
		})
	}
	wg.Wait()
	var total int64
	for _, t := range targets {
		total += t.bytes
	}
	return total, redirects.Load(), errors.Join(errs...)
}

// redirectCountingClient is a client with its own connections that follows
// redirects, counting those to a presigned URL on the layer bucket. The
// caller closes its idle connections.
func redirectCountingClient() (*http.Client, *atomic.Int64) {
	var n atomic.Int64
	bucket := "/" + awsname.StarportBucket(emulator.DefaultRegion) + "/"
	return &http.Client{
		Transport: ecrtest.NewTransport(),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			if strings.HasPrefix(req.URL.Path, bucket) && req.URL.Query().Has("X-Amz-Signature") {
				n.Add(1)
			}
			return nil
		},
	}, &n
}

// sampleRSS reads pid's VmRSS every period until stop is closed and
// returns the largest value seen, in bytes.
func sampleRSS(pid int, period time.Duration, stop <-chan struct{}) int64 {
	var peak int64
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		if rss, _, err := procMemory(pid); err == nil {
			peak = max(peak, rss)
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

// procMemory returns pid's resident set (VmRSS) and its high-water mark
// (VmHWM), in bytes, from /proc/PID/status.
func procMemory(pid int) (rss, hwm int64, err error) {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	field := func(key string) (int64, error) {
		for line := range strings.Lines(string(status)) {
			if v, ok := strings.CutPrefix(line, key+":"); ok {
				kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				return kb << 10, err
			}
		}
		return 0, fmt.Errorf("/proc/%d/status has no %s", pid, key)
	}
	if rss, err = field("VmRSS"); err != nil {
		return 0, 0, err
	}
	hwm, err = field("VmHWM")
	return rss, hwm, err
}

// selfCPU is the user and system CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the user and system CPU time pid has used, from
// /proc/PID/stat (utime and stime, in clock ticks of 1/100 s on Linux).
func procCPU(pid int) (time.Duration, error) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces and parentheses;
	// the fields follow the last ')'.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, stat)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// processToken is GetAuthorizationToken's authorizationToken (base64 of
// "AWS:password") from p.
func processToken(b *testing.B, p *process) string {
	b.Helper()
	out, err := p.ecr().GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		b.Fatal(err)
	}
	return aws.ToString(out.AuthorizationData[0].AuthorizationToken)
}

// bigImage is an image of bigLayers layers, bigImageSize bytes in all, of
// seeded pseudo-random (incompressible) bytes that are generated as they are
// read and never held in memory.
func bigImage(b *testing.B) v1.Image {
	b.Helper()
	layers := make([]v1.Layer, bigLayers)
	for i := range layers {
		l, err := newPRNGLayer(byte(i), bigImageSize/bigLayers)
		if err != nil {
			b.Fatal(err)
		}
		layers[i] = l
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layers...)
	if err != nil {
		b.Fatal(err)
	}
	return img
}

// prngLayer is an uncompressed layer of size bytes from a ChaCha8 stream
// seeded by seed; its digest is computed once by streaming it.
type prngLayer struct {
	seed   [32]byte
	size   int64
	digest v1.Hash
}

var _ v1.Layer = (*prngLayer)(nil)

func newPRNGLayer(seed byte, size int64) (*prngLayer, error) {
	l := &prngLayer{seed: [32]byte{'e', 'c', 'r', 'l', 'i', 'n', 'k', seed}, size: size}
	h := sha256.New()
	if _, err := io.Copy(h, l.stream()); err != nil {
		return nil, err
	}
	l.digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	return l, nil
}

func (l *prngLayer) stream() io.Reader {
	return io.LimitReader(rand.NewChaCha8(l.seed), l.size)
}

func (l *prngLayer) Digest() (v1.Hash, error)             { return l.digest, nil }
func (l *prngLayer) DiffID() (v1.Hash, error)             { return l.digest, nil }
func (l *prngLayer) Size() (int64, error)                 { return l.size, nil }
func (l *prngLayer) MediaType() (types.MediaType, error)  { return types.OCIUncompressedLayer, nil }
func (l *prngLayer) Compressed() (io.ReadCloser, error)   { return io.NopCloser(l.stream()), nil }
func (l *prngLayer) Uncompressed() (io.ReadCloser, error) { return io.NopCloser(l.stream()), nil }

// minioTarget reads an image's blobs straight from the objects
// distribution's S3 driver wrote, with minio-go.
type minioTarget struct {
	client *minio.Client
	bucket string
	keys   []string
	sizes  []int64
	bytes  int64
	took   time.Duration
}

func minioClient(b *testing.B, m *ecrlinktest.MinIO) *minio.Client {
	b.Helper()
	return m.Client(b)
}

func newMinIOTarget(b *testing.B, m *ecrlinktest.MinIO, bucket string, img v1.Image) *minioTarget {
	b.Helper()
	client := minioClient(b, m)
	raw, err := img.RawManifest()
	if err != nil {
		b.Fatal(err)
	}
	mf, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	blobs := append([]v1.Descriptor{{Digest: v1.Hash{Algorithm: "sha256", Hex: sha256Hex(raw)}, Size: int64(len(raw))}, mf.Config}, mf.Layers...)
	t := &minioTarget{client: client, bucket: bucket}
	for _, d := range blobs {
		p, err := s3shim.BlobPath(d.Digest.String())
		if err != nil {
			b.Fatal(err)
		}
		// S3Config's default root directory, under which the driver's is
		// "registry" (registry/s3.go).
		t.keys = append(t.keys, "ecrlink/registry"+p)
		t.sizes = append(t.sizes, d.Size)
	}
	return t
}

func sha256Hex(p []byte) string {
	s := sha256.Sum256(p)
	return hex.EncodeToString(s[:])
}

func (t *minioTarget) mbps() float64 { return float64(t.bytes) / (1 << 20) / t.took.Seconds() }

// pull GETs every object in turn, discarding the bytes in 1 MiB reads as
// pullTarget does, and checks each one's length.
func (t *minioTarget) pull() error {
	t0 := time.Now()
	buf := make([]byte, 1<<20)
	for i, key := range t.keys {
		o, err := t.client.GetObject(context.Background(), t.bucket, key, minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		n, err := discard(o, buf)
		o.Close()
		if err != nil {
			return fmt.Errorf("get %s: %w", key, err)
		}
		if n != t.sizes[i] {
			return fmt.Errorf("get %s: %d bytes, want %d", key, n, t.sizes[i])
		}
		t.bytes += n
	}
	t.took += time.Since(t0)
	return nil
}

// discard reads r to its end in len(buf) reads and returns the count.
// (io.Copy to io.Discard would read 8 KiB at a time.)
func discard(r io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
