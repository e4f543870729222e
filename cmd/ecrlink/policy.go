package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ecrlink/ecrlink/emulator"
)

const policyUsage = `usage:
  ecrlink policy simulate [FILE|-]
      Evaluate a request against identity, repository, registry and endpoint
      policies (JSON; see the README) and print the decision as JSON.
      Reads standard input when FILE is - or absent. Exit 0 whatever the
      decision, 2 on invalid input.
  ecrlink policy validate --type identity|repository|registry|endpoint|s3-gateway FILE|-
      Validate one policy document as AWS does. Prints "valid" and exits 0, or
      prints AWS's error text with its position and exits 2.
`

// runPolicy runs `ecrlink policy ...` and returns the exit code: 0 success,
// 1 a failure to write the output, 2 bad usage or bad input.
func runPolicy(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, policyUsage)
		return 2
	}
	switch args[0] {
	case "simulate":
		return runPolicySimulate(args[1:], stdin, stdout, stderr)
	case "validate":
		return runPolicyValidate(args[1:], stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, policyUsage)
		return 0
	}
	fmt.Fprintf(stderr, "ecrlink policy: unknown command %q\n%s", args[0], policyUsage)
	return 2
}

func runPolicySimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ecrlink policy simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, policyUsage) }
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(files) > 1 {
		fmt.Fprintf(stderr, "ecrlink policy simulate: one input at most, got %d\n", len(files))
		return 2
	}
	name := "-"
	if len(files) == 1 {
		name = files[0]
	}
	in, closeIn, err := openInput(name, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "ecrlink policy simulate: %v\n", err)
		return 2
	}
	defer closeIn()
	return exitCode(emulator.SimulatePolicy(in, stdout), "ecrlink policy simulate: ", stderr)
}

func runPolicyValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ecrlink policy validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, policyUsage) }
	kind := fs.String("type", "", "policy kind: identity, repository, registry, endpoint or s3-gateway")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if *kind == "" || len(files) != 1 {
		fmt.Fprintf(stderr, "ecrlink policy validate: need --type and exactly one FILE (or -)\n%s", policyUsage)
		return 2
	}
	in, closeIn, err := openInput(files[0], stdin)
	if err != nil {
		fmt.Fprintf(stderr, "ecrlink policy validate: %v\n", err)
		return 2
	}
	defer closeIn()
	err = emulator.ValidatePolicy(*kind, in)
	var ve *emulator.PolicyError
	if errors.As(err, &ve) {
		// The compiler's form: FILE:LINE:COL: PATH: AWS's text (detail).
		sep := ":"
		if ve.Line == 0 {
			sep = ": "
		}
		fmt.Fprintf(stderr, "%s%s%s\n", displayName(files[0]), sep, ve.Error())
		return 2
	}
	if code := exitCode(err, "ecrlink policy validate: ", stderr); code != 0 {
		return code
	}
	if _, err := fmt.Fprintln(stdout, "valid"); err != nil {
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, which it returns.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// openInput opens FILE, or returns stdin for "-".
func openInput(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// exitCode reports err on stderr: 2 for bad input, 1 for anything else.
func exitCode(err error, prefix string, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "%s%v\n", prefix, err)
	var ie *emulator.InputError
	if errors.As(err, &ie) {
		return 2
	}
	return 1
}
