package emulator_test

import (
	"bufio"
	"bytes"
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
			conn, err := net.Dial("tcp", inst.Host())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.head); err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			defer close(stop)
			go func() { // a byte every 50 ms, until the server hangs up
				for range 1000 {
					select {
					case <-stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
					if _, err := conn.Write([]byte("x")); err != nil {
						return
					}
				}
			}()
			answer, closed := closedWithin(conn, 5*time.Second)
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
