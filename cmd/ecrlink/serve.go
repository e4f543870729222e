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
	s3        emulator.S3Config
	// scenario is the scenario file; controlToken guards the control
	// API; journalFile receives the journal as NDJSON.
	scenario     string
	controlToken string
	journalFile  string
	edges        edgeFlags
}

func parseServeFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", env("ECRLINK_LISTEN", emulator.DefaultAddr), "listen address (ECRLINK_LISTEN)")
	fs.StringVar(&f.dataDir, "data-dir", env("ECRLINK_DATA_DIR", defaultDataDir()), "where images and metadata are kept (ECRLINK_DATA_DIR)")
	fs.BoolVar(&f.ephemeral, "ephemeral", env("ECRLINK_EPHEMERAL", "") == "true", "keep everything in memory (ECRLINK_EPHEMERAL=true)")
	fs.StringVar(&f.account, "account", env("ECRLINK_ACCOUNT", emulator.DefaultAccount), "12-digit account id served (ECRLINK_ACCOUNT)")
	fs.StringVar(&f.region, "region", env("ECRLINK_REGION", emulator.DefaultRegion), "AWS region served (ECRLINK_REGION)")
	fs.StringVar(&f.s3.Endpoint, "s3-endpoint", env("ECRLINK_S3_ENDPOINT", ""), "store in this S3/MinIO server, e.g. http://127.0.0.1:9000, instead of --data-dir (ECRLINK_S3_ENDPOINT)")
	fs.StringVar(&f.s3.Bucket, "s3-bucket", env("ECRLINK_S3_BUCKET", "ecrlink"), "bucket, created if missing (ECRLINK_S3_BUCKET)")
	fs.StringVar(&f.s3.AccessKey, "s3-access-key", env("ECRLINK_S3_ACCESS_KEY", ""), "S3 access key (ECRLINK_S3_ACCESS_KEY)")
	fs.StringVar(&f.s3.SecretKey, "s3-secret-key", env("ECRLINK_S3_SECRET_KEY", ""), "S3 secret key (ECRLINK_S3_SECRET_KEY)")
	fs.StringVar(&f.s3.Region, "s3-region", env("ECRLINK_S3_REGION", "us-east-1"), "the bucket's region (ECRLINK_S3_REGION)")
	fs.StringVar(&f.s3.RootDirectory, "s3-root", env("ECRLINK_S3_ROOT", "ecrlink"), "prefix of every object ecrlink writes (ECRLINK_S3_ROOT)")
	fs.BoolVar(&f.s3.SkipVerify, "s3-tls-skip-verify", env("ECRLINK_S3_TLS_SKIP_VERIFY", "") == "true", "do not verify the S3 server's certificate; the endpoint's scheme turns TLS on (ECRLINK_S3_TLS_SKIP_VERIFY=true)")
	fs.StringVar(&f.scenario, "scenario", env("ECRLINK_SCENARIO", ""), "decide every request in the VPC this YAML or JSON file describes (ECRLINK_SCENARIO)")
	fs.StringVar(&f.controlToken, "control-token", env("ECRLINK_CONTROL_TOKEN", ""), "require Authorization: Bearer TOKEN on /_ecrlink/; without it only loopback clients may use it (ECRLINK_CONTROL_TOKEN)")
	fs.StringVar(&f.journalFile, "journal-file", env("ECRLINK_JOURNAL_FILE", ""), "append every request's journal record to this file as NDJSON (ECRLINK_JOURNAL_FILE)")
	f.edges.register(fs)
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
	cfg := emulator.Config{Addr: f.listen, Logger: logger, Account: f.account, Region: f.region, DataDir: f.dataDir,
		ControlToken: f.controlToken}
	if f.scenario != "" {
		sc, err := readScenario(f.scenario)
		if err != nil {
			fmt.Fprintf(stderr, "ecrlink serve: --scenario %s:\n%v\n", f.scenario, err)
			return 2
		}
		cfg.Scenario = sc
	}
	if f.journalFile != "" {
		jf, err := emulator.OpenJournalFile(f.journalFile)
		if err != nil {
			fmt.Fprintln(stderr, "ecrlink serve: --journal-file:", err)
			return 2
		}
		defer jf.Close()
		cfg.JournalFile = jf
	}
	where := f.dataDir
	switch {
	case f.ephemeral && f.s3.Endpoint != "":
		fmt.Fprintln(stderr, "ecrlink serve: --ephemeral and --s3-endpoint are exclusive")
		return 2
	case f.ephemeral:
		cfg.DataDir, where = "", "memory (--ephemeral)"
	case f.s3.Endpoint != "":
		s3 := f.s3
		cfg.DataDir, cfg.S3 = "", &s3
		where = s3.Endpoint + "/" + s3.Bucket + "/" + s3.RootDirectory
	}
	if err := f.edges.configure(&cfg, f.dataDir, f.ephemeral); err != nil {
		fmt.Fprintln(stderr, "ecrlink serve:", err)
		return 2
	}
	srv, err := emulator.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "ecrlink serve:", err)
		return 1
	}
	u := srv.URL()
	fmt.Fprintf(stdout, "ecrlink %s: ECR for account %s in %s at %s — API: aws ecr --endpoint-url %s …; registry: %s/REPOSITORY; data: %s\n",
		version(), srv.Account(), srv.Region(), u, u, srv.Addr(), where)
	f.edges.announce(stdout, srv)
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
