package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ecrlink/ecrlink/emulator"
)

const explainUsage = `usage: ecrlink explain --scenario FILE --image URI [--push] [--client KIND]
                       [--platform-version V] [--awslogs] [--output text|json]

Walks a pull (or push) of the image hop by hop in the scenario, with the
decision code the live server uses, and prints where it fails, the error the
client prints, and the smallest scenario change that fixes it.
Exit 0: it would succeed; 1: it would fail; 2: bad input.
`

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, explainUsage); fs.PrintDefaults() }
	file := fs.String("scenario", "", "the scenario file (YAML or JSON); required")
	var opts emulator.ExplainOptions
	fs.StringVar(&opts.Image, "image", "", "the image URI, ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@DIGEST]; required")
	fs.BoolVar(&opts.Push, "push", false, "walk a push instead of a pull")
	fs.StringVar(&opts.Client, "client", "", "client kind: fargate, ecs-ec2, eks or docker (default: the scenario's)")
	fs.StringVar(&opts.PlatformVersion, "platform-version", "", "Fargate platform version, e.g. 1.3.0 (default: the scenario's)")
	fs.BoolVar(&opts.AWSLogs, "awslogs", false, "the task logs with the awslogs driver (default: the scenario's)")
	output := fs.String("output", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "ecrlink explain: unexpected argument %q\n", fs.Arg(0))
		return 2
	case *file == "":
		fmt.Fprintln(stderr, "ecrlink explain: --scenario FILE is required")
		return 2
	case opts.Image == "":
		fmt.Fprintln(stderr, "ecrlink explain: --image URI is required")
		return 2
	case *output != "text" && *output != "json":
		fmt.Fprintf(stderr, "ecrlink explain: --output %q: want text or json\n", *output)
		return 2
	}
	doc, err := readFile(*file)
	if err != nil {
		fmt.Fprintf(stderr, "ecrlink explain: --scenario: %v\n", err)
		return 2
	}
	e, err := emulator.Explain(doc, opts)
	if err != nil {
		fmt.Fprintf(stderr, "ecrlink explain: %s: %v\n", *file, err)
		var in *emulator.InputError
		if errors.As(err, &in) {
			return 2
		}
		return 1
	}
	if *output == "json" {
		err = e.WriteJSON(stdout)
	} else {
		err = e.WriteText(stdout, wantsColor(stdout))
	}
	if err != nil {
		fmt.Fprintf(stderr, "ecrlink explain: %v\n", err)
		return 1
	}
	if !e.Passed() {
		return 1
	}
	return 0
}

// wantsColor: colour only on a terminal, and never with NO_COLOR
// (https://no-color.org) or a dumb terminal.
func wantsColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// readFile reads a scenario file, bounded as the parser bounds documents.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, emulator.MaxScenarioSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}
