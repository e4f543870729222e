// Package netmodel is the decision at the heart of ecrlink: given a
// scenario and a request's host and step, how the name resolves from the
// client's VPC, whether the client can reach what it resolves to, by which
// route, and the condition keys AWS would set on the request. It is pure
// (no I/O), so the live server and `ecrlink explain` make the same
// decision from the same code.
package netmodel

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/policyeval"
)

// Model is a scenario compiled for decisions. It is immutable: a new
// scenario is a new Model, so a request keeps the one it started with.
type Model struct {
	// plain, if set, makes this the plain world (Plain) and is its
	// endpoints' policy; s is nil then.
	plain     *policyeval.Policy
	home      awsname.Registry
	s         *scenario.Scenario
	subnet    *scenario.Subnet
	groups    map[string]*scenario.SG
	endpoints []*endpoint
	natIP     netip.Addr
}

// endpoint is a scenario endpoint usable from the VPC (of its region),
// with its policy compiled and the address of its network interface.
type endpoint struct {
	*scenario.Endpoint
	policy *policyeval.Policy
	addr   netip.Addr
}

// defaultNATIP stands for the NAT gateway's public address when the
// scenario names none (TEST-NET-2, as in DESIGN.md's example).
var defaultNATIP = netip.MustParseAddr("198.51.100.7")

// New compiles a parsed (so validated) scenario.
func New(s *scenario.Scenario) (*Model, error) {
	m := &Model{s: s, groups: map[string]*scenario.SG{}, natIP: s.VPC.NATIP.Addr,
		home: awsname.Registry{Account: s.Account, Region: s.Region}}
	if !m.natIP.IsValid() {
		m.natIP = defaultNATIP
	}
	for i := range s.Subnets {
		if s.Subnets[i].ID == s.Client.Subnet {
			m.subnet = &s.Subnets[i]
		}
	}
	if m.subnet == nil {
		return nil, fmt.Errorf("netmodel: client.subnet %q is not a subnet of the scenario", s.Client.Subnet)
	}
	for i := range s.SecurityGroups {
		m.groups[s.SecurityGroups[i].ID] = &s.SecurityGroups[i]
	}
	for i := range s.Endpoints {
		e, err := m.compileEndpoint(&s.Endpoints[i])
		if err != nil {
			return nil, fmt.Errorf("netmodel: endpoints[%d]: %w", i, err)
		}
		m.endpoints = append(m.endpoints, e)
	}
	return m, nil
}

func (m *Model) compileEndpoint(se *scenario.Endpoint) (*endpoint, error) {
	e := &endpoint{Endpoint: se, policy: policyeval.DefaultEndpointPolicy()}
	kind := policyeval.KindEndpoint
	if se.Type == "gateway" {
		kind = policyeval.KindS3Gateway
	}
	if len(se.Policy) > 0 {
		p, err := policyeval.Parse(se.Policy, kind)
		if err != nil {
			return nil, err
		}
		e.policy = p
	}
	if se.Type == "interface" {
		e.addr = hostIn(m.subnet.CIDR.Prefix, se.ID)
	}
	return e, nil
}

// Scenario is the scenario m was compiled from; nil for the plain world.
func (m *Model) Scenario() *scenario.Scenario { return m.s }

// hostIn is a stable address for name inside p, past the four addresses
// AWS reserves at the start of a subnet and before its broadcast address.
func hostIn(p netip.Prefix, name string) netip.Addr {
	size := uint64(1) << (32 - p.Bits())
	if !p.Addr().Is4() || size < 8 {
		return p.Addr()
	}
	a := p.Masked().Addr().As4()
	base := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
	v := base + 4 + hash(name)%(size-5)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// publicAddr is a stable stand-in for the public address a name resolves
// to: S3's names in 52.216.0.0/15, the others in 52.94.0.0/16, both ranges
// AWS's own.
func publicAddr(h awsname.Host) netip.Addr {
	v := hash(nameOf(h))
	if h.Kind == awsname.StarportHost {
		return netip.AddrFrom4([4]byte{52, byte(216 + v%2), byte(v >> 8), byte(1 + (v>>16)%254)})
	}
	return netip.AddrFrom4([4]byte{52, 94, byte(v >> 8), byte(1 + (v>>16)%254)})
}

// nameOf is h's name without the Host header's port: the address a name
// resolves to cannot depend on the port a client happened to use, or the
// live journal (which sees the port) and explain (which does not) differ.
func nameOf(h awsname.Host) string {
	h.Port = ""
	return h.String()
}

// fargateAuthOwnNetwork reports whether a Fargate platform version fetches
// the registry auth through the platform's own network rather than the
// task's (ECR-FACTS §6: versions up to 1.3.0; LATEST is 1.4.0).
func fargateAuthOwnNetwork(pv string) bool {
	if pv == "" || strings.EqualFold(pv, "LATEST") {
		return false
	}
	major, rest, _ := strings.Cut(pv, ".")
	minor, _, _ := strings.Cut(rest, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	return err1 == nil && err2 == nil && (ma < 1 || (ma == 1 && mi <= 3))
}
