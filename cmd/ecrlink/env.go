package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecrlink/ecrlink/emulator"
)

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
