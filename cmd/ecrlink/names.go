package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
)

// controlFlags name a running ecrlink's control API.
type controlFlags struct{ url, token string }

func (c *controlFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "url", env("ECRLINK_URL", "http://"+emulator.DefaultAddr), "the running ecrlink (ECRLINK_URL)")
	fs.StringVar(&c.token, "control-token", env("ECRLINK_CONTROL_TOKEN", ""), "the server's control token (ECRLINK_CONTROL_TOKEN)")
}

// maxControlAnswer bounds what is read of a control API answer.
const maxControlAnswer = 1 << 20

// get reads path from the control API.
func (c *controlFlags) get(ctx context.Context, path string) ([]byte, error) {
	u, err := url.Parse(c.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q: want http://HOST:PORT", c.url)
	}
	u.Path = path
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	client := &http.Client{Transport: &http.Transport{}} // never a proxy: the server is local
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxControlAnswer))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// parseFlags parses args, reporting whether the command goes on and the
// exit code if not.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

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

// runHosts prints a running ecrlink's /etc/hosts lines.
func runHosts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hosts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c controlFlags
	c.register(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	body, err := c.get(ctx, "/_ecrlink/hosts")
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink hosts:", err)
		return 1
	}
	stdout.Write(body)
	return 0
}

// runEnv prints the environment a shell needs to reach a running ecrlink
// under the real AWS names through its CONNECT proxy (or, with --direct,
// at its own address), after writing its CA where the variables point.
func runEnv(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c controlFlags
	c.register(fs)
	shell := fs.String("shell", "sh", "sh (also bash, zsh) or fish")
	caFile := fs.String("ca-file", "", "where to write the CA certificate; default in the user's cache directory")
	region := fs.String("region", env("AWS_REGION", emulator.DefaultRegion), "AWS_REGION to set")
	direct := fs.Bool("direct", false, "point the AWS CLI and SDKs at ecrlink's address (AWS_ENDPOINT_URL_ECR) instead of the proxy")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *shell != "sh" && *shell != "fish" {
		fmt.Fprintf(stderr, "ecrlink env: --shell %q: want sh or fish\n", *shell)
		return 2
	}
	pem, err := c.get(ctx, "/_ecrlink/ca.pem")
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink env:", err)
		return 1
	}
	path, err := writeCAFile(*caFile, c.url, pem)
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink env:", err)
		return 1
	}
	base := strings.TrimRight(c.url, "/")
	vars := [][2]string{{"AWS_REGION", *region}, {"AWS_CA_BUNDLE", path}, {"SSL_CERT_FILE", path}}
	if *direct {
		vars = append(vars, [2]string{"AWS_ENDPOINT_URL_ECR", base}, [2]string{"HTTPS_PROXY", ""}, [2]string{"https_proxy", ""})
	} else {
		// The control API and direct mode stay off the proxy.
		noProxy := "127.0.0.1,localhost,::1"
		vars = append(vars, [2]string{"HTTPS_PROXY", base}, [2]string{"https_proxy", base},
			[2]string{"NO_PROXY", noProxy}, [2]string{"no_proxy", noProxy}, [2]string{"AWS_ENDPOINT_URL_ECR", ""})
	}
	fmt.Fprintf(stdout, "# ecrlink at %s; use: eval \"$(ecrlink env)\" (fish: ecrlink env --shell fish | source)\n", base)
	for _, v := range vars {
		fmt.Fprintln(stdout, shellLine(*shell, v[0], v[1]))
	}
	return 0
}

// writeCAFile writes pem to path, or to a file in the user's cache
// directory named for the server, and returns where.
func writeCAFile(path, server string, pem []byte) (string, error) {
	if path == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		name := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
				return r
			}
			return '_'
		}, strings.TrimPrefix(strings.TrimPrefix(server, "http://"), "https://"))
		path = filepath.Join(dir, "ecrlink", "ca-"+name+".pem")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return abs, os.WriteFile(abs, pem, 0o644)
}

// shellLine sets (or, for an empty value, unsets) name in shell's syntax.
func shellLine(shell, name, value string) string {
	switch {
	case shell == "fish" && value == "":
		return "set -e " + name + ";"
	case shell == "fish":
		return "set -gx " + name + " " + quote(value) + ";"
	case value == "":
		return "unset " + name + ";"
	}
	return "export " + name + "=" + quote(value) + ";"
}

// quote single-quotes s for sh and fish alike.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._:,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
