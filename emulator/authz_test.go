package emulator_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

const (
	puller   = "arn:aws:iam::000000000000:user/puller"
	nobody   = "arn:aws:iam::000000000000:user/nobody"
	pullOnly = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},
		{"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability","ecr:DescribeRepositories"],
		 "Resource":"arn:aws:ecr:us-east-1:000000000000:repository/app"}]}`
)

// TestPoliciesDecideEveryRequest runs real clients as principals with
// identity policies, and checks AWS's AccessDenied texts on both wires.
func TestPoliciesDecideEveryRequest(t *testing.T) {
	t.Parallel()
	inst := ecrlinktest.Start(t, emulator.Config{Identities: []emulator.Identity{
		{AccessKeyID: "AKIAPULLER", Principal: puller, Policies: []string{pullOnly}},
		{AccessKeyID: "AKIANOBODY", Principal: nobody},
	}})
	inst.CreateRepository("app")
	img, _ := random.Image(512, 1)
	if err := remote.Write(inst.Ref("app:1"), img, inst.Remote()...); err != nil {
		t.Fatal(err)
	}
	as := func(key string) *ecr.Client {
		cfg := inst.AWSConfig()
		cfg.Credentials = credentials.NewStaticCredentialsProvider(key, "x", "")
		return ecr.NewFromConfig(cfg)
	}
	ctx := context.Background()

	// A principal no policy allows cannot even log in (ECR-FACTS F5).
	_, err := as("AKIANOBODY").GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	wantAPIDenied(t, err, "User: "+nobody+" is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action")

	// The puller pulls, but cannot push (ECR-FACTS F7's shape, same account).
	auth := []remote.Option{remote.WithAuth(loginWith(t, as("AKIAPULLER"))), remote.WithTransport(inst.Client().Transport)}
	pullAll(t, inst.Host()+"/app:1", img, auth...)
	other, _ := random.Image(512, 1)
	err = remote.Write(inst.Ref("app:2"), other, auth...)
	wantRegistryDenied(t, err, "User: "+puller+" is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:000000000000:repository/app because no identity-based policy allows the ecr:InitiateLayerUpload action")
	_, err = as("AKIAPULLER").CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("new")})
	wantAPIDenied(t, err, "User: "+puller+" is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:000000000000:repository/new because no identity-based policy allows the ecr:CreateRepository action")

	// A repository policy naming the user grants it directly (POLICY-FACTS §2.2)...
	_, err = inst.ECR().SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("app"), PolicyText: aws.String(`{
		"Version":"2012-10-17","Statement":[{"Sid":"push","Effect":"Allow","Principal":{"AWS":"` + puller + `"},
		"Action":["ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload","ecr:PutImage"]}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(inst.Ref("app:2"), other, auth...); err != nil {
		t.Fatalf("push granted by the repository policy: %v", err)
	}
	// ...and an explicit deny there wins over the identity policy's allow.
	_, err = inst.ECR().SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("app"), PolicyText: aws.String(`{
		"Version":"2012-10-17","Statement":[{"Sid":"nopull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = remote.Image(inst.Ref("app:1"), auth...)
	wantRegistryDenied(t, err, "User: "+puller+" is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:000000000000:repository/app with an explicit deny in a resource-based policy")
}

func wantAPIDenied(t *testing.T, err error, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != message {
		t.Fatalf("got %v\nwant AccessDeniedException: %s", err, message)
	}
}

func wantRegistryDenied(t *testing.T, err error, message string) {
	t.Helper()
	var te *transport.Error
	if !errors.As(err, &te) || te.StatusCode != 403 || len(te.Errors) == 0 || te.Errors[0].Code != "DENIED" || te.Errors[0].Message != message {
		t.Fatalf("got %v\nwant 403 DENIED: %s", err, message)
	}
}
