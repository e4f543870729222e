package emulator_test

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
)

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rawExchange writes raw to a new connection to addr and reads one
// response; nil when none came within wait or the server closed the
// connection without answering.
func rawExchange(t *testing.T, addr, raw string, wait time.Duration) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go io.WriteString(c, raw) // a large request may be answered before it is all written
	c.SetDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil, err.Error()
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp, string(body)
}

// TestProxyRefusesOffMachine: a CONNECT to anything but the AWS names
// ecrlink serves, on 443, is refused with 403 and a message saying why,
// and nothing is dialled: a listener the CONNECTs name sees no connection.
func TestProxyRefusesOffMachine(t *testing.T) {
	var logs syncBuffer
	inst := ecrlinktest.Start(t, emulator.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { target.Close() })
	_, port, _ := net.SplitHostPort(target.Addr().String())

	tests := []struct {
		authority string
		body      string
	}{
		{"example.com:443", "ecrlink tunnels only to the AWS names it serves, on port 443, and never sends traffic off the machine"},
		{"127.0.0.1:" + port, "refusing CONNECT 127.0.0.1:" + port},
		{"localhost:" + port, "tunnels only to the AWS names"},
		{"[::1]:" + port, "tunnels only to the AWS names"},
		{inst.Addr().String(), "tunnels only to the AWS names"}, // ecrlink itself
		{"169.254.169.254:80", "tunnels only to the AWS names"}, // the instance metadata service
		{"amazonaws.com.example.com:443", "tunnels only to the AWS names"},
		// AWS names on other ports
		{catalogueDkr + ":80", "on port 443"},
		{"api.ecr.us-east-1.amazonaws.com:8443", "on port 443"},
		{catalogueDkr + ":0443", "on port 443"},
		{catalogueDkr + ":65536", "on port 443"},
	}
	for _, tt := range tests {
		resp, body := connect(t, inst.Addr().String(), tt.authority, 5*time.Second)
		if resp == nil {
			t.Errorf("CONNECT %s: no answer; want 403", tt.authority)
			continue
		}
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, tt.body) {
			t.Errorf("CONNECT %s: %s %q; want 403 with %q", tt.authority, resp.Status, body, tt.body)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("the listener the CONNECTs named accepted %d connections; want none", n)
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("the server logged a panic:\n%s", logs.String())
	}
}

// TestProxyRefusesMalformed: garbage authorities get 400 (or 403 when
// they parse as a host that is not AWS's), oversized CONNECTs 431; none
// gets 200 or a 5xx, nothing panics, and the proxy still tunnels after.
func TestProxyRefusesMalformed(t *testing.T) {
	var logs syncBuffer
	inst := ecrlinktest.Start(t, emulator.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	addr := inst.Addr().String()
	connectLine := func(authority string) string {
		return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"
	}
	dkr := plainDkr + ":443"
	tests := []struct {
		name   string
		raw    string
		status []int // any of these
	}{
		{"no port", connectLine(plainDkr), []int{400}},
		{"empty host", connectLine(":443"), []int{400}},
		{"unclosed bracket", connectLine("[::1:443"), []int{400}},
		{"two ports", connectLine(dkr + ":443"), []int{400}},
		{"percent", connectLine("%zz:443"), []int{400}},
		{"port then name", connectLine("example.com:443.amazonaws.com"), []int{400, 403}},
		{"userinfo", connectLine("user@" + dkr), []int{400, 403}},
		{"URL", connectLine("https://" + dkr + "/"), []int{400, 403}},
		{"control bytes", connectLine("a\x01b:443"), []int{400}},
		{"non-ASCII", connectLine("ëcr.amazonaws.com:443"), []int{400, 403}},
		{"empty authority", "CONNECT  HTTP/1.1\r\nHost: x\r\n\r\n", []int{400}},
		{"long authority", connectLine(strings.Repeat("a", 100<<10) + ".amazonaws.com:443"), []int{400, 403, 414, 431}},
		{"long header", "CONNECT " + dkr + " HTTP/1.1\r\nHost: " + dkr + "\r\nX-Pad: " + strings.Repeat("a", 200<<10) + "\r\n\r\n", []int{431}},
		{"many headers", "CONNECT " + dkr + " HTTP/1.1\r\nHost: " + dkr + "\r\n" + strings.Repeat("X-Pad: aaaaaaaaaaaaaaaaaaaaaaaa\r\n", 5000) + "\r\n", []int{431}},
		{"not HTTP", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + strings.Repeat("\x00", 64) + "\r\n\r\n", []int{400}},
	}
	for _, tt := range tests {
		resp, body := rawExchange(t, addr, tt.raw, 10*time.Second)
		switch {
		case resp == nil:
			t.Errorf("%s: no answer (%s); want %v", tt.name, body, tt.status)
		case resp.StatusCode == 200 || resp.StatusCode >= 500:
			t.Errorf("%s: %s %q; want %v", tt.name, resp.Status, body, tt.status)
		case !slices.Contains(tt.status, resp.StatusCode):
			t.Errorf("%s: %s %q; want %v", tt.name, resp.Status, body, tt.status)
		default:
			t.Logf("%s: %s %.120q", tt.name, resp.Status, body)
		}
	}
	if status := connectStatus(t, addr, dkr); status != "200 Connection established" {
		t.Errorf("after the refusals a CONNECT %s gets %q; want 200", dkr, status)
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("the server logged a panic:\n%s", logs.String())
	}
}

// connectStatus is the status line's text of a CONNECT's answer; a
// tunnel's body is the tunnel, so it is not read.
func connectStatus(t *testing.T, addr, authority string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "CONNECT "+authority+" HTTP/1.1\r\nHost: "+authority+"\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err.Error()
	}
	return strings.TrimSpace(strings.TrimPrefix(line, "HTTP/1.1 "))
}
