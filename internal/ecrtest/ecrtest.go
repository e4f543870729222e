// Package ecrtest holds the test helpers the emulator's and the registry's
// tests share: pushing a random image with go-containerregistry, checking
// the typed exceptions aws-sdk-go-v2 returns, HTTP clients of a test's own
// (never net/http's shared default) and a MinIO server run as a separate
// process. Tests only.
package ecrtest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Registry is a test's registry: references on it, and the options that
// reach it authenticated.
type Registry interface {
	Ref(s string) name.Reference
	Remote() []remote.Option
}

// PushImage writes a random image through the registry API under each tag
// (or by digest alone when there is none) and returns it.
func PushImage(t *testing.T, inst Registry, repo string, tags ...string) v1.Image {
	t.Helper()
	img, err := random.Image(300, 2)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	refs := []string{repo + "@" + d.String()}
	if len(tags) > 0 {
		refs = nil
		for _, tag := range tags {
			refs = append(refs, repo+":"+tag)
		}
	}
	for _, r := range refs {
		if err := remote.Write(inst.Ref(r), img, inst.Remote()...); err != nil {
			t.Fatalf("push %s: %v", r, err)
		}
	}
	return img
}

// DigestOf is img's digest.
func DigestOf(t *testing.T, img interface{ Digest() (v1.Hash, error) }) string {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// RawManifest is img's manifest as sent.
func RawManifest(t *testing.T, img interface{ RawManifest() ([]byte, error) }) string {
	t.Helper()
	b, err := img.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// WantECRErr checks that err is the typed ECR exception of want (found with
// errors.As) and, when want has a message, that it carries that text.
func WantECRErr(t *testing.T, err error, want smithy.APIError) {
	t.Helper()
	target := reflect.New(reflect.TypeOf(want))
	if !errors.As(err, target.Interface()) {
		t.Fatalf("got %v, want %s", err, want.ErrorCode())
	}
	got := target.Elem().Interface().(smithy.APIError)
	if want.ErrorMessage() != "" && got.ErrorMessage() != want.ErrorMessage() {
		t.Fatalf("%s message\n got %q\nwant %q", want.ErrorCode(), got.ErrorMessage(), want.ErrorMessage())
	}
}

// InvalidParamErr is ECR's InvalidParameterException with msg, for the tables.
func InvalidParamErr(msg string) *types.InvalidParameterException {
	return &types.InvalidParameterException{Message: aws.String(msg)}
}

// Exception is what every typed ECR exception offers.
type Exception interface {
	error
	ErrorMessage() string
}

// IsException reports whether err is the ECR exception E.
func IsException[E Exception](err error) bool {
	var e E
	return errors.As(err, &e)
}

// ExceptionMessage returns the message of the ECR exception E in err.
func ExceptionMessage[E Exception](t *testing.T, err error) string {
	t.Helper()
	var e E
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want %T", err, e)
	}
	return e.ErrorMessage()
}
