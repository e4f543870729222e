package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
)

// runCmd runs the program with args and returns its exit code and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(t.Context(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

func startServer(t *testing.T, cfg emulator.Config) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return srv
}

func isCA(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("not PEM: %q", data)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !cert.IsCA {
		t.Fatalf("not a CA certificate: %v", err)
	}
	return cert
}

func TestRunCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	if code, _, stderr := runCmd(t, "ca", "--ca-dir", dir); code != 1 || !strings.Contains(stderr, "no CA in "+dir) {
		t.Fatalf("ca of a directory with no CA: exit %d %q; want 1, saying there is none", code, stderr)
	}
	if _, err := emulator.NewCA(emulator.CAOptions{Dir: dir}); err != nil { // as serve makes it
		t.Fatal(err)
	}
	code, first, stderr := runCmd(t, "ca", "--ca-dir", dir)
	if code != 0 {
		t.Fatalf("ca: exit %d: %s", code, stderr)
	}
	isCA(t, []byte(first))
	if _, second, _ := runCmd(t, "ca", "--ca-dir", dir); second != first {
		t.Error("a second `ecrlink ca` printed another CA; the directory's must be kept")
	}

	srv := startServer(t, emulator.Config{})
	code, fromServer, stderr := runCmd(t, "ca", "--url", srv.URL())
	if code != 0 || fromServer != string(srv.CA().CertPEM()) {
		t.Fatalf("ca --url: exit %d, stderr %s; want the server's CA", code, stderr)
	}

	certs := t.TempDir()
	host := "111122223333.dkr.ecr.us-east-1.amazonaws.com"
	if code, _, stderr := runCmd(t, "ca", "--ca-dir", dir, "--install-docker", "--certs-dir", certs, host); code != 0 {
		t.Fatalf("ca --install-docker: exit %d: %s", code, stderr)
	}
	if got, err := os.ReadFile(filepath.Join(certs, host, "ca.crt")); err != nil || string(got) != first {
		t.Fatalf("certs.d/%s/ca.crt: %v; want the CA", host, err)
	}
	for _, bad := range [][]string{
		{"ca", "--ca-dir", dir, "--install-docker", "--certs-dir", certs, "../etc"},
		{"ca", "--ca-dir", dir, "--install-docker", "--certs-dir", certs, "a/b"},
		{"ca", "--ca-dir", dir, "--install-docker"},
		{"ca", "--ca-dir", dir, host},
		{"ca", "--ca-dir", dir, "--url", srv.URL()},
	} {
		if code, _, _ := runCmd(t, bad...); code == 0 {
			t.Errorf("%q: exit 0", bad)
		}
	}
	if entries, _ := os.ReadDir(certs); len(entries) != 1 {
		t.Errorf("certs dir holds %d entries, want only %s", len(entries), host)
	}
}

func TestRunHostsAndEnv(t *testing.T) {
	srv := startServer(t, emulator.Config{TLSAddr: "127.0.0.1:0"})
	code, hosts, stderr := runCmd(t, "hosts", "--url", srv.URL())
	if code != 0 || !strings.Contains(hosts, "127.0.0.1\t000000000000.dkr.ecr.us-east-1.amazonaws.com\n") {
		t.Fatalf("hosts: exit %d %s\n%s", code, stderr, hosts)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	code, sh, stderr := runCmd(t, "env", "--url", srv.URL(), "--ca-file", caFile)
	if code != 0 {
		t.Fatalf("env: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(caFile)
	if err != nil || string(data) != string(srv.CA().CertPEM()) {
		t.Fatalf("env did not write the CA to --ca-file: %v", err)
	}
	for _, want := range []string{
		"export HTTPS_PROXY=" + srv.URL() + ";", "export AWS_CA_BUNDLE=" + caFile + ";",
		"export SSL_CERT_FILE=" + caFile + ";", "export NO_PROXY=127.0.0.1,localhost,::1;", "unset AWS_ENDPOINT_URL_ECR;",
	} {
		if !strings.Contains(sh, want+"\n") {
			t.Errorf("env (sh) lacks %q:\n%s", want, sh)
		}
	}
	_, fish, _ := runCmd(t, "env", "--url", srv.URL(), "--ca-file", caFile, "--shell", "fish")
	for _, want := range []string{"set -gx HTTPS_PROXY " + srv.URL() + ";", "set -e AWS_ENDPOINT_URL_ECR;"} {
		if !strings.Contains(fish, want+"\n") {
			t.Errorf("env (fish) lacks %q:\n%s", want, fish)
		}
	}
	_, direct, _ := runCmd(t, "env", "--url", srv.URL(), "--ca-file", caFile, "--direct")
	if !strings.Contains(direct, "export AWS_ENDPOINT_URL_ECR="+srv.URL()+";\n") || !strings.Contains(direct, "unset HTTPS_PROXY;\n") {
		t.Errorf("env --direct:\n%s", direct)
	}
	if code, _, _ := runCmd(t, "env", "--url", srv.URL(), "--shell", "csh"); code != 2 {
		t.Errorf("env --shell csh: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, "hosts", "--url", "http://127.0.0.1:1"); code != 1 {
		t.Errorf("hosts of nothing: exit %d, want 1", code)
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:5000": "http://127.0.0.1:5000",
		"/tmp/a b.pem":          "'/tmp/a b.pem'",
		"it's":                  `'it'\''s'`,
		"$(rm -rf /)":           "'$(rm -rf /)'",
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestServeEdgeFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--ephemeral", "--advertise", "not-an-ip"},
		{"--ephemeral", "--advertise-blackhole", "1.2.3"},
		{"--ephemeral", "--ca-cert", "only-the-cert.pem"},
	} {
		if code, _, stderr := runCmd(t, append([]string{"serve"}, args...)...); code != 2 {
			t.Errorf("serve %q: exit %d (%s), want 2", args, code, stderr)
		}
	}
}
