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
