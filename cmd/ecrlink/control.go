package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
