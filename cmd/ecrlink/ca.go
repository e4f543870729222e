package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ecrlink/ecrlink/emulator"
)

// runCA prints ecrlink's CA certificate, from its directory or a running
// server; with --install-docker it writes it where the Docker daemon looks
// for each registry HOST's CA instead.
func runCA(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ca", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c controlFlags
	c.register(fs)
	dir := fs.String("ca-dir", env("ECRLINK_CA_DIR", ""), "the CA's directory, as serve made it; default DATA_DIR/ca unless --url is given (ECRLINK_CA_DIR)")
	install := fs.Bool("install-docker", false, "write the CA to CERTS_DIR/HOST/ca.crt for each HOST argument")
	certsDir := fs.String("certs-dir", "/etc/docker/certs.d", "where the Docker daemon looks for registries' CAs")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ecrlink ca [--ca-dir DIR | --url URL] [--install-docker [--certs-dir DIR] HOST...]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	hosts := fs.Args()
	if !*install && len(hosts) > 0 {
		fmt.Fprintf(stderr, "ecrlink ca: hosts %q given without --install-docker\n", hosts)
		return 2
	}
	if *install && len(hosts) == 0 {
		fmt.Fprintln(stderr, "ecrlink ca: --install-docker needs at least one registry HOST")
		return 2
	}
	pem, err := caPEM(ctx, fs, &c, *dir)
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink ca:", err)
		return 1
	}
	if !*install {
		stdout.Write(pem)
		return 0
	}
	for _, h := range hosts {
		path, err := installDockerCA(*certsDir, h, pem)
		if err != nil {
			fmt.Fprintln(stderr, "ecrlink ca:", err)
			return 1
		}
		fmt.Fprintln(stdout, "wrote", path)
	}
	return 0
}

// caPEM is the CA certificate from the running server when --url was
// given, else from the CA directory.
func caPEM(ctx context.Context, fs *flag.FlagSet, c *controlFlags, dir string) ([]byte, error) {
	_, fromURL := os.LookupEnv("ECRLINK_URL")
	fs.Visit(func(f *flag.Flag) { fromURL = fromURL || f.Name == "url" })
	if fromURL {
		if dir != "" {
			return nil, errors.New("--url and --ca-dir are exclusive")
		}
		return c.get(ctx, "/_ecrlink/ca.pem")
	}
	if dir == "" {
		dir = filepath.Join(env("ECRLINK_DATA_DIR", defaultDataDir()), "ca")
	}
	// Never make a CA here: one no server issues from would be installed
	// for nothing, and docker would say "certificate signed by unknown
	// authority".
	if _, err := os.Stat(filepath.Join(dir, "ca.pem")); err != nil {
		return nil, fmt.Errorf("no CA in %s (a server with --ephemeral keeps its CA in memory; ask it with --url): %w", dir, err)
	}
	authority, err := emulator.NewCA(emulator.CAOptions{Dir: dir})
	if err != nil {
		return nil, err
	}
	return authority.CertPEM(), nil
}

// registryHost is what the Docker daemon names a certs.d directory by: a
// host name or address, with an optional port.
var registryHost = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?$`)

// installDockerCA writes pem as certsDir/host/ca.crt.
func installDockerCA(certsDir, host string, pem []byte) (string, error) {
	if !registryHost.MatchString(host) || strings.Contains(host, "..") {
		return "", fmt.Errorf("%q is not a registry host name", host)
	}
	dir := filepath.Join(certsDir, host)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "ca.crt")
	tmp, err := os.CreateTemp(dir, ".ca.crt-*")
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(pem)
	if err := errors.Join(werr, tmp.Chmod(0o644), tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return path, nil
}
