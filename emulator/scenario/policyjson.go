package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// A policy is kept as JSON text, in one canonical form (compact, keys in
// the order written, strings without HTML escaping, numbers as written), so
// that a scenario marshalled and parsed again holds the same bytes whether
// the policy was written as YAML, as JSON, or as a string.

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// nodeJSON converts a YAML policy node to canonical JSON. Aliases, merge
// keys and tags are refused: each would need the rest of the document to
// mean anything, and AWS's policy grammar has nothing like them.
func nodeJSON(n ast.Node) (Policy, error) {
	var b bytes.Buffer
	if err := writeNode(&b, n); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeNode(b *bytes.Buffer, n ast.Node) error {
	switch n := unwrap(n).(type) {
	case *ast.MappingNode:
		return writeMapping(b, n.Values, n.IsFlowStyle)
	case *ast.MappingValueNode:
		return writeMapping(b, []*ast.MappingValueNode{n}, n.IsFlowStyle)
	case *ast.SequenceNode:
		b.WriteByte('[')
		for i, v := range n.Values {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeNode(b, v); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case *ast.NullNode:
		b.WriteString("null")
		return nil
	case *ast.BoolNode:
		b.WriteString(strconv.FormatBool(n.Value))
		return nil
	}
	return writeScalar(b, n)
}

func writeMapping(b *bytes.Buffer, values []*ast.MappingValueNode, flow bool) error {
	b.WriteByte('{')
	for i, mv := range values {
		if mv.Key.IsMergeKey() {
			return &nodeError{mv.Key, "merge keys (<<) are not supported in a policy"}
		}
		if flow && misparsedKey(mv.Value) {
			return &nodeError{mv.Key, `quote a key holding ":" inside {…}, as in {"aws:SourceVpce": …}`}
		}
		key, ok := scalar(mv.Key)
		if !ok {
			return &nodeError{mv.Key, "a policy's keys are strings"}
		}
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, key)
		b.WriteByte(':')
		if err := writeNode(b, mv.Value); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// misparsedKey spots go-yaml's reading of {aws:SourceVpce: x} as the key
// "aws" with the value "SourceVpce: x" (YAML says the key is aws:SourceVpce).
// No correct reading of a flow mapping gives a plain scalar holding ": ",
// so such a value means a condition key was split.
func misparsedKey(v ast.Node) bool {
	s, ok := v.(*ast.StringNode)
	return ok && s.Token.Type == token.StringType && strings.Contains(s.Value, ": ")
}

// writeScalar writes strings and numbers. A number keeps its literal text
// when that is a JSON number (policyeval compares numbers as written);
// YAML-only forms (0x1F, 1_000) are written in decimal.
func writeScalar(b *bytes.Buffer, n ast.Node) error {
	switch n := n.(type) {
	case *ast.StringNode:
		if n.Token.Type == token.StringType && jsonNumber.MatchString(n.Value) {
			b.WriteString(n.Value) // a plain scalar such as 1e5 is a number
			return nil
		}
		writeString(b, n.Value)
		return nil
	case *ast.LiteralNode:
		writeString(b, n.Value.Value)
		return nil
	case *ast.IntegerNode:
		return writeNumber(b, n.Token.Value, n.Value, n)
	case *ast.FloatNode:
		return writeNumber(b, n.Token.Value, n.Value, n)
	case *ast.AliasNode:
		return &nodeError{n, "aliases (*name) are not supported in a policy"}
	case *ast.TagNode:
		return &nodeError{n, "YAML tags are not supported in a policy"}
	}
	return &nodeError{n, "not a JSON value: " + n.String()}
}

func writeNumber(b *bytes.Buffer, literal string, v any, n ast.Node) error {
	if jsonNumber.MatchString(literal) {
		b.WriteString(literal)
		return nil
	}
	switch v := v.(type) {
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(v, 10))
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return &nodeError{n, "not a JSON number: " + literal}
		}
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	default:
		return &nodeError{n, "not a JSON number: " + literal}
	}
	return nil
}

// writeString writes s as a JSON string without HTML escaping.
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}

// canonical rewrites valid JSON text in the canonical form. It runs after
// policyeval has accepted the text, so the text is JSON.
func canonical(doc []byte) (Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var b bytes.Buffer
	// For each open container: its delimiter and how many tokens it has
	// had, which says whether the next one wants a ',' or (in an object,
	// after a key) a ':'.
	var stack []byte
	var count []int
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return b.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		depth := len(stack)
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack, count = stack[:depth-1], count[:depth-1]
			b.WriteByte(byte(d))
			continue
		}
		if depth > 0 {
			n := count[depth-1]
			switch {
			case stack[depth-1] == '{' && n%2 == 1:
				b.WriteByte(':')
			case n > 0:
				b.WriteByte(',')
			}
			count[depth-1]++
		}
		switch t := tok.(type) {
		case json.Delim:
			stack, count = append(stack, byte(t)), append(count, 0)
			b.WriteByte(byte(t))
		case string:
			writeString(&b, t)
		case json.Number:
			b.WriteString(string(t))
		case bool:
			b.WriteString(strconv.FormatBool(t))
		case nil:
			b.WriteString("null")
		}
	}
}
