package emulator_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
)

// TestNextTokensAreOnlyThoseIssued: a nextToken is good only for the
// listing that issued it. One forged from a position, or carried to another
// operation, repository or registry, is InvalidParameterException.
func TestNextTokensAreOnlyThoseIssued(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{})
	c, ctx := inst.ECR(), t.Context()
	const keepOne = `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`
	for _, repo := range []string{"pa", "pb"} {
		inst.CreateRepository(repo)
		for _, tag := range []string{"x", "y", "z"} {
			ecrtest.PushImage(t, inst, repo, tag)
		}
		if _, err := c.StartLifecyclePolicyPreview(ctx, &ecr.StartLifecyclePolicyPreviewInput{
			RepositoryName: aws.String(repo), LifecyclePolicyText: aws.String(keepOne)}); err != nil {
			t.Fatal(err)
		}
		if _, err := ecr.NewLifecyclePolicyPreviewCompleteWaiter(c).WaitForOutput(ctx,
			&ecr.GetLifecyclePolicyPreviewInput{RepositoryName: aws.String(repo)}, time.Minute); err != nil {
			t.Fatalf("preview of %s: %v", repo, err)
		}
	}
	one := aws.Int32(1)
	listImages := func(repo string, tok *string) error {
		_, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String(repo), MaxResults: one, NextToken: tok})
		return err
	}
	describeImages := func(repo string, tok *string) error {
		_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo), MaxResults: one, NextToken: tok})
		return err
	}
	describeRepos := func(registry string, tok *string) error {
		in := &ecr.DescribeRepositoriesInput{MaxResults: one, NextToken: tok}
		if registry != "" {
			in.RegistryId = aws.String(registry)
		}
		_, err := c.DescribeRepositories(ctx, in)
		return err
	}
	preview := func(repo string, tok *string) error {
		_, err := c.GetLifecyclePolicyPreview(ctx, &ecr.GetLifecyclePolicyPreviewInput{RepositoryName: aws.String(repo), MaxResults: one, NextToken: tok})
		return err
	}
	issued := func(what string, tok *string, err error) *string {
		t.Helper()
		if err != nil || tok == nil {
			t.Fatalf("%s: no nextToken: %v", what, err)
		}
		return tok
	}
	li, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("pa"), MaxResults: one})
	listA := issued("ListImages pa", li.NextToken, err)
	di, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("pa"), MaxResults: one})
	describeA := issued("DescribeImages pa", di.NextToken, err)
	dr, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{MaxResults: one})
	repos := issued("DescribeRepositories", dr.NextToken, err)
	pv, err := c.GetLifecyclePolicyPreview(ctx, &ecr.GetLifecyclePolicyPreviewInput{RepositoryName: aws.String("pa"), MaxResults: one})
	previewA := issued("GetLifecyclePolicyPreview pa", pv.NextToken, err)
	forged := func(position string) *string {
		return aws.String(base64.RawURLEncoding.EncodeToString([]byte(position)))
	}

	tests := []struct {
		name string
		call func(string, *string) error
		arg  string
		tok  *string
		ok   bool
	}{
		{name: "ListImages, its own token", call: listImages, arg: "pa", tok: listA, ok: true},
		{name: "DescribeImages, its own token", call: describeImages, arg: "pa", tok: describeA, ok: true},
		{name: "DescribeRepositories, its own token", call: describeRepos, tok: repos, ok: true},
		{name: "GetLifecyclePolicyPreview, its own token", call: preview, arg: "pa", tok: previewA, ok: true},

		{name: "ListImages, forged", call: listImages, arg: "pa", tok: forged("sha256:")},
		{name: "DescribeImages, forged", call: describeImages, arg: "pa", tok: forged("sha256:")},
		{name: "DescribeRepositories, forged", call: describeRepos, tok: forged("pa")},
		{name: "GetLifecyclePolicyPreview, forged", call: preview, arg: "pa", tok: forged("1")},

		{name: "ListImages, another repository's", call: listImages, arg: "pb", tok: listA},
		{name: "DescribeImages, another repository's", call: describeImages, arg: "pb", tok: describeA},
		{name: "GetLifecyclePolicyPreview, another repository's", call: preview, arg: "pb", tok: previewA},
		// Another account's registry is authorized before its nextToken
		// is read, and denied here without that account's policies
		// (registry's TestOtherAccountsRegistryNeedsItsPolicies); a page's
		// binding to its registry is tokens.Pages' (registry/tokens).

		{name: "DescribeImages, ListImages's", call: describeImages, arg: "pa", tok: listA},
		{name: "ListImages, DescribeImages's", call: listImages, arg: "pa", tok: describeA},
		{name: "ListImages, DescribeRepositories's", call: listImages, arg: "pa", tok: repos},
		{name: "GetLifecyclePolicyPreview, DescribeImages's", call: preview, arg: "pa", tok: describeA},
	}
	want := ecrtest.InvalidParamErr("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.call(tc.arg, tc.tok)
			if tc.ok {
				if err != nil {
					t.Fatalf("got %v, want a page", err)
				}
				return
			}
			ecrtest.WantECRErr(t, err, want)
		})
	}
}
