package faults

import (
	"strings"

	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// matcher is a compiled scenario.FaultMatch; an empty field matches
// anything.
type matcher struct {
	service    string
	action     string // lower-cased: IAM action names are case-insensitive
	repository string
	host       string // lower-cased name pattern, without the port
	port       string // the pattern's port; empty matches any port
}

func compile(m scenario.FaultMatch) matcher {
	name, port := splitHostPort(strings.ToLower(m.Host))
	return matcher{
		service:    m.Service,
		action:     strings.ToLower(m.Action),
		repository: m.Repository,
		host:       strings.TrimSuffix(name, "."),
		port:       port,
	}
}

// normalized is a Request in the form matchers compare: the action and
// host lower-cased, the host split from its port.
type normalized struct {
	service, action, repository string
	host, port                  string
}

func normalize(r Request) normalized {
	name, port := splitHostPort(strings.ToLower(r.Host))
	return normalized{
		service:    r.Service,
		action:     strings.ToLower(r.Action),
		repository: r.Repository,
		host:       strings.TrimSuffix(name, "."),
		port:       port,
	}
}

func (m *matcher) matches(r normalized) bool {
	return (m.service == "" || m.service == r.service) &&
		(m.action == "" || glob(m.action, r.action)) &&
		(m.repository == "" || m.repository == r.repository) &&
		(m.host == "" || glob(m.host, r.host)) &&
		(m.port == "" || m.port == r.port)
}

// glob reports whether s matches pattern, in which each * stands for any
// run of characters, dots included (so *.amazonaws.com matches
// api.ecr.us-east-1.amazonaws.com), and every other byte for itself. It
// is the linear greedy algorithm with one backtrack point.
func glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			mark++
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// splitHostPort splits a Host header into name and port, either possibly
// empty: "a:443" → a, 443; "[::1]:80" → ::1, 80; "::1" (a bare IPv6
// address, which a Host header cannot carry but a caller might) → ::1.
// It is net.SplitHostPort without the errors, and without importing net.
func splitHostPort(h string) (name, port string) {
	if rest, ok := strings.CutPrefix(h, "["); ok {
		name, after, found := strings.Cut(rest, "]")
		if !found {
			return h, ""
		}
		return name, strings.TrimPrefix(after, ":")
	}
	if strings.Count(h, ":") != 1 {
		return h, ""
	}
	name, port, _ = strings.Cut(h, ":")
	return name, port
}
