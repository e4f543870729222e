package registry_test

import (
	"strings"
	"testing"

	"github.com/ecrlink/ecrlink/internal/ecrtest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/registry"
)

// publicPull is the set-repository-policy example of the AWS CLI
// (aws-cli awscli/examples/ecr/set-repository-policy.rst), and
// publicPullStored what ECR answers for it: the document re-rendered by
// Jackson's pretty printer.
const (
	publicPull = `{
    "Version" : "2008-10-17",
    "Statement" : [
        {
            "Sid" : "allow public pull",
            "Effect" : "Allow",
            "Principal" : "*",
            "Action" : [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer"
            ]
        }
    ]
}`
	publicPullStored = "{\n  \"Version\" : \"2008-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"allow public pull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : \"*\",\n    \"Action\" : [ \"ecr:BatchCheckLayerAvailability\", \"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\" ]\n  } ]\n}"

	// lockout denies everyone ecr:*, SetRepositoryPolicy included.
	lockout = `{"Version":"2012-10-17","Statement":[{"Sid":"deny","Effect":"Deny","Principal":"*","Action":"ecr:*"}]}`

	// replication is the registry policy example of the ECR guide
	// (registry-permissions-examples.md), for this emulator's account.
	replication = `{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],` +
		`"Resource":["arn:aws:ecr:us-east-1:000000000000:repository/*"]}]}`
)

func TestRepositoryPolicy(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("pol/app")
	client := inst.ECR()
	repo := aws.String("pol/app")
	notFound := &types.RepositoryPolicyNotFoundException{Message: aws.String(
		"Repository policy does not exist for the repository with name 'pol/app' in the registry with id '000000000000'")}

	_, err := client.GetRepositoryPolicy(t.Context(), &ecr.GetRepositoryPolicyInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, notFound)
	_, err = client.DeleteRepositoryPolicy(t.Context(), &ecr.DeleteRepositoryPolicyInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, notFound)

	set, err := client.SetRepositoryPolicy(t.Context(), &ecr.SetRepositoryPolicyInput{RepositoryName: repo, PolicyText: aws.String(publicPull)})
	if err != nil {
		t.Fatalf("SetRepositoryPolicy: %v", err)
	}
	if aws.ToString(set.PolicyText) != publicPullStored || aws.ToString(set.RepositoryName) != "pol/app" || aws.ToString(set.RegistryId) != "000000000000" {
		t.Fatalf("SetRepositoryPolicy answered %q for %s/%s, want ECR's pretty-printed text",
			aws.ToString(set.PolicyText), aws.ToString(set.RegistryId), aws.ToString(set.RepositoryName))
	}
	got, err := client.GetRepositoryPolicy(t.Context(), &ecr.GetRepositoryPolicyInput{RepositoryName: repo})
	if err != nil || aws.ToString(got.PolicyText) != publicPullStored {
		t.Fatalf("GetRepositoryPolicy: %v %q", err, aws.ToString(got.PolicyText))
	}
	del, err := client.DeleteRepositoryPolicy(t.Context(), &ecr.DeleteRepositoryPolicyInput{RepositoryName: repo})
	if err != nil || aws.ToString(del.PolicyText) != publicPullStored {
		t.Fatalf("DeleteRepositoryPolicy: %v %+v", err, del)
	}
	_, err = client.GetRepositoryPolicy(t.Context(), &ecr.GetRepositoryPolicyInput{RepositoryName: repo})
	ecrtest.WantECRErr(t, err, notFound)
}

func TestSetRepositoryPolicyErrors(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	inst.CreateRepository("pol/app")
	// The lock-out case gets a repository of its own: once set, it denies
	// the root too, as on AWS.
	inst.CreateRepository("pol/locked")
	client := inst.ECR()
	invalid := ecrtest.InvalidParamErr("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'")
	tests := []struct {
		name    string
		repo    string
		text    string
		force   bool
		wantErr smithy.APIError
	}{
		{name: "not JSON", repo: "pol/app", text: "allow everyone", wantErr: invalid},
		{name: "an array", repo: "pol/app", text: `[` + publicPull + `]`, wantErr: invalid},
		{name: "no Statement", repo: "pol/app", text: `{"Version":"2012-10-17"}`, wantErr: invalid},
		{name: "empty Statement", repo: "pol/app", text: `{"Version":"2012-10-17","Statement":[]}`, wantErr: invalid},
		{name: "bad Effect", repo: "pol/app", text: strings.Replace(publicPull, `"Allow"`, `"Permit"`, 1), wantErr: invalid},
		{name: "longer than 10,240 characters", repo: "pol/app", text: publicPull + strings.Repeat(" ", 10241-len(publicPull)), wantErr: invalid},
		{name: "principal that is not one", repo: "pol/app",
			text:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"nobody"},"Action":"ecr:BatchGetImage"}]}`,
			wantErr: ecrtest.InvalidParamErr("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'")},
		{name: "lock-out without force", repo: "pol/app", text: lockout, wantErr: invalid},
		{name: "lock-out with force", repo: "pol/locked", text: lockout, force: true},
		{name: "missing repository", repo: "pol/nope", text: publicPull, wantErr: repoNotFoundErr("pol/nope", "000000000000")},
		{name: "bad repository name", repo: "P", text: publicPull, wantErr: &types.InvalidParameterException{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.SetRepositoryPolicy(t.Context(), &ecr.SetRepositoryPolicyInput{
				RepositoryName: aws.String(tc.repo), PolicyText: aws.String(tc.text), Force: tc.force})
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("SetRepositoryPolicy: %v", err)
				}
				return
			}
			ecrtest.WantECRErr(t, err, tc.wantErr)
		})
	}
	for _, op := range []func() error{
		func() error {
			_, err := client.GetRepositoryPolicy(t.Context(), &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("pol/nope")})
			return err
		},
		func() error {
			_, err := client.DeleteRepositoryPolicy(t.Context(), &ecr.DeleteRepositoryPolicyInput{RepositoryName: aws.String("pol/nope")})
			return err
		},
	} {
		ecrtest.WantECRErr(t, op(), repoNotFoundErr("pol/nope", "000000000000"))
	}
}

func TestRegistryPolicy(t *testing.T) {
	t.Parallel()
	inst := start(t, registry.Config{})
	client := inst.ECR()
	notFound := &types.RegistryPolicyNotFoundException{Message: aws.String("Registry policy does not exist in the registry with id '000000000000'")}

	_, err := client.GetRegistryPolicy(t.Context(), &ecr.GetRegistryPolicyInput{})
	ecrtest.WantECRErr(t, err, notFound)
	_, err = client.DeleteRegistryPolicy(t.Context(), &ecr.DeleteRegistryPolicyInput{})
	ecrtest.WantECRErr(t, err, notFound)

	invalid := ecrtest.InvalidParamErr("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'")
	for _, bad := range []string{"{", `{"Statement":"all"}`, `{"Version":"2012-10-17"}`} {
		_, err := client.PutRegistryPolicy(t.Context(), &ecr.PutRegistryPolicyInput{PolicyText: aws.String(bad)})
		ecrtest.WantECRErr(t, err, invalid)
	}

	put, err := client.PutRegistryPolicy(t.Context(), &ecr.PutRegistryPolicyInput{PolicyText: aws.String(replication)})
	if err != nil {
		t.Fatalf("PutRegistryPolicy: %v", err)
	}
	stored := aws.ToString(put.PolicyText)
	if aws.ToString(put.RegistryId) != "000000000000" || !strings.HasPrefix(stored, "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n") {
		t.Fatalf("PutRegistryPolicy answered %+v", put)
	}
	got, err := client.GetRegistryPolicy(t.Context(), &ecr.GetRegistryPolicyInput{})
	if err != nil || aws.ToString(got.PolicyText) != stored || aws.ToString(got.RegistryId) != "000000000000" {
		t.Fatalf("GetRegistryPolicy: %v %+v", err, got)
	}
	del, err := client.DeleteRegistryPolicy(t.Context(), &ecr.DeleteRegistryPolicyInput{})
	if err != nil || aws.ToString(del.PolicyText) != stored {
		t.Fatalf("DeleteRegistryPolicy: %v %+v", err, del)
	}
	_, err = client.GetRegistryPolicy(t.Context(), &ecr.GetRegistryPolicyInput{})
	ecrtest.WantECRErr(t, err, notFound)
}
