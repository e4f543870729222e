package emulator_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
)

// apiResult is one raw ECR API answer.
type apiResult struct {
	status  int
	errType string // __type of an error body
	message string
}

// callAPI sends body as operation op, SigV4-signed for key/secret as the
// SDK signs, so a test can send members no SDK input struct has.
func callAPI(t *testing.T, inst *ecrlinktest.Instance, key, secret, op, body string) apiResult {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, inst.URL()+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "ecr", inst.Region(), time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := inst.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &e)
	return apiResult{resp.StatusCode, e.Type, e.Message}
}

// TestAuthorizationFollowsTheInputShape: an operation is authorized against
// what it acts on, named by the members of its own input. A resourceArn the
// operation does not define is ignored, as ECR's JSON 1.1 parser ignores
// unknown members, and cannot point the check at another repository.
func TestAuthorizationFollowsTheInputShape(t *testing.T) {
	t.Parallel()
	const (
		dev       = "arn:aws:iam::000000000000:user/dev"
		appARN    = "arn:aws:ecr:us-east-1:000000000000:repository/app"
		lockedARN = "arn:aws:ecr:us-east-1:000000000000:repository/locked"
		allowAll  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`
		denyDev   = `{"Version":"2012-10-17","Statement":[{"Sid":"nothing","Effect":"Deny","Principal":{"AWS":"` + dev + `"},"Action":"ecr:*"}]}`
		allowDev  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + dev + `"},"Action":"ecr:*"}]}`
		digest    = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
		lifecycle = `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`
	)
	inst := ecrlinktest.Start(t, emulator.Config{Identities: []emulator.Identity{
		{AccessKeyID: "AKIADEV", SecretAccessKey: "devsecret", Principal: dev, Policies: []string{allowAll}}}})
	inst.CreateRepository("app")
	inst.CreateRepository("locked")
	ctx := context.Background()
	if _, err := inst.ECR().SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{
		RepositoryName: aws.String("locked"), PolicyText: aws.String(denyDev)}); err != nil {
		t.Fatal(err)
	}
	if _, err := inst.ECR().PutLifecyclePolicy(ctx, &ecr.PutLifecyclePolicyInput{
		RepositoryName: aws.String("locked"), LifecyclePolicyText: aws.String(lifecycle)}); err != nil {
		t.Fatal(err)
	}
	// Each body names locked and carries app's ARN besides.
	redirected := map[string]string{
		"ListImages":                    `{}`,
		"DescribeImages":                `{}`,
		"BatchGetImage":                 `{"imageIds":[{"imageTag":"v1"}]}`,
		"BatchCheckLayerAvailability":   `{"layerDigests":["` + digest + `"]}`,
		"GetDownloadUrlForLayer":        `{"layerDigest":"` + digest + `"}`,
		"PutImage":                      `{"imageManifest":"{}","imageTag":"v1"}`,
		"InitiateLayerUpload":           `{}`,
		"UploadLayerPart":               `{"uploadId":"11111111-2222-3333-4444-555555555555","partFirstByte":0,"partLastByte":0,"layerPartBlob":"AA=="}`,
		"CompleteLayerUpload":           `{"uploadId":"11111111-2222-3333-4444-555555555555","layerDigests":["` + digest + `"]}`,
		"BatchDeleteImage":              `{"imageIds":[{"imageTag":"v1"}]}`,
		"SetRepositoryPolicy":           `{"policyText":` + string(mustJSON(t, allowDev)) + `}`,
		"GetRepositoryPolicy":           `{}`,
		"DeleteRepositoryPolicy":        `{}`,
		"PutLifecyclePolicy":            `{"lifecyclePolicyText":` + string(mustJSON(t, lifecycle)) + `}`,
		"GetLifecyclePolicy":            `{}`,
		"DeleteLifecyclePolicy":         `{}`,
		"StartLifecyclePolicyPreview":   `{}`,
		"GetLifecyclePolicyPreview":     `{}`,
		"PutImageTagMutability":         `{"imageTagMutability":"MUTABLE"}`,
		"PutImageScanningConfiguration": `{"imageScanningConfiguration":{"scanOnPush":true}}`,
	}
	type tc struct {
		name, op, body string
		denied         string // the resource named in the AccessDenied; empty: allowed
	}
	var tests []tc
	for _, op := range slices.Sorted(maps.Keys(redirected)) {
		members := redirected[op]
		body := `{"repositoryName":"locked","resourceArn":"` + appARN + `",` + strings.TrimPrefix(members, "{")
		body = strings.Replace(body, ",}", "}", 1)
		tests = append(tests, tc{name: op + " names locked", op: op, body: body, denied: lockedARN})
	}
	// The tagging operations define resourceArn and no repositoryName.
	tests = append(tests,
		tc{name: "TagResource on app", op: "TagResource", body: `{"resourceArn":"` + appARN + `","repositoryName":"locked","tags":[{"Key":"k","Value":"v"}]}`},
		tc{name: "ListTagsForResource on app", op: "ListTagsForResource", body: `{"resourceArn":"` + appARN + `","repositoryName":"locked"}`},
		tc{name: "TagResource on locked", op: "TagResource", body: `{"resourceArn":"` + lockedARN + `","repositoryName":"app","tags":[{"Key":"k","Value":"v"}]}`, denied: lockedARN},
		tc{name: "UntagResource on locked", op: "UntagResource", body: `{"resourceArn":"` + lockedARN + `","repositoryName":"app","tagKeys":["k"]}`, denied: lockedARN},
		tc{name: "ListTagsForResource on locked", op: "ListTagsForResource", body: `{"resourceArn":"` + lockedARN + `","repositoryName":"app"}`, denied: lockedARN},
		// Last: run early, it would take locked away from the others.
		tc{name: "DeleteRepository names locked", op: "DeleteRepository", body: `{"repositoryName":"locked","resourceArn":"` + appARN + `","force":true}`, denied: lockedARN},
	)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := callAPI(t, inst, "AKIADEV", "devsecret", tc.op, tc.body)
			if tc.denied == "" {
				if got.status != http.StatusOK {
					t.Fatalf("%s %s: got %d %s %s, want 200", tc.op, tc.body, got.status, got.errType, got.message)
				}
				return
			}
			want := "User: " + dev + " is not authorized to perform: ecr:" + tc.op + " on resource: " + tc.denied +
				" with an explicit deny in a resource-based policy"
			if got.errType != "AccessDeniedException" || got.message != want {
				t.Fatalf("%s %s:\ngot %d %s %s\nwant AccessDeniedException %s", tc.op, tc.body, got.status, got.errType, got.message, want)
			}
		})
	}
	// Nothing reached locked: its deny and its lifecycle policy stand.
	pol, err := inst.ECR().GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("locked")})
	if err != nil || !strings.Contains(aws.ToString(pol.PolicyText), `"Deny"`) {
		t.Fatalf("locked's policy after the calls: %v %v", err, pol)
	}
	if _, err := inst.ECR().GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("locked")}); err != nil {
		t.Fatalf("locked's lifecycle policy after the calls: %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
