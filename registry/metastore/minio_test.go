package metastore

import (
	"context"
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

// startMinIO starts a MinIO server for one test, as
// emulator/ecrlinktest.StartMinIO does (registry may not import emulator),
// and returns a client of it. Without a minio binary the test is skipped,
// except in CI (CI=true), where it fails.
func startMinIO(t *testing.T) *minio.Client {
	t.Helper()
	bin, ok := minioBinary()
	if !ok {
		msg := "no minio server; install it with scripts/install-deps.sh or set ECRLINK_MINIO"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	const user, password = "metastoretest", "metastoretest-secret"
	addr, console := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "server", t.TempDir(), "--address", addr, "--console-address", console, "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+user, "MINIO_ROOT_PASSWORD="+password,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CI_CD=on")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start minio: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	waitReady(t, "http://"+addr+"/minio/health/ready")
	client, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(user, password, "")})
	if err != nil {
		t.Fatal(err)
	}
	return client
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

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("minio at %s: not ready after 30s", url)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
