package reqinfo

import "strings"

// TargetPrefix is the ECR API's X-Amz-Target prefix (ECR-FACTS §2).
const TargetPrefix = "AmazonEC2ContainerRegistry_V20150921."

// Target says which members of an operation's input name what it acts on,
// and so what it is authorized against. Only those members count: the JSON
// 1.1 parser ignores members an operation does not define, so a
// resourceArn sent to ListImages names nothing.
type Target int

const (
	TargetAccount    Target = iota // nothing: authorized against "*"
	TargetRegistry                 // registryId: against "*"
	TargetRepository               // registryId and repositoryName
	TargetARN                      // resourceArn (the tagging operations)
)

// operationTargets is ECR's 58 operations (ECR-FACTS §2.1) with the
// members of their input that name the resource. Each operation's IAM
// action is ecr: and its name.
var operationTargets = map[string]Target{
	"GetAuthorizationToken": TargetAccount,

	"BatchGetImage": TargetRepository, "BatchCheckLayerAvailability": TargetRepository,
	"GetDownloadUrlForLayer": TargetRepository, "InitiateLayerUpload": TargetRepository,
	"UploadLayerPart": TargetRepository, "CompleteLayerUpload": TargetRepository, "PutImage": TargetRepository,

	"CreateRepository": TargetRepository, "DescribeRepositories": TargetRegistry, "ListImages": TargetRepository,
	"BatchDeleteImage": TargetRepository, "PutImageTagMutability": TargetRepository,
	"ListTagsForResource": TargetARN, "DeleteRepository": TargetRepository, "DescribeImages": TargetRepository,
	"PutImageScanningConfiguration": TargetRepository, "TagResource": TargetARN, "UntagResource": TargetARN,
	"DescribeRegistry": TargetAccount,

	"SetRepositoryPolicy": TargetRepository, "GetRepositoryPolicy": TargetRepository,
	"DeleteRepositoryPolicy": TargetRepository, "PutRegistryPolicy": TargetAccount,
	"GetRegistryPolicy": TargetAccount, "DeleteRegistryPolicy": TargetAccount,
	"PutLifecyclePolicy": TargetRepository, "GetLifecyclePolicy": TargetRepository,
	"DeleteLifecyclePolicy": TargetRepository, "StartLifecyclePolicyPreview": TargetRepository,
	"GetLifecyclePolicyPreview": TargetRepository,

	"BatchGetRepositoryScanningConfiguration": TargetRegistry, "GetRegistryScanningConfiguration": TargetAccount,
	"PutReplicationConfiguration": TargetAccount, "PutSigningConfiguration": TargetAccount,
	"GetAccountSetting": TargetAccount, "DescribeRepositoryCreationTemplates": TargetAccount,
	"PutRegistryScanningConfiguration": TargetAccount, "StartImageScan": TargetRepository,
	"DescribeImageScanFindings": TargetRepository, "DescribeImageReplicationStatus": TargetRepository,
	"DescribeImageSigningStatus": TargetRepository, "CreatePullThroughCacheRule": TargetRegistry,
	"UpdatePullThroughCacheRule": TargetRegistry, "DeletePullThroughCacheRule": TargetRegistry,
	"DescribePullThroughCacheRules": TargetRegistry, "ValidatePullThroughCacheRule": TargetRegistry,
	"CreateRepositoryCreationTemplate": TargetAccount, "UpdateRepositoryCreationTemplate": TargetAccount,
	"DeleteRepositoryCreationTemplate": TargetAccount, "GetSigningConfiguration": TargetAccount,
	"DeleteSigningConfiguration": TargetAccount, "PutAccountSetting": TargetAccount,
	"ListPullTimeUpdateExclusions": TargetAccount, "RegisterPullTimeUpdateExclusion": TargetAccount,
	"DeregisterPullTimeUpdateExclusion": TargetAccount, "UpdateImageStorageClass": TargetRepository,
	"ListImageReferrers": TargetRepository,
}

// ClassifyAPI classifies an ECR API call by its X-Amz-Target header. A
// target that names no ECR operation is still the API's (it answers
// UnknownOperationException) but has no action.
func ClassifyAPI(xAmzTarget string) Class {
	c := Class{Service: ServiceAPI, Step: StepAPI}
	name, ok := strings.CutPrefix(xAmzTarget, TargetPrefix)
	t, known := operationTargets[name]
	if !ok || !known {
		return c
	}
	c.Operation, c.Action, c.Target = name, "ecr:"+name, t
	if name == "GetAuthorizationToken" {
		c.Step = StepAuth
	}
	return c
}

// Operations returns the names of every ECR API operation ClassifyAPI
// knows.
func Operations() []string {
	out := make([]string, 0, len(operationTargets))
	for name := range operationTargets {
		out = append(out, name)
	}
	return out
}
