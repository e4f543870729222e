package emulator

import (
	"net"
	"net/http"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/faults"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/netmodel"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// world is what decides a request's network facts: with no scenario, the
// default world; with one, its compiled model. A world never changes; a
// new scenario is a new world, swapped in whole, so a request keeps the
// one it started with.
type world struct {
	sc    *scenario.Scenario // nil: the default world
	model *netmodel.Model
	home  awsname.Registry // the registry direct mode names
	hold  time.Duration
	// faults are the scenario's injections; nil never fires.
	faults *faults.Set
	// policy is AWS's default full-access endpoint policy, for the
	// default world's endpoints.
	policy *policyeval.Policy
}

// decision is a world's answer for one request.
type decision struct {
	caller  *policyeval.Caller // nil unless the request is to be served
	route   journal.Route
	outcome netmodel.Outcome
	err     string // what the client prints when it is not served
}

// The default world's VPC and endpoints, by service: fixed ids, so
// policies can name them.
const defaultVPC = "vpc-0ec71100000000000"

var defaultEndpoints = map[string]string{
	reqinfo.ServiceDkr:  "vpce-0ec71100000000d0c",
	reqinfo.ServiceAPI:  "vpce-0ec711000000000a1",
	reqinfo.ServiceS3:   "vpce-0ec71100000000053",
	reqinfo.ServiceLogs: "vpce-0ec7110000000010c",
}

func defaultWorld(home awsname.Registry) *world {
	return &world{home: home, policy: policyeval.DefaultEndpointPolicy()}
}

// scenarioWorld compiles sc.
func scenarioWorld(sc *scenario.Scenario) (*world, error) {
	m, err := netmodel.New(sc)
	if err != nil {
		return nil, err
	}
	return &world{sc: sc, model: m, home: awsname.Registry{Account: sc.Account, Region: sc.Region},
		hold: time.Duration(sc.Hold), faults: faults.New(sc.Faults, nil)}, nil
}

// decide is the world's decision for a request with facts info.
func (w *world) decide(info *reqinfo.Info, r *http.Request) decision {
	if w.model == nil {
		return w.defaultDecision(info.Class.Service, r)
	}
	hop := netmodel.Hop{Host: w.hostOf(info), Step: info.Class.Step, Action: info.Class.Action}
	d := w.model.Decide(hop)
	reason := d.Resolution
	if d.Reason != "" {
		reason += "; " + d.Reason
	}
	return decision{caller: d.Caller, outcome: d.Outcome, err: d.Error,
		route: journal.Route{Via: d.Via, Endpoint: d.Endpoint, Reason: reason}}
}

// hostOf is the AWS name a request is decided for: the one it came by, or
// in direct mode the name the scenario's client would have used (DESIGN.md,
// "Who the client is in each mode").
func (w *world) hostOf(info *reqinfo.Info) awsname.Host {
	if info.Host.IsAWS() {
		return info.Host
	}
	suffix := awsname.PartitionOf(w.home.Region).DNSSuffix
	h := awsname.Host{Region: w.home.Region, Suffix: suffix}
	switch info.Class.Service {
	case reqinfo.ServiceDkr:
		h.Kind, h.Account = awsname.RegistryHost, w.home.Account
	case reqinfo.ServiceAPI:
		h.Kind = awsname.APIHost
	case reqinfo.ServiceS3:
		h.Kind, h.Region = awsname.StarportHost, info.Class.BucketRegion
	case reqinfo.ServiceLogs:
		h.Kind = awsname.LogsHost
	}
	return h
}

// defaultDecision is the default world's: every request came through its
// service's endpoint, from the client's address, bounded by nothing.
func (w *world) defaultDecision(service string, r *http.Request) decision {
	id, ok := defaultEndpoints[service]
	if !ok {
		return decision{outcome: netmodel.Unresolved, route: journal.Route{Via: journal.ViaBlocked, Reason: "ecrlink serves no " + service}}
	}
	c := &policyeval.Caller{VPCEndpointID: id, EndpointPolicies: []*policyeval.Policy{w.policy}}
	c.Context.Set("aws:SourceVpce", id)
	c.Context.Set("aws:SourceVpc", defaultVPC)
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.Context.Set("aws:VpcSourceIp", ip)
	}
	return decision{caller: c, route: journal.Route{Via: journal.ViaEndpoint, Endpoint: id,
		Reason: "no scenario: every endpoint is present, with private DNS and the default full-access policy"}}
}
