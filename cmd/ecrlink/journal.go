package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ecrlink/ecrlink/emulator"
)

// runJournal prints a running ecrlink's journal as NDJSON, oldest first;
// with --follow it keeps printing records as they come.
func runJournal(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("journal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", env("ECRLINK_URL", "http://"+emulator.DefaultAddr), "the running ecrlink (ECRLINK_URL)")
	follow := fs.Bool("follow", false, "keep printing records as they come")
	since := fs.Uint64("since", 0, "only records after this sequence number")
	token := fs.String("control-token", env("ECRLINK_CONTROL_TOKEN", ""), "the server's control token (ECRLINK_CONTROL_TOKEN)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(stderr, "ecrlink journal: --url %q: want http://HOST:PORT\n", *base)
		return 2
	}
	u.Path = "/_ecrlink/journal"
	u.RawQuery = url.Values{"since": {strconv.FormatUint(*since, 10)}, "follow": {strconv.FormatBool(*follow)}}.Encode()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if *token != "" {
		req.Header.Set("Authorization", "Bearer "+*token)
	}
	client := &http.Client{Transport: &http.Transport{}} // never a proxy: the server is local
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink journal:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		fmt.Fprintf(stderr, "ecrlink journal: %s: %s\n", resp.Status, body)
		return 1
	}
	if _, err := io.Copy(stdout, resp.Body); err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "ecrlink journal:", err)
		return 1
	}
	return 0
}
