package emulator_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
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
