package emulator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
)

// needTool skips when a client is missing, except in CI, where every
// client the tests name must be there.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; scripts/install-deps.sh installs it", name)
		}
		t.Skipf("%s is not installed; run scripts/install-deps.sh", name)
	}
}

// TestDockerLoginPushPull is the README's quick start with the real Docker
// daemon: log in with the password GetAuthorizationToken gives (what `aws
// ecr get-login-password` prints), push, remove, pull.
func TestDockerLoginPushPull(t *testing.T) {
	needTool(t, "docker")
	if err := exec.Command("docker", "info").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the docker daemon is not reachable: %v", err)
		}
		t.Skip("the docker daemon is not reachable")
	}
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("quickstart")
	cfgDir := t.TempDir()
	docker := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command("docker", args...)
		cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+cfgDir)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	ctxDir := t.TempDir()
	os.WriteFile(filepath.Join(ctxDir, "hello.txt"), []byte(t.Name()), 0o644)
	os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte("FROM scratch\nCOPY hello.txt /hello.txt\n"), 0o644)
	image := inst.Host() + "/quickstart:1"
	password := inst.Auth().(*authn.Basic).Password
	if out := docker(password, "login", "--username", "AWS", "--password-stdin", inst.Host()); !strings.Contains(out, "Login Succeeded") {
		t.Fatalf("docker login: %s", out)
	}
	docker("", "build", "-q", "-t", image, ctxDir)
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", image).Run() })
	docker("", "push", image)
	docker("", "rmi", image)
	docker("", "pull", image)
}
