package emulator

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/dnsserver"
	"github.com/ecrlink/ecrlink/emulator/faults"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/netmodel"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// Advertise is what ecrlink's DNS server, its hosts lines and its proxy
// give for an AWS name, by what the scenario says the client meets there
// (DESIGN.md, the outcome table). A zero field means the address of the
// listener it stands for.
type Advertise struct {
	// TLS is ecrlink's TLS listener: names the client reaches.
	TLS netip.Addr
	// Blackhole drops every SYN: names with no route.
	Blackhole netip.Addr
	// Refused has nothing listening on 443: names whose connections a
	// refuse fault turns away. Zero means the TLS listener, which then
	// resets each connection the fault fires on.
	Refused netip.Addr
}

// reach is what a client meets at a name, before any request.
type reach int

const (
	reachable reach = iota
	noRoute
	refused
	noSuchHost
)

// reachName is what the world says a client meets when it resolves and
// dials h, with the journal's error text for anything but reachable.
// Faults that fire on every connection to the name count (faults.ForName);
// the network model decides the rest.
func (w *world) reachName(h awsname.Host) (reach, netmodel.Decision) {
	d := w.model.Decide(netmodel.Hop{Host: h})
	if h.Kind == awsname.APIHost && d.Outcome != netmodel.Reachable {
		// A Fargate platform that fetches the registry auth through its
		// own network reaches the API name for that call (ECR-FACTS §6):
		// the name must lead there, and the live path then holds the
		// task's other calls.
		auth := w.model.Decide(netmodel.Hop{Host: h, Step: reqinfo.StepAuth, Action: "ecr:GetAuthorizationToken"})
		if auth.Outcome == netmodel.Reachable {
			d = auth
		}
	}
	if r, ok := w.faultOnName(h, &d); ok {
		return r, d
	}
	switch d.Outcome {
	case netmodel.Reachable:
		return reachable, d
	case netmodel.NoRoute:
		return noRoute, d
	}
	return noSuchHost, d
}

// faultOnName is what a fault that fires on every connection to h makes
// of it, with d's texts rewritten to say so; ok is false when none does.
func (w *world) faultOnName(h awsname.Host, d *netmodel.Decision) (r reach, ok bool) {
	if w.sc == nil {
		return reachable, false
	}
	fr := faults.Request{Service: h.Service(), Host: h.String()}
	effect := faults.ForName(w.sc.Faults, fr.Service, fr.Host)
	switch effect {
	case "timeout":
		r = noRoute
	case "refuse":
		r = refused
	case "nxdomain":
		r = noSuchHost
	default:
		return reachable, false
	}
	d.Error = faults.ClientText(effect, fr)
	d.Resolution = "a " + effect + " fault of the scenario fires on every connection to the name"
	d.Via, d.Reason = netmodel.ViaBlocked, ""
	return r, true
}

// outcome is the journal's name for r.
func (r reach) outcome() string {
	switch r {
	case noRoute:
		return journal.OutcomeHeld
	case refused:
		return journal.OutcomeRefused
	case noSuchHost:
		return journal.OutcomeNXDomain
	}
	return journal.OutcomeAllowed
}

// addrFor is the address a name the client meets as r resolves to.
func (a Advertise) addrFor(r reach) netip.Addr {
	switch {
	case r == noRoute && a.Blackhole.IsValid():
		return a.Blackhole
	case r == refused && a.Refused.IsValid():
		return a.Refused
	}
	return a.TLS
}

// answerer is the DNS server's view of the world in force: it loads the
// world on every question, so answers follow scenario changes at once.
type answerer struct{ s *Server }

// Answer implements dnsserver.Answerer.
func (a answerer) Answer(name string) dnsserver.Answer {
	h, ok := awsname.MatchName(name)
	if !ok {
		return dnsserver.Answer{Kind: dnsserver.Refused}
	}
	r, _ := a.s.world.Load().reachName(h)
	if r == noSuchHost {
		return dnsserver.Answer{Kind: dnsserver.NXDomain}
	}
	addr := a.s.edges.advertise.addrFor(r)
	if !addr.IsValid() {
		return dnsserver.Answer{Kind: dnsserver.ServFail}
	}
	if addr.Is4() {
		return dnsserver.Answer{Kind: dnsserver.Address, A: []netip.Addr{addr}}
	}
	return dnsserver.Answer{Kind: dnsserver.Address, AAAA: []netip.Addr{addr}}
}

// Hosts is /etc/hosts lines mapping the AWS names of every registry
// ecrlink serves to where the scenario in force sends them: the TLS
// listener, the blackhole, the refused address. A name that does not
// resolve is written as a comment, so the machine's resolver answers it
// ("no such host"). Written again after a scenario change, the lines
// follow it.
func (s *Server) Hosts() string {
	wd := s.world.Load()
	var b strings.Builder
	b.WriteString("# ecrlink: AWS names of the registries it serves, as the scenario in force resolves them\n")
	for _, h := range s.names(wd) {
		r, d := wd.reachName(h)
		addr := s.edges.advertise.addrFor(r)
		switch {
		case r == noSuchHost:
			// With no line the machine's resolver answers: offline, "no
			// such host"; online, the real AWS name, which only the proxy
			// and the DNS server can keep away.
			fmt.Fprintf(&b, "# %s does not resolve: %s (on a machine with internet the real name would: use the proxy or ecrlink's DNS for this case)\n", h, d.Resolution)
		case !addr.IsValid():
			fmt.Fprintf(&b, "# %s: no address to give for it (no TLS listener, no --advertise): %s\n", h, orReachable(d.Error))
		default:
			fmt.Fprintf(&b, "%s\t%s", addr, h)
			if r != reachable {
				fmt.Fprintf(&b, "\t# %s", d.Error)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// orReachable is a decision's error, or says the name is reachable.
func orReachable(text string) string {
	if text == "" {
		return "reachable"
	}
	return text
}

// names are the AWS names of the registries served: the registry and
// the API (with their dual-stack names), the layer bucket (regional, and the old global name in us-east-1)
// and CloudWatch Logs, each once, in a stable order.
func (s *Server) names(wd *world) []awsname.Host {
	regs := append([]awsname.Registry{s.svc.Home()}, s.cfg.Registries...)
	if wd.sc != nil {
		regs = append(regs, awsname.Registry{Account: wd.sc.Account, Region: wd.sc.Region})
		for _, r := range wd.sc.Registries {
			regs = append(regs, awsname.Registry{Account: r.Account, Region: r.Region})
		}
	}
	var out []awsname.Host
	seen := map[string]bool{}
	add := func(h awsname.Host) {
		if k := h.String(); !seen[k] {
			seen[k] = true
			out = append(out, h)
		}
	}
	for _, reg := range regs {
		p := awsname.PartitionOf(reg.Region)
		add(awsname.Host{Kind: awsname.RegistryHost, Account: reg.Account, Region: reg.Region, Suffix: p.DNSSuffix})
		if p.RegistryDualStackSuffix != "" {
			add(awsname.Host{Kind: awsname.RegistryHost, Account: reg.Account, Region: reg.Region, Suffix: p.RegistryDualStackSuffix, DualStack: true})
		}
	}
	for _, reg := range regs {
		suffix := awsname.PartitionOf(reg.Region).DNSSuffix
		add(awsname.Host{Kind: awsname.APIHost, Region: reg.Region, Suffix: suffix})
		if ds := awsname.PartitionOf(reg.Region).DualStackSuffix; ds != "" {
			add(awsname.Host{Kind: awsname.APIHost, Region: reg.Region, Suffix: ds, DualStack: true, Short: true})
		}
		add(awsname.Host{Kind: awsname.StarportHost, Region: reg.Region, Suffix: suffix})
		if reg.Region == "us-east-1" {
			add(awsname.Host{Kind: awsname.StarportHost, Region: reg.Region, Suffix: suffix, Global: true})
		}
		add(awsname.Host{Kind: awsname.LogsHost, Region: reg.Region, Suffix: suffix})
	}
	slices.SortStableFunc(out, func(a, b awsname.Host) int { return int(a.Kind) - int(b.Kind) })
	return out
}
