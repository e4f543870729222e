package netmodel

import (
	"net/netip"
	"slices"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// Hop is one request to decide: the AWS name the client used and the step
// of the pull or push it belongs to.
type Hop struct {
	Host   awsname.Host
	Step   reqinfo.Step
	Action string // the ECR action, where known; GetAuthorizationToken differs on Fargate
	// Source is the connection's address, which the plain world takes
	// for the client's; a scenario names its client.
	Source netip.Addr
}

// Resolved is how a name resolves from the VPC.
type Resolved int

const (
	// NoSuchHost: the VPC's DNS does not resolve the name.
	NoSuchHost Resolved = iota
	// Private: the name resolves to an interface endpoint's address.
	Private
	// Public: the name resolves to AWS's public address for it.
	Public
)

// Outcome is what the client meets at the address.
type Outcome int

const (
	// Reachable: the request reaches the service.
	Reachable Outcome = iota
	// NoRoute: packets are dropped, the client times out ("i/o timeout").
	NoRoute
	// Unresolved: the name did not resolve ("no such host").
	Unresolved
)

// Route vias, as the journal writes them.
const (
	ViaEndpoint = "endpoint"
	ViaInternet = "internet"
	ViaFargate  = "fargate"
	ViaBlocked  = "blocked"
)

// Decision is the network's answer for a Hop.
type Decision struct {
	Resolved Resolved
	// Addr is what the name resolved to; invalid when it did not.
	Addr netip.Addr
	// Resolution says why it resolved so.
	Resolution string
	Outcome    Outcome
	// Via is the route taken: endpoint, internet, fargate or blocked.
	Via string
	// Endpoint is the endpoint the request went through (interface or
	// gateway), if any.
	Endpoint string
	// Reason says why the route is what it is.
	Reason string
	// Caller is the request's network facts for policy evaluation: the
	// endpoint's policy and the condition keys AWS sets. Nil unless
	// Reachable.
	Caller *policyeval.Caller
	// Error is what a Go client prints when the hop fails before HTTP:
	// "dial tcp 52.94.1.2:443: i/o timeout". Empty when Reachable.
	Error string
}

// Decide decides hop. A name that is not AWS's, or of a service the VPC
// has no notion of, is NoSuchHost.
func (m *Model) Decide(hop Hop) Decision {
	if m.plain != nil {
		return m.decidePlain(hop)
	}
	h := hop.Host
	if !h.IsAWS() || !h.InPartition() {
		return m.unresolved(h, "not a name of an AWS service in this partition")
	}
	if m.s.Client.Kind == "fargate" && hop.Step == reqinfo.StepAuth && h.Kind == awsname.APIHost &&
		fargateAuthOwnNetwork(m.s.Client.PlatformVersion) {
		return Decision{Resolved: Public, Addr: publicAddr(h), Resolution: "resolved by the Fargate platform",
			Outcome: Reachable, Via: ViaFargate, Caller: &policyeval.Caller{},
			Reason: "Fargate platform version " + m.s.Client.PlatformVersion + " fetches the registry auth through its own network, not the task's"}
	}
	d := m.resolve(h)
	switch d.Resolved {
	case NoSuchHost:
		return d
	case Private:
		m.throughInterface(&d, h)
	default:
		m.overPublic(&d, h)
	}
	if d.Outcome == Reachable && m.s.Client.Kind == "fargate" && hop.Action == "ecr:GetAuthorizationToken" {
		// The call goes through the ENI Fargate owns (ECR-FACTS §6).
		d.Caller.Context.Delete("aws:SourceVpc")
		d.Caller.Context.Delete("aws:SourceVpce")
	}
	if d.Caller != nil {
		d.Caller.Context.Set("aws:SecureTransport", "true")
		d.Caller.Context.Set("aws:RequestedRegion", h.Region)
	}
	return d
}

func (m *Model) unresolved(h awsname.Host, why string) Decision {
	return Decision{Resolved: NoSuchHost, Resolution: why, Outcome: Unresolved, Via: ViaBlocked,
		Reason: "the name does not resolve", Error: "dial tcp: lookup " + h.String() + ": no such host"}
}

// resolve is the VPC's DNS answer for h.
func (m *Model) resolve(h awsname.Host) Decision {
	if m.s.VPC.DNS == "custom-isolated" {
		return m.unresolved(h, "the VPC's own DNS server resolves no AWS name (vpc.dns: custom-isolated)")
	}
	if h.Endpoint != "" {
		e := m.endpointByLabel(h.Endpoint)
		if e == nil {
			return m.unresolved(h, "no endpoint of the scenario has the endpoint-specific name "+h.Endpoint)
		}
		return Decision{Resolved: Private, Addr: e.addr, Endpoint: e.ID,
			Resolution: "the endpoint-specific name of " + e.ID + " resolves to its address " + e.addr.String()}
	}
	e, why := m.privateDNS(h)
	if e == nil {
		return Decision{Resolved: Public, Addr: publicAddr(h), Resolution: why + "; the name resolves to its public address " + publicAddr(h).String()}
	}
	return Decision{Resolved: Private, Addr: e.addr, Endpoint: e.ID,
		Resolution: "private DNS of " + e.ID + " resolves the name to " + e.addr.String()}
}

// privateDNS is the interface endpoint whose private DNS answers for h, or
// nil with the reason none does.
func (m *Model) privateDNS(h awsname.Host) (*endpoint, string) {
	service := h.Service()
	switch {
	case h.DualStack:
		return nil, "ECR does not serve PrivateLink on dual-stack names"
	case h.FIPS:
		return nil, "the endpoints' private DNS does not cover FIPS names"
	case h.Region != m.s.Region:
		return nil, "VPC endpoints do not serve another region (" + h.Region + ")"
	case m.s.VPC.DNS == "custom-no-forwarding":
		return nil, "the VPC's own DNS server does not forward AWS names to the Route 53 Resolver, so private DNS is not seen (vpc.dns: custom-no-forwarding)"
	}
	var off *endpoint
	for _, e := range m.endpoints {
		if e.Service != service || e.Type != "interface" || e.Region != m.s.Region {
			continue
		}
		if e.PrivateDNS {
			return e, ""
		}
		off = e
	}
	if off != nil {
		return nil, "endpoint " + off.ID + " for " + service + " has private DNS off"
	}
	return nil, "no interface endpoint for com.amazonaws." + m.s.Region + "." + service + " in the VPC"
}

func (m *Model) endpointByLabel(label string) *endpoint {
	for _, e := range m.endpoints {
		if e.Type == "interface" && e.Region == m.s.Region && (label == e.ID || len(label) > len(e.ID) && label[:len(e.ID)+1] == e.ID+"-") {
			return e
		}
	}
	return nil
}

// throughInterface decides a name that resolved to an interface endpoint:
// its security groups must admit the client on 443.
func (m *Model) throughInterface(d *Decision, h awsname.Host) {
	e := m.endpointByID(d.Endpoint)
	if e.Service != h.Service() {
		m.blocked(d, "endpoint "+e.ID+" serves "+e.Service+", not "+h.Service())
		return
	}
	if ok, why := m.admits(e); !ok {
		m.blocked(d, why)
		return
	}
	d.Outcome, d.Via = Reachable, ViaEndpoint
	d.Reason = "through interface endpoint " + e.ID
	d.Caller = m.endpointCaller(e, m.s.Client.IP.Addr)
}

func (m *Model) endpointByID(id string) *endpoint {
	for _, e := range m.endpoints {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// overPublic decides a name that resolved publicly: the S3 gateway on the
// subnet's route table, else the internet if the VPC has a way out.
func (m *Model) overPublic(d *Decision, h awsname.Host) {
	if h.Kind == awsname.StarportHost {
		if g := m.gateway(h.Region); g != nil {
			d.Outcome, d.Via, d.Endpoint = Reachable, ViaEndpoint, g.ID
			d.Reason = "the route table " + m.subnet.RouteTable + " of " + m.subnet.ID + " sends S3 traffic to gateway endpoint " + g.ID
			d.Caller = m.endpointCaller(g, m.s.Client.IP.Addr)
			return
		}
	}
	src, why, ok := m.egress(h)
	if !ok {
		m.blocked(d, why)
		return
	}
	d.Outcome, d.Via, d.Reason = Reachable, ViaInternet, why
	d.Caller = &policyeval.Caller{}
	d.Caller.Context.Set("aws:SourceIp", src.String())
	if src.Is6() {
		d.Addr = publicAddr6(h)
	}
}

// gateway is the S3 gateway endpoint of region on the client subnet's
// route table, if any.
func (m *Model) gateway(region string) *endpoint {
	if region != m.s.Region {
		return nil
	}
	for _, e := range m.endpoints {
		if e.Service == "s3" && e.Type == "gateway" && e.Region == m.s.Region && slices.Contains(e.RouteTables, m.subnet.RouteTable) {
			return e
		}
	}
	return nil
}

// egress is the address the client reaches the internet from for h, or
// why it cannot.
func (m *Model) egress(h awsname.Host) (netip.Addr, string, bool) {
	c := m.s.Client
	switch m.s.VPC.Internet {
	case "nat":
		return m.natIP, "over the internet through the NAT gateway (" + m.natIP.String() + ")", true
	case "igw":
		if h.DualStack && c.IPv6.IsValid() {
			return c.IPv6.Addr, "over the internet gateway from the client's IPv6 address " + c.IPv6.String(), true
		}
		if c.PublicIP.IsValid() {
			return c.PublicIP.Addr, "over the internet gateway from the client's public IP " + c.PublicIP.String(), true
		}
		return netip.Addr{}, "the VPC has an internet gateway but the client has no public IP (client.publicIp)", false
	}
	return netip.Addr{}, "the subnet has no route to the internet (vpc.internet: none) and no endpoint serves the name", false
}

func (m *Model) blocked(d *Decision, why string) {
	d.Outcome, d.Via, d.Reason, d.Caller = NoRoute, ViaBlocked, why, nil
	d.Error = "dial tcp " + netip.AddrPortFrom(d.Addr, 443).String() + ": i/o timeout"
}

// endpointCaller is the network's facts for a request through e from src.
func (m *Model) endpointCaller(e *endpoint, src netip.Addr) *policyeval.Caller {
	c := &policyeval.Caller{VPCEndpointID: e.ID, EndpointPolicies: []*policyeval.Policy{e.policy}}
	c.Context.Set("aws:SourceVpce", e.ID)
	c.Context.Set("aws:SourceVpc", m.s.VPC.ID)
	c.Context.Set("aws:VpcSourceIp", src.String())
	return c
}

// publicAddr6 is the IPv6 stand-in for a dual-stack name's public address.
func publicAddr6(h awsname.Host) netip.Addr {
	v := hash(nameOf(h))
	return netip.AddrFrom16([16]byte{0x26, 0x00, 0x1f, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// String names a Resolved as explain prints it.
func (r Resolved) String() string {
	switch r {
	case Private:
		return "private"
	case Public:
		return "public"
	}
	return "nxdomain"
}

// String names an Outcome.
func (o Outcome) String() string {
	switch o {
	case Reachable:
		return "reachable"
	case NoRoute:
		return "no route"
	}
	return "no such host"
}
