package registry_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/internal/ecrtest"
	"github.com/ecrlink/ecrlink/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	godigest "github.com/opencontainers/go-digest"
)

// layerBytes is what ECR reports as an image's size: its compressed layers.
func layerBytes(t *testing.T, img v1.Image) int64 {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, l := range m.Layers {
		n += l.Size
	}
	return n
}

// TestRegistryPushIsVisibleThroughImageAPI is the other cross-path proof:
// what go-containerregistry pushes, image and multi-arch index, is what
// BatchGetImage, DescribeImages and ListImages report.
func TestRegistryPushIsVisibleThroughImageAPI(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("seen")
	before := time.Now().Add(-2 * time.Second)
	img := ecrtest.PushImage(t, inst, "seen", "v1", "v2")
	idx, err := random.Index(200, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(inst.Ref("seen:multi"), idx, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	after := time.Now().Add(2 * time.Second)
	c, ctx := inst.ECR(), context.Background()

	desc, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("seen")})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.ImageDetails) != 5 {
		t.Fatalf("%d images, want image + index + 3 children", len(desc.ImageDetails))
	}
	byDigest := map[string]types.ImageDetail{}
	for _, d := range desc.ImageDetails {
		byDigest[aws.ToString(d.ImageDigest)] = d
		if p := aws.ToTime(d.ImagePushedAt); p.Before(before) || p.After(after) || aws.ToString(d.RegistryId) != "000000000000" ||
			aws.ToString(d.RepositoryName) != "seen" {
			t.Errorf("detail %+v: pushedAt or ids wrong", d)
		}
	}
	mt, _ := img.MediaType()
	cfgName, _ := img.ConfigName()
	m, _ := img.Manifest()
	got := byDigest[ecrtest.DigestOf(t, img)]
	if !slices.Equal(got.ImageTags, []string{"v1", "v2"}) || aws.ToInt64(got.ImageSizeInBytes) != layerBytes(t, img) ||
		aws.ToString(got.ImageManifestMediaType) != string(mt) || aws.ToString(got.ArtifactMediaType) != string(m.Config.MediaType) {
		t.Errorf("image detail %+v, want tags v1 v2, size %d, %s, config %s (%s)", got, layerBytes(t, img), mt, m.Config.MediaType, cfgName)
	}
	if got := byDigest[ecrtest.DigestOf(t, idx)]; !slices.Equal(got.ImageTags, []string{"multi"}) {
		t.Errorf("index detail %+v, want tag multi", got)
	}

	counts := map[types.TagStatus]int{types.TagStatusAny: 6, types.TagStatusTagged: 3, types.TagStatusUntagged: 3}
	for status, want := range counts {
		out, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("seen"), Filter: &types.ListImagesFilter{TagStatus: status}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ImageIds) != want {
			t.Errorf("ListImages %s: %d ids, want %d: %+v", status, len(out.ImageIds), want, out.ImageIds)
		}
	}

	bg, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("seen"),
		ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}, {ImageDigest: aws.String(ecrtest.DigestOf(t, idx))}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bg.Images) != 2 || len(bg.Failures) != 0 {
		t.Fatalf("BatchGetImage: %+v %+v", bg.Images, bg.Failures)
	}
	if i := bg.Images[0]; aws.ToString(i.ImageManifest) != ecrtest.RawManifest(t, img) || aws.ToString(i.ImageId.ImageDigest) != ecrtest.DigestOf(t, img) ||
		aws.ToString(i.ImageId.ImageTag) != "v1" || aws.ToString(i.ImageManifestMediaType) != string(mt) {
		t.Errorf("image by tag: %+v", i)
	}
	if i := bg.Images[1]; aws.ToString(i.ImageManifest) != ecrtest.RawManifest(t, idx) || aws.ToString(i.ImageId.ImageTag) != "multi" {
		t.Errorf("index by digest: %+v", i)
	}
}

func TestPutImage(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("put")
	c, ctx := inst.ECR(), context.Background()
	img := ecrtest.PushImage(t, inst, "put", "v1")
	manifest := ecrtest.RawManifest(t, img)

	// Retag as AWS documents it: BatchGetImage, then PutImage the manifest.
	out, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("put"), ImageTag: aws.String("api"), ImageManifest: aws.String(manifest)})
	if err != nil {
		t.Fatalf("retag: %v", err)
	}
	if i := out.Image; aws.ToString(i.ImageId.ImageDigest) != ecrtest.DigestOf(t, img) || aws.ToString(i.ImageId.ImageTag) != "api" ||
		aws.ToString(i.ImageManifest) != manifest || aws.ToString(i.RegistryId) != "000000000000" {
		t.Fatalf("PutImage returned %+v", i)
	}
	pulled, err := remote.Image(inst.Ref("put:api"), inst.Remote()...)
	if err != nil || ecrtest.DigestOf(t, pulled) != ecrtest.DigestOf(t, img) {
		t.Fatalf("pull put:api: %v", err)
	}

	// An OCI manifest without mediaType (a Helm chart's shape) needs the
	// media type in the request.
	var doc map[string]any
	_ = json.Unmarshal([]byte(manifest), &doc)
	delete(doc, "mediaType")
	bare, _ := json.Marshal(doc)
	oci := "application/vnd.oci.image.manifest.v1+json"
	out, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("put"), ImageTag: aws.String("oci"),
		ImageManifest: aws.String(string(bare)), ImageManifestMediaType: aws.String(oci)})
	if err != nil || aws.ToString(out.Image.ImageManifestMediaType) != oci {
		t.Fatalf("PutImage with imageManifestMediaType: %+v %v", out, err)
	}

	stranger, _ := random.Image(100, 1)
	idx, _ := random.Index(100, 1, 2)
	const badJSON = "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
	tests := []struct {
		name, repo, manifest, mediaType, tag, digest string
		want                                         func(error) bool
		message                                      string
	}{
		{name: "same manifest, same tag", manifest: manifest, tag: "v1", want: ecrtest.IsException[*types.ImageAlreadyExistsException],
			message: "Image with digest '" + ecrtest.DigestOf(t, img) + "' and tag 'v1' already exists in the repository with name 'put' in registry with id '000000000000'"},
		{name: "malformed JSON", manifest: "{", tag: "x", want: ecrtest.IsException[*types.InvalidParameterException], message: badJSON},
		{name: "no media type anywhere", manifest: string(bare), tag: "x", want: ecrtest.IsException[*types.InvalidParameterException], message: badJSON},
		{name: "media types disagree", manifest: manifest, mediaType: oci, tag: "x", want: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "schema 1", manifest: `{"schemaVersion":1,"fsLayers":[]}`, mediaType: "application/vnd.docker.distribution.manifest.v1+prettyjws", tag: "x", want: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "over 4 MiB", manifest: `{"mediaType":"` + strings.Repeat("a", 4<<20) + `"}`, tag: "x", want: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "layers not pushed", manifest: ecrtest.RawManifest(t, stranger), tag: "x", want: ecrtest.IsException[*types.LayersNotFoundException]},
		{name: "index of missing images", manifest: ecrtest.RawManifest(t, idx), tag: "x", want: ecrtest.IsException[*types.ReferencedImagesNotFoundException]},
		{name: "digest mismatch", manifest: manifest, tag: "x", digest: godigest.FromString("x").String(), want: ecrtest.IsException[*types.ImageDigestDoesNotMatchException]},
		{name: "malformed digest", manifest: manifest, tag: "x", digest: "sha256", want: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "tag with a slash", manifest: manifest, tag: "a/../b", want: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "tag over 300 characters", manifest: manifest, tag: strings.Repeat("t", 301), want: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "missing repository", repo: "nope", manifest: manifest, tag: "x", want: ecrtest.IsException[*types.RepositoryNotFoundException]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := &ecr.PutImageInput{RepositoryName: aws.String("put"), ImageManifest: aws.String(tc.manifest), ImageTag: aws.String(tc.tag)}
			if tc.repo != "" {
				in.RepositoryName = aws.String(tc.repo)
			}
			if tc.mediaType != "" {
				in.ImageManifestMediaType = aws.String(tc.mediaType)
			}
			if tc.digest != "" {
				in.ImageDigest = aws.String(tc.digest)
			}
			_, err := c.PutImage(ctx, in)
			if !tc.want(err) {
				t.Fatalf("got %v", err)
			}
			if tc.message != "" && !strings.HasSuffix(err.Error(), tc.message) {
				t.Fatalf("got %v, want message %q", err, tc.message)
			}
		})
	}
}

func TestPutImageTagMutability(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	c, ctx := inst.ECR(), context.Background()
	for _, repo := range []struct {
		name       string
		mutability types.ImageTagMutability
	}{{"imm", types.ImageTagMutabilityImmutable}, {"mut", types.ImageTagMutabilityMutable}} {
		if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repo.name), ImageTagMutability: repo.mutability}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(repo string, img v1.Image, tag string) error {
		_, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String(repo), ImageTag: aws.String(tag), ImageManifest: aws.String(ecrtest.RawManifest(t, img))})
		return err
	}
	t.Run("immutable", func(t *testing.T) {
		t.Parallel()
		a, b := ecrtest.PushImage(t, inst, "imm"), ecrtest.PushImage(t, inst, "imm") // by digest: blobs and untagged manifests
		if err := put("imm", a, "t1"); err != nil {
			t.Fatal(err)
		}
		want := "The image tag 't1' already exists in the 'imm' repository and cannot be overwritten because the repository is immutable."
		if got := ecrtest.ExceptionMessage[*types.ImageTagAlreadyExistsException](t, put("imm", b, "t1")); got != want {
			t.Fatalf("message %q, want %q", got, want)
		}
		if err := put("imm", a, "t1"); !ecrtest.IsException[*types.ImageAlreadyExistsException](err) {
			t.Fatalf("re-put: got %v, want ImageAlreadyExistsException", err)
		}
		if err := put("imm", a, "t2"); err != nil {
			t.Fatalf("a second tag on the same image: %v", err)
		}
		pulled, err := remote.Image(inst.Ref("imm:t1"), inst.Remote()...)
		if err != nil || ecrtest.DigestOf(t, pulled) != ecrtest.DigestOf(t, a) {
			t.Fatalf("imm:t1 moved: %v", err)
		}
	})
	t.Run("mutable", func(t *testing.T) {
		t.Parallel()
		a, b := ecrtest.PushImage(t, inst, "mut"), ecrtest.PushImage(t, inst, "mut")
		if err := put("mut", a, "t1"); err != nil {
			t.Fatal(err)
		}
		if err := put("mut", b, "t1"); err != nil {
			t.Fatalf("moving a mutable tag: %v", err)
		}
		out, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("mut"),
			ImageIds: []types.ImageIdentifier{{ImageDigest: aws.String(ecrtest.DigestOf(t, a))}, {ImageTag: aws.String("t1")}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ImageDetails) != 2 || len(out.ImageDetails[0].ImageTags) != 0 || aws.ToString(out.ImageDetails[1].ImageDigest) != ecrtest.DigestOf(t, b) {
			t.Fatalf("after the move: %+v", out.ImageDetails)
		}
	})
}

func TestBatchGetImage(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("get")
	img := ecrtest.PushImage(t, inst, "get", "a", "b")
	d := ecrtest.DigestOf(t, img)
	id := func(digest, tag string) types.ImageIdentifier {
		var i types.ImageIdentifier
		if digest != "" {
			i.ImageDigest = aws.String(digest)
		}
		if tag != "" {
			i.ImageTag = aws.String(tag)
		}
		return i
	}
	tests := []struct {
		name      string
		ids       []types.ImageIdentifier
		accepted  []string
		wantIDs   []string // digest:tag of the images returned
		wantCodes []types.ImageFailureCode
		wantErr   func(error) bool
	}{
		{name: "by tag", ids: []types.ImageIdentifier{id("", "a")}, wantIDs: []string{d + ":a"}},
		{name: "by digest, once per tag", ids: []types.ImageIdentifier{id(d, "")}, wantIDs: []string{d + ":a", d + ":b"}},
		{name: "by tag and digest", ids: []types.ImageIdentifier{id(d, "b")}, wantIDs: []string{d + ":b"}},
		{name: "duplicates once", ids: []types.ImageIdentifier{id("", "a"), id("", "a")}, wantIDs: []string{d + ":a"}},
		{name: "missing tag", ids: []types.ImageIdentifier{id("", "nope")}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeImageNotFound}},
		{name: "missing digest", ids: []types.ImageIdentifier{id(godigest.FromString("x").String(), "")}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeImageNotFound}},
		{name: "malformed digest", ids: []types.ImageIdentifier{id("sha256:xyz", "")}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeInvalidImageDigest}},
		{name: "empty tag", ids: []types.ImageIdentifier{{ImageTag: aws.String("")}}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeInvalidImageTag}},
		{name: "tag of another digest", ids: []types.ImageIdentifier{id(godigest.FromString("x").String(), "a")}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeImageTagDoesNotMatchDigest}},
		{name: "neither", ids: []types.ImageIdentifier{{}}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeMissingDigestAndTag}},
		{name: "unacceptable media type", ids: []types.ImageIdentifier{id("", "a")}, accepted: []string{"application/vnd.oci.image.manifest.v1+json"}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeImageNotFound}},
		{name: "acceptable media type", ids: []types.ImageIdentifier{id("", "a")}, accepted: []string{"application/vnd.docker.distribution.manifest.v2+json"}, wantIDs: []string{d + ":a"}},
		{name: "mixed", ids: []types.ImageIdentifier{id("", "a"), id("", "nope")}, wantIDs: []string{d + ":a"}, wantCodes: []types.ImageFailureCode{types.ImageFailureCodeImageNotFound}},
		{name: "no ids", ids: []types.ImageIdentifier{}, wantErr: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "101 ids", ids: make([]types.ImageIdentifier, 101), wantErr: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "empty acceptedMediaTypes", ids: []types.ImageIdentifier{id("", "a")}, accepted: []string{}, wantErr: ecrtest.IsException[*types.InvalidParameterException]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := inst.ECR().BatchGetImage(context.Background(), &ecr.BatchGetImageInput{
				RepositoryName: aws.String("get"), ImageIds: tc.ids, AcceptedMediaTypes: tc.accepted})
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, i := range out.Images {
				gotIDs = append(gotIDs, aws.ToString(i.ImageId.ImageDigest)+":"+aws.ToString(i.ImageId.ImageTag))
			}
			var gotCodes []types.ImageFailureCode
			for _, f := range out.Failures {
				gotCodes = append(gotCodes, f.FailureCode)
				if f.FailureCode == types.ImageFailureCodeImageNotFound && aws.ToString(f.FailureReason) != "Requested image not found" {
					t.Errorf("reason %q", aws.ToString(f.FailureReason))
				}
			}
			if !slices.Equal(gotIDs, tc.wantIDs) || !slices.Equal(gotCodes, tc.wantCodes) {
				t.Fatalf("images %v failures %+v, want %v %v", gotIDs, out.Failures, tc.wantIDs, tc.wantCodes)
			}
		})
	}
}

// TestImagePagination pages ListImages and DescribeImages through every
// image, whatever the page size.
func TestImagePagination(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("pages")
	for i := range 4 {
		ecrtest.PushImage(t, inst, "pages", "t"+string(rune('a'+i)), "u"+string(rune('a'+i)))
	}
	ecrtest.PushImage(t, inst, "pages") // untagged
	c, ctx := inst.ECR(), context.Background()
	for _, size := range []int32{1, 2, 3, 1000} {
		var ids []string
		p := ecr.NewListImagesPaginator(c, &ecr.ListImagesInput{RepositoryName: aws.String("pages"), MaxResults: aws.Int32(size)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.ImageIds) > int(size) {
				t.Fatalf("page of %d, asked for %d", len(page.ImageIds), size)
			}
			for _, id := range page.ImageIds {
				ids = append(ids, aws.ToString(id.ImageDigest)+":"+aws.ToString(id.ImageTag))
			}
		}
		if len(ids) != 9 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 9 {
			t.Errorf("ListImages by %d: %d ids %v, want 9 distinct", size, len(ids), ids)
		}
		var digests []string
		dp := ecr.NewDescribeImagesPaginator(c, &ecr.DescribeImagesInput{RepositoryName: aws.String("pages"), MaxResults: aws.Int32(size)})
		for dp.HasMorePages() {
			page, err := dp.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range page.ImageDetails {
				digests = append(digests, aws.ToString(d.ImageDigest))
			}
		}
		if len(digests) != 5 || len(slices.Compact(slices.Sorted(slices.Values(digests)))) != 5 {
			t.Errorf("DescribeImages by %d: %v, want 5 distinct", size, digests)
		}
	}
	tagged, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("pages"),
		Filter: &types.DescribeImagesFilter{TagStatus: types.TagStatusUntagged}})
	if err != nil || len(tagged.ImageDetails) != 1 {
		t.Fatalf("untagged filter: %v %+v", err, tagged)
	}
}

func TestImageListErrors(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("main")
	ecrtest.PushImage(t, inst, "main", "v1")
	c, ctx := inst.ECR(), context.Background()
	latest := []types.ImageIdentifier{{ImageTag: aws.String("latest")}}
	tests := []struct {
		name    string
		call    func() error
		want    func(error) bool
		message string
	}{
		{"describe missing image", func() error {
			_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("main"), ImageIds: latest})
			return err
		}, ecrtest.IsException[*types.ImageNotFoundException],
			"The image with imageId {imageDigest:'null', imageTag:'latest'} does not exist within the repository with name 'main' in the registry with id '000000000000'"},
		{"describe with imageIds and maxResults", func() error {
			_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("main"), ImageIds: latest, MaxResults: aws.Int32(5)})
			return err
		}, ecrtest.IsException[*types.InvalidParameterException], ""},
		{"describe maxResults 0", func() error {
			_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("main"), MaxResults: aws.Int32(0)})
			return err
		}, ecrtest.IsException[*types.InvalidParameterException], ""},
		{"list maxResults 1001", func() error {
			_, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("main"), MaxResults: aws.Int32(1001)})
			return err
		}, ecrtest.IsException[*types.InvalidParameterException], ""},
		{"list bad tagStatus", func() error {
			_, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("main"), Filter: &types.ListImagesFilter{TagStatus: "SOMETIMES"}})
			return err
		}, ecrtest.IsException[*types.InvalidParameterException], ""},
		{"list bad token", func() error {
			_, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("main"), NextToken: aws.String("!!")})
			return err
		}, ecrtest.IsException[*types.InvalidParameterException], ""},
		{"list missing repository", func() error {
			_, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("nope")})
			return err
		}, ecrtest.IsException[*types.RepositoryNotFoundException], ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.call()
			if !tc.want(err) {
				t.Fatalf("got %v", err)
			}
			if tc.message != "" && ecrtest.ExceptionMessage[*types.ImageNotFoundException](t, err) != tc.message {
				t.Fatalf("got %v, want %q", err, tc.message)
			}
		})
	}
}

func TestBatchDeleteImage(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("del")
	c, ctx := inst.ECR(), context.Background()
	img := ecrtest.PushImage(t, inst, "del", "a", "b", "c")
	idx, _ := random.Index(100, 1, 2)
	if err := remote.WriteIndex(inst.Ref("del:multi"), idx, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	child := im.Manifests[0].Digest.String()
	del := func(ids ...types.ImageIdentifier) *ecr.BatchDeleteImageOutput {
		t.Helper()
		out, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("del"), ImageIds: ids})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tags := func(digest string) []string {
		out, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("del"),
			ImageIds: []types.ImageIdentifier{{ImageDigest: aws.String(digest)}}})
		if ecrtest.IsException[*types.ImageNotFoundException](err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return append([]string{}, out.ImageDetails[0].ImageTags...)
	}
	d := ecrtest.DigestOf(t, img)

	if out := del(types.ImageIdentifier{ImageTag: aws.String("a")}); len(out.ImageIds) != 1 || !slices.Equal(tags(d), []string{"b", "c"}) {
		t.Fatalf("untag a: %+v, tags %v", out, tags(d))
	}
	out := del(types.ImageIdentifier{ImageDigest: aws.String(child)}, types.ImageIdentifier{ImageTag: aws.String("nope")})
	if len(out.ImageIds) != 0 || len(out.Failures) != 2 || out.Failures[0].FailureCode != types.ImageFailureCodeImageReferencedByManifestList ||
		aws.ToString(out.Failures[0].FailureReason) != "Requested image referenced by manifest list: ["+ecrtest.DigestOf(t, idx)+"]" ||
		out.Failures[1].FailureCode != types.ImageFailureCodeImageNotFound {
		t.Fatalf("child of an index: %+v", out.Failures)
	}
	if out := del(types.ImageIdentifier{ImageDigest: aws.String(d)}); len(out.ImageIds) != 2 || tags(d) != nil {
		t.Fatalf("by digest: %+v; image still has %v", out.ImageIds, tags(d))
	}
	// The index goes by its last tag, which frees its children in the same call.
	out = del(types.ImageIdentifier{ImageTag: aws.String("multi")}, types.ImageIdentifier{ImageDigest: aws.String(child)})
	if len(out.ImageIds) != 2 || len(out.Failures) != 0 {
		t.Fatalf("index then child: %+v %+v", out.ImageIds, out.Failures)
	}
	if _, err := remote.Image(inst.Ref("del@"+child), inst.Remote()...); err == nil {
		t.Fatal("deleted child still pullable")
	}
	_, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("del"), ImageIds: []types.ImageIdentifier{}})
	if !ecrtest.IsException[*types.InvalidParameterException](err) {
		t.Fatalf("empty imageIds: got %v", err)
	}
}
