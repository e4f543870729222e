package registry_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/ecrlink/ecrlink/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	godigest "github.com/opencontainers/go-digest"
)

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// uploadLayer pushes data through InitiateLayerUpload, UploadLayerPart
// (parts of partSize bytes) and CompleteLayerUpload, as the ECR proxy
// does, and returns its digest.
func uploadLayer(t *testing.T, c *ecr.Client, repo string, data []byte, partSize int) string {
	t.Helper()
	ctx := context.Background()
	init, err := c.InitiateLayerUpload(ctx, &ecr.InitiateLayerUploadInput{RepositoryName: aws.String(repo)})
	if err != nil {
		t.Fatalf("InitiateLayerUpload: %v", err)
	}
	for first := 0; first < len(data); first += partSize {
		last := min(first+partSize, len(data)) - 1
		out, err := c.UploadLayerPart(ctx, &ecr.UploadLayerPartInput{
			RepositoryName: aws.String(repo), UploadId: init.UploadId, LayerPartBlob: data[first : last+1],
			PartFirstByte: aws.Int64(int64(first)), PartLastByte: aws.Int64(int64(last)),
		})
		if err != nil {
			t.Fatalf("UploadLayerPart %d-%d: %v", first, last, err)
		}
		if aws.ToInt64(out.LastByteReceived) != int64(last) {
			t.Fatalf("lastByteReceived %d, want %d", aws.ToInt64(out.LastByteReceived), last)
		}
	}
	d := godigest.FromBytes(data).String()
	out, err := c.CompleteLayerUpload(ctx, &ecr.CompleteLayerUploadInput{
		RepositoryName: aws.String(repo), UploadId: init.UploadId, LayerDigests: []string{d}})
	if err != nil {
		t.Fatalf("CompleteLayerUpload: %v", err)
	}
	if aws.ToString(out.LayerDigest) != d {
		t.Fatalf("layerDigest %s, want %s", aws.ToString(out.LayerDigest), d)
	}
	return d
}

// pushThroughLayerAPI uploads img's config and layers and puts its
// manifest under tag, all through the ECR API.
func pushThroughLayerAPI(t *testing.T, c *ecr.Client, repo string, img v1.Image, tag string) {
	t.Helper()
	cfg, err := img.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	uploadLayer(t, c, repo, cfg, 10<<20)
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		uploadLayer(t, c, repo, data, 10<<20)
	}
	manifest, err := img.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutImage(context.Background(), &ecr.PutImageInput{
		RepositoryName: aws.String(repo), ImageTag: aws.String(tag), ImageManifest: aws.String(string(manifest))})
	if err != nil {
		t.Fatalf("PutImage: %v", err)
	}
}

// TestLayerAPIPushIsPullable is the cross-path proof: an image pushed the
// way the ECR proxy pushes is pulled intact by go-containerregistry, and
// each layer's download URL serves its bytes.
func TestLayerAPIPushIsPullable(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("proxy/app")
	c := inst.ECR()
	img, err := random.Image(4096, 3)
	if err != nil {
		t.Fatal(err)
	}
	pushThroughLayerAPI(t, c, "proxy/app", img, "v1")
	got, err := remote.Image(inst.Ref("proxy/app:v1"), inst.Remote()...)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	want, _ := img.Digest()
	if d, _ := got.Digest(); d != want {
		t.Fatalf("pulled %s, pushed %s", d, want)
	}
	layers, _ := got.Layers()
	for _, l := range layers {
		rc, err := l.Compressed() // go-containerregistry verifies the digest on read
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("layer: %v", err)
		}
		rc.Close()
		ld, _ := l.Digest()
		if body := followDownloadURL(t, inst, "proxy/app", ld.String()); godigest.FromBytes(body).String() != ld.String() {
			t.Fatalf("download URL of %s served other bytes", ld)
		}
	}
}

// followDownloadURL asks GetDownloadUrlForLayer and GETs the URL with the
// registry credentials.
func followDownloadURL(t *testing.T, inst *instance, repo, digest string) []byte {
	t.Helper()
	out, err := inst.ECR().GetDownloadUrlForLayer(context.Background(), &ecr.GetDownloadUrlForLayerInput{
		RepositoryName: aws.String(repo), LayerDigest: aws.String(digest)})
	if err != nil {
		t.Fatalf("GetDownloadUrlForLayer: %v", err)
	}
	if aws.ToString(out.LayerDigest) != digest {
		t.Fatalf("layerDigest %s, want %s", aws.ToString(out.LayerDigest), digest)
	}
	req, _ := http.NewRequest(http.MethodGet, aws.ToString(out.DownloadUrl), nil)
	cred, _ := inst.Auth().Authorization()
	req.SetBasicAuth(cred.Username, cred.Password)
	resp, err := inst.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", aws.ToString(out.DownloadUrl), resp.StatusCode, body)
	}
	return body
}

func TestLayerUploadInParts(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("parts")
	c := inst.ECR()
	data := randomBytes(t, 11<<20) // 5 MiB + 5 MiB + 1 MiB
	d := uploadLayer(t, c, "parts", data, 5<<20)
	out, err := c.BatchCheckLayerAvailability(context.Background(), &ecr.BatchCheckLayerAvailabilityInput{
		RepositoryName: aws.String("parts"), LayerDigests: []string{d}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Layers) != 1 || aws.ToInt64(out.Layers[0].LayerSize) != int64(len(data)) ||
		out.Layers[0].LayerAvailability != types.LayerAvailabilityAvailable {
		t.Fatalf("got %+v, want one AVAILABLE layer of %d bytes", out.Layers, len(data))
	}
}

func TestUploadLayerPartErrors(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("parts")
	c := inst.ECR()
	ctx := context.Background()
	init, err := c.InitiateLayerUpload(ctx, &ecr.InitiateLayerUploadInput{RepositoryName: aws.String("parts")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(init.PartSize) != 10485760 {
		t.Fatalf("partSize %d, want 10485760", aws.ToInt64(init.PartSize))
	}
	if _, err := c.UploadLayerPart(ctx, &ecr.UploadLayerPartInput{RepositoryName: aws.String("parts"), UploadId: init.UploadId,
		LayerPartBlob: []byte("0123456789"), PartFirstByte: aws.Int64(0), PartLastByte: aws.Int64(9)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		repo        string
		uploadID    *string
		first, last int64
		blob        []byte
		want        func(error) bool
	}{
		{"gap after the last byte", "parts", init.UploadId, 11, 12, []byte("ab"), ecrtest.IsException[*types.InvalidLayerPartException]},
		{"overlap", "parts", init.UploadId, 5, 6, []byte("ab"), ecrtest.IsException[*types.InvalidLayerPartException]},
		{"length disagrees with range", "parts", init.UploadId, 10, 20, []byte("ab"), ecrtest.IsException[*types.InvalidLayerPartException]},
		{"unknown upload", "parts", aws.String("6cb64b8a-9378-0e33-2ab1-b780fab8a9e9"), 0, 1, []byte("ab"), ecrtest.IsException[*types.UploadNotFoundException]},
		{"upload of another repository", "other", init.UploadId, 10, 11, []byte("ab"), ecrtest.IsException[*types.UploadNotFoundException]},
		{"malformed upload id", "parts", aws.String("not-a-uuid"), 10, 11, []byte("ab"), ecrtest.IsException[*types.InvalidParameterException]},
		{"negative first byte", "parts", init.UploadId, -1, 0, []byte("a"), ecrtest.IsException[*types.InvalidParameterException]},
		{"part over 20 MiB", "parts", init.UploadId, 10, 10 + 20<<20, make([]byte, 20<<20+1), ecrtest.IsException[*types.InvalidParameterException]},
		{"missing repository", "nope", init.UploadId, 10, 11, []byte("ab"), ecrtest.IsException[*types.RepositoryNotFoundException]},
	}
	inst.CreateRepository("other")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.UploadLayerPart(ctx, &ecr.UploadLayerPartInput{RepositoryName: aws.String(tc.repo), UploadId: tc.uploadID,
				LayerPartBlob: tc.blob, PartFirstByte: aws.Int64(tc.first), PartLastByte: aws.Int64(tc.last)})
			if !tc.want(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
	_, err = c.UploadLayerPart(ctx, &ecr.UploadLayerPartInput{RepositoryName: aws.String("parts"), UploadId: init.UploadId,
		LayerPartBlob: []byte("ab"), PartFirstByte: aws.Int64(20), PartLastByte: aws.Int64(21)})
	var ip *types.InvalidLayerPartException
	if !errors.As(err, &ip) || aws.ToInt64(ip.LastValidByteReceived) != 9 || aws.ToString(ip.UploadId) != aws.ToString(init.UploadId) {
		t.Fatalf("got %v, want InvalidLayerPartException with lastValidByteReceived 9", err)
	}
}

func TestCompleteLayerUploadErrors(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("complete")
	c := inst.ECR()
	ctx := context.Background()
	existing := uploadLayer(t, c, "complete", []byte("already here"), 1<<20)
	// start opens an upload and sends parts of the given sizes.
	start := func(t *testing.T, parts ...[]byte) *string {
		init, err := c.InitiateLayerUpload(ctx, &ecr.InitiateLayerUploadInput{RepositoryName: aws.String("complete")})
		if err != nil {
			t.Fatal(err)
		}
		var off int64
		for _, p := range parts {
			_, err := c.UploadLayerPart(ctx, &ecr.UploadLayerPartInput{RepositoryName: aws.String("complete"), UploadId: init.UploadId,
				LayerPartBlob: p, PartFirstByte: aws.Int64(off), PartLastByte: aws.Int64(off + int64(len(p)) - 1)})
			if err != nil {
				t.Fatal(err)
			}
			off += int64(len(p))
		}
		return init.UploadId
	}
	small := []byte("small part")
	tests := []struct {
		name    string
		parts   [][]byte
		digests func(content []byte) []string
		want    func(error) bool
	}{
		{"no parts", nil, func([]byte) []string { return []string{godigest.FromString("x").String()} }, ecrtest.IsException[*types.EmptyUploadException]},
		{"wrong digest", [][]byte{small}, func([]byte) []string { return []string{godigest.FromString("other").String()} }, ecrtest.IsException[*types.InvalidLayerException]},
		{"layer already exists", [][]byte{[]byte("already here")}, func([]byte) []string { return []string{existing} }, ecrtest.IsException[*types.LayerAlreadyExistsException]},
		{"short part before the last", [][]byte{small, small}, func(b []byte) []string { return []string{godigest.FromBytes(b).String()} }, ecrtest.IsException[*types.LayerPartTooSmallException]},
		{"two digests", [][]byte{small}, func(b []byte) []string { return []string{godigest.FromBytes(b).String(), existing} }, ecrtest.IsException[*types.InvalidParameterException]},
		{"malformed digest", [][]byte{small}, func([]byte) []string { return []string{"sha256:xyz"} }, ecrtest.IsException[*types.InvalidParameterException]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := start(t, tc.parts...)
			_, err := c.CompleteLayerUpload(ctx, &ecr.CompleteLayerUploadInput{RepositoryName: aws.String("complete"),
				UploadId: id, LayerDigests: tc.digests(bytes.Join(tc.parts, nil))})
			if !tc.want(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("unknown upload", func(t *testing.T) {
		t.Parallel()
		_, err := c.CompleteLayerUpload(ctx, &ecr.CompleteLayerUploadInput{RepositoryName: aws.String("complete"),
			UploadId: aws.String("6cb64b8a-9378-0e33-2ab1-b780fab8a9e9"), LayerDigests: []string{existing}})
		if !ecrtest.IsException[*types.UploadNotFoundException](err) {
			t.Fatalf("got %v, want UploadNotFoundException", err)
		}
	})
	t.Run("retry after a wrong digest", func(t *testing.T) {
		t.Parallel()
		id := start(t, small)
		in := &ecr.CompleteLayerUploadInput{RepositoryName: aws.String("complete"), UploadId: id,
			LayerDigests: []string{godigest.FromString("other").String()}}
		if _, err := c.CompleteLayerUpload(ctx, in); !ecrtest.IsException[*types.InvalidLayerException](err) {
			t.Fatalf("got %v, want InvalidLayerException", err)
		}
		in.LayerDigests = []string{godigest.FromBytes(small).String()}
		if _, err := c.CompleteLayerUpload(ctx, in); err != nil {
			t.Fatalf("retry with the right digest: %v", err)
		}
	})
}

func TestBatchCheckLayerAvailability(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("check")
	img, _ := random.Image(256, 1)
	if err := remote.Write(inst.Ref("check:v1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	m, _ := img.Manifest()
	missing := godigest.FromString("missing").String()
	out, err := inst.ECR().BatchCheckLayerAvailability(context.Background(), &ecr.BatchCheckLayerAvailabilityInput{
		RepositoryName: aws.String("check"),
		LayerDigests:   []string{m.Config.Digest.String(), m.Layers[0].Digest.String(), missing, "not-a-digest"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Layers) != 2 {
		t.Fatalf("layers %+v, want config and layer", out.Layers)
	}
	for i, want := range []v1.Descriptor{m.Config, m.Layers[0]} {
		l := out.Layers[i]
		if aws.ToString(l.LayerDigest) != want.Digest.String() || aws.ToInt64(l.LayerSize) != want.Size ||
			aws.ToString(l.MediaType) != string(want.MediaType) || l.LayerAvailability != types.LayerAvailabilityAvailable {
			t.Errorf("layer %d = %+v, want %s %d %s AVAILABLE", i, l, want.Digest, want.Size, want.MediaType)
		}
	}
	wantFailures := map[string]types.LayerFailureCode{missing: types.LayerFailureCodeMissingLayerDigest, "not-a-digest": types.LayerFailureCodeInvalidLayerDigest}
	if len(out.Failures) != 2 {
		t.Fatalf("failures %+v, want 2", out.Failures)
	}
	for _, f := range out.Failures {
		if wantFailures[aws.ToString(f.LayerDigest)] != f.FailureCode || aws.ToString(f.FailureReason) == "" {
			t.Errorf("failure %+v", f)
		}
	}
	tests := []struct {
		name    string
		repo    string
		digests []string
		want    func(error) bool
	}{
		{"empty list", "check", []string{}, ecrtest.IsException[*types.InvalidParameterException]},
		{"101 digests", "check", make([]string, 101), ecrtest.IsException[*types.InvalidParameterException]},
		{"digest over 1000 characters", "check", []string{"sha256:" + strings.Repeat("a", 1000)}, ecrtest.IsException[*types.InvalidParameterException]},
		{"missing repository", "nope", []string{missing}, ecrtest.IsException[*types.RepositoryNotFoundException]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := inst.ECR().BatchCheckLayerAvailability(context.Background(), &ecr.BatchCheckLayerAvailabilityInput{
				RepositoryName: aws.String(tc.repo), LayerDigests: tc.digests})
			if !tc.want(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestGetDownloadURLForLayer(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("dl")
	img, _ := random.Image(512, 1)
	if err := remote.Write(inst.Ref("dl:v1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	m, _ := img.Manifest()
	config, _ := img.RawConfigFile()
	if body := followDownloadURL(t, inst, "dl", m.Config.Digest.String()); !bytes.Equal(body, config) {
		t.Fatalf("config served as %q", body)
	}
	unreferenced := uploadLayer(t, inst.ECR(), "dl", []byte("uploaded, never put in an image"), 1<<20)
	tests := []struct {
		name, repo, digest string
		want               func(error) bool
		message            string
	}{
		{name: "missing layer", repo: "dl", digest: godigest.FromString("x").String(), want: ecrtest.IsException[*types.LayersNotFoundException],
			message: "The layer with digest '" + godigest.FromString("x").String() + "' does not exist within the repository with name 'dl' in the registry with id '000000000000'"},
		{name: "layer in no image", repo: "dl", digest: unreferenced, want: ecrtest.IsException[*types.LayerInaccessibleException]},
		{name: "malformed digest", repo: "dl", digest: "sha256", want: ecrtest.IsException[*types.InvalidParameterException]},
		{name: "missing repository", repo: "nope", digest: m.Config.Digest.String(), want: ecrtest.IsException[*types.RepositoryNotFoundException]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := inst.ECR().GetDownloadUrlForLayer(context.Background(), &ecr.GetDownloadUrlForLayerInput{
				RepositoryName: aws.String(tc.repo), LayerDigest: aws.String(tc.digest)})
			if !tc.want(err) {
				t.Fatalf("got %v", err)
			}
			if tc.message != "" {
				if got := ecrtest.ExceptionMessage[*types.LayersNotFoundException](t, err); got != tc.message {
					t.Fatalf("message %q, want %q", got, tc.message)
				}
			}
		})
	}
}
