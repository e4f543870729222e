package emulator

import (
	"net"
	"net/http"

	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// defaultWorld is the network without a scenario: a VPC in which every
// endpoint ECR needs is present, with private DNS and AWS's default
// full-access policy, so every request goes through its service's endpoint
// and nothing it asks is bounded. The ids are fixed, so policies can name
// them.
type defaultWorld struct {
	policy *policyeval.Policy
}

// The default world's VPC and endpoints, by service.
const defaultVPC = "vpc-0ec71100000000000"

var defaultEndpoints = map[string]string{
	reqinfo.ServiceDkr:  "vpce-0ec71100000000d0c",
	reqinfo.ServiceAPI:  "vpce-0ec711000000000a1",
	reqinfo.ServiceS3:   "vpce-0ec71100000000053",
	reqinfo.ServiceLogs: "vpce-0ec7110000000010c",
}

func newDefaultWorld() defaultWorld {
	return defaultWorld{policy: policyeval.DefaultEndpointPolicy()}
}

// caller is what the default world decides for a request to service: it
// came through that service's endpoint, from the client's address.
func (w defaultWorld) caller(service string, r *http.Request) *policyeval.Caller {
	id, ok := defaultEndpoints[service]
	if !ok {
		return nil // nothing is served: no path to decide
	}
	c := &policyeval.Caller{VPCEndpointID: id, EndpointPolicies: []*policyeval.Policy{w.policy}}
	c.Context.Set("aws:SourceVpce", id)
	c.Context.Set("aws:SourceVpc", defaultVPC)
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.Context.Set("aws:VpcSourceIp", ip)
	}
	return c
}
