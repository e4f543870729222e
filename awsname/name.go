package awsname

import "strings"

// MatchName recognises a bare DNS name that arrives outside an HTTP request:
// a TLS client's SNI, a DNS question. It ignores case and trailing dots, as
// ParseHost does, and takes no port. ok is false for names that are not
// AWS's. Request Host headers go through ParseHost in reqinfo, once.
func MatchName(name string) (h Host, ok bool) {
	h = parseName(strings.TrimRight(strings.ToLower(name), "."))
	return h, h.IsAWS()
}
