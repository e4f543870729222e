package netmodel

import (
	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// The plain world's VPC and endpoints, by service: fixed ids, so policies
// can name them.
const PlainVPC = "vpc-0ec71100000000000"

// PlainEndpoints are the plain world's endpoint ids by service.
var PlainEndpoints = map[string]string{
	reqinfo.ServiceDkr:  "vpce-0ec71100000000d0c",
	reqinfo.ServiceAPI:  "vpce-0ec711000000000a1",
	reqinfo.ServiceS3:   "vpce-0ec71100000000053",
	reqinfo.ServiceLogs: "vpce-0ec7110000000010c",
}

// Plain is the world without a scenario, ECR as plain ECR: a VPC in which
// every endpoint is present, with private DNS and AWS's default
// full-access policy, so every request goes through its service's
// endpoint and nothing it asks is bounded. home is the registry direct
// mode names.
func Plain(home awsname.Registry) *Model {
	return &Model{plain: policyeval.DefaultEndpointPolicy(), home: home}
}

// decidePlain is the plain world's decision: through the service's
// endpoint, from the connection's address.
func (m *Model) decidePlain(hop Hop) Decision {
	service := hop.Host.Service()
	id, ok := PlainEndpoints[service]
	if !ok {
		return m.unresolved(hop.Host, "ecrlink serves no such name")
	}
	c := &policyeval.Caller{VPCEndpointID: id, EndpointPolicies: []*policyeval.Policy{m.plain}}
	c.Context.Set("aws:SourceVpce", id)
	c.Context.Set("aws:SourceVpc", PlainVPC)
	if hop.Source.IsValid() {
		c.Context.Set("aws:VpcSourceIp", hop.Source.String())
	}
	return Decision{Resolved: Private, Resolution: "no scenario: every endpoint is present, with private DNS",
		Outcome: Reachable, Via: ViaEndpoint, Endpoint: id, Reason: "the default full-access endpoint policy", Caller: c}
}

// Home is the registry direct mode names: the scenario's account and
// region, or the plain world's home.
func (m *Model) Home() awsname.Registry { return m.home }

// HostOf is the AWS name a request is decided for: the one it came by, or
// in direct mode (any other name) the one the scenario's client would have
// used for service (DESIGN.md, "Who the client is in each mode"); a layer
// GET names its bucket's region.
func (m *Model) HostOf(h awsname.Host, service, bucketRegion string) awsname.Host {
	if h.IsAWS() {
		return h
	}
	out := awsname.Host{Region: m.home.Region, Suffix: awsname.PartitionOf(m.home.Region).DNSSuffix}
	switch service {
	case reqinfo.ServiceDkr:
		out.Kind, out.Account = awsname.RegistryHost, m.home.Account
	case reqinfo.ServiceAPI:
		out.Kind = awsname.APIHost
	case reqinfo.ServiceS3:
		out.Kind, out.Region = awsname.StarportHost, bucketRegion
	case reqinfo.ServiceLogs:
		out.Kind = awsname.LogsHost
	}
	return out
}
