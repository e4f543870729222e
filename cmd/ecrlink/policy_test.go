package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const simulateInput = `{
  "request": {
    "principal": "arn:aws:sts::111122223333:assumed-role/ci/build-42",
    "action": "ecr:BatchGetImage",
    "resource": "arn:aws:ecr:us-east-1:111122223333:repository/app",
    "context": {"aws:SourceVpce": "vpce-0dkr"}
  },
  "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Sid": "Pull", "Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"}]}],
  "endpointPolicies": [{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]}]
}`

const identityWithPrincipal = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:*\", \"Resource\": \"*\"}\n}\n"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunPolicy(t *testing.T) {
	t.Parallel()
	simFile := writeFile(t, "sim.json", simulateInput)
	goodPolicy := writeFile(t, "good.json", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}}`)
	badPolicy := writeFile(t, "bad.json", identityWithPrincipal)
	bigEndpoint := writeFile(t, "big.json", `{"Statement": [{"Sid": "`+strings.Repeat("a", 20480)+`", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}`)
	for _, tc := range []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     string // substring
		stderr     string // substring
		exactOut   string
		exactOutOK bool
	}{
		{name: "simulate from stdin", args: []string{"simulate", "-"}, stdin: simulateInput, code: 0, stdout: `"decision": "ImplicitlyDenied"`},
		{name: "simulate reads stdin by default", args: []string{"simulate"}, stdin: simulateInput, code: 0, stdout: `"deniedBy": "endpoint"`},
		{name: "simulate from a file", args: []string{"simulate", simFile}, code: 0, stdout: `because no VPC endpoint policy allows the ecr:BatchGetImage action`},
		{name: "simulate invalid JSON", args: []string{"simulate"}, stdin: `{"request": `, code: 2, stderr: "ecrlink policy simulate: simulate: input"},
		{name: "simulate invalid policy", args: []string{"simulate"}, stdin: `{"request": {"action": "ecr:X"}, "identityPolicies": [{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}]}`, code: 2, stderr: "Policy document should not specify a principal."},
		{name: "simulate missing file", args: []string{"simulate", filepath.Join(t.TempDir(), "none.json")}, code: 2, stderr: "no such file"},
		{name: "simulate two files", args: []string{"simulate", simFile, simFile}, code: 2, stderr: "one input at most"},
		{name: "simulate unknown flag", args: []string{"simulate", "--fast"}, code: 2, stderr: "flag provided but not defined"},
		{name: "validate valid", args: []string{"validate", "--type", "identity", goodPolicy}, code: 0, exactOut: "valid\n", exactOutOK: true},
		{name: "validate flags after the file", args: []string{"validate", goodPolicy, "--type=identity"}, code: 0, exactOut: "valid\n", exactOutOK: true},
		{name: "validate stdin", args: []string{"validate", "--type", "endpoint", "-"}, stdin: `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}`, code: 0, exactOut: "valid\n", exactOutOK: true},
		{name: "validate invalid with position", args: []string{"validate", "--type", "identity", badPolicy}, code: 2,
			stderr: badPolicy + ":3:36: Statement.Principal: Policy document should not specify a principal."},
		{name: "validate invalid stdin", args: []string{"validate", "--type", "repository", "-"}, stdin: `{"Statement": [{"Effect": "allow", "Principal": "*", "Action": "ecr:*"}]}`, code: 2,
			stderr: "<stdin>:1:27: Statement[0].Effect: The effect allow is not valid. Use Allow or Deny."},
		{name: "validate too large endpoint", args: []string{"validate", "--type", "endpoint", bigEndpoint}, code: 2,
			stderr: bigEndpoint + ": The size of an endpoint policy cannot exceed 20,480 characters, including white space."},
		{name: "validate gateway principal", args: []string{"validate", "--type", "s3-gateway", "-"}, stdin: `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}]}`, code: 2, stderr: "the Principal element must be set to *"},
		{name: "validate without type", args: []string{"validate", goodPolicy}, code: 2, stderr: "need --type"},
		{name: "validate without file", args: []string{"validate", "--type", "identity"}, code: 2, stderr: "need --type"},
		{name: "validate unknown type", args: []string{"validate", "--type", "bucket", goodPolicy}, code: 2, stderr: `unknown policy kind "bucket"`},
		{name: "validate missing file", args: []string{"validate", "--type", "identity", filepath.Join(t.TempDir(), "none.json")}, code: 2, stderr: "no such file"},
		{name: "help", args: []string{"help"}, code: 0, stdout: "ecrlink policy simulate"},
		{name: "no command", args: nil, code: 2, stderr: "usage:"},
		{name: "unknown command", args: []string{"lint"}, code: 2, stderr: `unknown command "lint"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := runPolicy(tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.stderr)
			}
			if tc.exactOutOK && stdout.String() != tc.exactOut {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.exactOut)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRunPolicyWriteFailure(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	if code := runPolicy([]string{"simulate"}, strings.NewReader(simulateInput), failingWriter{}, &stderr); code != 1 {
		t.Errorf("exit %d, want 1 (stderr %s)", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "disk full") {
		t.Errorf("stderr %q", stderr.String())
	}
}
