package registry

import (
	"strconv"
	"time"
)

// operations is the X-Amz-Target table: the IAM action each operation
// checks is data, testable against ECR-FACTS §2.1 and §4.
var operations = map[string]operation{
	// auth
	"GetAuthorizationToken": {"ecr:GetAuthorizationToken", getAuthorizationToken},
	// repositories (api_repositories.go)
	"CreateRepository":              {"ecr:CreateRepository", createRepository},
	"DescribeRepositories":          {"ecr:DescribeRepositories", describeRepositories},
	"DeleteRepository":              {"ecr:DeleteRepository", deleteRepository},
	"PutImageTagMutability":         {"ecr:PutImageTagMutability", putImageTagMutability},
	"PutImageScanningConfiguration": {"ecr:PutImageScanningConfiguration", putImageScanningConfiguration},
	"TagResource":                   {"ecr:TagResource", tagResource},
	"UntagResource":                 {"ecr:UntagResource", untagResource},
	"ListTagsForResource":           {"ecr:ListTagsForResource", listTagsForResource},
	"DescribeRegistry":              {"ecr:DescribeRegistry", describeRegistry},
	"PutAccountSetting":             {"ecr:PutAccountSetting", putAccountSetting},
	"GetAccountSetting":             {"ecr:GetAccountSetting", getAccountSetting},
	// images (api_images.go)
	"BatchGetImage":    {"ecr:BatchGetImage", batchGetImage},
	"PutImage":         {"ecr:PutImage", putImage},
	"ListImages":       {"ecr:ListImages", listImagesOp},
	"DescribeImages":   {"ecr:DescribeImages", describeImages},
	"BatchDeleteImage": {"ecr:BatchDeleteImage", batchDeleteImage},
	// layers (api_layers.go)
	"BatchCheckLayerAvailability": {"ecr:BatchCheckLayerAvailability", batchCheckLayerAvailability},
	"GetDownloadUrlForLayer":      {"ecr:GetDownloadUrlForLayer", getDownloadURLForLayer},
	"InitiateLayerUpload":         {"ecr:InitiateLayerUpload", initiateLayerUpload},
	"UploadLayerPart":             {"ecr:UploadLayerPart", uploadLayerPart},
	"CompleteLayerUpload":         {"ecr:CompleteLayerUpload", completeLayerUpload},
	// policies (api_policies.go)
	"SetRepositoryPolicy":    {"ecr:SetRepositoryPolicy", setRepositoryPolicy},
	"GetRepositoryPolicy":    {"ecr:GetRepositoryPolicy", getRepositoryPolicy},
	"DeleteRepositoryPolicy": {"ecr:DeleteRepositoryPolicy", deleteRepositoryPolicy},
	"PutRegistryPolicy":      {"ecr:PutRegistryPolicy", putRegistryPolicy},
	"GetRegistryPolicy":      {"ecr:GetRegistryPolicy", getRegistryPolicy},
	"DeleteRegistryPolicy":   {"ecr:DeleteRegistryPolicy", deleteRegistryPolicy},
	// lifecycle (api_lifecycle.go)
	"PutLifecyclePolicy":          {"ecr:PutLifecyclePolicy", putLifecyclePolicy},
	"GetLifecyclePolicy":          {"ecr:GetLifecyclePolicy", getLifecyclePolicy},
	"DeleteLifecyclePolicy":       {"ecr:DeleteLifecyclePolicy", deleteLifecyclePolicy},
	"StartLifecyclePolicyPreview": {"ecr:StartLifecyclePolicyPreview", startLifecyclePolicyPreview},
	"GetLifecyclePolicyPreview":   {"ecr:GetLifecyclePolicyPreview", getLifecyclePolicyPreview},
}

// epoch marshals a time as ECR does: a JSON number of epoch seconds, with
// millisecond precision (ECR-FACTS §2: RFC 3339 strings break SDK decoding).
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	t := time.Time(e)
	return strconv.AppendFloat(nil, float64(t.UnixMilli())/1000, 'f', -1, 64), nil
}
