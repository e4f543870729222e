package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/emulator"
)

var update = flag.Bool("update", false, "rewrite the golden files of explain's text output")

const appImage = "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1"

// TestExplainGolden holds the text output of three cases to files a
// reviewer can read (go test -update rewrites them).
func TestExplainGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"healthy", []string{"--scenario", "testdata/explain/healthy.json", "--image", appImage}, 0},
		{"fargate-no-api", []string{"--scenario", "testdata/explain/fargate-no-api.json", "--image", appImage}, 1},
		{"deny-and-no-s3-eks", []string{"--scenario", "testdata/explain/deny-and-no-s3.json", "--image", appImage, "--client", "eks"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), append([]string{"explain"}, tc.args...), nil, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			for _, l := range strings.Split(stdout.String(), "\n") {
				if n := len([]rune(l)); n > 100 {
					t.Errorf("line of %d columns: %q", n, l)
				}
			}
			if strings.Contains(stdout.String(), "\x1b[") {
				t.Error("colour in output that is not a terminal")
			}
			golden := filepath.Join("testdata", "explain", tc.name+".txt")
			if *update {
				if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if stdout.String() != string(want) {
				t.Fatalf("output differs from %s:\n%s", golden, stdout.String())
			}
		})
	}
}

// TestExplainJSONShape: DESIGN.md's keys, with null where nothing failed.
func TestExplainJSONShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, verdict string
		failed        bool
	}{{"healthy.json", "pass", false}, {"fargate-no-api.json", "fail", true}} {
		var stdout, stderr bytes.Buffer
		run(context.Background(), []string{"explain", "--scenario", "testdata/explain/" + tc.file, "--image", appImage, "--output", "json"}, nil, &stdout, &stderr)
		var got map[string]json.RawMessage
		if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v: %s", tc.file, err, stdout.String())
		}
		for _, k := range []string{"verdict", "failedStep", "error", "fix", "hops", "fixPatch"} {
			if _, ok := got[k]; !ok {
				t.Errorf("%s: no %q", tc.file, k)
			}
		}
		if string(got["verdict"]) != `"`+tc.verdict+`"` || (string(got["failedStep"]) == "null") == tc.failed {
			t.Errorf("%s: verdict %s failedStep %s", tc.file, got["verdict"], got["failedStep"])
		}
		var hops []map[string]json.RawMessage
		if err := json.Unmarshal(got["hops"], &hops); err != nil || len(hops) == 0 {
			t.Fatalf("%s: hops %s", tc.file, got["hops"])
		}
		for _, k := range []string{"step", "host", "resolution", "route", "policies", "outcome", "error"} {
			if _, ok := hops[0][k]; !ok {
				t.Errorf("%s: hop without %q", tc.file, k)
			}
		}
		var patch []map[string]any
		if err := json.Unmarshal(got["fixPatch"], &patch); err != nil || len(patch) == 0 == tc.failed {
			t.Errorf("%s: fixPatch %s", tc.file, got["fixPatch"])
		}
	}
}

func TestExplainExitCodes(t *testing.T) {
	t.Parallel()
	bad := writeFile(t, "bad.yaml", "account: nope\n")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"pass", []string{"--scenario", "testdata/explain/healthy.json", "--image", appImage}, 0, ""},
		{"fail", []string{"--scenario", "testdata/explain/fargate-no-api.json", "--image", appImage}, 1, ""},
		{"bad file", []string{"--scenario", bad, "--image", appImage}, 2, "account"},
		{"missing file", []string{"--scenario", bad + ".missing", "--image", appImage}, 2, "no such file"},
		{"bad image", []string{"--scenario", "testdata/explain/healthy.json", "--image", "docker.io/library/alpine"}, 2, "not an ECR registry name"},
		{"unknown client", []string{"--scenario", "testdata/explain/healthy.json", "--image", appImage, "--client", "lambda"}, 2, `unknown client kind "lambda"`},
		{"platform version off Fargate", []string{"--scenario", "testdata/explain/healthy.json", "--image", appImage, "--platform-version", "1.3.0"}, 2, "fargate"},
		{"no image", []string{"--scenario", "testdata/explain/healthy.json"}, 2, "--image"},
		{"bad output", []string{"--scenario", "testdata/explain/healthy.json", "--image", appImage, "--output", "yaml"}, 2, "--output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), append([]string{"explain"}, tc.args...), nil, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Fatalf("stderr %q does not name %q", stderr.String(), tc.stderr)
			}
		})
	}
}

// BenchmarkExplain: a failing catalogue scenario end to end in process,
// parse, walk, fix search and text output.
func BenchmarkExplain(b *testing.B) {
	doc, err := os.ReadFile("testdata/explain/deny-and-no-s3.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		e, err := emulator.Explain(doc, emulator.ExplainOptions{Image: appImage})
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := e.WriteText(&out, false); err != nil {
			b.Fatal(err)
		}
	}
}
