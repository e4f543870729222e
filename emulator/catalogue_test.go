package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
)

// catalogueDir is the failure catalogue, relative to this package.
const catalogueDir = "../examples/scenarios"

// catalogueHold replaces the files' user-sensible hold, so a held hop
// costs the test little.
const catalogueHold = `[{"op":"replace","path":"/hold","value":"150ms"}]`

// journalSteps are the steps a journal record names, the only ones an
// expect line may name.
var journalSteps = []string{"auth", "api", "manifest", "blob", "layer", "upload", "logs"}

// header is a catalogue file's leading comment lines.
type header struct {
	symptom, image string
	reproduce      []string
	// step is where the action must fail; empty: it must pass.
	step   string
	action string // pull (default), push, auth or logs
	// seed is false when the image the header names must not be pushed
	// first: the file is about its absence.
	seed bool
}

// parseHeader reads the "# key: value" lines a catalogue file starts
// with; the header ends at the first line that is not one of them.
func parseHeader(data []byte) (header, error) {
	h := header{action: "pull", seed: true}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, value, ok := headerLine(sc.Text())
		if !ok {
			break
		}
		if seen[key] && key != "reproduce" {
			return header{}, fmt.Errorf("header: %q given twice", key)
		}
		seen[key] = true
		if err := h.set(key, value); err != nil {
			return header{}, fmt.Errorf("header: %w", err)
		}
	}
	for _, key := range []string{"symptom", "image", "reproduce", "expect"} {
		if !seen[key] {
			return header{}, fmt.Errorf("header: no %q line", key)
		}
	}
	return h, nil
}

// headerLine splits "# key: value" for the keys a header knows.
func headerLine(line string) (key, value string, ok bool) {
	rest, ok := strings.CutPrefix(line, "# ")
	if !ok {
		return "", "", false
	}
	key, value, ok = strings.Cut(rest, ":")
	if !ok || !slices.Contains([]string{"symptom", "image", "reproduce", "expect", "action", "seed"}, key) {
		return "", "", false
	}
	return key, strings.TrimSpace(value), true
}

func (h *header) set(key, value string) error {
	if value == "" {
		return fmt.Errorf("%q is empty", key)
	}
	switch key {
	case "symptom":
		h.symptom = value
	case "image":
		if _, err := name.ParseReference(value, name.StrictValidation); err != nil {
			return fmt.Errorf("image %q: %w", value, err)
		}
		h.image = value
	case "reproduce":
		h.reproduce = append(h.reproduce, value)
	case "expect":
		step, isFail := strings.CutPrefix(value, "fail at ")
		switch {
		case value == "pass":
		case isFail && slices.Contains(journalSteps, step):
			h.step = step
		default:
			return fmt.Errorf(`expect %q: want "pass" or "fail at STEP" with STEP one of %v`, value, journalSteps)
		}
	case "action":
		if !slices.Contains([]string{"pull", "push", "auth", "logs"}, value) {
			return fmt.Errorf("action %q: want pull, push, auth or logs", value)
		}
		h.action = value
	case "seed":
		if value != "no" {
			return fmt.Errorf(`seed %q: the only value is "no"`, value)
		}
		h.seed = false
	}
	return nil
}

func TestCatalogueHeader(t *testing.T) {
	t.Parallel()
	const good = "# symptom: A2: text\n# image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1\n" +
		"# reproduce: docker pull 127.0.0.1:5000/app:1\n# expect: fail at auth\n#\n# what: not a header line\naccount: \"111122223333\"\n"
	tests := []struct {
		name, doc, err string
		want           header
	}{
		{name: "good", doc: good, want: header{symptom: "A2: text", image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1",
			reproduce: []string{"docker pull 127.0.0.1:5000/app:1"}, step: "auth", action: "pull", seed: true}},
		{name: "action and seed", doc: strings.Replace(good, "#\n", "# action: push\n# seed: no\n#\n", 1), want: header{symptom: "A2: text",
			image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1", reproduce: []string{"docker pull 127.0.0.1:5000/app:1"}, step: "auth", action: "push"}},
		{name: "no header", doc: "account: \"111122223333\"\n", err: `no "symptom" line`},
		{name: "no expect", doc: strings.Replace(good, "# expect: fail at auth\n", "", 1), err: `no "expect" line`},
		{name: "expect typo", doc: strings.Replace(good, "# expect:", "# expct:", 1), err: `no "expect" line`},
		{name: "unknown step", doc: strings.Replace(good, "fail at auth", "fail at pull", 1), err: `expect "fail at pull"`},
		{name: "expect words", doc: strings.Replace(good, "fail at auth", "fails", 1), err: `expect "fails"`},
		{name: "bad image", doc: strings.Replace(good, "/app:1", "/App::1", 1), err: "image"},
		{name: "empty symptom", doc: strings.Replace(good, "A2: text", "", 1), err: `"symptom" is empty`},
		{name: "twice", doc: strings.Replace(good, "# expect: fail at auth\n", "# expect: pass\n# expect: fail at auth\n", 1), err: "given twice"},
		{name: "bad action", doc: strings.Replace(good, "#\n", "# action: explain\n#\n", 1), err: `action "explain"`},
		{name: "bad seed", doc: strings.Replace(good, "#\n", "# seed: yes\n#\n", 1), err: `seed "yes"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHeader([]byte(tc.doc))
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("err %v, want %q", err, tc.err)
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err == "" && fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want):
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// catalogueFiles are the catalogue's scenario files.
func catalogueFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(catalogueDir, "*.yaml"))
	if err != nil || len(files) < 30 {
		t.Fatalf("the catalogue has %d files (%v), want at least 30", len(files), err)
	}
	return files
}

// TestCatalogueFiles runs every catalogue file both ways: live (seed the
// images in a VPC with a way out, load the file's VPC, do the client's
// action and hold the journal's failing step to the file's expect line)
// and through explain, which must name the same failing step and error
// text; then, for a failing file, it applies explain's fixPatch through
// the control API and holds explain and the live action to a pass
// (catalogue_explain_test.go; explainBlind lists the files explain
// cannot see by design, and why).
func TestCatalogueFiles(t *testing.T) {
	t.Parallel()
	for _, file := range catalogueFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			h, err := parseHeader(data)
			if err != nil {
				t.Fatal(err)
			}
			parseScenario(t, string(data))
			inst := startSeeded(t, h)
			if code, body := control(t, inst, http.MethodPut, "/_ecrlink/scenario", "application/yaml", string(data)); code != 200 {
				t.Fatalf("PUT the file: %d %s", code, body)
			}
			if code, body := control(t, inst, http.MethodPatch, "/_ecrlink/scenario", "application/json-patch+json", catalogueHold); code != 200 {
				t.Fatalf("PATCH the hold: %d %s", code, body)
			}
			before := inst.Journal().Last()
			err = h.run(t, inst)
			failed := lastFailure(inst.Journal().Since(before, 0))
			if err != nil && failed == nil {
				failed = awaitFailure(inst, before)
			}
			switch {
			case h.step == "" && (err != nil || failed != nil):
				t.Fatalf("expect: pass, but %s failed: %v; journal: %+v", h.action, err, failed)
			case h.step == "":
			case err == nil:
				t.Fatalf("expect: fail at %s, but %s of %s worked (journal: %+v)", h.step, h.action, h.image, failed)
			case failed == nil:
				t.Fatalf("expect: fail at %s; %s failed (%v) with no failing journal record", h.step, h.action, err)
			case failed.Step != h.step:
				t.Fatalf("expect: fail at %s, but it failed at %s: %s %s %d %q (client: %v)",
					h.step, failed.Step, failed.Service, failed.Outcome, failed.Status, failed.Error, err)
			}
			ex := checkExplainAgrees(t, filepath.Base(file), h, data, failed)
			if _, blind := explainBlind[filepath.Base(file)]; h.step != "" && !blind {
				checkFixMends(t, inst, h, ex)
			}
		})
	}
}

// TestCatalogueCoverage: a healthy file for each client kind, and a README
// line for each file.
func TestCatalogueCoverage(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join(catalogueDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	healthy := map[string]bool{}
	for _, file := range catalogueFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(readme, []byte("`"+filepath.Base(file)+"`")) {
			t.Errorf("README.md does not list %s", filepath.Base(file))
		}
		h, err := parseHeader(data)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if sc := parseScenario(t, string(data)); h.step == "" && strings.HasPrefix(h.symptom, "none (healthy") {
			healthy[strings.TrimSpace(sc.Client.Kind+" "+sc.Client.PlatformVersion)] = true
		}
	}
	for _, kind := range []string{"fargate 1.4.0", "fargate 1.3.0", "ecs-ec2", "eks", "docker"} {
		if !healthy[kind] {
			t.Errorf("no healthy scenario for %s (have %v)", kind, healthy)
		}
	}
}

// awaitFailure waits a little for the failing record after the client saw
// its error: a reset's record is written once the connection is gone,
// which the client may notice first.
func awaitFailure(inst *ecrlinktest.Instance, since uint64) *journal.Record {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if failed := lastFailure(inst.Journal().Since(since, 0)); failed != nil {
			return failed
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// startSeeded is an instance in the healthy VPC with a way out, with the
// images every catalogue file may name pushed by their owners, and the
// header's image too unless the file is about its absence.
func startSeeded(t *testing.T, h header) *ecrlinktest.Instance {
	t.Helper()
	seeding := strings.Replace(healthyVPC, `"cidr": "10.0.0.0/16",`, `"cidr": "10.0.0.0/16", "internet": "nat",`, 1)
	inst := ecrlinktest.Start(t, emulator.Config{Scenario: parseScenario(t, seeding)})
	seed(t, inst)
	seeded := []string{"app:1", "locked:1", "111122223333.dkr.ecr.us-west-2.amazonaws.com/app:1", "444455556666.dkr.ecr.us-east-1.amazonaws.com/shared:1"}
	if h.action == "pull" && h.seed && !slices.ContainsFunc(seeded, func(s string) bool { return strings.HasSuffix(h.image, "/"+s) || h.image == s }) {
		img, _ := random.Image(512, 2)
		if err := remote.Write(h.ref(t, inst), img, remoteFor(t, inst, h.region(inst))...); err != nil {
			t.Fatalf("seed %s: %v", h.image, err)
		}
	}
	return inst
}

// region is the region of the header's image, the instance's if it names
// none.
func (h header) region(inst *ecrlinktest.Instance) string {
	if r := regionIn(h.image); r != "" {
		return r
	}
	return inst.Region()
}

// ref is the header's image on inst: the home registry's standard name in
// direct mode, any other name by its AWS host.
func (h header) ref(t *testing.T, inst *ecrlinktest.Instance) name.Reference {
	t.Helper()
	home := "111122223333.dkr.ecr." + inst.Region() + ".amazonaws.com/"
	if rest, ok := strings.CutPrefix(h.image, home); ok {
		return inst.Ref(rest)
	}
	return caseRef(t, inst, h.image)
}

// run does the header's action as a client would: log in through the API
// of the image's region, then talk to the registry.
func (h header) run(t *testing.T, inst *ecrlinktest.Instance) error {
	if h.action == "logs" {
		return putLogs(inst)
	}
	api := inst.ECR()
	if region := h.region(inst); region != inst.Region() {
		api = apiOf(inst, region)
	}
	tok, err := api.GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
	if err != nil || h.action == "auth" {
		return err
	}
	if len(tok.AuthorizationData) == 0 {
		return errors.New("GetAuthorizationToken: no authorization data")
	}
	opts := []remote.Option{remote.WithAuth(tokenAuth(t, aws.ToString(tok.AuthorizationData[0].AuthorizationToken))),
		remote.WithTransport(inst.HTTPClient().Transport)}
	if h.action == "push" {
		img, _ := random.Image(256, 1)
		return remote.Write(h.ref(t, inst), img, opts...)
	}
	return pull(h.ref(t, inst), opts)
}
