package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// BenchmarkPush1GiB pushes the 1 GiB image of bigImage (four 256 MiB
// pseudo-random layers, each sent by go-containerregistry as one PATCH, as
// docker does) to a fresh in-process ecrlink, in memory and on a data
// directory, and the same layers, generated the same way and as
// concurrently, as plain HTTP PUTs to a server that discards them: the cost
// of producing and moving the bytes alone. Reported: MB/s of each and
// ratio = ecrlink / raw.
func BenchmarkPush1GiB(b *testing.B) {
	if testing.Short() {
		b.Skip("pushes 1 GiB; skipped with -short")
	}
	img := bigImage(b)
	b.Run("ephemeral", func(b *testing.B) { benchPush(b, img, "") })
	b.Run("datadir", func(b *testing.B) { benchPush(b, img, b.TempDir()) })
}

func benchPush(b *testing.B, img v1.Image, dataDir string) {
	layers, err := img.Layers()
	if err != nil {
		b.Fatal(err)
	}
	var push, raw time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: dataDir})
		if err != nil {
			b.Fatal(err)
		}
		client := &http.Client{Transport: ecrtest.NewTransport()}
		p := &process{host: srv.Addr().String(), client: client}
		if _, err := p.ecr().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String(bigRepo)}); err != nil {
			b.Fatal(err)
		}
		ref, err := name.ParseReference(fmt.Sprintf("%s/%s:%d", p.host, bigRepo, i), name.Insecure)
		if err != nil {
			b.Fatal(err)
		}
		auth := tokenAuth(b, processToken(b, p))
		b.StartTimer()

		t0 := time.Now()
		if err := remote.Write(ref, img, remote.WithAuth(auth), remote.WithTransport(client.Transport)); err != nil {
			b.Fatalf("push: %v", err)
		}
		push += time.Since(t0)
		t0 = time.Now()
		if err := rawPut(layers); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(t0)

		b.StopTimer()
		client.CloseIdleConnections()
		if err := srv.Shutdown(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		i++
	}
	mbps := func(d time.Duration) float64 { return float64(i) * bigImageSize / (1 << 20) / d.Seconds() }
	b.ReportMetric(mbps(push), "ecrlink-MB/s")
	b.ReportMetric(mbps(raw), "raw-MB/s")
	b.ReportMetric(mbps(push)/mbps(raw), "ratio")
}

// rawPut PUTs every layer at once to a server that reads and discards it.
func rawPut(layers []v1.Layer) error {
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer sink.Close()
	client := &http.Client{Transport: ecrtest.NewTransport()}
	defer client.CloseIdleConnections()
	errs := make(chan error, len(layers))
	var wg sync.WaitGroup
	for _, l := range layers {
		wg.Go(func() {
			rc, err := l.Compressed()
			if err != nil {
				errs <- err
				return
			}
			defer rc.Close()
			size, _ := l.Size()
			req, _ := http.NewRequest(http.MethodPut, sink.URL+"/", rc)
			req.ContentLength = size
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

const (
	floodClients = 100
	floodBody    = 27 << 20
)

// BenchmarkServerRSSUnauthenticated100 runs `ecrlink serve --ephemeral` as
// its own process and sends it 100 concurrent ECR API requests of 27 MiB
// bodies at once. "unsigned" requests carry no credentials (issue 7 §9: the
// server grew from 29 MB to 3.3 GB); "anykey" ones are UploadLayerParts
// signed with a key ecrlink maps to the account root unverified, so their
// bodies are read, within the shared body budget. The server's VmRSS is
// sampled every 20 ms and its VmHWM read at the end. Reported: RSS before,
// peak, growth in MiB, and how many requests were answered with each
// status.
func BenchmarkServerRSSUnauthenticated100(b *testing.B) {
	if testing.Short() {
		b.Skip("sends 2.6 GiB of request bodies; skipped with -short")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("reads the server's RSS from /proc/PID/status; no /proc here")
	}
	b.Run("unsigned", func(b *testing.B) { benchFlood(b, "ListImages", "") })
	b.Run("anykey", func(b *testing.B) { benchFlood(b, "UploadLayerPart", anyKeyAuth) })
}

func benchFlood(b *testing.B, op, auth string) {
	p := startProcess(b, "--ephemeral")
	pid := p.cmd.Process.Pid
	base, _, err := procMemory(pid)
	if err != nil {
		b.Fatal(err)
	}
	var peak int64
	statuses := map[int]int{}
	for b.Loop() {
		stop := make(chan struct{})
		sampled := make(chan int64)
		go func() { sampled <- sampleRSS(pid, 20*time.Millisecond, stop) }()
		for s, n := range flood("http://"+p.host, op, auth) {
			statuses[s] += n
		}
		close(stop)
		peak = max(peak, <-sampled)
	}
	_, hwm, err := procMemory(pid)
	if err != nil {
		b.Fatal(err)
	}
	peak = max(peak, hwm)
	const mib = 1 << 20
	b.ReportMetric(float64(base)/mib, "rss-base-MiB")
	b.ReportMetric(float64(peak)/mib, "rss-peak-MiB")
	b.ReportMetric(float64(peak-base)/mib, "rss-growth-MiB")
	for s, n := range statuses {
		b.ReportMetric(float64(n), fmt.Sprintf("status-%d", s))
	}
}

// flood sends floodClients requests for op at once, each on its own
// connection with a floodBody body, and counts the answers by status (0:
// no answer).
func flood(base, op, auth string) map[int]int {
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range floodClients {
		wg.Go(func() {
			client := &http.Client{Transport: ecrtest.NewTransport()}
			defer client.CloseIdleConnections()
			req, _ := http.NewRequest(http.MethodPost, base+"/", io.LimitReader(&patternReader{}, floodBody))
			req.ContentLength = floodBody
			req.Header.Set("X-Amz-Target", apiTarget+op)
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			status := 0
			if resp, err := client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return statuses
}
