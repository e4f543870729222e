// Command ecrlink runs the emulator: `ecrlink serve` starts a local Amazon
// ECR; `ecrlink version` prints the version.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: ecrlink <command> [flags]

commands:
  serve      run a local Amazon ECR (see 'ecrlink serve -h')
  scenario   validate a scenario file, or print its JSON Schema
  journal    print a running ecrlink's request journal (--follow to stream)
  policy     simulate or validate IAM policies (see 'ecrlink policy -h')
  explain    walk a pull or push in a scenario: where it fails, and the fix
  ca         print ecrlink's CA certificate, or install it for the Docker daemon
  hosts      print /etc/hosts lines for a running ecrlink's AWS names
  env        print the environment a shell needs to use a running ecrlink's proxy
  version    print the version
`

// run is the whole program; it returns the exit code: 0 success, 1 a
// failure while running, 2 bad usage or input.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "scenario":
		return runScenario(args[1:], stdout, stderr)
	case "journal":
		return runJournal(ctx, args[1:], stdout, stderr)
	case "policy":
		return runPolicy(args[1:], stdin, stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdout, stderr)
	case "ca":
		return runCA(ctx, args[1:], stdout, stderr)
	case "hosts":
		return runHosts(ctx, args[1:], stdout, stderr)
	case "env":
		return runEnv(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "ecrlink", version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "ecrlink: unknown command %q\n%s", args[0], usage)
	return 2
}

// version is the module version stamped by the go tool, or "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
