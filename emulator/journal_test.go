package emulator_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/ecrlink/ecrlink/emulator/journal"
)

// readJournal reads the whole journal through the control API.
func readJournal(t *testing.T, inst *ecrlinktest.Instance) []journal.Record {
	t.Helper()
	resp, err := inst.HTTPClient().Get(inst.URL() + "/_ecrlink/journal")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "application/x-ndjson" {
		t.Fatalf("journal: %d %s", resp.StatusCode, ct)
	}
	var out []journal.Record
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r journal.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("record %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// TestJournalRecordsEachRequest: a pull, a denial by a repository policy
// and a missing repository are journaled with their step, route, the
// deciding policy and statement, and the text the client printed; no
// record holds a credential.
func TestJournalRecordsEachRequest(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Account: "111122223333"})
	inst.CreateRepository("app")
	img, _ := random.Image(512, 1)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"NoPulls","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]}`
	if _, err := inst.ECR().SetRepositoryPolicy(t.Context(), &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("app"), PolicyText: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Image(inst.Ref("app:1"), inst.Remote()...); err == nil {
		t.Fatal("pull allowed under an explicit deny")
	}
	if _, err := remote.Image(inst.Ref("missing:1"), inst.Remote()...); err == nil {
		t.Fatal("pull of a missing repository succeeded")
	}
	recs := readJournal(t, inst)
	var denied, unknown, pushed *journal.Record
	for i := range recs {
		r := &recs[i]
		switch {
		case r.Outcome == journal.OutcomeDenied && r.Step == "manifest":
			denied = r
		case r.Outcome == journal.OutcomeError && strings.Contains(r.Path, "/missing/"):
			unknown = r
		case r.Method == http.MethodPut && r.Step == "manifest":
			pushed = r
		}
		if r.Seq != uint64(i+1) || r.Service == "" || r.Route.Via != journal.ViaEndpoint || r.Route.Endpoint == "" {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	if pushed == nil || pushed.Outcome != journal.OutcomeAllowed || pushed.Status != 201 || pushed.Action != "ecr:PutImage" ||
		pushed.Resource != "arn:aws:ecr:us-east-1:111122223333:repository/app" {
		t.Errorf("the manifest push: %+v", pushed)
	}
	want := "denied: User: arn:aws:iam::111122223333:root is not authorized to perform: ecr:BatchGetImage on resource: " +
		"arn:aws:ecr:us-east-1:111122223333:repository/app with an explicit deny in a resource-based policy"
	if denied == nil || denied.Status != 403 || denied.Error != want {
		t.Fatalf("the denied pull: %+v\nwant error %q", denied, want)
	}
	var decided bool
	for _, p := range denied.Policies {
		if p.Type == "repository" && p.Decision == "ExplicitlyDenied" && p.Sid == "NoPulls" && p.ID == denied.Resource {
			decided = true
		}
	}
	if !decided {
		t.Errorf("the denial's policies %+v do not name the repository policy's NoPulls", denied.Policies)
	}
	if unknown == nil || !strings.HasPrefix(unknown.Error, "name unknown: The repository with name 'missing' does not exist") {
		t.Errorf("the missing repository: %+v", unknown)
	}
	raw, _ := json.Marshal(recs)
	token := inst.Auth().(*authn.Basic).Password
	for _, secret := range []string{token[:40], "X-Amz-Signature", "X-Amz-Security-Token", "Basic "} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the journal holds a credential (%.12s…): %s", secret, raw)
		}
	}
}

// TestControlAPIOnlyOnDirectNames: /_ecrlink/ answers on the listener's
// own name, never on an AWS name (where the request is the named
// service's, and journaled as such), and is not journaled itself.
func TestControlAPIOnlyOnDirectNames(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	_, port, _ := strings.Cut(inst.Host(), ":")
	get := func(base string) (int, string) {
		resp, err := inst.HTTPClient().Get(base + "/_ecrlink/health")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, body := get(inst.URL()); code != 200 || strings.TrimSpace(body) != `{"status":"ok"}` {
		t.Errorf("health: %d %s", code, body)
	}
	for _, host := range []string{"api.ecr.us-east-1.amazonaws.com", emulator.DefaultAccount + ".dkr.ecr.us-east-1.amazonaws.com"} {
		if code, body := get("http://" + host + ":" + port); code == 200 || strings.Contains(body, "status") {
			t.Errorf("health on %s: %d %s", host, code, body)
		}
	}
	for _, r := range readJournal(t, inst) {
		if r.RawHost == inst.Host() {
			t.Errorf("the control API was journaled: %+v", r)
		}
	}
}

// TestControlAPIRefusesBrowsers: without a control token, a request to the
// control API by a rebound name or from a page (Origin) is refused.
func TestControlAPIRefusesBrowsers(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	_, port, _ := strings.Cut(inst.Host(), ":")
	for _, tc := range []struct {
		base, origin string
		want         int
	}{
		{inst.URL(), "", 200},
		{"http://localhost:" + port, "", 200},
		{"http://attacker.example:" + port, "", 403},
		{inst.URL(), "http://attacker.example", 403},
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.base+"/_ecrlink/health", nil)
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		resp, err := inst.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s with Origin %q: %d, want %d", tc.base, tc.origin, resp.StatusCode, tc.want)
		}
	}
}
