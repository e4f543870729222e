package faults

import "github.com/ecrlink/ecrlink/emulator/scenario"

// ForName is the network effect (timeout, refuse or nxdomain) that every
// connection to host meets, or "" if none does. A resolver and a proxy see
// a name before any request, so only a fault that cannot depend on the
// request counts: one whose match names no more than the service and the
// host, that fires from the first request (after: 0) and always (rate 1).
// The first such fault in the scenario's order decides, as Fire's order
// does; host is the bare name, service the one it belongs to.
func ForName(fs []scenario.Fault, service, host string) string {
	r := normalize(Request{Service: service, Host: host})
	for _, f := range fs {
		if !network(f.Effect) || f.After != 0 || (f.Rate != 0 && f.Rate < 1) ||
			f.Match.Action != "" || f.Match.Repository != "" {
			continue
		}
		m := compile(f.Match)
		if m.port != "" && m.port != "443" {
			continue // the names' connections are on 443
		}
		m.port = ""
		if m.matches(r) {
			return f.Effect
		}
	}
	return ""
}

func network(effect string) bool {
	return effect == "timeout" || effect == "refuse" || effect == "nxdomain"
}
