package emulator_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

// BenchmarkPullTLS256MiB pulls the same 256 MiB image three ways in one
// run, in turn: in direct mode over plain HTTP, under the AWS names over
// ecrlink's TLS listener, and under the AWS names through the CONNECT
// proxy (a tunnel to the same TLS server). Every blob follows the 307 to
// the layer bucket's name. Reported: each way's MB/s and the ratios
// tls/http and proxy/http (what TLS and the tunnel cost).
func BenchmarkPullTLS256MiB(b *testing.B) {
	if testing.Short() {
		b.Skip("pushes 256 MiB; skipped with -short")
	}
	inst := ecrlinktest.Start(b, emulator.Config{DataDir: b.TempDir(), TLSAddr: "127.0.0.1:0"})
	inst.CreateRepository("bench/app")
	if err := remote.Write(inst.Ref("bench/app:v1"), randomImage(b), inst.Remote()...); err != nil {
		b.Fatalf("push: %v", err)
	}
	token := "Basic " + base64.StdEncoding.EncodeToString([]byte("AWS:"+inst.Auth().(*authn.Basic).Password))
	tlsAddr := inst.TLSAddr().String()
	toTLS := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, tlsAddr) // every AWS name resolves to the listener
		},
		TLSClientConfig: &tls.Config{RootCAs: inst.CA().Pool()},
	}
	b.Cleanup(toTLS.CloseIdleConnections)
	targets := []*pullTarget{
		{name: "http", base: inst.URL(), auth: token, client: ecrtest.Client(b)},
		{name: "tls", base: "https://" + plainDkr, auth: token, client: &http.Client{Transport: toTLS}},
		{name: "proxy", base: "https://" + plainDkr, auth: token, client: inst.ProxyClient()},
	}
	pullInTurn(b, targets, "bench/app", "v1")
	b.ReportMetric(targets[1].mbps()/targets[0].mbps(), "tls/http")
	b.ReportMetric(targets[2].mbps()/targets[0].mbps(), "proxy/http")
}

// BenchmarkBlackholeHeld1000 holds 1,000 connection attempts at once on
// the blackhole of an `ecrlink serve` process and reads the process's
// resident memory while they wait; as a baseline in the same run, it holds
// 1,000 connections open on the same process's TLS listener, which
// accepts them and waits for a handshake, as a blackhole that accepted
// would. Reported: RSS growth in KiB for each, and how many of the
// blackhole's dials were still waiting (all of them, or the blackhole let
// one through).
func BenchmarkBlackholeHeld1000(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("reads the server's RSS from /proc/PID/status; no /proc here")
	}
	const n = 1000
	holeAddr, tlsAddr := freeAddr(b), freeAddr(b)
	p := startProcess(b, "--ephemeral", "--blackhole-listen", holeAddr, "--tls-listen", tlsAddr)
	pid := p.cmd.Process.Pid
	var holeGrowth, acceptGrowth, waiting float64
	for b.Loop() {
		// The largest growth of the iterations: memory a process once
		// took stays resident, so later iterations grow less.
		g, w := heldGrowth(b, pid, holeAddr, n)
		holeGrowth, waiting = max(holeGrowth, float64(g)), float64(w)
		g, _ = heldGrowth(b, pid, tlsAddr, n)
		acceptGrowth = max(acceptGrowth, float64(g))
	}
	b.ReportMetric(holeGrowth/1024, "blackhole-rss-growth-KiB")
	b.ReportMetric(acceptGrowth/1024, "accepting-rss-growth-KiB")
	b.ReportMetric(waiting, "blackhole-dials-waiting")
}

// heldGrowth opens n connection attempts to addr at once, reads pid's RSS
// while they are held, and returns its growth and how many attempts had
// not connected.
func heldGrowth(b *testing.B, pid int, addr string, n int) (int64, int) {
	base, _, err := procMemory(pid)
	if err != nil {
		b.Fatal(err)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		conns   []net.Conn
		waiting atomic.Int64
	)
	ctx, cancel := context.WithCancel(context.Background())
	for range n {
		wg.Add(1)
		waiting.Add(1)
		go func() {
			defer wg.Done()
			c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
			if err != nil {
				return
			}
			waiting.Add(-1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}()
	}
	time.Sleep(2 * time.Second) // the attempts settle: connected or left waiting
	peak, _, err := procMemory(pid)
	if err != nil {
		b.Fatal(err)
	}
	left := int(waiting.Load())
	cancel()
	wg.Wait()
	for _, c := range conns {
		c.Close()
	}
	return peak - base, left
}

// freeAddr is a 127.0.0.1 address with a port free a moment ago.
func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
