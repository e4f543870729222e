package policyeval

import (
	"fmt"
)

// Kind is the kind of policy document: it decides which grammar rules apply
// when the document is parsed (POLICY-FACTS §1, §8, §9).
type Kind int

const (
	// KindIdentity is an IAM identity-based policy (user, group or role).
	// It may not name a Principal and is validated with IAM's own
	// MalformedPolicyDocument texts (POLICY-FACTS §8.1).
	KindIdentity Kind = iota + 1
	// KindRepository is an ECR repository policy: a resource-based policy
	// whose Resource element is optional (implicitly the repository).
	KindRepository
	// KindRegistry is an ECR registry policy (scope V2): a second
	// resource-based policy beside the repository policy (POLICY-FACTS §1).
	KindRegistry
	// KindEndpoint is a VPC interface endpoint policy (ecr.api, ecr.dkr,
	// logs): a boundary that never grants (POLICY-FACTS §2.4, §9).
	KindEndpoint
	// KindS3Gateway is an S3 gateway endpoint policy: an endpoint policy
	// whose Principal must be "*" (POLICY-FACTS §3.1).
	KindS3Gateway
)

var kindNames = [...]string{
	KindIdentity:   "identity",
	KindRepository: "repository",
	KindRegistry:   "registry",
	KindEndpoint:   "endpoint",
	KindS3Gateway:  "s3-gateway",
}

// String returns the name ParseKind accepts.
func (k Kind) String() string {
	if k >= KindIdentity && k <= KindS3Gateway {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind parses one of identity, repository, registry, endpoint or
// s3-gateway.
func ParseKind(s string) (Kind, error) {
	for k := KindIdentity; k <= KindS3Gateway; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("policyeval: unknown policy kind %q (want identity, repository, registry, endpoint or s3-gateway)", s)
}

// resourceBased reports whether policies of this kind name principals.
func (k Kind) resourceBased() bool { return k != KindIdentity }

// isEndpoint reports whether the kind is an endpoint policy of either type.
func (k Kind) isEndpoint() bool { return k == KindEndpoint || k == KindS3Gateway }

// PolicyType names the slot of a Set a policy was evaluated in; it is what
// a Decision reports as deciding.
type PolicyType uint8

const (
	// PolicyNone is the zero PolicyType: nothing denied.
	PolicyNone PolicyType = iota
	// PolicyIdentity is an identity-based policy (Set.Identity).
	PolicyIdentity
	// PolicyResource is the repository policy (Set.Resource).
	PolicyResource
	// PolicyRegistry is the registry policy (Set.Registry).
	PolicyRegistry
	// PolicyEndpoint is a VPC endpoint policy (Set.Endpoint).
	PolicyEndpoint
)

var policyTypeNames = [...]string{
	PolicyNone:     "",
	PolicyIdentity: "identity",
	PolicyResource: "resource",
	PolicyRegistry: "registry",
	PolicyEndpoint: "endpoint",
}

// String returns identity, resource, registry, endpoint, or "" for
// PolicyNone.
func (t PolicyType) String() string {
	if int(t) < len(policyTypeNames) {
		return policyTypeNames[t]
	}
	return fmt.Sprintf("PolicyType(%d)", int(t))
}

// Effect is the outcome of an evaluation.
type Effect uint8

const (
	// ImplicitlyDenied is the zero Effect: no statement allowed the request
	// (or a boundary did not), and none denied it.
	ImplicitlyDenied Effect = iota
	// Allowed means every policy type that had to allow did, and none denied.
	Allowed
	// ExplicitlyDenied means a matching Deny statement was found.
	ExplicitlyDenied
)

// String returns Allowed, ImplicitlyDenied or ExplicitlyDenied.
func (e Effect) String() string {
	switch e {
	case Allowed:
		return "Allowed"
	case ExplicitlyDenied:
		return "ExplicitlyDenied"
	default:
		return "ImplicitlyDenied"
	}
}
