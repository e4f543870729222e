package emulator_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	godigest "github.com/opencontainers/go-digest"
)

// Requests still sending their body when the repository is deleted or its
// tags made immutable: the checks that decide the write must hold when it
// is committed. Each body stalls before its last bytes until the change is
// made, so the interleaving is the same on every run.

// slowPut starts a PUT to target whose body stalls before its last byte,
// and returns the body (to release) and where the reply will come. The body
// starts once the handler reads it (100-continue), past ecrlink's checks.
func slowPut(u *uploader, target, payload string, query url.Values, header ...string) (*stallingBody, <-chan reply) {
	return slowSend(u, http.MethodPut, target, payload, query, header...)
}

func slowSend(u *uploader, method, target, payload string, query url.Values, header ...string) (*stallingBody, <-chan reply) {
	body := newStallingBody(payload[:len(payload)-1], payload[len(payload)-1:])
	done := make(chan reply, 1)
	header = append(header, "Expect", "100-continue")
	go func() { done <- u.do(method, target, body, query, header...) }()
	<-body.started
	return body, done
}

func deleteRepository(t *testing.T, inst *ecrlinktest.Instance, name string) {
	t.Helper()
	_, err := inst.ECR().DeleteRepository(context.Background(), &ecr.DeleteRepositoryInput{
		RepositoryName: aws.String(name), Force: true})
	if err != nil {
		t.Fatalf("DeleteRepository: %v", err)
	}
}

func TestSlowManifestPutAcrossDelete(t *testing.T) {
	t.Parallel()
	for _, recreate := range []bool{false, true} {
		name := "deleted"
		if recreate {
			name = "deleted and recreated"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inst := ecrlinktest.Start(t, emulator.Config{DataDir: t.TempDir()})
			inst.CreateRepository("slow")
			img := ecrtest.PushImage(t, inst, "slow", "v0")
			mt, err := img.MediaType()
			if err != nil {
				t.Fatal(err)
			}
			u := newUploader(t, inst)
			body, done := slowPut(u, "/v2/slow/manifests/v1", ecrtest.RawManifest(t, img), nil, "Content-Type", string(mt))
			deleteRepository(t, inst, "slow")
			if recreate {
				// The same layers and manifest, so that nothing but the
				// delete can stop the slow PUT.
				inst.CreateRepository("slow")
				if err := remote.Write(inst.Ref("slow:v0"), img, inst.Remote()...); err != nil {
					t.Fatal(err)
				}
			}
			close(body.release)
			r := <-done
			if r.status != http.StatusNotFound || !strings.Contains(r.body, "NAME_UNKNOWN") {
				t.Errorf("slow manifest PUT: %d %s, want 404 NAME_UNKNOWN", r.status, r.body)
			}
			if !recreate {
				return
			}
			out, err := inst.ECR().ListImages(context.Background(), &ecr.ListImagesInput{RepositoryName: aws.String("slow")})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range out.ImageIds {
				if aws.ToString(id.ImageTag) == "v1" {
					t.Errorf("the slow PUT's tag v1 is in the recreated repository")
				}
			}
		})
	}
}

func TestSlowTagPushAcrossImmutable(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("mut")
	a := ecrtest.PushImage(t, inst, "mut", "v1")
	b, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(inst.Ref("mut:b"), b, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	mt, err := b.MediaType()
	if err != nil {
		t.Fatal(err)
	}
	u := newUploader(t, inst)
	body, done := slowPut(u, "/v2/mut/manifests/v1", ecrtest.RawManifest(t, b), nil, "Content-Type", string(mt))
	_, err = inst.ECR().PutImageTagMutability(context.Background(), &ecr.PutImageTagMutabilityInput{
		RepositoryName: aws.String("mut"), ImageTagMutability: types.ImageTagMutabilityImmutable})
	if err != nil {
		t.Fatal(err)
	}
	close(body.release)
	if r := <-done; r.status != http.StatusBadRequest || !strings.Contains(r.body, "TAG_INVALID") {
		t.Errorf("slow PUT to v1: %d %s, want 400 TAG_INVALID", r.status, r.body)
	}
	got, err := inst.ECR().BatchGetImage(context.Background(), &ecr.BatchGetImageInput{RepositoryName: aws.String("mut"),
		ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}}})
	if err != nil || len(got.Images) != 1 {
		t.Fatalf("BatchGetImage v1: %v %+v", err, got)
	}
	if d := aws.ToString(got.Images[0].ImageId.ImageDigest); d != ecrtest.DigestOf(t, a) {
		t.Errorf("v1 is %s, want %s: an immutable tag moved", d, ecrtest.DigestOf(t, a))
	}
}

func TestSlowUploadCompleteAcrossDelete(t *testing.T) {
	t.Parallel()
	for _, mode := range localModes {
		for _, recreate := range []bool{false, true} {
			t.Run(mode.name+"/recreated="+map[bool]string{false: "no", true: "yes"}[recreate], func(t *testing.T) {
				t.Parallel()
				inst := ecrlinktest.Start(t, mode.cfg(t))
				inst.CreateRepository("slow")
				u := newUploader(t, inst)
				content := "a layer that arrives slowly"
				d := godigest.FromString(content)
				body, done := slowPut(u, u.start("slow"), content, url.Values{"digest": {d.String()}},
					"Content-Type", "application/octet-stream")
				deleteRepository(t, inst, "slow")
				if recreate {
					inst.CreateRepository("slow")
				}
				close(body.release)
				r := <-done
				if r.status != http.StatusNotFound || !strings.Contains(r.body, "BLOB_UPLOAD_UNKNOWN") {
					t.Errorf("slow complete: %d %s, want 404 BLOB_UPLOAD_UNKNOWN", r.status, r.body)
				}
				if recreate && u.checkBlob("slow", d) {
					t.Errorf("the slow upload's layer is in the recreated repository")
				}
			})
		}
	}
}

// TestSlowPatchAcrossDeleteLeavesNothing: a chunk still arriving when its
// repository is deleted writes the upload's data and hash state as it
// ends; without the upload's startedat file distribution's purger would
// never collect them, so ecrlink removes them.
func TestSlowPatchAcrossDeleteLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	inst := ecrlinktest.Start(t, emulator.Config{DataDir: dir})
	inst.CreateRepository("slow")
	u := newUploader(t, inst)
	loc := u.start("slow")
	id := path.Base(strings.SplitN(loc, "?", 2)[0])
	body, done := slowSend(u, http.MethodPatch, loc, "a chunk that arrives slowly", nil,
		"Content-Type", "application/octet-stream")
	deleteRepository(t, inst, "slow")
	close(body.release)
	<-done
	left := filepath.Join(dir, "registry/docker/registry/v2/repositories/slow/_uploads", id)
	if _, err := os.Stat(left); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after a PATCH across DeleteRepository, %s: %v; want it gone", left, err)
	}
}
