package emulator_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func TestPushPullRandomImage(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("team/app")
	img, err := random.Image(1024, 3)
	if err != nil {
		t.Fatal(err)
	}
	ref := inst.Ref("team/app:v1")
	if err := remote.Write(ref, img, inst.Remote()...); err != nil {
		t.Fatalf("push: %v", err)
	}
	got, err := remote.Image(ref, inst.Remote()...)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	want, _ := img.Digest()
	if d, _ := got.Digest(); d != want {
		t.Fatalf("pulled digest %s, pushed %s", d, want)
	}
	layers, _ := got.Layers()
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatalf("layer: %v", err)
		}
		rc.Close()
	}
}

func TestPushToMissingRepositoryIsNameUnknown(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	img, _ := random.Image(64, 1)
	err := remote.Write(inst.Ref("nope:v1"), img, inst.Remote()...)
	var te *transport.Error
	if !errors.As(err, &te) || te.StatusCode != http.StatusNotFound || len(te.Errors) == 0 ||
		te.Errors[0].Code != "NAME_UNKNOWN" ||
		te.Errors[0].Message != "The repository with name 'nope' does not exist in the registry with id '000000000000'" {
		t.Fatalf("got %v, want NAME_UNKNOWN with ECR's text", err)
	}
}

// TestPushPullIndex pushes random multi-arch indexes, Docker and OCI, and
// pulls every child back by digest.
func TestPushPullIndex(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("multi")
	tests := []struct {
		name      string
		mediaType types.MediaType
	}{
		{"oci index", types.OCIImageIndex},
		{"docker manifest list", types.DockerManifestList},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			idx, err := random.Index(512, 2, 3)
			if err != nil {
				t.Fatal(err)
			}
			idx = mutate.IndexMediaType(idx, tc.mediaType)
			ref := inst.Ref("multi:" + strings.ReplaceAll(tc.name, " ", "-"))
			if err := remote.WriteIndex(ref, idx, inst.Remote()...); err != nil {
				t.Fatalf("push index: %v", err)
			}
			got, err := remote.Index(ref, inst.Remote()...)
			if err != nil {
				t.Fatalf("pull index: %v", err)
			}
			if gd, wd := mustDigest(t, got), mustDigest(t, idx); gd != wd {
				t.Fatalf("index digest %s, pushed %s", gd, wd)
			}
			im, _ := idx.IndexManifest()
			for _, d := range im.Manifests {
				child, err := remote.Image(inst.Ref("multi@"+d.Digest.String()), inst.Remote()...)
				if err != nil {
					t.Fatalf("pull child %s: %v", d.Digest, err)
				}
				if cd := mustDigest(t, child); cd != d.Digest {
					t.Fatalf("child digest %s, want %s", cd, d.Digest)
				}
			}
		})
	}
}
