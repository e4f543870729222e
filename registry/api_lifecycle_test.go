package registry_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// untaggedOld is the CLI's put-lifecycle-policy example
// (aws-cli awscli/examples/ecr/put-lifecycle-policy.rst) and
// untaggedOldStored what ECR answers for it.
const (
	untaggedOld = `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire images older than 14 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`
	untaggedOldStored = `{"rules":[{"rulePriority":1,"description":"Expire images older than 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`
)

func lifecycleInvalidErr(reason string) *types.InvalidParameterException {
	return ecrtest.InvalidParamErr("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: " + reason + "'")
}

func TestLifecyclePolicy(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("lc/crud")
	client := inst.ECR()
	repo := aws.String("lc/crud")
	notFound := &types.LifecyclePolicyNotFoundException{Message: aws.String(
		"Lifecycle policy does not exist for the repository with name 'lc/crud' in the registry with id '000000000000'")}

	_, err := client.GetLifecyclePolicy(t.Context(), &ecr.GetLifecyclePolicyInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, notFound)
	_, err = client.DeleteLifecyclePolicy(t.Context(), &ecr.DeleteLifecyclePolicyInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, notFound)

	put, err := client.PutLifecyclePolicy(t.Context(), &ecr.PutLifecyclePolicyInput{RepositoryName: repo, LifecyclePolicyText: aws.String(untaggedOld)})
	if err != nil || aws.ToString(put.LifecyclePolicyText) != untaggedOldStored || aws.ToString(put.RegistryId) != "000000000000" {
		t.Fatalf("PutLifecyclePolicy: %v %+v", err, put)
	}
	got, err := client.GetLifecyclePolicy(t.Context(), &ecr.GetLifecyclePolicyInput{RepositoryName: repo})
	if err != nil || aws.ToString(got.LifecyclePolicyText) != untaggedOldStored {
		t.Fatalf("GetLifecyclePolicy: %v %+v", err, got)
	}
	// Never evaluated: the epoch, as the CLI prints ("lastEvaluatedAt": 0.0).
	if got.LastEvaluatedAt == nil || !got.LastEvaluatedAt.Equal(time.Unix(0, 0)) {
		t.Fatalf("lastEvaluatedAt %v, want 0", got.LastEvaluatedAt)
	}
	del, err := client.DeleteLifecyclePolicy(t.Context(), &ecr.DeleteLifecyclePolicyInput{RepositoryName: repo})
	if err != nil || aws.ToString(del.LifecyclePolicyText) != untaggedOldStored || del.LastEvaluatedAt == nil {
		t.Fatalf("DeleteLifecyclePolicy: %v %+v", err, del)
	}
	_, err = client.GetLifecyclePolicy(t.Context(), &ecr.GetLifecyclePolicyInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, notFound)
}

func TestPutLifecyclePolicyErrors(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("lc/bad")
	client := inst.ECR()
	rule := func(sel string) string {
		return `{"rules":[{"rulePriority":1,"selection":{` + sel + `},"action":{"type":"expire"}}]}`
	}
	tests := []struct {
		name    string
		repo    string
		text    string
		wantErr smithy.APIError
	}{
		{name: "too short", repo: "lc/bad", text: `{"rules":[]}`,
			wantErr: ecrtest.InvalidParamErr("Invalid parameter at 'lifecyclePolicyText' failed to satisfy constraint: 'Member must have length greater than or equal to 100'")},
		{name: "not JSON", repo: "lc/bad", text: strings.Repeat("x", 100), wantErr: lifecycleInvalidErr("Could not map policyString into LifecyclePolicy.")},
		{name: "countUnit with a count", repo: "lc/bad", text: rule(`"tagStatus":"untagged","countType":"imageCountMoreThan","countUnit":"days","countNumber":5`),
			wantErr: lifecycleInvalidErr("instance failed to match exactly one schema (matched 0 out of 2)")},
		{name: "tagged without tags", repo: "lc/bad", text: rule(`"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":5`),
			wantErr: lifecycleInvalidErr("Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.")},
		{name: "zero count", repo: "lc/bad", text: rule(`"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":0`),
			wantErr: lifecycleInvalidErr("numeric instance is lower than the required minimum (minimum: 1, found: 0)")},
		{name: "missing repository", repo: "lc/nope", text: untaggedOld, wantErr: repoNotFoundErr("lc/nope", "000000000000")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.PutLifecyclePolicy(t.Context(), &ecr.PutLifecyclePolicyInput{
				RepositoryName: aws.String(tc.repo), LifecyclePolicyText: aws.String(tc.text)})
			ecrtest.WantECRErr(t, err, tc.wantErr)
			_, err = client.StartLifecyclePolicyPreview(t.Context(), &ecr.StartLifecyclePolicyPreviewInput{
				RepositoryName: aws.String(tc.repo), LifecyclePolicyText: aws.String(tc.text)})
			ecrtest.WantECRErr(t, err, tc.wantErr)
		})
	}
}

// previewPolicy keeps one prod image, expires untagged images older than
// two days, and keeps the three newest of everything else.
const previewPolicy = `{"rules": [
	{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["prod"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
	{"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 2}, "action": {"type": "expire"}},
	{"rulePriority": 10, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 3}, "action": {"type": "expire"}}
]}`

// lcPush pushes a random image to repo, under tag if there is one and by
// digest otherwise, and returns its digest.
func lcPush(t *testing.T, inst *instance, repo, tag string) string {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	ref := repo + "@" + d.String()
	if tag != "" {
		ref = repo + ":" + tag
	}
	if err := remote.Write(inst.Ref(ref), img, inst.Remote()...); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	return d.String()
}

func TestLifecyclePolicyPreview(t *testing.T) {
	t.Parallel()
	// Three days from now, every image pushed by the test is three days old.
	inst := start(t, registry.Config{
		Now: func() time.Time { return time.Now().Add(72 * time.Hour) },
	})
	inst.CreateRepository("lc/app")
	client := inst.ECR()
	repo := aws.String("lc/app")
	start := time.Now()
	p1 := lcPush(t, inst, "lc/app", "prod-1")
	d1 := lcPush(t, inst, "lc/app", "dev-1")
	u1 := lcPush(t, inst, "lc/app", "")
	p2 := lcPush(t, inst, "lc/app", "prod-2")
	u2 := lcPush(t, inst, "lc/app", "")
	d2 := lcPush(t, inst, "lc/app", "dev-2")
	_, _ = p2, d2

	_, err := client.GetLifecyclePolicyPreview(t.Context(), &ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, &types.LifecyclePolicyPreviewNotFoundException{})

	started, err := client.StartLifecyclePolicyPreview(t.Context(), &ecr.StartLifecyclePolicyPreviewInput{
		RepositoryName: repo, LifecyclePolicyText: aws.String(previewPolicy)})
	if err != nil || started.Status != types.LifecyclePolicyPreviewStatusInProgress || aws.ToString(started.LifecyclePolicyText) != previewPolicy {
		t.Fatalf("StartLifecyclePolicyPreview: %v %+v", err, started)
	}
	out, err := ecr.NewLifecyclePolicyPreviewCompleteWaiter(client).WaitForOutput(t.Context(),
		&ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo}, time.Minute)
	if err != nil {
		t.Fatalf("waiting for the preview: %v", err)
	}
	// Rule 1 keeps prod-2 and expires prod-1; rule 2 expires both untagged
	// images; rule 10 keeps the three newest images (dev-2, u2, prod-2) and
	// expires what no higher rule selected: dev-1.
	want := []string{p1 + "@1", d1 + "@10", u1 + "@2", u2 + "@2"}
	if got := previewDigests(out.PreviewResults); !slices.Equal(got, want) {
		t.Fatalf("preview expires %v\nwant %v", got, want)
	}
	if out.Status != types.LifecyclePolicyPreviewStatusComplete || aws.ToInt32(out.Summary.ExpiringImageTotalCount) != 4 ||
		aws.ToString(out.LifecyclePolicyText) != previewPolicy {
		t.Fatalf("preview status %s, summary %+v, text %q", out.Status, out.Summary, aws.ToString(out.LifecyclePolicyText))
	}
	for _, r := range out.PreviewResults {
		if r.Action == nil || r.Action.Type != types.ImageActionTypeExpire || r.ImagePushedAt == nil ||
			r.ImagePushedAt.Before(start.Add(-time.Second)) || r.ImagePushedAt.After(time.Now().Add(time.Second)) {
			t.Fatalf("result %s: action %+v pushed at %v", aws.ToString(r.ImageDigest), r.Action, r.ImagePushedAt)
		}
	}
	if tags := out.PreviewResults[0].ImageTags; !slices.Equal(tags, []string{"prod-1"}) {
		t.Fatalf("prod-1's result has tags %v", tags)
	}
	checkPreviewQueries(t, client, want)
}

// checkPreviewQueries reads the preview of lc/app through its filter,
// imageIds and pages; want is the whole result.
func checkPreviewQueries(t *testing.T, client *ecr.Client, want []string) {
	repo := aws.String("lc/app")
	get := func(in *ecr.GetLifecyclePolicyPreviewInput) *ecr.GetLifecyclePolicyPreviewOutput {
		t.Helper()
		in.RepositoryName = repo
		out, err := client.GetLifecyclePolicyPreview(t.Context(), in)
		if err != nil {
			t.Fatalf("GetLifecyclePolicyPreview: %v", err)
		}
		return out
	}
	untagged := get(&ecr.GetLifecyclePolicyPreviewInput{Filter: &types.LifecyclePolicyPreviewFilter{TagStatus: types.TagStatusUntagged}})
	if got := previewDigests(untagged.PreviewResults); !slices.Equal(got, want[2:]) || aws.ToInt32(untagged.Summary.ExpiringImageTotalCount) != 4 {
		t.Fatalf("UNTAGGED filter: %v, want %v", got, want[2:])
	}
	byID := get(&ecr.GetLifecyclePolicyPreviewInput{ImageIds: []types.ImageIdentifier{
		{ImageTag: aws.String("prod-1")}, {ImageDigest: aws.String(strings.TrimSuffix(want[3], "@2"))}, {ImageTag: aws.String("dev-2")},
	}})
	if got := previewDigests(byID.PreviewResults); !slices.Equal(got, []string{want[0], want[3]}) {
		t.Fatalf("imageIds: %v", got)
	}
	var pages [][]string
	for token := (*string)(nil); ; {
		page := get(&ecr.GetLifecyclePolicyPreviewInput{MaxResults: aws.Int32(3), NextToken: token})
		pages = append(pages, previewDigests(page.PreviewResults))
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(pages) != 2 || !slices.Equal(slices.Concat(pages...), want) {
		t.Fatalf("pages of 3: %v", pages)
	}
}

func previewDigests(results []types.LifecyclePolicyPreviewResult) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = aws.ToString(r.ImageDigest) + "@" + strconv.Itoa(int(aws.ToInt32(r.AppliedRulePriority)))
	}
	return out
}

func TestLifecyclePolicyPreviewErrors(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("lc/stored")
	client := inst.ECR()
	repo := aws.String("lc/stored")
	u1 := lcPush(t, inst, "lc/stored", "")
	u2 := lcPush(t, inst, "lc/stored", "")

	// Without a text, the preview needs the repository's own policy.
	_, err := client.StartLifecyclePolicyPreview(t.Context(), &ecr.StartLifecyclePolicyPreviewInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, &types.LifecyclePolicyNotFoundException{Message: aws.String(
		"Lifecycle policy does not exist for the repository with name 'lc/stored' in the registry with id '000000000000'")})
	keepOne := `{"rules":[{"rulePriority":1,"description":"Keep only one untagged image, expire all others","selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`
	if _, err := client.PutLifecyclePolicy(t.Context(), &ecr.PutLifecyclePolicyInput{RepositoryName: repo, LifecyclePolicyText: aws.String(keepOne)}); err != nil {
		t.Fatalf("PutLifecyclePolicy: %v", err)
	}
	started, err := client.StartLifecyclePolicyPreview(t.Context(), &ecr.StartLifecyclePolicyPreviewInput{RepositoryName: repo})
	if err != nil || aws.ToString(started.LifecyclePolicyText) != keepOne {
		t.Fatalf("StartLifecyclePolicyPreview with the stored policy: %v %+v", err, started)
	}
	out, err := client.GetLifecyclePolicyPreview(t.Context(), &ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo})
	if err != nil {
		t.Fatalf("GetLifecyclePolicyPreview: %v", err)
	}
	if got := previewDigests(out.PreviewResults); !slices.Equal(got, []string{u1 + "@1"}) {
		t.Fatalf("keep one untagged of %s, %s: preview expires %v", u1, u2, got)
	}

	tests := []struct {
		name    string
		in      ecr.GetLifecyclePolicyPreviewInput
		wantErr smithy.APIError
	}{
		{name: "maxResults above 100", in: ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo, MaxResults: aws.Int32(101)},
			wantErr: ecrtest.InvalidParamErr("Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 100'")},
		{name: "maxResults with imageIds", in: ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo, MaxResults: aws.Int32(5),
			ImageIds: []types.ImageIdentifier{{ImageDigest: aws.String(u1)}}}, wantErr: &types.InvalidParameterException{}},
		{name: "bad nextToken", in: ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo, NextToken: aws.String("!!")},
			wantErr: ecrtest.InvalidParamErr("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")},
		{name: "bad filter", in: ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo, Filter: &types.LifecyclePolicyPreviewFilter{TagStatus: "SOME"}},
			wantErr: ecrtest.InvalidParamErr("Invalid parameter at 'filter.tagStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'")},
		{name: "missing repository", in: ecr.GetLifecyclePolicyPreviewInput{RepositoryName: aws.String("lc/nope")}, wantErr: repoNotFoundErr("lc/nope", "000000000000")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.GetLifecyclePolicyPreview(t.Context(), &tc.in)
			ecrtest.WantECRErr(t, err, tc.wantErr)
		})
	}

}

// A preview belongs to the repository it was run on, not to a new
// repository of the same name.
func TestLifecyclePreviewOfRecreatedRepository(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("lc/again")
	client := inst.ECR()
	repo := aws.String("lc/again")
	if _, err := client.StartLifecyclePolicyPreview(t.Context(), &ecr.StartLifecyclePolicyPreviewInput{
		RepositoryName: repo, LifecyclePolicyText: aws.String(untaggedOld)}); err != nil {
		t.Fatalf("StartLifecyclePolicyPreview: %v", err)
	}
	if _, err := client.GetLifecyclePolicyPreview(t.Context(), &ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo}); err != nil {
		t.Fatalf("GetLifecyclePolicyPreview: %v", err)
	}
	if _, err := client.DeleteRepository(t.Context(), &ecr.DeleteRepositoryInput{RepositoryName: repo}); err != nil {
		t.Fatalf("DeleteRepository: %v", err)
	}
	inst.CreateRepository("lc/again")
	_, err := client.GetLifecyclePolicyPreview(t.Context(), &ecr.GetLifecyclePolicyPreviewInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, &types.LifecyclePolicyPreviewNotFoundException{})
}
