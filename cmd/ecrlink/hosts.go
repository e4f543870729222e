package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

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
