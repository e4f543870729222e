package reqinfo

import (
	"context"

	"github.com/ecrlink/ecrlink/policyeval"
)

// Authorization is one authorization decision, allowed or not, as made by
// registry or s3shim.
type Authorization struct {
	Principal string
	Action    string
	Resource  string
	// Decision holds the outcome, the policy type that denied and the
	// statements that matched, the deciding one among them.
	Decision policyeval.Decision
	// Message is AWS's AccessDenied text when denied; empty when allowed.
	Message string
	// Policies are the policies the decision consulted, named.
	Policies []PolicyRef
}

// PolicyRef names one policy a decision consulted.
type PolicyRef struct {
	Type policyeval.PolicyType
	// Index is the policy's place in its slot of the Set (Identity,
	// Endpoint); 0 for the others.
	Index int
	// ID names it: the principal of identity policies, the repository's
	// ARN, the registry's account, the endpoint's id.
	ID string
}

// PolicyNames are the IDs of each slot of a Set, for RefsOf.
type PolicyNames struct {
	Identity, Resource, Registry, Endpoint string
}

// RefsOf lists the policies in set, in the order Evaluate consults them.
func RefsOf(set *policyeval.Set, names PolicyNames) []PolicyRef {
	var refs []PolicyRef
	for i, p := range set.Identity {
		if p != nil {
			refs = append(refs, PolicyRef{Type: policyeval.PolicyIdentity, Index: i, ID: names.Identity})
		}
	}
	if set.Resource != nil {
		refs = append(refs, PolicyRef{Type: policyeval.PolicyResource, ID: names.Resource})
	}
	if set.Registry != nil {
		refs = append(refs, PolicyRef{Type: policyeval.PolicyRegistry, ID: names.Registry})
	}
	for i, p := range set.Endpoint {
		if p != nil {
			refs = append(refs, PolicyRef{Type: policyeval.PolicyEndpoint, Index: i, ID: names.Endpoint})
		}
	}
	return refs
}

// Observer receives every authorization decision of a request; the
// journal is written from one.
type Observer interface {
	ObserveAuthorization(ctx context.Context, info *Info, a Authorization)
}

// ObserverFunc adapts a function to an Observer.
type ObserverFunc func(ctx context.Context, info *Info, a Authorization)

// ObserveAuthorization calls f.
func (f ObserverFunc) ObserveAuthorization(ctx context.Context, info *Info, a Authorization) {
	f(ctx, info, a)
}

// Report hands a to the request's observer, if it has one.
func Report(ctx context.Context, a Authorization) {
	if info, ok := From(ctx); ok && info.Observer != nil {
		info.Observer.ObserveAuthorization(ctx, info, a)
	}
}
