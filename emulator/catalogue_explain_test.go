package emulator_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/internal/catalogue"
)

// explainBlind are the catalogue files whose failure explain cannot see
// by design: it walks names, routes, policies and faults, not the images
// a registry holds (netmodel/walk_test.go's differs). Each names the assumption explain must state instead, so
// the blind spot is said, not silent; explain passes them, and there is
// no fixPatch to apply, because the failure is not a scenario matter.
var explainBlind = map[string]struct{ reason, assumed string }{
	"repository-missing.yaml": {"live: 404 name unknown; the scenario does not name the repository",
		"repository missing of 111122223333 in us-east-1 is not named by the scenario: it is assumed to exist"},
	"push-to-missing-repository.yaml": {"live: the upload meets a repository nobody created",
		"repository missing of 111122223333 in us-east-1 is not named by the scenario: it is assumed to exist"},
	"image-tag-missing.yaml": {"live: 404 manifest unknown; a scenario names repositories, not the tags pushed",
		"the image app:nope is assumed to have been pushed"},
	"immutable-tag-overwritten.yaml": {"live: the tag exists and is immutable; explain does not know which tags exist",
		"repository locked has immutable tags: the tag 1 is assumed not to be in it yet"},
}

// explained is explain's JSON as a user reads it.
type explained = catalogue.Explained

// explainFile runs explain on doc for the header's image and action, the
// client (and awslogs) as the scenario says.
func explainFile(t *testing.T, h header, doc []byte) explained {
	t.Helper()
	out, err := catalogue.Explain(doc, h.Header)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// perRequest are the parts of a journal error that name one request
// rather than the failure; none of the catalogue's texts carries one
// today (addresses are the model's, not the socket's), so normalise is
// the identity on them, and the expression is here for the day a text
// gains a layer digest or upload id.
var perRequest = regexp.MustCompile(`sha256:[0-9a-f]{64}|uploads/[0-9a-f-]{36}`)

// normalise is a journal error text without its per-request parts.
func normalise(s string) string { return perRequest.ReplaceAllString(s, "…") }

// checkExplainAgrees holds explain's walk of the file to the live run's
// failing record (nil: the action succeeded) and the expect line.
func checkExplainAgrees(t *testing.T, file string, h header, doc []byte, failed *journal.Record) explained {
	t.Helper()
	ex := explainFile(t, h, doc)
	if blind, ok := explainBlind[file]; ok {
		if h.Step == "" {
			t.Fatalf("%s is listed as explain-blind (%s) but expects pass", file, blind.reason)
		}
		if ex.Verdict != "pass" || !containsSub(ex.Assumed, blind.assumed) {
			t.Fatalf("explain-blind (%s): want verdict pass and assumed %q; explain: %s %v", blind.reason, blind.assumed, ex.Verdict, ex.Assumed)
		}
		return ex
	}
	switch {
	case h.Step == "" && ex.Verdict != "pass":
		t.Fatalf("expect: pass and live passed, but explain fails at %s: %s", deref(ex.FailedStep), deref(ex.Error))
	case h.Step == "":
	case ex.Verdict != "fail" || ex.FailedStep == nil || ex.Error == nil:
		t.Fatalf("expect: fail at %s and live failed (%q), but explain says %s", h.Step, failed.Error, ex.Verdict)
	case *ex.FailedStep != h.Step || *ex.FailedStep != failed.Step:
		t.Fatalf("failing step: explain %s, live %s, expect %s", *ex.FailedStep, failed.Step, h.Step)
	case normalise(*ex.Error) != normalise(failed.Error):
		t.Fatalf("error text at %s:\nexplain %q %+v\nlive    %q %+v", h.Step, *ex.Error, ex.Hops[len(ex.Hops)-1], failed.Error, *failed)
	case ex.Hops[len(ex.Hops)-1].Service != failed.Service || ex.Hops[len(ex.Hops)-1].Outcome != failed.Outcome:
		t.Fatalf("failing hop: explain %+v, live %s %s", ex.Hops[len(ex.Hops)-1], failed.Service, failed.Outcome)
	}
	return ex
}

// checkFixMends applies explain's fixPatch to the scenario in force
// through the control API, then holds explain of the patched scenario to
// a pass and the live action to a success: the client's own action, and
// for a file that only logs in or only logs, the whole pull as well.
func checkFixMends(t *testing.T, inst *ecrlinktest.Instance, h header, ex explained) {
	t.Helper()
	if len(ex.FixPatch) == 0 || string(ex.FixPatch) == "[]" || ex.Fix == nil {
		t.Fatalf("explain fails at %s with no fix", deref(ex.FailedStep))
	}
	if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", string(ex.FixPatch)); code != 200 {
		t.Fatalf("PATCH the fixPatch %s: %d %s", ex.FixPatch, code, body)
	}
	code, doc := control(t, inst, http.MethodGet, "/_ecrlink/scenario", "", "")
	if code != 200 {
		t.Fatalf("GET the scenario: %d %s", code, doc)
	}
	if again := explainFile(t, h, []byte(doc)); again.Verdict != "pass" {
		t.Fatalf("after the fix (%s) explain fails at %s: %s", *ex.Fix, deref(again.FailedStep), deref(again.Error))
	}
	before := inst.Journal().Last()
	if err := h.run(t, inst); err != nil {
		t.Fatalf("after the fix (%s) %s fails: %v; journal: %+v", *ex.Fix, h.Action, err, lastFailure(inst.Journal().Since(before, 0)))
	}
	if h.Action == "auth" || h.Action == "logs" {
		pullToo := h
		pullToo.Action = "pull"
		if err := pullToo.run(t, inst); err != nil {
			t.Fatalf("after the fix (%s) the pull fails: %v; journal: %+v", *ex.Fix, err, lastFailure(inst.Journal().Since(before, 0)))
		}
	}
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestExplainBlindListed: every file excepted from the comparison is in
// the catalogue, so the list cannot go stale.
func TestExplainBlindListed(t *testing.T) {
	t.Parallel()
	files := map[string]bool{}
	for _, f := range catalogueFiles(t) {
		files[f[strings.LastIndexByte(f, '/')+1:]] = true
	}
	for f := range explainBlind {
		if !files[f] {
			t.Errorf("explainBlind lists %s, which is not in the catalogue", f)
		}
	}
}
