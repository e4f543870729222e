package netmodel

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// admits reports whether e's security groups let the client connect to
// 443, or says why not. An endpoint that names no group has the VPC's
// default group, which admits only its own members: a client that names no
// group is one of them.
func (m *Model) admits(e *endpoint) (bool, string) {
	c := m.s.Client
	if len(e.SecurityGroups) == 0 {
		if len(c.SecurityGroups) == 0 {
			return true, ""
		}
		return false, "endpoint " + e.ID + " has the VPC default security group, which admits only its own members, and the client is in " +
			strings.Join(c.SecurityGroups, ", ")
	}
	for _, id := range e.SecurityGroups {
		if g := m.groups[id]; g != nil && slices.ContainsFunc(g.Ingress, func(r scenario.IngressRule) bool { return m.allows(r, c.IP.Addr) }) {
			return true, ""
		}
	}
	return false, "no ingress rule of " + strings.Join(e.SecurityGroups, ", ") + " (endpoint " + e.ID + ") allows tcp 443 from " + c.IP.String()
}

// allows reports whether r admits tcp 443 from src, a client in the
// client's security groups.
func (m *Model) allows(r scenario.IngressRule, src netip.Addr) bool {
	if r.Protocol != "tcp" && r.Protocol != "-1" {
		return false
	}
	if r.FromPort > 443 || r.ToPort < 443 {
		return false
	}
	if r.SourceGroup != "" {
		return slices.Contains(m.s.Client.SecurityGroups, r.SourceGroup)
	}
	return r.CIDR.IsValid() && r.CIDR.Contains(src)
}
