package registry

import (
	"strconv"
	"time"
)

// operations are the ECR API operations served, by name. What each is
// authorized as (its action, and which input members name the resource)
// is reqinfo's classification, the one the journal and explain use too.
var operations = map[string]operation{
	// auth: no resource-level support (POLICY-FACTS §3.2)
	"GetAuthorizationToken": getAuthorizationToken,
	// repositories (api_repositories.go)
	"CreateRepository":              createRepository,
	"DescribeRepositories":          describeRepositories,
	"DeleteRepository":              deleteRepository,
	"PutImageTagMutability":         putImageTagMutability,
	"PutImageScanningConfiguration": putImageScanningConfiguration,
	"TagResource":                   tagResource,
	"UntagResource":                 untagResource,
	"ListTagsForResource":           listTagsForResource,
	"DescribeRegistry":              describeRegistry,
	"PutAccountSetting":             putAccountSetting,
	"GetAccountSetting":             getAccountSetting,
	// images (api_images.go)
	"BatchGetImage":    batchGetImage,
	"PutImage":         putImage,
	"ListImages":       listImagesOp,
	"DescribeImages":   describeImages,
	"BatchDeleteImage": batchDeleteImage,
	// layers (api_layers.go)
	"BatchCheckLayerAvailability": batchCheckLayerAvailability,
	"GetDownloadUrlForLayer":      getDownloadURLForLayer,
	"InitiateLayerUpload":         initiateLayerUpload,
	"UploadLayerPart":             uploadLayerPart,
	"CompleteLayerUpload":         completeLayerUpload,
	// policies (api_policies.go)
	"SetRepositoryPolicy":    setRepositoryPolicy,
	"GetRepositoryPolicy":    getRepositoryPolicy,
	"DeleteRepositoryPolicy": deleteRepositoryPolicy,
	"PutRegistryPolicy":      putRegistryPolicy,
	"GetRegistryPolicy":      getRegistryPolicy,
	"DeleteRegistryPolicy":   deleteRegistryPolicy,
	// lifecycle (api_lifecycle.go)
	"PutLifecyclePolicy":          putLifecyclePolicy,
	"GetLifecyclePolicy":          getLifecyclePolicy,
	"DeleteLifecyclePolicy":       deleteLifecyclePolicy,
	"StartLifecyclePolicyPreview": startLifecyclePolicyPreview,
	"GetLifecyclePolicyPreview":   getLifecyclePolicyPreview,
}

// epoch marshals a time as ECR does: a JSON number of epoch seconds, with
// millisecond precision (ECR-FACTS §2: RFC 3339 strings break SDK decoding).
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	t := time.Time(e)
	return strconv.AppendFloat(nil, float64(t.UnixMilli())/1000, 'f', -1, 64), nil
}
