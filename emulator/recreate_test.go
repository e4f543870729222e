package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
)

// TestRecreatedRepositoryIsEmpty deletes a repository that was pulled (so
// every cache that could remember it has), creates it again under the same
// name, and checks that nothing of the old one answers on any wire.
func TestRecreatedRepositoryIsEmpty(t *testing.T) {
	t.Parallel()
	for _, mode := range localModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			inst := ecrlinktest.Start(t, mode.cfg(t))
			inst.CreateRepository("again")
			img := ecrtest.PushImage(t, inst, "again", "v1")
			d := ecrtest.DigestOf(t, img)
			layers, err := img.Layers()
			if err != nil {
				t.Fatal(err)
			}
			layer, err := layers[0].Digest()
			if err != nil {
				t.Fatal(err)
			}
			blobs := []string{"/v2/again/blobs/" + layer.String()}
			// Every read once, so that distribution caches what it saw.
			for _, p := range append(blobs, "/v2/again/manifests/"+d) {
				if resp, body := registryDo(t, inst, http.MethodHead, p); resp.StatusCode != http.StatusOK {
					t.Fatalf("HEAD %s before the delete: %d %s", p, resp.StatusCode, body)
				}
			}
			ctx := context.Background()
			c := inst.ECR()
			if _, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("again"), Force: true}); err != nil {
				t.Fatal(err)
			}
			inst.CreateRepository("again")

			registryWire := []struct{ method, path, code string }{
				{http.MethodGet, "/v2/again/manifests/" + d, "MANIFEST_UNKNOWN"},
				{http.MethodHead, "/v2/again/manifests/" + d, ""},
				{http.MethodGet, blobs[0], "BLOB_UNKNOWN"}, // no 307 to the layer bucket
				{http.MethodHead, blobs[0], ""},
			}
			for _, rq := range registryWire {
				resp, body := registryDo(t, inst, rq.method, rq.path)
				if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, rq.code) {
					t.Errorf("%s %s: %d %.200q, want 404 %s", rq.method, rq.path, resp.StatusCode, body, rq.code)
				}
			}
			got, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("again"),
				ImageIds: []types.ImageIdentifier{{ImageDigest: aws.String(d)}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Images) != 0 || len(got.Failures) != 1 || got.Failures[0].FailureCode != types.ImageFailureCodeImageNotFound {
				t.Errorf("BatchGetImage: images %d failures %+v, want ImageNotFound", len(got.Images), got.Failures)
			}
			_, err = c.GetDownloadUrlForLayer(ctx, &ecr.GetDownloadUrlForLayerInput{
				RepositoryName: aws.String("again"), LayerDigest: aws.String(layer.String())})
			if !ecrtest.IsException[*types.LayerInaccessibleException](err) && !ecrtest.IsException[*types.LayersNotFoundException](err) {
				t.Errorf("GetDownloadUrlForLayer: %v, want LayersNotFoundException", err)
			}
			// The layers went with the repository, so the manifest cannot
			// be put back without them.
			_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("again"),
				ImageManifest: aws.String(ecrtest.RawManifest(t, img))})
			if !ecrtest.IsException[*types.LayersNotFoundException](err) {
				t.Errorf("untagged PutImage of the old manifest: %v, want LayersNotFoundException", err)
			}
			list, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("again")})
			if err != nil || len(list.ImageIds) != 0 {
				t.Errorf("ListImages: %v %+v, want empty", err, list)
			}
		})
	}
}
