package registry_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/registry"
)

func repoNotFoundErr(name, registry string) *types.RepositoryNotFoundException {
	return &types.RepositoryNotFoundException{Message: aws.String(
		"The repository with name '" + name + "' does not exist in the registry with id '" + registry + "'")}
}

func TestPutImageTagMutabilitySetting(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("settings/app")
	client := inst.ECR()
	filters := []types.ImageTagMutabilityExclusionFilter{{Filter: aws.String("latest*"), FilterType: types.ImageTagMutabilityExclusionFilterTypeWildcard}}
	tests := []struct {
		name    string
		repo    string
		value   types.ImageTagMutability
		filters []types.ImageTagMutabilityExclusionFilter
		wantErr smithy.APIError
	}{
		{name: "immutable", repo: "settings/app", value: types.ImageTagMutabilityImmutable},
		{name: "immutable with exclusion", repo: "settings/app", value: types.ImageTagMutabilityImmutableWithExclusion, filters: filters},
		{name: "back to mutable", repo: "settings/app", value: types.ImageTagMutabilityMutable},
		{name: "unknown value", repo: "settings/app", value: "SOMETIMES", wantErr: ecrtest.InvalidParamErr(
			"Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]'")},
		{name: "filters need an exclusion mode", repo: "settings/app", value: types.ImageTagMutabilityMutable, filters: filters, wantErr: ecrtest.InvalidParamErr(
			"Image tag mutability exclusion filters can only be provided when imageTagMutability is IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.")},
		{name: "missing repository", repo: "settings/nope", value: types.ImageTagMutabilityImmutable, wantErr: repoNotFoundErr("settings/nope", "000000000000")},
		{name: "bad repository name", repo: "Bad", value: types.ImageTagMutabilityImmutable, wantErr: &types.InvalidParameterException{}},
	}
	for _, tc := range tests { // sequential: the cases share one repository
		out, err := client.PutImageTagMutability(t.Context(), &ecr.PutImageTagMutabilityInput{
			RepositoryName: aws.String(tc.repo), ImageTagMutability: tc.value, ImageTagMutabilityExclusionFilters: tc.filters,
		})
		if tc.wantErr != nil {
			ecrtest.WantECRErr(t, err, tc.wantErr)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.ImageTagMutability != tc.value || aws.ToString(out.RepositoryName) != tc.repo ||
			aws.ToString(out.RegistryId) != "000000000000" || len(out.ImageTagMutabilityExclusionFilters) != len(tc.filters) {
			t.Fatalf("%s: output %+v", tc.name, out)
		}
		desc, err := client.DescribeRepositories(t.Context(), &ecr.DescribeRepositoriesInput{RepositoryNames: []string{tc.repo}})
		if err != nil || desc.Repositories[0].ImageTagMutability != tc.value {
			t.Fatalf("%s: DescribeRepositories after the change: %v %+v", tc.name, err, desc)
		}
	}
}

func TestPutImageScanningConfiguration(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("scan/app")
	client := inst.ECR()
	for _, on := range []bool{true, false} {
		out, err := client.PutImageScanningConfiguration(t.Context(), &ecr.PutImageScanningConfigurationInput{
			RepositoryName: aws.String("scan/app"), ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: on},
		})
		if err != nil || out.ImageScanningConfiguration.ScanOnPush != on || aws.ToString(out.RepositoryName) != "scan/app" {
			t.Fatalf("scanOnPush=%v: %v %+v", on, err, out)
		}
		desc, err := client.DescribeRepositories(t.Context(), &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"scan/app"}})
		if err != nil || desc.Repositories[0].ImageScanningConfiguration.ScanOnPush != on {
			t.Fatalf("scanOnPush=%v not described: %v", on, err)
		}
	}
	_, err := client.PutImageScanningConfiguration(t.Context(), &ecr.PutImageScanningConfigurationInput{
		RepositoryName: aws.String("scan/nope"), ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: true},
	})
	ecrtest.WantECRErr(t, err, repoNotFoundErr("scan/nope", "000000000000"))
}

func TestResourceTags(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("tags/app")
	client := inst.ECR()
	arn := "arn:aws:ecr:us-east-1:000000000000:repository/tags/app"
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	list := func() []string {
		t.Helper()
		out, err := client.ListTagsForResource(t.Context(), &ecr.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("ListTagsForResource: %v", err)
		}
		var kv []string
		for _, t := range out.Tags {
			kv = append(kv, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
		}
		slices.Sort(kv)
		return kv
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("new repository has tags %v", got)
	}
	if _, err := client.TagResource(t.Context(), &ecr.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{tag("team", "a"), tag("stage", "dev")}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if _, err := client.TagResource(t.Context(), &ecr.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{tag("stage", "prod")}}); err != nil {
		t.Fatalf("TagResource again: %v", err)
	}
	if got, want := list(), []string{"stage=prod", "team=a"}; !slices.Equal(got, want) {
		t.Fatalf("tags %v, want %v (a tag key is set, not added twice)", got, want)
	}
	if _, err := client.UntagResource(t.Context(), &ecr.UntagResourceInput{ResourceArn: aws.String(arn),
		TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	if got, want := list(), []string{"stage=prod"}; !slices.Equal(got, want) {
		t.Fatalf("tags %v after untag, want %v", got, want)
	}
}

func TestResourceTagErrors(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("tags/full")
	client := inst.ECR()
	const arn = "arn:aws:ecr:us-east-1:000000000000:repository/tags/full"
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = types.Tag{Key: aws.String("k" + strings.Repeat("x", i)), Value: aws.String("v")}
	}
	tests := []struct {
		name    string
		arn     string
		tags    []types.Tag
		wantErr smithy.APIError
	}{
		{name: "not an ARN", arn: "tags/full", wantErr: ecrtest.InvalidParamErr("The ARN provided is invalid.")},
		{name: "not a repository ARN", arn: "arn:aws:s3:::bucket", wantErr: ecrtest.InvalidParamErr("The ARN provided is invalid.")},
		{name: "another region", arn: "arn:aws:ecr:eu-west-1:000000000000:repository/tags/full", wantErr: ecrtest.InvalidParamErr("The ARN provided is invalid.")},
		{name: "missing repository", arn: "arn:aws:ecr:us-east-1:000000000000:repository/tags/nope", wantErr: repoNotFoundErr("tags/nope", "000000000000")},
		// Another account's repository is a cross-account request: with no
		// repository policy there, it is denied before anything is looked up.
		{name: "another account", arn: "arn:aws:ecr:us-east-1:111122223333:repository/tags/full", wantErr: &smithy.GenericAPIError{Code: "AccessDeniedException"}},
		{name: "reserved prefix", arn: arn, tags: []types.Tag{{Key: aws.String("aws:owner"), Value: aws.String("x")}},
			wantErr: &types.InvalidTagParameterException{Message: aws.String("Tag keys can not start with 'aws:'.")}},
		{name: "more than 50", arn: arn, tags: many,
			wantErr: &types.TooManyTagsException{Message: aws.String("The repository can have up to 50 tags. Remove some tags and try again.")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tags := tc.tags
			if tags == nil {
				tags = []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}
			}
			_, err := client.TagResource(t.Context(), &ecr.TagResourceInput{ResourceArn: aws.String(tc.arn), Tags: tags})
			ecrtest.WantECRErr(t, err, tc.wantErr)
			if tc.tags != nil {
				return // tag validation belongs to TagResource only
			}
			_, err = client.ListTagsForResource(t.Context(), &ecr.ListTagsForResourceInput{ResourceArn: aws.String(tc.arn)})
			ecrtest.WantECRErr(t, err, tc.wantErr)
			_, err = client.UntagResource(t.Context(), &ecr.UntagResourceInput{ResourceArn: aws.String(tc.arn), TagKeys: []string{"k"}})
			ecrtest.WantECRErr(t, err, tc.wantErr)
		})
	}
}

func TestDescribeRegistry(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	out, err := inst.ECR().DescribeRegistry(t.Context(), &ecr.DescribeRegistryInput{})
	if err != nil {
		t.Fatalf("DescribeRegistry: %v", err)
	}
	if aws.ToString(out.RegistryId) != "000000000000" || out.ReplicationConfiguration == nil ||
		out.ReplicationConfiguration.Rules == nil || len(out.ReplicationConfiguration.Rules) != 0 {
		t.Fatalf("got %+v, want the account and an empty replication configuration", out)
	}
}
