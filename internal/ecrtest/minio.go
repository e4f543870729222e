package ecrtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// MinIOVersion is the MinIO server the tests run, installed by
// scripts/install-deps.sh with `go install`. MinIO is AGPL: it only ever runs
// as a separate process.
const MinIOVersion = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// minioReadyWithin bounds the wait for a started server to say it is ready.
const minioReadyWithin = 30 * time.Second

// MinIO is a MinIO server started for one test.
type MinIO struct {
	Endpoint  string // http://127.0.0.1:PORT
	Addr      string // 127.0.0.1:PORT, as minio-go wants it
	AccessKey string
	SecretKey string
}

// StartMinIO starts a MinIO server on a random 127.0.0.1 port with its data
// in a temporary directory, and stops it when the test ends. Without a
// minio binary the test is skipped, except in CI (CI=true), where it fails.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	bin, ok := minioBinary()
	if !ok {
		msg := "no minio server; install it with scripts/install-deps.sh (go install " + MinIOVersion + ") or set ECRLINK_MINIO"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	addr, console := freeAddr(t), freeAddr(t)
	m := &MinIO{Endpoint: "http://" + addr, Addr: addr, AccessKey: "ecrlinktest", SecretKey: "ecrlinktest-secret"}
	cmd := exec.Command(bin, "server", t.TempDir(), "--address", addr, "--console-address", console, "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.AccessKey, "MINIO_ROOT_PASSWORD="+m.SecretKey,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CI_CD=on")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start minio: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	if err := waitReady(m.Endpoint+"/minio/health/ready", minioReadyWithin); err != nil {
		t.Fatalf("minio at %s: %v", m.Endpoint, err)
	}
	return m
}

// Client returns a minio-go client of this server, on a transport of its
// own that is closed when t ends.
func (m *MinIO) Client(t testing.TB) *minio.Client {
	t.Helper()
	tr := NewTransport()
	t.Cleanup(tr.CloseIdleConnections)
	client, err := minio.New(m.Addr, &minio.Options{Creds: credentials.NewStaticV4(m.AccessKey, m.SecretKey, ""), Transport: tr})
	if err != nil {
		t.Fatalf("minio client: %v", err)
	}
	return client
}

// MinIOBinary is the MinIO server the tests run, found as StartMinIO finds
// it; false when there is none.
func MinIOBinary() (string, bool) { return minioBinary() }

// minioBinary finds the server: $ECRLINK_MINIO, PATH, then $GOPATH/bin.
func minioBinary() (string, bool) {
	if p := os.Getenv("ECRLINK_MINIO"); p != "" {
		return p, true
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, true
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "minio")
	_, err := os.Stat(p)
	return p, err == nil
}

// freeAddr is a 127.0.0.1 address nothing listens on: MinIO takes an
// address, not a listener, so the port is picked here and released.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls url until it answers 200. MinIO signals readiness only
// through its health endpoint, so polling is the signal.
func waitReady(url string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	client := &http.Client{Transport: NewTransport()}
	defer client.CloseIdleConnections()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("health request: %w", err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s", within)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
