// Command client is docker-compose.yml's example client: inside a network
// with no way out, it pushes a one-layer image to ECR under its real name
// and pulls it back, with real clients doing the work: crane for the
// registry protocol and docker-credential-ecr-login for the login, both
// reaching ecrlink through its DNS server and TLS listener.
//
// It runs in a FROM scratch image, which has no shell, so it does what a
// shell script would: write a layer and a docker config.json naming the
// credential helper, then run crane append and crane pull. It exits 0 when
// both work, 1 otherwise, printing what crane printed.
//
// Environment: IMAGE (default 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:demo),
// CLIENT_TIMEOUT (each crane command's bound, default 2m: a name with no
// route makes crane wait for its dial timeout and retry), CRANE (default
// crane on PATH).
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}

func run() error {
	image := envOr("IMAGE", "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:demo")
	timeout, err := time.ParseDuration(envOr("CLIENT_TIMEOUT", "2m"))
	if err != nil {
		return fmt.Errorf("CLIENT_TIMEOUT: %w", err)
	}
	registry, _, ok := strings.Cut(image, "/")
	if !ok {
		return fmt.Errorf("IMAGE %q: want REGISTRY/REPOSITORY:TAG", image)
	}
	dir, err := os.MkdirTemp("", "client")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// No docker login: for the registry, crane asks
	// docker-credential-ecr-login, which calls GetAuthorizationToken on
	// api.ecr.REGION.amazonaws.com.
	cfg, _ := json.Marshal(map[string]any{"credHelpers": map[string]string{registry: "ecr-login"}})
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o600); err != nil {
		return err
	}
	layer := filepath.Join(dir, "layer.tar")
	if err := os.WriteFile(layer, layerTar("hello from the compose client\n"), 0o600); err != nil {
		return err
	}
	// What the names resolve to, for the reader: ecrlink's DNS server
	// decides it from the scenario (its TLS listener, the blackhole, the
	// refused address, or no such host).
	for _, host := range []string{"api.ecr." + regionOf(registry) + ".amazonaws.com", registry} {
		addrs, err := net.DefaultResolver.LookupHost(context.Background(), host)
		if err != nil {
			fmt.Printf("client: %s: %v\n", host, err)
			continue
		}
		fmt.Printf("client: %s resolves to %s\n", host, strings.Join(addrs, " "))
	}
	env := append(os.Environ(), "DOCKER_CONFIG="+dir)
	crane := envOr("CRANE", "crane")

	pushed, err := craneRun(timeout, env, crane, "append", "-f", layer, "-t", image)
	if err != nil {
		return fmt.Errorf("push %s: %w", image, err)
	}
	fmt.Printf("client: pushed %s\n", strings.TrimSpace(pushed))
	if _, err := craneRun(timeout, env, crane, "pull", image, filepath.Join(dir, "pulled.tar")); err != nil {
		return fmt.Errorf("pull %s: %w", image, err)
	}
	digest, err := craneRun(timeout, env, crane, "digest", image)
	if err != nil {
		return fmt.Errorf("digest %s: %w", image, err)
	}
	fmt.Printf("client: pulled %s@%s\n", image, strings.TrimSpace(digest))
	return nil
}

// craneRun runs crane, returning its stdout; its stderr goes to ours.
func craneRun(timeout time.Duration, env []string, crane string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, crane, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "", fmt.Errorf("crane %s: no answer within CLIENT_TIMEOUT %s", args[0], timeout)
	}
	if err != nil {
		return "", fmt.Errorf("crane %s: %w", args[0], err)
	}
	return out.String(), nil
}

// layerTar is a layer holding one file, /hello.txt.
func layerTar(content string) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	_ = tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: int64(len(content)), ModTime: time.Unix(0, 0)})
	_, _ = tw.Write([]byte(content))
	_ = tw.Close()
	return b.Bytes()
}

// regionOf is the region in ACCOUNT.dkr.ecr.REGION.amazonaws.com.
func regionOf(registry string) string {
	parts := strings.Split(registry, ".")
	if len(parts) > 3 {
		return parts[3]
	}
	return "us-east-1"
}

func envOr(name, dflt string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return dflt
}
