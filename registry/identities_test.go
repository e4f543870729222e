package registry_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/registry"
)

// TestIdentitiesAreLookedUpPerRequest: principal tags feed
// aws:PrincipalTag/*, and identities replaced at run time decide the very
// next request.
func TestIdentitiesAreLookedUpPerRequest(t *testing.T) {
	t.Parallel()
	const alice = "arn:aws:iam::000000000000:user/alice"
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:CreateRepository",
		"Resource":"arn:aws:ecr:us-east-1:000000000000:repository/${aws:PrincipalTag/team}/*"}]}`
	ids := func(team string) []registry.Identity {
		return []registry.Identity{{AccessKeyID: "AKIAALICE", SecretAccessKey: "alice-secret", Principal: alice,
			Policies: []string{policy}, Tags: map[string]string{"team": team}}}
	}
	inst := start(t, registry.Config{Identities: ids("red")})
	c := ecr.New(ecr.Options{Region: "us-east-1", BaseEndpoint: aws.String(inst.URL()), HTTPClient: inst.srv.Client(),
		RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider("AKIAALICE", "alice-secret", "")})
	create := func(name string) error {
		_, err := c.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
		return err
	}
	denied := func(err error) bool {
		var ae smithy.APIError
		return errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException"
	}
	if err := create("red/app"); err != nil {
		t.Fatalf("team red creating red/app: %v", err)
	}
	if err := create("blue/app"); !denied(err) {
		t.Fatalf("team red creating blue/app: %v, want AccessDeniedException", err)
	}
	if err := inst.svc.SetIdentities(ids("blue")); err != nil {
		t.Fatal(err)
	}
	if err := create("blue/app"); err != nil {
		t.Fatalf("after the move to team blue, creating blue/app: %v", err)
	}
	if err := create("red/other"); !denied(err) {
		t.Fatalf("after the move to team blue, creating red/other: %v, want AccessDeniedException", err)
	}
	if err := inst.svc.SetIdentities([]registry.Identity{{AccessKeyID: "AKIAALICE", Principal: "not-an-arn"}}); err == nil {
		t.Fatal("SetIdentities took a principal that is not an ARN")
	}
	if err := create("blue/again"); err != nil {
		t.Fatalf("a refused SetIdentities changed the identities: %v", err)
	}
}

// TestResourceTagsReachPolicies: a repository's tags are
// ecr:ResourceTag/* (and aws:ResourceTag/*) to the policies that decide a
// request on it.
func TestResourceTagsReachPolicies(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"},
	{"Effect":"Deny","Action":"ecr:DescribeImages","Resource":"*","Condition":{"StringNotEquals":{"ecr:ResourceTag/team":"a"}}}]}`
	inst := start(t, registry.Config{Identities: []registry.Identity{{AccessKeyID: "AKIAECRLINKTEST", SecretAccessKey: "secret",
		Principal: "arn:aws:iam::000000000000:user/ci", Policies: []string{policy}}}})
	c := inst.ECR()
	for name, team := range map[string]string{"ours": "a", "theirs": "b"} {
		_, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String(team)}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("ours")}); err != nil {
		t.Errorf("DescribeImages on team a's repository: %v", err)
	}
	_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("theirs")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || !strings.Contains(ae.ErrorMessage(), "with an explicit deny in an identity-based policy") {
		t.Errorf("DescribeImages on team b's repository: %v", err)
	}
}
