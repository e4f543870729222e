package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
)

// TestRunHealth checks a running ecrlink with and without its control
// token, and another server's health path, which never gets the token.
func TestRunHealth(t *testing.T) {
	t.Parallel()
	srv, err := emulator.Start(t.Context(), emulator.Config{ControlToken: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Authorization") != "":
			http.Error(w, "got a token", http.StatusBadRequest)
		case r.URL.Path == "/minio/health/live":
			w.WriteHeader(http.StatusOK)
		default:
			http.Error(w, "sick", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(other.Close)
	// An address nothing listens on: a listener opened and closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"ecrlink with its token", []string{"--url", srv.URL(), "--control-token", "s3cret"}, 0, "/_ecrlink/health: 200", ""},
		{"ecrlink without its token", []string{"--url", srv.URL()}, 1, "", "403"},
		{"another server's path, token withheld", []string{"--url", other.URL + "/minio/health/live", "--control-token", "s3cret"}, 0, "200", ""},
		{"another server unhealthy", []string{"--url", other.URL + "/sick"}, 1, "", "503"},
		{"nothing listening", []string{"--url", closed}, 1, "", "refused"},
		{"not a URL", []string{"--url", "127.0.0.1:5000"}, 2, "", "want http://"},
		{"arguments", []string{"extra"}, 2, "", "no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := run(t.Context(), append([]string{"health"}, tc.args...), nil, &out, &errOut)
			if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errOut.String(), tc.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errOut.String(), tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}
