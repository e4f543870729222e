package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// The behaviours scripts/conformance.sh found missing or wrong, checked here
// on their own so a regression shows in `go test`.

// registryDo sends one authenticated registry request and returns the
// response with its body read.
func registryDo(t *testing.T, inst *ecrlinktest.Instance, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, inst.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", basic("AWS", inst.Auth().(*authn.Basic).Password))
	resp, err := inst.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestTagListShowsEveryTag(t *testing.T) {
	t.Parallel()
	// In memory, distribution's own listing lost a tag named "index".
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("app")
	img, _ := random.Image(64, 1)
	for _, tag := range []string{"index", "v1", "v2"} {
		if err := remote.Write(inst.Ref("app:"+tag), img, inst.Remote()...); err != nil {
			t.Fatalf("push %s: %v", tag, err)
		}
	}
	tests := []struct {
		name, query string
		want        []string
		link        string
	}{
		{"all", "", []string{"index", "v1", "v2"}, ""},
		{"first page", "?n=2", []string{"index", "v1"}, `</v2/app/tags/list?last=v1&n=2>; rel="next"`},
		{"last page", "?n=2&last=v1", []string{"v2"}, ""},
		{"after the end", "?last=v2", []string{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := registryDo(t, inst, http.MethodGet, "/v2/app/tags/list"+tc.query)
			var got struct {
				Name string   `json:"name"`
				Tags []string `json:"tags"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
			if got.Name != "app" || !slices.Equal(got.Tags, tc.want) {
				t.Errorf("got %s, want tags %q", body, tc.want)
			}
			if l := resp.Header.Get("Link"); l != tc.link {
				t.Errorf("Link %q, want %q", l, tc.link)
			}
			// ECR labels the JSON text/plain (ECR-FACTS §3).
			if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestBlobMountAndDelete(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("src")
	inst.CreateRepository("dst")
	img, _ := random.Image(64, 1)
	if err := remote.Write(inst.Ref("src:v1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	d, _ := layers[0].Digest()
	blob := "/blobs/" + d.String()
	// ECR mounts only for an account that enabled it.
	if _, err := inst.ECR().PutAccountSetting(t.Context(), &ecr.PutAccountSettingInput{
		Name: aws.String("BLOB_MOUNTING"), Value: aws.String("ENABLED")}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, method, path string
		status             int
	}{
		{"mount from a repository without it", http.MethodPost, "/v2/src/blobs/uploads/?mount=" + d.String() + "&from=dst", http.StatusAccepted},
		{"mount from a missing repository", http.MethodPost, "/v2/dst/blobs/uploads/?mount=" + d.String() + "&from=nope", http.StatusAccepted},
		{"mount", http.MethodPost, "/v2/dst/blobs/uploads/?mount=" + d.String() + "&from=src", http.StatusCreated},
		{"mounted blob", http.MethodHead, "/v2/dst" + blob, http.StatusOK},
		{"delete", http.MethodDelete, "/v2/dst" + blob, http.StatusAccepted},
		{"deleted blob", http.MethodHead, "/v2/dst" + blob, http.StatusNotFound},
		{"source keeps it", http.MethodHead, "/v2/src" + blob, http.StatusOK},
	}
	for _, tc := range tests { // in order: each step builds on the last
		resp, body := registryDo(t, inst, tc.method, tc.path)
		if resp.StatusCode != tc.status {
			t.Fatalf("%s: %s %s: got %d %s, want %d", tc.name, tc.method, tc.path, resp.StatusCode, body, tc.status)
		}
		if tc.status == http.StatusCreated && !strings.HasSuffix(resp.Header.Get("Location"), "/v2/dst"+blob) {
			t.Errorf("%s: Location %q", tc.name, resp.Header.Get("Location"))
		}
	}
}
