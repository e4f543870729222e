package reqinfo

import (
	"context"
	"net"
	"sync"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
)

// Info is one request's facts. Build it with New; the zero Info is a direct
// request with no route and no caller, which the services refuse.
type Info struct {
	// Host is the parsed Host header, parsed here and nowhere else.
	Host awsname.Host
	// RawHost is the Host header as sent, for URIs in direct mode.
	RawHost string
	// Scheme is "https" when the request came over TLS, else "http".
	Scheme string
	// Class is what the request asks: service, step, action.
	Class Class
	// Caller is what the network decided about the request's caller; nil
	// means nothing was decided, and registry and s3shim deny.
	Caller *policyeval.Caller
	// Observer, if set, receives every authorization decision.
	Observer Observer
	// Home is the registry direct mode names, the scenario's account and
	// region; zero means the service's own default.
	Home awsname.Registry

	mu       sync.Mutex
	resource string
}

type infoKey struct{}

func (infoKey) String() string { return "reqinfo.Info" }

// With returns a copy of ctx carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// From returns the Info stored by With; ok is false when there is none.
func From(ctx context.Context) (*Info, bool) {
	info, ok := ctx.Value(infoKey{}).(*Info)
	return info, ok && info != nil
}

// SetResource records the ARN the request was authorized against, once the
// service has decided it: for an ECR API call it is named by the body,
// which the classification of the headers cannot see.
func (i *Info) SetResource(arn string) {
	i.mu.Lock()
	i.resource = arn
	i.mu.Unlock()
}

// Resource is the ARN recorded by SetResource, or the one the
// classification found (a registry request's repository).
func (i *Info) Resource() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.resource
}

// RegistryHost is the registry host a client that reached us as i should
// use for reg: in direct mode the Host header as sent for the registry
// direct mode names (Home, or any when Home is zero), and for another the
// registry's AWS name on the same port, since the listener's own name would
// lead to the home registry; else reg's account's registry name in the
// flavour (partition, FIPS, dual-stack, port) of the name the client used.
func (i *Info) RegistryHost(reg awsname.Registry) string {
	if i.Host.IsAWS() {
		return i.Host.RegistryFor(reg.Account).String()
	}
	if i.Home == (awsname.Registry{}) || reg == i.Home {
		return i.RawHost
	}
	h := awsname.Host{Kind: awsname.RegistryHost, Account: reg.Account, Region: reg.Region,
		Suffix: awsname.PartitionOf(reg.Region).DNSSuffix}
	if _, port, err := net.SplitHostPort(i.RawHost); err == nil {
		h.Port = port
	}
	return h.String()
}

// Direct reports whether the client reached us by a name that is not
// AWS's (127.0.0.1:PORT, localhost).
func (i *Info) Direct() bool { return !i.Host.IsAWS() }
