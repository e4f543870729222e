package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/registry"
)

// serveFlags are serve's settings; each flag has an ECRLINK_* variable,
// and a flag given on the command line wins over the variable.
type serveFlags struct {
	listen    string
	dataDir   string
	ephemeral bool
	account   string
	region    string
	logLevel  string
}

func parseServeFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", env("ECRLINK_LISTEN", emulator.DefaultAddr), "listen address (ECRLINK_LISTEN)")
	fs.StringVar(&f.dataDir, "data-dir", env("ECRLINK_DATA_DIR", defaultDataDir()), "where images and metadata are kept (ECRLINK_DATA_DIR)")
	fs.BoolVar(&f.ephemeral, "ephemeral", env("ECRLINK_EPHEMERAL", "") == "true", "keep everything in memory (ECRLINK_EPHEMERAL=true)")
	fs.StringVar(&f.account, "account", env("ECRLINK_ACCOUNT", registry.DefaultAccount), "12-digit account id served (ECRLINK_ACCOUNT)")
	fs.StringVar(&f.region, "region", env("ECRLINK_REGION", registry.DefaultRegion), "AWS region served (ECRLINK_REGION)")
	fs.StringVar(&f.logLevel, "log-level", env("ECRLINK_LOG_LEVEL", "info"), "debug, info, warn or error (ECRLINK_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	return f, nil
}

func env(name, dflt string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return dflt
}

// defaultDataDir is $XDG_DATA_HOME/ecrlink, else ~/.local/share/ecrlink.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "ecrlink")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "ecrlink")
	}
	return ".ecrlink"
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink serve:", err)
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		fmt.Fprintln(stderr, "ecrlink serve: --log-level:", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger) // distribution's own logs arrive through slog.Default
	cfg := emulator.Config{Addr: f.listen, Logger: logger,
		Registry: registry.Config{Account: f.account, Region: f.region, DataDir: f.dataDir}}
	where := f.dataDir
	if f.ephemeral {
		cfg.Registry.DataDir, where = "", "memory (--ephemeral)"
	}
	srv, err := emulator.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink serve:", err)
		return 1
	}
	u := srv.URL()
	fmt.Fprintf(stdout, "ecrlink %s: ECR for account %s in %s at %s — API: aws ecr --endpoint-url %s …; registry: %s/REPOSITORY; data: %s\n",
		version(), srv.Account(), srv.Region(), u, u, srv.Addr(), where)
	<-ctx.Done()
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintln(stderr, "ecrlink serve: shutdown:", err)
		return 1
	}
	return 0
}
