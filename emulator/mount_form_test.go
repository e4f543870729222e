package emulator_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	godigest "github.com/opencontainers/go-digest"
)

// multipartMount is a multipart/form-data body naming a mount.
func multipartMount(t *testing.T, mount, from string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("mount", mount)
	_ = w.WriteField("from", from)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.String()
}

// TestMountOnlyFromTheQuery: a blob mount is decided on ?mount=&from=, the
// only place the distribution spec puts it. The same parameters sent as a
// form body, which distribution's FormValue would also read, start a plain
// upload (202) and mount nothing, whatever BLOB_MOUNTING, the source's
// policy and the encryption settings say.
func TestMountOnlyFromTheQuery(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	ctx := t.Context()
	for _, name := range []string{"src", "denied", "dst", "dst1", "dst2", "dst3", "dst4"} {
		inst.CreateRepository(name)
	}
	if _, err := inst.ECR().CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("kms"),
		EncryptionConfiguration: &types.EncryptionConfiguration{EncryptionType: types.EncryptionTypeKms}}); err != nil {
		t.Fatal(err)
	}
	img, _ := random.Image(256, 1)
	for _, name := range []string{"src", "denied", "kms"} {
		if err := remote.Write(inst.Ref(name+":1"), img, inst.Remote()...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := inst.ECR().SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("denied"),
		PolicyText: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"nopull","Effect":"Deny","Principal":"*","Action":"ecr:GetDownloadUrlForLayer"}]}`)}); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	d, _ := layers[0].Digest()
	auth := basic("AWS", inst.Auth().(*authn.Basic).Password)
	do := func(method, path, contentType, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, inst.URL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := inst.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	const form = "application/x-www-form-urlencoded"
	mpType, mpBody := multipartMount(t, d.String(), "src")
	tests := []struct {
		name, dst, contentType, body string
		enable                       bool // BLOB_MOUNTING=ENABLED before the request
	}{
		{name: "form body, mounting disabled", dst: "dst1", contentType: form, body: "mount=" + d.String() + "&from=src"},
		{name: "multipart body, mounting disabled", dst: "dst2", contentType: mpType, body: mpBody},
		{name: "form body, source denies the caller", dst: "dst3", enable: true, contentType: form, body: "mount=" + d.String() + "&from=denied"},
		{name: "form body, source encrypted otherwise", dst: "dst4", enable: true, contentType: form, body: "mount=" + d.String() + "&from=kms"},
	}
	for _, tc := range tests { // in order: the setting only goes on
		if tc.enable {
			if _, err := inst.ECR().PutAccountSetting(ctx, &ecr.PutAccountSettingInput{
				Name: aws.String("BLOB_MOUNTING"), Value: aws.String("ENABLED")}); err != nil {
				t.Fatal(err)
			}
		}
		if resp := do(http.MethodPost, "/v2/"+tc.dst+"/blobs/uploads/", tc.contentType, tc.body); resp.StatusCode != http.StatusAccepted {
			t.Errorf("%s: POST answered %d, want 202: a plain upload", tc.name, resp.StatusCode)
		}
		if resp := do(http.MethodHead, "/v2/"+tc.dst+"/blobs/"+d.String(), "", ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: dst now holds the blob (HEAD %d)", tc.name, resp.StatusCode)
		}
	}
	// What the query carries is still mounted.
	if resp := do(http.MethodPost, "/v2/dst/blobs/uploads/?mount="+d.String()+"&from=src", "", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("query mount: %d, want 201", resp.StatusCode)
	}
}

// TestUploadBodyIsNeverAForm: an upload's body is blob bytes whatever its
// Content-Type says; distribution reading it as a form would commit an
// empty blob under the client's digest, or read _state and digest from it.
func TestUploadBodyIsNeverAForm(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("app")
	blob := []byte("a=b&digest=sha256:0000&_state=x")
	sum := godigest.FromBytes(blob).String()
	auth := basic("AWS", inst.Auth().(*authn.Basic).Password)
	req, _ := http.NewRequest(http.MethodPost, inst.URL()+"/v2/app/blobs/uploads/", nil)
	req.Header.Set("Authorization", auth)
	resp, err := inst.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusAccepted || loc == "" {
		t.Fatalf("POST: %d %q", resp.StatusCode, loc)
	}
	if !strings.HasPrefix(loc, "http") {
		loc = inst.URL() + loc
	}
	req, _ = http.NewRequest(http.MethodPut, loc+"&digest="+sum, bytes.NewReader(blob))
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = inst.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("monolithic PUT with a form Content-Type: %d %s, want 201", resp.StatusCode, body)
	}
	_, got := registryDo(t, inst, http.MethodGet, "/v2/app/blobs/"+sum)
	if got != string(blob) {
		t.Fatalf("blob %s holds %q, want %q", sum, got, blob)
	}
}
