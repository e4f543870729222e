package registry

import (
	"strconv"
	"time"
)

// operations is the X-Amz-Target table: the IAM action each operation
// checks, and which members of its input (ECR's model) name the resource
// checked, are data, testable against ECR-FACTS §2.1 and §4.
var operations = map[string]operation{
	// auth: no resource-level support (POLICY-FACTS §3.2)
	"GetAuthorizationToken": {"ecr:GetAuthorizationToken", targetAccount, getAuthorizationToken},
	// repositories (api_repositories.go)
	"CreateRepository":              {"ecr:CreateRepository", targetRepository, createRepository},
	"DescribeRepositories":          {"ecr:DescribeRepositories", targetRegistry, describeRepositories},
	"DeleteRepository":              {"ecr:DeleteRepository", targetRepository, deleteRepository},
	"PutImageTagMutability":         {"ecr:PutImageTagMutability", targetRepository, putImageTagMutability},
	"PutImageScanningConfiguration": {"ecr:PutImageScanningConfiguration", targetRepository, putImageScanningConfiguration},
	"TagResource":                   {"ecr:TagResource", targetARN, tagResource},
	"UntagResource":                 {"ecr:UntagResource", targetARN, untagResource},
	"ListTagsForResource":           {"ecr:ListTagsForResource", targetARN, listTagsForResource},
	"DescribeRegistry":              {"ecr:DescribeRegistry", targetAccount, describeRegistry},
	"PutAccountSetting":             {"ecr:PutAccountSetting", targetAccount, putAccountSetting},
	"GetAccountSetting":             {"ecr:GetAccountSetting", targetAccount, getAccountSetting},
	// images (api_images.go)
	"BatchGetImage":    {"ecr:BatchGetImage", targetRepository, batchGetImage},
	"PutImage":         {"ecr:PutImage", targetRepository, putImage},
	"ListImages":       {"ecr:ListImages", targetRepository, listImagesOp},
	"DescribeImages":   {"ecr:DescribeImages", targetRepository, describeImages},
	"BatchDeleteImage": {"ecr:BatchDeleteImage", targetRepository, batchDeleteImage},
	// layers (api_layers.go)
	"BatchCheckLayerAvailability": {"ecr:BatchCheckLayerAvailability", targetRepository, batchCheckLayerAvailability},
	"GetDownloadUrlForLayer":      {"ecr:GetDownloadUrlForLayer", targetRepository, getDownloadURLForLayer},
	"InitiateLayerUpload":         {"ecr:InitiateLayerUpload", targetRepository, initiateLayerUpload},
	"UploadLayerPart":             {"ecr:UploadLayerPart", targetRepository, uploadLayerPart},
	"CompleteLayerUpload":         {"ecr:CompleteLayerUpload", targetRepository, completeLayerUpload},
	// policies (api_policies.go)
	"SetRepositoryPolicy":    {"ecr:SetRepositoryPolicy", targetRepository, setRepositoryPolicy},
	"GetRepositoryPolicy":    {"ecr:GetRepositoryPolicy", targetRepository, getRepositoryPolicy},
	"DeleteRepositoryPolicy": {"ecr:DeleteRepositoryPolicy", targetRepository, deleteRepositoryPolicy},
	"PutRegistryPolicy":      {"ecr:PutRegistryPolicy", targetAccount, putRegistryPolicy},
	"GetRegistryPolicy":      {"ecr:GetRegistryPolicy", targetAccount, getRegistryPolicy},
	"DeleteRegistryPolicy":   {"ecr:DeleteRegistryPolicy", targetAccount, deleteRegistryPolicy},
	// lifecycle (api_lifecycle.go)
	"PutLifecyclePolicy":          {"ecr:PutLifecyclePolicy", targetRepository, putLifecyclePolicy},
	"GetLifecyclePolicy":          {"ecr:GetLifecyclePolicy", targetRepository, getLifecyclePolicy},
	"DeleteLifecyclePolicy":       {"ecr:DeleteLifecyclePolicy", targetRepository, deleteLifecyclePolicy},
	"StartLifecyclePolicyPreview": {"ecr:StartLifecyclePolicyPreview", targetRepository, startLifecyclePolicyPreview},
	"GetLifecyclePolicyPreview":   {"ecr:GetLifecyclePolicyPreview", targetRepository, getLifecyclePolicyPreview},
}

// epoch marshals a time as ECR does: a JSON number of epoch seconds, with
// millisecond precision (ECR-FACTS §2: RFC 3339 strings break SDK decoding).
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	t := time.Time(e)
	return strconv.AppendFloat(nil, float64(t.UnixMilli())/1000, 'f', -1, 64), nil
}
