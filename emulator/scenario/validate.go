package scenario

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
)

// Bounds on durations: a held request must end within a test's patience,
// and ECR never issues a token for longer than 12 hours.
const (
	maxHold          = 15 * time.Minute
	maxTokenLifetime = 12 * time.Hour
)

// validate checks a decoded, defaulted scenario, recording every finding.
func validate(s *Scenario, c *collector) {
	validateTop(s, c)
	validateVPC(&s.VPC, c)
	validateSubnets(s, c)
	validateGroups(s, c)
	validateClient(s, c)
	validateEndpoints(s, c)
	validateIdentities(s, c)
	validateRepositories("repositories", s.Repositories, c)
	validateRegistries(s, c)
	validateFaults(s.Faults, c)
	validatePolicies(s, c)
}

func validateTop(s *Scenario, c *collector) {
	account(c, "account", s.Account)
	region(c, "region", s.Region)
	duration(c, "hold", s.Hold, maxHold)
	duration(c, "tokens.lifetime", s.Tokens.Lifetime, maxTokenLifetime)
}

func account(c *collector, path, v string) {
	switch {
	case v == "":
		c.add(path, "required: the 12-digit account id")
	case !awsname.ValidAccount(v):
		c.add(path, "%q is not a 12-digit account id (quote it, so YAML keeps leading zeros)", v)
	}
}

func region(c *collector, path, v string) {
	switch {
	case v == "":
		c.add(path, "required: a region such as us-east-1")
	case !awsname.ValidRegion(v):
		c.add(path, "%q is not a region name such as us-east-1", v)
	}
}

func duration(c *collector, path string, d Duration, max time.Duration) {
	if d <= 0 || time.Duration(d) > max {
		c.add(path, "%s is out of range: want more than 0s and at most %s", d, Duration(max))
	}
}

// oneOf records a finding unless v is one of the allowed values.
func oneOf(c *collector, path, v string, allowed ...string) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	if v == "" {
		c.add(path, "required: one of %s", strings.Join(allowed, ", "))
	} else {
		c.add(path, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
	return false
}

// id checks an AWS resource id's prefix: it catches one kind of id written
// where another is meant (a subnet in securityGroups).
func id(c *collector, path, v, prefix string) bool {
	switch {
	case v == "":
		c.add(path, "required: an id such as %sexample", prefix)
	case !strings.HasPrefix(v, prefix) || len(v) == len(prefix):
		c.add(path, "%q is not a %s id (want %s…)", v, strings.TrimSuffix(prefix, "-"), prefix)
	default:
		return true
	}
	return false
}

// unique records a finding for each value seen before, naming the first.
type seen map[string]string

func (s seen) check(c *collector, path, v, what string) {
	if v == "" {
		return
	}
	if first, dup := s[v]; dup {
		c.add(path, "duplicate %s %q (first at %s)", what, v, first)
		return
	}
	s[v] = path
}

func validateVPC(v *VPC, c *collector) {
	id(c, "vpc.id", v.ID, "vpc-")
	// AWS: a VPC's IPv4 block is /16 to /28.
	if ipv4Block(c, "vpc.cidr", v.CIDR, true) && (v.CIDR.Bits() < 16 || v.CIDR.Bits() > 28) {
		c.add("vpc.cidr", "a VPC's IPv4 block is /16 to /28, not /%d", v.CIDR.Bits())
	}
	if v.IPv6CIDR.IsValid() {
		block(c, "vpc.ipv6Cidr", v.IPv6CIDR, false)
	}
	oneOf(c, "vpc.dns", v.DNS, "amazon", "custom-forwarding", "custom-no-forwarding", "custom-isolated")
	oneOf(c, "vpc.internet", v.Internet, "none", "nat", "igw")
	if v.NATIP.IsValid() {
		ipv4(c, "vpc.natIp", v.NATIP)
	}
}

// block checks a CIDR block's family and that it is a network address.
func block(c *collector, path string, p Prefix, want4 bool) bool {
	if p.Addr().Is4() != want4 {
		c.add(path, "%s is not an %s block", p, family(want4))
		return false
	}
	if m := p.Masked(); m != p.Prefix {
		c.add(path, "%s is not a network address (did you mean %s?)", p, m)
		return false
	}
	return true
}

// ipv4Block is block for a required IPv4 field.
func ipv4Block(c *collector, path string, p Prefix, required bool) bool {
	if !p.IsValid() {
		if required {
			c.add(path, "required: an IPv4 CIDR block such as 10.0.0.0/16")
		}
		return false
	}
	return block(c, path, p, true)
}

func ipv4(c *collector, path string, a Addr) bool {
	if !a.Is4() {
		c.add(path, "%s is not an IPv4 address", a)
		return false
	}
	return true
}

func family(v4 bool) string {
	if v4 {
		return "IPv4"
	}
	return "IPv6"
}

func validateSubnets(s *Scenario, c *collector) {
	if len(s.Subnets) == 0 {
		c.add("subnets", "required: at least one subnet")
	}
	ids := seen{}
	for i, sn := range s.Subnets {
		p := fmt.Sprintf("subnets[%d]", i)
		if id(c, p+".id", sn.ID, "subnet-") {
			ids.check(c, p+".id", sn.ID, "subnet id")
		}
		if sn.RouteTable != "" {
			id(c, p+".routeTable", sn.RouteTable, "rtb-")
		}
		if !ipv4Block(c, p+".cidr", sn.CIDR, true) || !s.VPC.CIDR.Addr().Is4() {
			continue
		}
		if !s.VPC.CIDR.Contains(sn.CIDR.Addr()) || sn.CIDR.Bits() < s.VPC.CIDR.Bits() {
			c.add(p+".cidr", "%s is not inside the VPC's %s", sn.CIDR, s.VPC.CIDR)
		} else if sn.CIDR.Bits() > 28 {
			c.add(p+".cidr", "a subnet's IPv4 block is /16 to /28, not /%d", sn.CIDR.Bits())
		}
	}
	subnetOverlaps(s.Subnets, c)
}

// subnetOverlaps reports one overlap among the subnets' blocks, if any. Two
// CIDR blocks overlap only if one contains the other, so after sorting by
// address an overlap always shows between neighbours.
func subnetOverlaps(subnets []Subnet, c *collector) {
	order := make([]int, 0, len(subnets))
	for i, sn := range subnets {
		if sn.CIDR.IsValid() && sn.CIDR.Addr().Is4() {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		return subnets[a].CIDR.Addr().Compare(subnets[b].CIDR.Addr())
	})
	for k := 1; k < len(order); k++ {
		a, b := subnets[order[k-1]], subnets[order[k]]
		if a.CIDR.Overlaps(b.CIDR.Prefix) {
			c.add(fmt.Sprintf("subnets[%d].cidr", order[k]), "%s overlaps %s of subnet %s", b.CIDR, a.CIDR, a.ID)
			return
		}
	}
}

// usable reports whether ip may be a host's address in block: AWS reserves
// the first four addresses and the last of every subnet.
func usable(ip netip.Addr, block netip.Prefix) bool {
	first := block.Masked().Addr()
	for range 4 {
		if ip == first {
			return false
		}
		first = first.Next()
	}
	return ip != lastAddr(block)
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
