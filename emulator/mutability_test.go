package emulator_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestUnreadableTagRefusesThePush: when an immutable tag cannot be read
// (here its link holds no digest, as a storage fault would leave it), a
// push to it fails on both wires and the tag stays where it was; it used
// to count as a new tag, and the push overwrote it.
func TestUnreadableTagRefusesThePush(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	inst := ecrlinktest.Start(t, emulator.Config{DataDir: dir})
	c, ctx := inst.ECR(), context.Background()
	if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app"),
		ImageTagMutability: types.ImageTagMutabilityImmutable}); err != nil {
		t.Fatal(err)
	}
	ecrtest.PushImage(t, inst, "app", "v1")
	link := filepath.Join(dir, "registry/docker/registry/v2/repositories/app/_manifests/tags/v1/current/link")
	const broken = "not a digest"
	if err := os.WriteFile(link, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	other := ecrtest.PushImage(t, inst, "app", "v2") // its layers are there
	if err := remote.Put(inst.Ref("app:v1"), other, inst.Remote()...); err == nil {
		t.Errorf("registry push over an unreadable immutable tag succeeded")
	}
	_, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("app"), ImageTag: aws.String("v1"),
		ImageManifest: aws.String(ecrtest.RawManifest(t, other))})
	if err == nil {
		t.Errorf("PutImage over an unreadable immutable tag succeeded")
	}
	if b, err := os.ReadFile(link); err != nil || string(b) != broken {
		t.Errorf("the tag's link is now %q (%v); want it untouched", b, err)
	}
}
