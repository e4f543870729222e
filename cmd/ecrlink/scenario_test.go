package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
)

const goodScenario = `account: "111122223333"
region: us-east-1
vpc: { id: vpc-0app, cidr: 10.0.0.0/16 }
subnets: [{ id: subnet-a, cidr: 10.0.1.0/24 }]
client: { subnet: subnet-a, ip: 10.0.1.25 }
`

func TestRunScenario(t *testing.T) {
	t.Parallel()
	good := writeFile(t, "good.yaml", goodScenario)
	bad := writeFile(t, "bad.yaml", strings.Replace(goodScenario, "10.0.1.25", "10.9.9.9", 1)+"vcp: {}\n")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"valid", []string{"scenario", "validate", good}, 0, "valid", ""},
		{"invalid names line and field", []string{"scenario", "validate", bad}, 2, "", "line 6: vcp"},
		{"missing file", []string{"scenario", "validate", good + ".missing"}, 2, "", "no such file"},
		{"schema", []string{"scenario", "schema"}, 0, `"$schema"`, ""},
		{"no subcommand", []string{"scenario"}, 2, "", "usage: ecrlink scenario"},
		{"serve with a bad scenario", []string{"serve", "--ephemeral", "--listen", "127.0.0.1:0", "--scenario", bad}, 2, "", "--scenario"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut)
			if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errOut.String(), tc.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errOut.String(), tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}

// TestRunJournal prints a running server's journal, with its control
// token, as NDJSON records.
func TestRunJournal(t *testing.T) {
	t.Parallel()
	srv, err := emulator.Start(t.Context(), emulator.Config{ControlToken: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	client := srv.URL()
	hc := &http.Client{Transport: &http.Transport{}}
	resp, err := hc.Get(client + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	hc.CloseIdleConnections()
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"journal", "--url", client}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "403") {
		t.Fatalf("without the token: exit %d, %q", code, errOut.String())
	}
	out.Reset()
	if code := run(t.Context(), []string{"journal", "--url", client, "--control-token", "s3cret"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rec struct {
		Seq  int
		Path string
	}
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil || rec.Seq != 1 || rec.Path != "/v2/" {
		t.Fatalf("journal %q: %+v %v", out.String(), rec, err)
	}
}
