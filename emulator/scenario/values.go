package scenario

import (
	"encoding/json"
	"net/netip"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// nodeError is a finding made while decoding one node; it keeps the node so
// Parse can name the finding's path and line (the decoder passes errors
// from unmarshalers through untouched).
type nodeError struct {
	node ast.Node
	msg  string
}

func (e *nodeError) Error() string { return e.msg }

// scalar returns the text of a string-like scalar node, or ok false for a
// mapping, sequence or null.
func scalar(n ast.Node) (string, bool) {
	switch n := unwrap(n).(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		return n.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// unwrap looks through anchors (the decoder resolves aliases before calling
// an unmarshaler).
func unwrap(n ast.Node) ast.Node {
	for {
		a, ok := n.(*ast.AnchorNode)
		if !ok {
			return n
		}
		n = a.Value
	}
}

// Duration is a Go duration written as a string ("20s", "12h"). It
// marshals back in the shortest form time.Duration.String allows, with
// zero trailing units dropped, so "12h" stays "12h".
type Duration time.Duration

// UnmarshalYAML parses the node's string with time.ParseDuration.
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	s, ok := scalar(n)
	if !ok {
		return &nodeError{n, `want a duration such as "20s" or "12h"`}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return &nodeError{n, "not a duration: " + strings.TrimPrefix(err.Error(), "time: ") + `; want e.g. "20s" or "12h"`}
	}
	*d = Duration(v)
	return nil
}

// String is time.Duration's form without zero trailing units.
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalText writes String.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Prefix is a CIDR block. The zero Prefix means "not given".
type Prefix struct{ netip.Prefix }

// UnmarshalYAML parses the node's string with netip.ParsePrefix.
func (p *Prefix) UnmarshalYAML(n ast.Node) error {
	s, ok := scalar(n)
	if !ok {
		return &nodeError{n, `want a CIDR block such as "10.0.0.0/16"`}
	}
	v, err := netip.ParsePrefix(s)
	if err != nil {
		return &nodeError{n, "not a CIDR block: " + s}
	}
	p.Prefix = v
	return nil
}

// Addr is an IP address. The zero Addr means "not given".
type Addr struct{ netip.Addr }

// UnmarshalYAML parses the node's string with netip.ParseAddr.
func (a *Addr) UnmarshalYAML(n ast.Node) error {
	s, ok := scalar(n)
	if !ok {
		return &nodeError{n, `want an IP address such as "10.0.1.25"`}
	}
	v, err := netip.ParseAddr(s)
	if err != nil {
		return &nodeError{n, "not an IP address: " + s}
	}
	a.Addr = v
	return nil
}

// Policy is a policy document as compact JSON text. In a scenario it is
// written either as a mapping (YAML or JSON) or as a string holding the
// JSON text, the way AWS's APIs take it; both become the same JSON. Parse
// has validated it with policyeval for the kind its place implies.
type Policy json.RawMessage

// UnmarshalYAML converts a mapping to JSON text, or takes a string's text
// as it is (policyeval checks that it is JSON, with AWS's own messages).
func (p *Policy) UnmarshalYAML(n ast.Node) error {
	n = unwrap(n)
	if s, ok := n.(*ast.StringNode); ok {
		*p = Policy(s.Value)
		return nil
	}
	if l, ok := n.(*ast.LiteralNode); ok {
		*p = Policy(l.Value.Value)
		return nil
	}
	if _, ok := n.(*ast.MappingNode); !ok {
		return &nodeError{n, "a policy is a mapping, or a string holding a JSON policy document"}
	}
	b, err := nodeJSON(n)
	if err != nil {
		return err
	}
	*p = b
	return nil
}

// MarshalJSON writes the document itself, not a string holding it.
func (p Policy) MarshalJSON() ([]byte, error) {
	if len(p) == 0 {
		return []byte("null"), nil
	}
	return p, nil
}
