package registry_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/registry"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestBlobMountingFollowsTheAccountSetting: ECR mounts a layer from another
// repository only once the account sets BLOB_MOUNTING=ENABLED; before, a
// mount request starts a plain upload (202).
func TestBlobMountingFollowsTheAccountSetting(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("src")
	inst.CreateRepository("dst")
	img, _ := random.Image(256, 1)
	if err := remote.Write(inst.Ref("src:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	ld, _ := layers[0].Digest()
	auth := basic("AWS", inst.Auth().(*authn.Basic).Password)
	mount := func() int {
		req, _ := http.NewRequest("POST", inst.URL()+"/v2/dst/blobs/uploads/?mount="+ld.String()+"&from=src", nil)
		req.Header.Set("Authorization", auth)
		resp, err := inst.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ctx := context.Background()
	got, err := inst.ECR().GetAccountSetting(ctx, &ecr.GetAccountSettingInput{Name: aws.String("BLOB_MOUNTING")})
	if err != nil || aws.ToString(got.Value) != "DISABLED" {
		t.Fatalf("default BLOB_MOUNTING: %v %v", err, aws.ToString(got.Value))
	}
	if code := mount(); code != http.StatusAccepted {
		t.Fatalf("mount with BLOB_MOUNTING disabled: %d, want 202", code)
	}
	if _, err := inst.ECR().PutAccountSetting(ctx, &ecr.PutAccountSettingInput{Name: aws.String("BLOB_MOUNTING"), Value: aws.String("ENABLED")}); err != nil {
		t.Fatal(err)
	}
	if code := mount(); code != http.StatusCreated {
		t.Fatalf("mount with BLOB_MOUNTING enabled: %d, want 201", code)
	}
	for _, in := range []ecr.PutAccountSettingInput{
		{Name: aws.String("BLOB_MOUNTING"), Value: aws.String("MAYBE")},
		{Name: aws.String("NOT_A_SETTING"), Value: aws.String("ENABLED")},
		{Name: aws.String("REGISTRY_POLICY_SCOPE"), Value: aws.String("V1")},
	} {
		_, err := inst.ECR().PutAccountSetting(ctx, &in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
			t.Errorf("PutAccountSetting %s=%s: got %v, want ValidationException", aws.ToString(in.Name), aws.ToString(in.Value), err)
		}
	}
}
