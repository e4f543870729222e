package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	godigest "github.com/opencontainers/go-digest"
)

// storageModes starts ecrlink on each kind of storage: client input must
// meet the same limits in all of them. MinIO is skipped without a binary.
var storageModes = append(localModes[:len(localModes):len(localModes)], storageMode{"minio", func(t *testing.T) emulator.Config {
	return emulator.Config{S3: ecrlinktest.StartMinIO(t).S3Config("input")}
}})

// storageMode is a kind of storage, as the configuration that serves from it.
type storageMode struct {
	name string
	cfg  func(t *testing.T) emulator.Config
}

// start runs ecrlink on the mode's storage for t.
func (m storageMode) start(t *testing.T) *ecrlinktest.Instance { return ecrlinktest.Start(t, m.cfg(t)) }

// localModes are the storage modes that need no other server.
var localModes = []storageMode{
	{"in memory", func(*testing.T) emulator.Config { return emulator.Config{} }},
	{"data directory", func(t *testing.T) emulator.Config {
		return emulator.Config{DataDir: t.TempDir()}
	}},
}

// manifestVariant returns manifest with edit applied to its decoded form.
func manifestVariant(t *testing.T, manifest string, edit func(map[string]any)) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(manifest), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	b, _ := json.Marshal(doc)
	return string(b)
}

// badManifests are manifests distribution cannot store, by what is wrong.
func badManifests(t *testing.T, manifest string) map[string]string {
	version := func(v any) func(map[string]any) {
		return func(d map[string]any) { d["schemaVersion"] = v }
	}
	return map[string]string{
		"schema version 1":  manifestVariant(t, manifest, version(1)),
		"schema version 3":  manifestVariant(t, manifest, version(3)),
		"no schema version": manifestVariant(t, manifest, func(d map[string]any) { delete(d, "schemaVersion") }),
		"null body":         "null",
		"layer URL not http(s)": manifestVariant(t, manifest, func(d map[string]any) {
			d["layers"].([]any)[0].(map[string]any)["urls"] = []string{"file:///etc/passwd"}
		}),
	}
}

// TestPutImageRefusesWhatCannotBeStored: PutImage answers ECR's
// InvalidParameterException, never a 500, stores nothing when it refuses,
// and stores every tag ECR takes, on every kind of storage.
func TestPutImageRefusesWhatCannotBeStored(t *testing.T) {
	t.Parallel()
	const (
		tagPattern = "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_.]+''"
		badJSON    = "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
	)
	for _, mode := range storageModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			inst := mode.start(t)
			inst.CreateRepository("app")
			c, ctx := inst.ECR(), context.Background()
			img := ecrtest.PushImage(t, inst, "app", "base")
			manifest := ecrtest.RawManifest(t, img)

			type refusal struct{ tag, manifest, message string }
			refusals := map[string]refusal{
				"tag with a plus":  {"a+b", manifest, tagPattern},
				"tag with a colon": {"x:y", manifest, tagPattern},
				"tag not ASCII":    {"☃", manifest, tagPattern},
				"tag .":            {".", manifest, tagPattern},
				"tag ..":           {"..", manifest, tagPattern},
			}
			for name, m := range badManifests(t, manifest) {
				refusals[name] = refusal{"m", m, badJSON}
			}
			for name, tc := range refusals {
				t.Run(name, func(t *testing.T) {
					_, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("app"), ImageTag: aws.String(tc.tag),
						ImageManifest: aws.String(tc.manifest), ImageManifestMediaType: aws.String(mediaTypeOf(t, manifest))})
					if got := ecrtest.ExceptionMessage[*types.InvalidParameterException](t, err); got != tc.message {
						t.Fatalf("got %v, want InvalidParameterException %q", err, tc.message)
					}
				})
			}
			// Nothing of the refused pushes was stored, tagged or not.
			listed, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("app")})
			if err != nil || len(listed.ImageIds) != 1 || aws.ToString(listed.ImageIds[0].ImageTag) != "base" {
				t.Fatalf("after the refusals ListImages = %+v, %v; want only app:base", listed, err)
			}

			// What ECR takes, storage holds: 1–300 characters of [a-zA-Z0-9-_.].
			for _, tag := range []string{strings.Repeat("t", 256), strings.Repeat("u", 300), "..-chain-like", ".._x"} {
				if _, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("app"), ImageTag: aws.String(tag),
					ImageManifest: aws.String(manifest)}); err != nil {
					t.Fatalf("PutImage tag %.20q (%d characters): %v", tag, len(tag), err)
				}
				got, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("app"),
					ImageIds: []types.ImageIdentifier{{ImageTag: aws.String(tag)}}})
				if err != nil || len(got.Images) != 1 || aws.ToString(got.Images[0].ImageManifest) != manifest {
					t.Fatalf("BatchGetImage tag %.20q: %+v, %v", tag, got, err)
				}
			}
			described, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("app")})
			if err != nil || len(described.ImageDetails) != 1 || len(described.ImageDetails[0].ImageTags) != 5 {
				t.Fatalf("DescribeImages = %+v, %v; want one image with 5 tags", described, err)
			}
			deleted, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("app"),
				ImageIds: []types.ImageIdentifier{{ImageTag: aws.String(strings.Repeat("u", 300))}}})
			if err != nil || len(deleted.ImageIds) != 1 || len(deleted.Failures) != 0 {
				t.Fatalf("BatchDeleteImage of the 300-character tag: %+v, %v", deleted, err)
			}
		})
	}
}

func mediaTypeOf(t *testing.T, manifest string) string {
	t.Helper()
	var doc struct{ MediaType string }
	if err := json.Unmarshal([]byte(manifest), &doc); err != nil || doc.MediaType == "" {
		t.Fatalf("manifest without a media type: %v", err)
	}
	return doc.MediaType
}

// TestRepositoryNameLimits: the names distribution can hold work on every
// kind of storage, however long or deep; the ones it cannot are refused at
// CreateRepository with a 400, never a 500, and leave nothing behind.
func TestRepositoryNameLimits(t *testing.T) {
	t.Parallel()
	storable := []string{strings.Repeat("a", 247), strings.Repeat("c", 255), godigest.FromString("x").Encoded(),
		strings.Repeat("n/", 127) + "n", strings.Repeat("ab/", 60) + "x",
		// 256: distribution takes a first component followed by "/" for a
		// host, outside its 255
		"a.b/" + strings.Repeat("c", 252), strings.Repeat("g/", 127) + "gg"}
	refused := map[string]string{
		strings.Repeat("f", 256): "must have length less than or equal to 255",
	}
	for _, mode := range storageModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			inst := mode.start(t)
			c, ctx := inst.ECR(), context.Background()
			for _, name := range storable {
				inst.CreateRepository(name)
				if _, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String(name)}); err != nil {
					t.Fatalf("ListImages %.20q (%d characters): %v", name, len(name), err)
				}
				if len(name) > 255 {
					continue // beyond what go-containerregistry (and docker) can name
				}
				img := ecrtest.PushImage(t, inst, name, "v1")
				out, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String(name), ImageTag: aws.String("api"),
					ImageManifest: aws.String(ecrtest.RawManifest(t, img))})
				if err != nil || aws.ToString(out.Image.ImageId.ImageDigest) != ecrtest.DigestOf(t, img) {
					t.Fatalf("PutImage into %.20q (%d characters): %v", name, len(name), err)
				}
			}
			for name, constraint := range refused {
				_, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
				want := "Invalid parameter at 'repositoryName' failed to satisfy constraint: '" + constraint + "'"
				if got := ecrtest.ExceptionMessage[*types.InvalidParameterException](t, err); got != want {
					t.Fatalf("CreateRepository %.20q (%d characters): got %v, want %q", name, len(name), err, want)
				}
			}
			repos, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
			if err != nil || len(repos.Repositories) != len(storable) {
				t.Fatalf("DescribeRepositories = %d repositories, %v; want the %d storable ones", len(repos.Repositories), err, len(storable))
			}
			for _, name := range storable {
				if _, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String(name), Force: true}); err != nil {
					t.Fatalf("DeleteRepository %.20q: %v", name, err)
				}
			}
		})
	}
}

// TestRegistryRefusesWhatCannotBeStored: the registry API answers bad
// manifests and chunk ranges with a 4xx in the errors envelope, never a
// 500, and stores nothing when it refuses, on every kind of storage.
func TestRegistryRefusesWhatCannotBeStored(t *testing.T) {
	t.Parallel()
	for _, mode := range storageModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			inst := mode.start(t)
			inst.CreateRepository("app")
			auth := basic("AWS", inst.Auth().(*authn.Basic).Password)
			send := func(method, path string, header map[string]string, body string) (*http.Response, string) {
				t.Helper()
				if !strings.HasPrefix(path, "http") {
					path = inst.URL() + path
				}
				req, _ := http.NewRequest(method, path, strings.NewReader(body))
				req.Header.Set("Authorization", auth)
				for k, v := range header {
					req.Header.Set(k, v)
				}
				resp, err := inst.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			manifest := ecrtest.RawManifest(t, ecrtest.PushImage(t, inst, "app", "base"))
			ct := map[string]string{"Content-Type": mediaTypeOf(t, manifest)}
			for name, m := range badManifests(t, manifest) {
				t.Run(name, func(t *testing.T) {
					resp, body := send("PUT", "/v2/app/manifests/bad", ct, m)
					if resp.StatusCode != 400 || !strings.Contains(body, `"code":"MANIFEST_INVALID"`) {
						t.Fatalf("PUT manifest: %d %s, want 400 MANIFEST_INVALID", resp.StatusCode, body)
					}
					for _, ref := range []string{"bad", godigest.FromString(m).String()} {
						if resp, body := send("GET", "/v2/app/manifests/"+ref, ct, ""); resp.StatusCode != 404 {
							t.Fatalf("GET %s after a refused PUT: %d %s, want 404", ref, resp.StatusCode, body)
						}
					}
				})
			}

			resp, _ := send("POST", "/v2/app/blobs/uploads/", nil, "")
			upload := resp.Header.Get("Location")
			for _, method := range []string{"PATCH", "PUT"} {
				for _, cr := range []string{"bytes=0-3", "bytes 0-3/4", "0-99999999999999999999"} {
					resp, body := send(method, upload+"&digest="+godigest.FromString("abcd").String(),
						map[string]string{"Content-Range": cr, "Content-Type": "application/octet-stream"}, "abcd")
					if resp.StatusCode != 416 || !strings.Contains(body, `"code":"RANGE_INVALID"`) {
						t.Fatalf("%s Content-Range %q: %d %s, want 416 RANGE_INVALID", method, cr, resp.StatusCode, body)
					}
				}
			}
			// distribution answers a chunk of any other type with a 500.
			for _, typ := range []string{"text/plain", "application/octet-stream; charset=x"} {
				resp, body := send("PATCH", upload, map[string]string{"Content-Range": "0-3", "Content-Type": typ}, "abcd")
				if resp.StatusCode != 400 || !strings.Contains(body, `"code":"BLOB_UPLOAD_INVALID"`) {
					t.Fatalf("PATCH Content-Type %q: %d %s, want 400 BLOB_UPLOAD_INVALID", typ, resp.StatusCode, body)
				}
			}
			// Nothing was written: the upload still starts at 0.
			resp, body := send("PATCH", upload, map[string]string{"Content-Range": "0-3", "Content-Type": "application/octet-stream"}, "abcd")
			if resp.StatusCode != 202 {
				t.Fatalf("PATCH 0-3 after the refused ranges: %d %s, want 202", resp.StatusCode, body)
			}
		})
	}
}
