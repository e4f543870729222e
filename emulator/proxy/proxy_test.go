package proxy_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/proxy"
)

const dkr = "111122223333.dkr.ecr.us-east-1.amazonaws.com:443"

// serve starts p on a loopback server.
func serve(t *testing.T, p *proxy.Proxy) string {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// send writes raw to a new connection to addr and returns the connection
// and the answer, or a nil answer when none came within wait.
func send(t *testing.T, addr, raw string, wait time.Duration) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	io.WriteString(c, raw)
	c.SetReadDeadline(time.Now().Add(wait))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return c, br, nil
	}
	c.SetReadDeadline(time.Time{})
	return c, br, resp
}

func connectReq(authority string) string {
	return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"
}

// TestTunnelKeepsEarlyBytes: what a client sends right behind its CONNECT
// reaches the tunnel, and the decision sees the client's address.
func TestTunnelKeepsEarlyBytes(t *testing.T) {
	got := make(chan string, 1)
	var source netip.Addr
	p := proxy.New(proxy.Proxy{
		Decide: func(_ context.Context, h awsname.Host, src netip.Addr) proxy.Decision {
			source = src
			return proxy.Decision{Verdict: proxy.Tunnel}
		},
		Tunnel: func(c net.Conn) {
			b := make([]byte, 5)
			io.ReadFull(c, b)
			got <- string(b)
			c.Close()
		},
	})
	_, _, resp := send(t, serve(t, p), connectReq(dkr)+"hello", 5*time.Second)
	if resp == nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT answered %v; want 200", resp)
	}
	if s := <-got; s != "hello" {
		t.Errorf("tunnel read %q, want hello", s)
	}
	if !source.IsLoopback() {
		t.Errorf("Decide saw source %v, want the loopback client", source)
	}
}

// TestHoldIsBounded: past MaxHeld a held CONNECT is closed at once; a
// hold ends when its time is up.
func TestHoldIsBounded(t *testing.T) {
	p := proxy.New(proxy.Proxy{
		MaxHeld: 1,
		Decide: func(context.Context, awsname.Host, netip.Addr) proxy.Decision {
			return proxy.Decision{Verdict: proxy.Hold, Hold: 2 * time.Second}
		},
		Tunnel: func(c net.Conn) { c.Close() },
	})
	addr := serve(t, p)
	first, _, resp := send(t, addr, connectReq(dkr), 300*time.Millisecond)
	if resp != nil {
		t.Fatalf("held CONNECT answered %s", resp.Status)
	}
	second, br, _ := send(t, addr, connectReq(dkr), 0)
	second.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Fatalf("CONNECT past MaxHeld: read %v; want the connection closed at once", err)
	}
	first.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := first.Read(make([]byte, 1)); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Fatalf("held CONNECT after its hold: read %v; want closed", err)
	}
}

func TestRefusals(t *testing.T) {
	p := proxy.New(proxy.Proxy{
		Decide: func(context.Context, awsname.Host, netip.Addr) proxy.Decision {
			return proxy.Decision{Verdict: proxy.Fail, Error: "dial tcp: lookup x: no such host"}
		},
		Tunnel: func(c net.Conn) { c.Close() },
	})
	addr := serve(t, p)
	tests := []struct {
		raw    string
		status int
		body   string
	}{
		{connectReq(dkr), http.StatusBadGateway, "no such host"},
		{connectReq("example.com:443"), http.StatusForbidden, "never sends traffic off the machine"},
		{connectReq("169.254.169.254:443"), http.StatusForbidden, "tunnels only to the AWS names"},
		{connectReq("111122223333.dkr.ecr.us-east-1.amazonaws.com:22"), http.StatusForbidden, "on port 443"},
		{"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", http.StatusMethodNotAllowed, "only CONNECT"},
	}
	for _, tt := range tests {
		_, _, resp := send(t, addr, tt.raw, 5*time.Second)
		if resp == nil {
			t.Errorf("%q: no answer", tt.raw)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.body) {
			t.Errorf("%q: %s %q; want %d with %q", tt.raw, resp.Status, body, tt.status, tt.body)
		}
	}
}
