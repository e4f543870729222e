package ecrlinktest

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

	"github.com/ecrlink/ecrlink/emulator"
)

// MinIOVersion is the MinIO server the tests run, installed by
// scripts/install-deps.sh with `go install`. MinIO is AGPL: it only ever runs
// as a separate process.
const MinIOVersion = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// MinIO is a MinIO server started for one test.
type MinIO struct {
	Endpoint  string // http://127.0.0.1:PORT
	AccessKey string
	SecretKey string
	cmd       *exec.Cmd
}

// S3Config returns a registry configuration for bucket on this server.
func (m *MinIO) S3Config(bucket string) *emulator.S3Config {
	return &emulator.S3Config{Endpoint: m.Endpoint, Bucket: bucket, AccessKey: m.AccessKey, SecretKey: m.SecretKey}
}

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
	m := &MinIO{AccessKey: "ecrlinktest", SecretKey: "ecrlinktest-secret"}
	addr, console := freeAddr(t), freeAddr(t)
	m.Endpoint = "http://" + addr
	m.cmd = exec.Command(bin, "server", t.TempDir(), "--address", addr, "--console-address", console, "--quiet")
	m.cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.AccessKey, "MINIO_ROOT_PASSWORD="+m.SecretKey,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CI_CD=on")
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start minio: %v", err)
	}
	t.Cleanup(func() {
		m.cmd.Process.Kill()
		m.cmd.Wait()
	})
	if err := waitReady(m.Endpoint+"/minio/health/ready", 30*time.Second); err != nil {
		t.Fatalf("minio at %s: %v", m.Endpoint, err)
	}
	return m
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(url string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
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
