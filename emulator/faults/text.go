package faults

// ClientText is the error a real client prints when effect fires on r,
// for the journal's error field. The network effects are Go's net
// package's texts, which docker, containerd, the ECS agent and the Go
// SDKs all embed (ECR-FACTS §7 A2, B2, B6): the dial texts name the
// Host header's port, or 443. The service answers are "Code: Message",
// the words of the body Throttle or InternalError writes, in the form
// go-containerregistry and the v1 SDK print (§7 I1, I3, G1). Effect slow
// is no error, so its text is empty, as is an unknown effect's.
func ClientText(effect string, r Request) string {
	switch effect {
	case "timeout":
		return "dial tcp " + dialAddr(r.Host) + ": i/o timeout"
	case "refuse":
		return "dial tcp " + dialAddr(r.Host) + ": connect: connection refused"
	case "nxdomain":
		name, _ := splitHostPort(r.Host)
		return "dial tcp: lookup " + name + ": no such host"
	case "reset":
		return "read: connection reset by peer"
	case "throttle":
		return Throttle(r.Service).Text()
	case "http-500":
		return InternalError(r.Service).Text()
	}
	return ""
}

// Text is the first line a client prints for r: "Code: Message".
func (r Response) Text() string { return r.Code + ": " + r.Message }

// dialAddr is host:port as Go's dialer prints it, the port 443 when the
// Host header has none (ecrlink's AWS names are HTTPS).
func dialAddr(host string) string {
	name, port := splitHostPort(host)
	if port == "" {
		port = "443"
	}
	for i := 0; i < len(name); i++ {
		if name[i] == ':' {
			return "[" + name + "]:" + port
		}
	}
	return name + ":" + port
}
