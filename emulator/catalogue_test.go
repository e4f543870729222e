package emulator_test

import (
	"bytes"
	"context"
	"errors"
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
	"github.com/ecrlink/ecrlink/internal/catalogue"
)

// catalogueDir is the failure catalogue, relative to this package.
const catalogueDir = "../examples/scenarios"

// catalogueHold replaces the files' user-sensible hold, so a held hop
// costs the test little.
const catalogueHold = `[{"op":"replace","path":"/hold","value":"150ms"}]`

// header is a catalogue file's header, with the ways this package's
// tests act on it.
type header struct{ catalogue.Header }

func parseHeader(data []byte) (header, error) {
	h, err := catalogue.ParseHeader(data)
	return header{h}, err
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
			case h.Step == "" && (err != nil || failed != nil):
				t.Fatalf("expect: pass, but %s failed: %v; journal: %+v", h.Action, err, failed)
			case h.Step == "":
			case err == nil:
				t.Fatalf("expect: fail at %s, but %s of %s worked (journal: %+v)", h.Step, h.Action, h.Image, failed)
			case failed == nil:
				t.Fatalf("expect: fail at %s; %s failed (%v) with no failing journal record", h.Step, h.Action, err)
			case failed.Step != h.Step:
				t.Fatalf("expect: fail at %s, but it failed at %s: %s %s %d %q (client: %v)",
					h.Step, failed.Step, failed.Service, failed.Outcome, failed.Status, failed.Error, err)
			}
			ex := checkExplainAgrees(t, filepath.Base(file), h, data, failed)
			if _, blind := explainBlind[filepath.Base(file)]; h.Step != "" && !blind {
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
		if sc := parseScenario(t, string(data)); h.Step == "" && strings.HasPrefix(h.Symptom, "none (healthy") {
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
	if h.Action == "pull" && h.Seed && !slices.ContainsFunc(seeded, func(s string) bool { return strings.HasSuffix(h.Image, "/"+s) || h.Image == s }) {
		img, _ := random.Image(512, 2)
		if err := remote.Write(h.ref(t, inst), img, remoteFor(t, inst, h.region(inst))...); err != nil {
			t.Fatalf("seed %s: %v", h.Image, err)
		}
	}
	return inst
}

// region is the region of the header's image, the instance's if it names
// none.
func (h header) region(inst *ecrlinktest.Instance) string {
	if r := regionIn(h.Image); r != "" {
		return r
	}
	return inst.Region()
}

// ref is the header's image on inst: the home registry's standard name in
// direct mode, any other name by its AWS host.
func (h header) ref(t *testing.T, inst *ecrlinktest.Instance) name.Reference {
	t.Helper()
	home := "111122223333.dkr.ecr." + inst.Region() + ".amazonaws.com/"
	if rest, ok := strings.CutPrefix(h.Image, home); ok {
		return inst.Ref(rest)
	}
	return caseRef(t, inst, h.Image)
}

// run does the header's action as a client would: log in through the API
// of the image's region, then talk to the registry.
func (h header) run(t *testing.T, inst *ecrlinktest.Instance) error {
	if h.Action == "logs" {
		return putLogs(inst)
	}
	api := inst.ECR()
	if region := h.region(inst); region != inst.Region() {
		api = apiOf(inst, region)
	}
	tok, err := api.GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
	if err != nil || h.Action == "auth" {
		return err
	}
	if len(tok.AuthorizationData) == 0 {
		return errors.New("GetAuthorizationToken: no authorization data")
	}
	opts := []remote.Option{remote.WithAuth(tokenAuth(t, aws.ToString(tok.AuthorizationData[0].AuthorizationToken))),
		remote.WithTransport(inst.HTTPClient().Transport)}
	if h.Action == "push" {
		img, _ := random.Image(256, 1)
		return remote.Write(h.ref(t, inst), img, opts...)
	}
	return pull(h.ref(t, inst), opts)
}
