package emulator_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestTwoServersShareOneBucket: two ecrlinks on one MinIO bucket see each
// other's repositories, images and tokens.
func TestTwoServersShareOneBucket(t *testing.T) {
	t.Parallel()
	m := ecrlinktest.StartMinIO(t)
	a := ecrlinktest.Start(t, emulator.Config{S3: m.S3Config("shared")})
	b := ecrlinktest.Start(t, emulator.Config{S3: m.S3Config("shared")})
	a.CreateRepository("team/app")
	img, _ := random.Image(2048, 2)
	if err := remote.Write(a.Ref("team/app:v1"), img, a.Remote()...); err != nil {
		t.Fatal(err)
	}
	// A token a issued works on b: they share the token key.
	pullAll(t, b.Host()+"/team/app:v1", img, remote.WithAuth(a.Auth()), remote.WithTransport(b.Client().Transport))
	out, err := b.ECR().DescribeImages(context.Background(), &ecr.DescribeImagesInput{RepositoryName: aws.String("team/app")})
	if err != nil || len(out.ImageDetails) != 1 || out.ImageDetails[0].ImageTags[0] != "v1" {
		t.Fatalf("b's DescribeImages: %v %+v", err, out)
	}
	// A ranged read follows the 307 and is served from MinIO by minio-go.
	layers, _ := img.Layers()
	ld, _ := layers[0].Digest()
	rc, _ := layers[0].Compressed()
	whole, _ := io.ReadAll(rc)
	req, _ := http.NewRequest("GET", b.URL()+"/v2/team/app/blobs/"+ld.String(), nil)
	req.Header.Set("Authorization", basic("AWS", b.Auth().(*authn.Basic).Password))
	req.Header.Set("Range", "bytes=100-199")
	resp, err := b.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 206 || !bytes.Equal(part, whole[100:200]) || resp.Request.URL.Path == "/v2/team/app/blobs/"+ld.String() {
		t.Fatalf("ranged layer read: %d, %d bytes from %s", resp.StatusCode, len(part), resp.Request.URL.Path)
	}
	b.CreateRepository("team/other")
	repos, err := a.ECR().DescribeRepositories(context.Background(), &ecr.DescribeRepositoriesInput{})
	if err != nil || len(repos.Repositories) != 2 {
		t.Fatalf("a sees %d repositories (%v), want 2", len(repos.Repositories), err)
	}
}

// TestMinIOFailsFast: a wrong endpoint or wrong credentials stop start-up
// at once with a message that says what to check.
func TestMinIOFailsFast(t *testing.T) {
	t.Parallel()
	m := ecrlinktest.StartMinIO(t)
	wrongKey := m.S3Config("fail-fast")
	wrongKey.SecretKey = "not-the-secret"
	nowhere := m.S3Config("fail-fast")
	nowhere.Endpoint = "http://127.0.0.1:1"
	tests := []struct {
		name string
		cfg  *emulator.S3Config
		want string
	}{
		{"wrong credentials", wrongKey, "check --s3-access-key and --s3-secret-key"},
		{"unreachable", nowhere, "check that MinIO is running at --s3-endpoint"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			_, err := emulator.Start(context.Background(), emulator.Config{S3: tc.cfg})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Fatalf("took %s to fail", d)
			}
		})
	}
}

// TestInterruptedUploadIsInvisibleAndPurged starts an upload, sends part
// of a layer and walks away: the layer is not available, and the purger
// removes the parts.
func TestInterruptedUploadIsInvisibleAndPurged(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"file", "minio"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cfg := emulator.Config{DataDir: t.TempDir()}
			if mode == "minio" {
				cfg = emulator.Config{S3: ecrlinktest.StartMinIO(t).S3Config("uploads")}
			}
			inst := ecrlinktest.Start(t, cfg)
			inst.CreateRepository("app")
			auth := basic("AWS", inst.Auth().(*authn.Basic).Password)
			do := func(method, url string, body []byte) *http.Response {
				req, _ := http.NewRequest(method, url, bytes.NewReader(body))
				req.Header.Set("Authorization", auth)
				req.Header.Set("Content-Type", "application/octet-stream")
				resp, err := inst.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp
			}
			start := do("POST", inst.URL()+"/v2/app/blobs/uploads/", nil)
			loc := start.Header.Get("Location")
			if start.StatusCode != 202 || loc == "" {
				t.Fatalf("start upload: %d", start.StatusCode)
			}
			if !strings.HasPrefix(loc, "http") {
				loc = inst.URL() + loc
			}
			if r := do("PATCH", loc, []byte("half a layer")); r.StatusCode != 202 {
				t.Fatalf("patch: %d", r.StatusCode)
			}
			const d = "sha256:1d5d8ae3b6ab1e9f1d6f3a1b0b1cb8c4e6a0b4c1e1f4a1f0a2b7c3d4e5f60718"
			out, err := inst.ECR().BatchCheckLayerAvailability(context.Background(), &ecr.BatchCheckLayerAvailabilityInput{
				RepositoryName: aws.String("app"), LayerDigests: []string{d}})
			if err != nil || len(out.Layers) != 0 && out.Layers[0].LayerAvailability == "AVAILABLE" {
				t.Fatalf("interrupted upload visible: %v %+v", err, out)
			}
			n, err := inst.PurgeUploads(context.Background(), time.Now().Add(time.Minute))
			if err != nil || n != 1 {
				t.Fatalf("PurgeUploads = %d, %v; want 1 upload purged", n, err)
			}
			if r := do("PATCH", loc, []byte("more")); r.StatusCode != 404 {
				t.Fatalf("patch after purge: %d, want 404", r.StatusCode)
			}
		})
	}
}
