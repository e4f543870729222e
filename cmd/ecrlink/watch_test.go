package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
)

// TestScenarioWatcher drives the watcher one poll at a time over a
// sequence of edits to a temp file, checking after each which scenario is
// in force and what was logged. Modification times are set explicitly, so
// two writes within the file system's timestamp granularity still differ.
func TestScenarioWatcher(t *testing.T) {
	t.Parallel()
	withIP := func(ip string) string { return strings.Replace(goodScenario, "10.0.1.25", ip, 1) }
	type step struct {
		name   string
		edit   func(t *testing.T, path string) // nil: no edit, just a poll
		wantIP string                          // the client IP of the scenario in force
		calls  int                             // apply calls so far
		log    []string                        // all in the log of this poll
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"valid change applied", []step{
			{"unchanged", nil, "10.0.1.25", 0, nil},
			{"edited", write(withIP("10.0.1.26")), "10.0.1.26", 1, []string{"applied"}},
			{"edited again", write(withIP("10.0.1.27")), "10.0.1.27", 2, []string{"applied"}},
		}},
		{"invalid change keeps the scenario in force", []step{
			{"broken", write(goodScenario + "vcp: {}\n"), "10.0.1.25", 0, []string{"level=ERROR", "invalid", "keeping the scenario in force", "line 6", "vcp"}},
			{"still broken, polled again", nil, "10.0.1.25", 0, nil},
			{"fixed", write(withIP("10.0.1.30")), "10.0.1.30", 1, []string{"applied"}},
		}},
		{"removed file keeps the scenario in force", []step{
			{"removed", remove, "10.0.1.25", 0, []string{"level=WARN", "removed", "keeping the scenario in force"}},
			{"still gone: logged once", nil, "10.0.1.25", 0, nil},
			{"back with a change", write(withIP("10.0.1.40")), "10.0.1.40", 1, []string{"applied"}},
		}},
		{"same bytes are not applied again", []step{
			{"touched", write(goodScenario), "10.0.1.25", 0, nil},
		}},
		{"apply error keeps the scenario in force", []step{
			{"edited, apply fails", write(withIP("10.0.1.50") + "# fail\n"), "10.0.1.25", 1, []string{"level=ERROR", "not applied", "apply failed"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "scenario.yaml", goodScenario)
			var logs bytes.Buffer
			w := &scenarioWatcher{path: path, logger: slog.New(slog.NewTextHandler(&logs, nil))}
			inForce, err := w.load()
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			w.apply = func(_ context.Context, sc *emulator.Scenario) error {
				calls++
				if sc.Client.IP.String() == "10.0.1.50" {
					return errors.New("apply failed")
				}
				inForce = sc
				return nil
			}
			for i, s := range tc.steps {
				if s.edit != nil {
					s.edit(t, path)
					// A distinct time per step, as a later save would have.
					mt := time.Date(2026, 1, 1, 0, 0, i+1, 0, time.UTC)
					if err := os.Chtimes(path, mt, mt); err != nil && !errors.Is(err, os.ErrNotExist) {
						t.Fatal(err)
					}
				}
				logs.Reset()
				w.poll(t.Context())
				got := logs.String()
				if ip := inForce.Client.IP.String(); ip != s.wantIP || calls != s.calls {
					t.Fatalf("%s: in force %s after %d applies, want %s after %d; log:\n%s", s.name, ip, calls, s.wantIP, s.calls, got)
				}
				if len(s.log) == 0 && got != "" {
					t.Errorf("%s: logged %q, want nothing", s.name, got)
				}
				for _, want := range s.log {
					if !strings.Contains(got, want) {
						t.Errorf("%s: log %q lacks %q", s.name, got, want)
					}
				}
				if len(s.log) > 0 && !strings.Contains(got, "file="+path) {
					t.Errorf("%s: log %q does not name the file", s.name, got)
				}
			}
		})
	}
}

func write(content string) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// TestServeWatchNeedsScenario: --watch alone is bad usage.
func TestServeWatchNeedsScenario(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"serve", "--ephemeral", "--listen", "127.0.0.1:0", "--watch"}, strings.NewReader(""), &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "--watch needs --scenario") {
		t.Fatalf("exit %d, stderr %q; want 2 and --watch needs --scenario", code, errOut.String())
	}
}
