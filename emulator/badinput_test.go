package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

const signed = "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=00"

// TestAPIWireErrors sends what no SDK would, and checks the JSON 1.1 error
// AWS gives: status 400 and the exception in __type, never a 500.
func TestAPIWireErrors(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	tests := []struct {
		name, target, contentType, body string
		wantType                        string
	}{
		{"unknown target", "AmazonEC2ContainerRegistry_V20150921.FlyToTheMoon", "application/x-amz-json-1.1", "{}", "UnknownOperationException"},
		{"wrong service prefix", "DynamoDB_20120810.ListTables", "application/x-amz-json-1.1", "{}", "UnknownOperationException"},
		{"wrong content type", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "text/plain", "{}", "UnknownOperationException"},
		{"malformed json", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "application/x-amz-json-1.1", "{", "SerializationException"},
		{"wrong member type", "AmazonEC2ContainerRegistry_V20150921.CreateRepository", "application/x-amz-json-1.1", `{"repositoryName":5}`, "SerializationException"},
		{"oversized body", "AmazonEC2ContainerRegistry_V20150921.CreateRepository", "application/x-amz-json-1.1", `{"repositoryName":"` + strings.Repeat("a", 29<<20) + `"}`, "SerializationException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(http.MethodPost, inst.URL()+"/", strings.NewReader(tc.body))
			req.Header.Set("X-Amz-Target", tc.target)
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("Authorization", signed)
			resp, err := inst.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 400 || !strings.Contains(string(body), `"__type":"`+tc.wantType+`"`) {
				t.Fatalf("got %d %s, want 400 %s", resp.StatusCode, body, tc.wantType)
			}
		})
	}
}

func TestCreateRepositoryValidation(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	regex := `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`
	tests := []struct {
		name    string
		in      ecr.CreateRepositoryInput
		message string
	}{
		{"upper case", ecr.CreateRepositoryInput{RepositoryName: aws.String("Organization/repo")},
			"Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '" + regex + "''"},
		{"too short", ecr.CreateRepositoryInput{RepositoryName: aws.String("a")},
			"Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'"},
		{"too long", ecr.CreateRepositoryInput{RepositoryName: aws.String(strings.Repeat("a", 257))},
			"Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length less than or equal to 256'"},
		{"trailing slash", ecr.CreateRepositoryInput{RepositoryName: aws.String("team/")}, ""},
		{"double dot", ecr.CreateRepositoryInput{RepositoryName: aws.String("a..b")}, ""},
		{"bad mutability", ecr.CreateRepositoryInput{RepositoryName: aws.String("ok-name"), ImageTagMutability: "SOMETIMES"}, ""},
		{"exclusion filters without exclusion mode", ecr.CreateRepositoryInput{RepositoryName: aws.String("ok-name"), ImageTagMutability: types.ImageTagMutabilityImmutable,
			ImageTagMutabilityExclusionFilters: []types.ImageTagMutabilityExclusionFilter{{Filter: aws.String("dev-*"), FilterType: types.ImageTagMutabilityExclusionFilterTypeWildcard}}}, ""},
		{"bad registry id", ecr.CreateRepositoryInput{RepositoryName: aws.String("ok-name"), RegistryId: aws.String("12")}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := inst.ECR().CreateRepository(context.Background(), &tc.in)
			var ip *types.InvalidParameterException
			if !errors.As(err, &ip) {
				t.Fatalf("got %v, want InvalidParameterException", err)
			}
			if tc.message != "" && ip.ErrorMessage() != tc.message {
				t.Fatalf("message %q, want %q", ip.ErrorMessage(), tc.message)
			}
		})
	}
	inst.CreateRepository("twice")
	_, err := inst.ECR().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("twice")})
	var ae *types.RepositoryAlreadyExistsException
	if !errors.As(err, &ae) || ae.ErrorMessage() != "The repository with name 'twice' already exists in the registry with id '000000000000'" {
		t.Fatalf("got %v, want RepositoryAlreadyExistsException", err)
	}
}

// TestRegistryBadInput checks registry-API requests that ECR rejects: the
// answer is a 4xx in the errors envelope, never a 500.
func TestRegistryBadInput(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	inst.CreateRepository("app")
	auth := basic("AWS", inst.Auth().(*authn.Basic).Password)
	manifest := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}`
	tests := []struct {
		name, method, path, contentType, body string
		status                                int
		code                                  string
	}{
		{"upper-case repository", "GET", "/v2/App/manifests/latest", "", "", 400, "NAME_INVALID"},
		{"tag with plus", "GET", "/v2/app/manifests/2024.42.27+1234a5c05", "", "", 400, "TAG_INVALID"},
		{"malformed digest", "GET", "/v2/app/blobs/sha256:zz", "", "", 400, "DIGEST_INVALID"},
		{"missing manifest", "GET", "/v2/app/manifests/latest", "", "", 404, "MANIFEST_UNKNOWN"},
		{"missing blob", "GET", "/v2/app/blobs/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "", "", 404, "BLOB_UNKNOWN"},
		{"manifest not json", "PUT", "/v2/app/manifests/v1", "application/vnd.oci.image.manifest.v1+json", "{", 400, "MANIFEST_INVALID"},
		{"manifest too large", "PUT", "/v2/app/manifests/v1", "application/vnd.oci.image.manifest.v1+json", strings.Repeat(" ", 4<<20+1), 413, "MANIFEST_INVALID"},
		{"manifest naming a missing config", "PUT", "/v2/app/manifests/v1", "application/vnd.oci.image.manifest.v1+json", manifest, 400, "MANIFEST_BLOB_UNKNOWN"},
		{"manifest digest mismatch", "PUT", "/v2/app/manifests/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "application/vnd.oci.image.manifest.v1+json", manifest, 400, "DIGEST_INVALID"},
		{"delete of a missing blob", "DELETE", "/v2/app/blobs/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "", "", 404, "BLOB_UNKNOWN"},
		{"catalog", "GET", "/v2/_catalog", "", "", 405, "UNSUPPORTED"},
		{"unknown upload", "PATCH", "/v2/app/blobs/uploads/3f3a0d0c-1d0f-4a62-9f59-0f8e6f1d2a11", "application/octet-stream", "abc", 404, "BLOB_UPLOAD_UNKNOWN"},
		{"unknown resource", "GET", "/v2/app/things", "", "", 404, "NOT_FOUND"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(tc.method, inst.URL()+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", auth)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := inst.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), `"code":"`+tc.code+`"`) {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}
}

func TestImmutableTagRejectsOverwrite(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	_, err := inst.ECR().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{
		RepositoryName: aws.String("app_service_image"), ImageTagMutability: types.ImageTagMutabilityImmutable})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := random.Image(128, 1)
	second, _ := random.Image(128, 1)
	ref := inst.Ref("app_service_image:latest")
	if err := remote.Write(ref, first, inst.Remote()...); err != nil {
		t.Fatalf("first push: %v", err)
	}
	if err := remote.Write(ref, first, inst.Remote()...); err != nil {
		t.Fatalf("re-push of the same image must not be an overwrite: %v", err)
	}
	err = remote.Write(ref, second, inst.Remote()...)
	var te *transport.Error
	want := "The image tag 'latest' already exists in the 'app_service_image' repository and cannot be overwritten because the repository is immutable."
	if !errors.As(err, &te) || te.StatusCode != 400 || len(te.Errors) == 0 || te.Errors[0].Code != "TAG_INVALID" || te.Errors[0].Message != want {
		t.Fatalf("got %v, want 400 TAG_INVALID %q", err, want)
	}
	got, err := remote.Image(ref, inst.Remote()...)
	if err != nil {
		t.Fatal(err)
	}
	if gd, _ := got.Digest(); gd != mustDigest(t, first) {
		t.Fatalf("tag moved to %s", gd)
	}
}

func mustDigest(t *testing.T, img interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestTagMutabilityWithExclusions pushes over existing tags under each
// mutability setting: the exclusion filters flip the rule for the tags they
// match.
func TestTagMutabilityWithExclusions(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	dev := []types.ImageTagMutabilityExclusionFilter{{Filter: aws.String("dev-*"), FilterType: types.ImageTagMutabilityExclusionFilterTypeWildcard}}
	tests := []struct {
		name       string
		mutability types.ImageTagMutability
		filters    []types.ImageTagMutabilityExclusionFilter
		tag        string
		overwrite  bool
	}{
		{"mutable", types.ImageTagMutabilityMutable, nil, "v1", true},
		{"immutable", types.ImageTagMutabilityImmutable, nil, "v1", false},
		{"immutable, excluded tag", types.ImageTagMutabilityImmutableWithExclusion, dev, "dev-1", true},
		{"immutable, other tag", types.ImageTagMutabilityImmutableWithExclusion, dev, "v1", false},
		{"mutable, excluded tag", types.ImageTagMutabilityMutableWithExclusion, dev, "dev-1", false},
		{"mutable, other tag", types.ImageTagMutabilityMutableWithExclusion, dev, "v1", true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			repo := fmt.Sprintf("mut-%d", i)
			_, err := inst.ECR().CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String(repo),
				ImageTagMutability: tc.mutability, ImageTagMutabilityExclusionFilters: tc.filters})
			if err != nil {
				t.Fatal(err)
			}
			first, _ := random.Image(64, 1)
			second, _ := random.Image(64, 1)
			ref := inst.Ref(repo + ":" + tc.tag)
			if err := remote.Write(ref, first, inst.Remote()...); err != nil {
				t.Fatal(err)
			}
			err = remote.Write(ref, second, inst.Remote()...)
			var te *transport.Error
			switch {
			case tc.overwrite && err != nil:
				t.Fatalf("overwrite refused: %v", err)
			case !tc.overwrite && (!errors.As(err, &te) || te.Errors[0].Code != "TAG_INVALID"):
				t.Fatalf("overwrite of an immutable tag: got %v, want TAG_INVALID", err)
			}
		})
	}
}
