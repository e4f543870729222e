package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
)

// healthTimeout bounds one health check; a container health check has
// its own timeout, but a hung check must not outlive it.
const healthTimeout = 5 * time.Second

// runHealth checks that a server answers: GET URL (a bare http://HOST:PORT
// means ecrlink's /_ecrlink/health), exit 0 on a 2xx answer, 1 otherwise.
// It exists so a FROM scratch image, which has no shell or curl, can have
// a container health check: the ecrlink image checks itself, and the
// MinIO image in docker-compose.yml checks /minio/health/live with it.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", env("ECRLINK_URL", "http://"+emulator.DefaultAddr), "what to check: a running ecrlink, or any http URL with a path (ECRLINK_URL)")
	token := fs.String("control-token", env("ECRLINK_CONTROL_TOKEN", ""), "the server's control token, sent to ecrlink's own health path (ECRLINK_CONTROL_TOKEN)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ecrlink health takes no arguments, got %q\n", fs.Args())
		return 2
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(stderr, "ecrlink health: --url %q: want http://HOST:PORT[/PATH]\n", *base)
		return 2
	}
	own := u.Path == "" || u.Path == "/"
	if own {
		u.Path = "/_ecrlink/health"
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	// The token goes only to ecrlink's own path: a URL naming another
	// server (MinIO) must not receive it.
	if *token != "" && u.Path == "/_ecrlink/health" {
		req.Header.Set("Authorization", "Bearer "+*token)
	}
	client := &http.Client{Transport: &http.Transport{}} // never a proxy: the server is local
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink health:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode/100 != 2 {
		fmt.Fprintf(stderr, "ecrlink health: %s: %s: %s\n", u, resp.Status, body)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s\n", u, resp.Status)
	return 0
}
