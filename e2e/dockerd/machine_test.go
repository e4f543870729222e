package dockerd_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// What the test changes on the machine, each put back in t.Cleanup: the
// lo addresses, a marked block in /etc/hosts and the daemon's certs.d
// directories. Each also removes what a killed earlier run left.

// The contract's addresses (CONTRACT-11.md): TLS must not be on
// 127.0.0.0/8, where dockerd treats a registry as insecure and its texts
// change.
const (
	tlsIP       = "198.18.0.10"
	blackholeIP = "198.18.0.11"
	refusedIP   = "198.18.0.12"
)

const (
	hostsPath  = "/etc/hosts"
	hostsBegin = "# ecrlink e2e begin (e2e/dockerd TestDockerDaemon; its cleanup removes this block)\n"
	hostsEnd   = "# ecrlink e2e end\n"
	certsDir   = "/etc/docker/certs.d"
	// certsMark, in a certs.d directory the test made, lets a later run
	// tell a directory a killed run left from one the user made. dockerd
	// reads only *.crt, *.cert and *.key there.
	certsMark = ".ecrlink-e2e"
)

// ci is whether a missing tool fails the test instead of skipping it.
func ci() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// need skips (fails with CI=true) when a prerequisite is missing.
func need(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if ci() {
		t.Fatalf("%s (CI=true: not skipping; scripts/install-deps.sh installs the tools)", what)
	}
	t.Skip(what)
}

// addLoopback adds ip/32 to lo for the test's life. An address already
// there is what a killed run left: it is used and removed all the same.
// (iproute2 says "File exists" or, newer, "Address already assigned".)
func addLoopback(t *testing.T, ip string) {
	t.Helper()
	out, err := exec.Command("ip", "addr", "add", ip+"/32", "dev", "lo").CombinedOutput()
	if err != nil && !strings.Contains(string(out), "File exists") && !strings.Contains(string(out), "already assigned") {
		t.Fatalf("ip addr add %s/32 dev lo: %v: %s", ip, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "addr", "del", ip+"/32", "dev", "lo").CombinedOutput(); err != nil {
			t.Errorf("ip addr del %s/32 dev lo: %v: %s", ip, err, out)
		}
	})
}

// hostsFile is /etc/hosts with the test's block: the bytes it had, put
// back by Cleanup, and the block's generation (see probeName).
type hostsFile struct {
	orig []byte
	mode fs.FileMode
	gen  int
	last string // the block's lines without the probe, as last written
}

// takeHosts reads /etc/hosts, drops a block a killed run left, and
// registers the restore.
func takeHosts(t *testing.T) *hostsFile {
	t.Helper()
	data, err := os.ReadFile(hostsPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(hostsPath)
	if err != nil {
		t.Fatal(err)
	}
	if stale, ok := withoutBlock(data); ok {
		t.Logf("%s: removing the block a killed run left", hostsPath)
		data = stale
		if err := os.WriteFile(hostsPath, data, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	h := &hostsFile{orig: data, mode: st.Mode().Perm()}
	t.Cleanup(func() {
		// Written in place, not renamed over: /etc/hosts may be a bind mount.
		if err := os.WriteFile(hostsPath, h.orig, h.mode); err != nil {
			t.Errorf("restore %s: %v", hostsPath, err)
		}
	})
	return h
}

// withoutBlock is data without the test's block, and whether it had one.
func withoutBlock(data []byte) ([]byte, bool) {
	i := bytes.Index(data, []byte(hostsBegin))
	if i < 0 {
		return data, false
	}
	j := bytes.Index(data[i:], []byte(hostsEnd))
	if j < 0 {
		return data[:i], true
	}
	return append(append([]byte(nil), data[:i]...), data[i+j+len(hostsEnd):]...), true
}

// probeName is a name only generation gen of the block maps, to the
// refused address: when dockerd's lookup of it reaches that address,
// dockerd has read this generation of the file.
func probeName(gen int) string { return fmt.Sprintf("gen%d.probe.ecrlink-e2e.test", gen) }

// write appends lines, and the generation's probe, as the block; it
// reports false (and writes nothing) when the lines are the last ones.
func (h *hostsFile) write(t *testing.T, lines string) bool {
	t.Helper()
	if lines == h.last {
		return false
	}
	h.gen++
	h.last = lines
	var b bytes.Buffer
	b.Write(h.orig)
	if len(h.orig) > 0 && !bytes.HasSuffix(h.orig, []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteString(hostsBegin)
	b.WriteString(lines)
	if !strings.HasSuffix(lines, "\n") {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%s\t%s\n", refusedIP, probeName(h.gen))
	b.WriteString(hostsEnd)
	if err := os.WriteFile(hostsPath, b.Bytes(), h.mode); err != nil {
		t.Fatal(err)
	}
	return true
}

// installCA writes ca.crt for each registry host under certs.d, where
// dockerd looks for a registry's CA, and removes exactly what it made.
func installCA(t *testing.T, pem []byte, hosts []string) string {
	t.Helper()
	// certsDirMark says the test made certs.d itself (a killed run, or this one).
	certsDirMark := filepath.Join(certsDir, certsMark)
	_, err := os.Stat(certsDir)
	_, markErr := os.Stat(certsDirMark)
	if errors.Is(err, fs.ErrNotExist) || markErr == nil {
		if err := os.MkdirAll(certsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(certsDirMark, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := os.Remove(certsDirMark); err != nil {
				t.Errorf("remove %s: %v", certsDirMark, err)
			}
			if err := os.Remove(certsDir); err != nil {
				t.Errorf("remove %s: %v", certsDir, err)
			}
		})
	}
	for _, host := range hosts {
		dir := filepath.Join(certsDir, host)
		if _, err := os.Stat(filepath.Join(dir, certsMark)); err == nil {
			t.Logf("%s: removing what a killed run left", dir)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := os.Stat(dir); err == nil {
			t.Fatalf("%s exists and is not the test's: not touching it", dir)
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := os.RemoveAll(dir); err != nil {
				t.Errorf("remove %s: %v", dir, err)
			}
		})
		if err := os.WriteFile(filepath.Join(dir, certsMark), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ca.crt"), pem, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The AWS CLI's bundle: the same CA, in the test's temporary directory.
	bundle := filepath.Join(t.TempDir(), "ecrlink-ca.pem")
	if err := os.WriteFile(bundle, pem, 0o644); err != nil {
		t.Fatal(err)
	}
	return bundle
}
