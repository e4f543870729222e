package emulator_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
)

// closedWithin reads conn until the server closes it, and reports whether
// that happened within d (anything the server answers first is read and
// returned).
func closedWithin(conn net.Conn, d time.Duration) (string, bool) {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	got, err := io.ReadAll(conn)
	return string(got), !errors.Is(err, os.ErrDeadlineExceeded)
}

// TestIdleConnectionIsClosed leaves a keep-alive connection idle after one
// request: the server closes it after IdleTimeout (it used to keep it open
// for ever).
func TestIdleConnectionIsClosed(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{IdleTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", inst.Host())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /v2/ HTTP/1.1\r\nHost: %s\r\n\r\n", inst.Host())
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("idle keep-alive connection still open after 5s, IdleTimeout 200ms")
	}
}

// TestTrickledBodyIsClosed trickles a request body a byte at a time, far
// below BodyMinBytes per BodyTimeout: the server gives up on the request
// and closes the connection (it used to wait for ever), on the ECR API and
// on a registry upload alike, and never answers 5xx.
func TestTrickledBodyIsClosed(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{BodyTimeout: 300 * time.Millisecond, BodyMinBytes: 1 << 10})
	inst.CreateRepository("app")
	up := newRawUpload(t, inst, "app")
	tests := []struct {
		name, head string
	}{
		{"api", fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: %sDescribeRepositories\r\n"+
			"Content-Type: application/x-amz-json-1.1\r\nAuthorization: %s\r\nContent-Length: 1000\r\n\r\n", inst.Host(), apiTarget, anyKeyAuth)},
		{"upload", fmt.Sprintf("PATCH %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Type: application/octet-stream\r\n"+
			"Content-Length: 1000\r\n\r\n", strings.TrimPrefix(up.location, inst.URL()), inst.Host(), up.auth)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			answer, closed := trickledRequest(t, inst, tc.head, 50*time.Millisecond, 5*time.Second)
			if !closed {
				t.Fatalf("trickled request still open after 5s, BodyTimeout 300ms (answer so far %q)", answer)
			}
			status, _, _ := strings.Cut(answer, "\r\n")
			t.Logf("answered %q, then closed", status)
			if strings.HasPrefix(status, "HTTP/1.1 5") {
				t.Fatalf("a stalled body got a server error: %q", answer)
			}
		})
	}
}

// TestSlowSteadyUploadCompletes sends a layer in small pieces over several
// BodyTimeout windows, each window well above BodyMinBytes: a body that
// keeps moving is never cut off.
func TestSlowSteadyUploadCompletes(t *testing.T) {
	t.Parallel()
	const window = 500 * time.Millisecond
	inst := ecrlinktest.Start(t, emulator.Config{BodyTimeout: window, BodyMinBytes: 1 << 10})
	inst.CreateRepository("app")
	up := newRawUpload(t, inst, "app")
	const pieces, piece = 40, 2 << 10 // 80 KiB over 2 s: four windows
	layer := bytes.Repeat([]byte("layer bytes "), pieces*piece/12+1)[:pieces*piece]
	pr, pw := io.Pipe()
	go func() {
		for i := range pieces {
			time.Sleep(window / 10)
			if _, err := pw.Write(layer[i*piece : (i+1)*piece]); err != nil {
				return
			}
		}
		pw.Close()
	}()
	t0 := time.Now()
	digest := up.patchFrom(t, pr, int64(len(layer)))
	if took := time.Since(t0); took < 2*window {
		t.Fatalf("the upload took %v, not several windows of %v: the test proves nothing", took, window)
	}
	up.commit(t, digest)
}

// trickle writes a byte to conn every period until stop is closed or the
// server hangs up.
// trickledRequest sends head, then its body a byte every period until the
// server hangs up, and reports what was answered and whether the server
// closed the connection within wait.
func trickledRequest(t *testing.T, inst *ecrlinktest.Instance, head string, period, wait time.Duration) (answer string, closed bool) {
	t.Helper()
	conn, err := net.Dial("tcp", inst.Host())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go trickle(conn, period, stop)
	return closedWithin(conn, wait)
}

func trickle(conn net.Conn, period time.Duration, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(period):
		}
		if _, err := conn.Write([]byte("x")); err != nil {
			return
		}
	}
}

// TestRefusedTrickledBodyIsClosed trickles the body of requests that are
// refused before the body is read. net/http reads up to 256 KiB of an
// unread body before it answers, and used to do so with no deadline: the
// connection stayed open for as long as the trickle lasted and the refusal
// was never sent. Now the refusal comes, and the connection closes, within
// a few BodyTimeout windows.
func TestRefusedTrickledBodyIsClosed(t *testing.T) {
	t.Parallel()
	const window = 300 * time.Millisecond
	inst := ecrlinktest.Start(t, emulator.Config{BodyTimeout: window, BodyMinBytes: 1 << 10})
	inst.CreateRepository("app")
	up := newRawUpload(t, inst, "app")
	uploadPath := strings.TrimPrefix(up.location, inst.URL())
	tests := []struct {
		name, head, status string
	}{
		{"api without credentials", fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: %sDescribeRepositories\r\n"+
			"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n", inst.Host(), apiTarget), "HTTP/1.1 403"},
		{"api chunked without credentials", fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: %sDescribeRepositories\r\n"+
			"Content-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n", inst.Host(), apiTarget), "HTTP/1.1 403"},
		{"v2 upload without token", fmt.Sprintf("PATCH %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\n"+
			"Content-Length: 1000\r\n\r\n", uploadPath, inst.Host()), "HTTP/1.1 401"},
		{"v2 unknown repository", fmt.Sprintf("POST /v2/nothere/blobs/uploads/ HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n"+
			"Content-Length: 1000\r\n\r\n", inst.Host(), up.auth), "HTTP/1.1 404"},
		{"no such path", fmt.Sprintf("POST /nothing HTTP/1.1\r\nHost: %s\r\nContent-Length: 1000\r\n\r\n", inst.Host()), "HTTP/1.1 404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			answer, closed := trickledRequest(t, inst, tc.head, 100*time.Millisecond, 10*window)
			status, _, _ := strings.Cut(answer, "\r\n")
			if !closed {
				t.Fatalf("trickled refused request still open after %v, BodyTimeout %v (answer so far %q)", 10*window, window, status)
			}
			if !strings.HasPrefix(status, tc.status) {
				t.Fatalf("answered %q, then closed; want %s", status, tc.status)
			}
		})
	}
}

// TestRefusedFullBodyKeepsConnection sends whole bodies that are refused
// unread: the server reads them past, answers at once and keeps the
// connection for the next request, as a well-behaved client expects.
func TestRefusedFullBodyKeepsConnection(t *testing.T) {
	t.Parallel()
	const window = 300 * time.Millisecond
	inst := ecrlinktest.Start(t, emulator.Config{BodyTimeout: window, BodyMinBytes: 1 << 10})
	conn, err := net.Dial("tcp", inst.Host())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	const size = 200 << 10 // under net/http's 256 KiB: drained, not hung up on
	for i := range 3 {
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: %sDescribeRepositories\r\n"+
			"Content-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n", inst.Host(), apiTarget, size)
		go func() { _, _ = io.Copy(conn, io.LimitReader(&patternReader{}, size)) }()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		t0 := time.Now()
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Close {
			t.Fatalf("request %d: %d, close %v; want 403 on a kept connection", i, resp.StatusCode, resp.Close)
		}
		if took := time.Since(t0); took > window {
			t.Fatalf("request %d answered after %v, BodyTimeout %v", i, took, window)
		}
	}
}

// TestSlowBlobDownloadCompletes reads a blob slowly, over many BodyTimeout
// windows, once without a request body and once with a small one the
// handler never reads: the body deadlines must not cut off a response that
// takes long to send, nor spoil the connection for the next request.
func TestSlowBlobDownloadCompletes(t *testing.T) {
	t.Parallel()
	const window = 200 * time.Millisecond
	inst := ecrlinktest.Start(t, emulator.Config{BodyTimeout: window, BodyMinBytes: 1 << 10})
	inst.CreateRepository("app")
	up := newRawUpload(t, inst, "app")
	const size = 8 << 20 // far more than the socket buffers hold
	digest := up.patch(t, size)
	up.commit(t, digest)
	for _, body := range []string{"", "hello"} {
		t.Run(fmt.Sprintf("body %q", body), func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", inst.Host())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			get := func(path string) *http.Response {
				t.Helper()
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n%s",
					path, inst.Host(), up.auth, len(body), body)
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				_ = conn.SetReadDeadline(time.Time{})
				return resp
			}
			resp := get("/v2/app/blobs/" + digest)
			resp.Body.Close()
			loc, err := resp.Location()
			if resp.StatusCode != http.StatusTemporaryRedirect || err != nil {
				t.Fatalf("GET blob: %d %v", resp.StatusCode, err)
			}
			resp = get(loc.RequestURI())
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET layer: %d", resp.StatusCode)
			}
			h := sha256.New()
			t0 := time.Now()
			buf := make([]byte, 256<<10)
			for {
				n, err := resp.Body.Read(buf)
				h.Write(buf[:n])
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("after %v: %v", time.Since(t0), err)
				}
				time.Sleep(window / 4)
			}
			if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != digest {
				t.Fatalf("got %s, want %s", got, digest)
			}
			if took := time.Since(t0); took < 4*window {
				t.Fatalf("the download took %v, not several windows of %v: the test proves nothing", took, window)
			}
			next := get("/v2/")
			next.Body.Close()
			if next.StatusCode != http.StatusOK {
				t.Fatalf("next request on the connection: %d", next.StatusCode)
			}
		})
	}
}
