package policyeval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Bounds on any document, whatever its kind, so that a hostile input costs
// bounded time and memory. The grammar nests at most six levels
// (document, Statement array, statement, Condition, operator, key, values).
const (
	maxDocumentBytes = 128 << 10 // ecrlink's own cap; kinds with an AWS limit are lower
	maxDepth         = 16
	maxNodes         = 32 << 10
	maxStatements    = 1000
)

type nodeKind uint8

const (
	nObject nodeKind = iota
	nArray
	nString
	nNumber
	nBool
	nNull
)

func (k nodeKind) String() string {
	return [...]string{"object", "array", "string", "number", "boolean", "null"}[k]
}

// node is one JSON value with the byte offset where it starts, so that a
// finding can name its line and column.
type node struct {
	kind    nodeKind
	off     int
	str     string   // string value, number literal, or "true"/"false"
	keys    []string // object keys, in document order
	keyOffs []int    // offset of each key
	vals    []*node  // object values (parallel to keys) or array elements
}

// get returns the value of key in an object node, or nil.
func (n *node) get(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// has reports whether an object node names key.
func (n *node) has(key string) bool { return n.get(key) != nil }

// treeError is a failure of the JSON layer: malformed text, duplicate key,
// or a bound exceeded.
type treeError struct {
	code   Code
	off    int
	detail string
}

func (e *treeError) Error() string { return e.detail }

type treeBuilder struct {
	doc   []byte
	dec   *json.Decoder
	nodes int
}

// parseTree decodes doc with a json.Decoder token walk, which (unlike
// json.Unmarshal) lets us see duplicate keys and token positions.
func parseTree(doc []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	b := &treeBuilder{doc: doc, dec: dec}
	root, err := b.value(0)
	if err != nil {
		return nil, err
	}
	end := b.start()
	if _, err := dec.Token(); err != io.EOF {
		return nil, &treeError{code: CodeSyntax, off: end, detail: "unexpected data after the top-level value"}
	}
	return root, nil
}

// start returns the offset of the next token: the decoder's offset after
// the last token, moved past white space and separators.
func (b *treeBuilder) start() int {
	off := int(b.dec.InputOffset())
	for off < len(b.doc) {
		switch b.doc[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

func (b *treeBuilder) token() (json.Token, int, error) {
	off := b.start()
	tok, err := b.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, int(se.Offset), &treeError{code: CodeSyntax, off: int(se.Offset), detail: se.Error()}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, len(b.doc), &treeError{code: CodeSyntax, off: len(b.doc), detail: "unexpected end of JSON input"}
		default:
			return nil, off, &treeError{code: CodeSyntax, off: off, detail: err.Error()}
		}
	}
	return tok, off, nil
}

func (b *treeBuilder) value(depth int) (*node, error) {
	tok, off, err := b.token()
	if err != nil {
		return nil, err
	}
	if b.nodes++; b.nodes > maxNodes {
		return nil, &treeError{code: CodeLimit, off: off, detail: fmt.Sprintf("more than %d JSON values", maxNodes)}
	}
	if depth > maxDepth {
		return nil, &treeError{code: CodeLimit, off: off, detail: fmt.Sprintf("nesting deeper than %d levels", maxDepth)}
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return b.object(off, depth)
		}
		return b.array(off, depth) // '[': the decoder never starts a value with '}' or ']'
	case string:
		return &node{kind: nString, off: off, str: t}, nil
	case json.Number:
		return &node{kind: nNumber, off: off, str: string(t)}, nil
	case bool:
		s := "false"
		if t {
			s = "true"
		}
		return &node{kind: nBool, off: off, str: s}, nil
	default:
		return &node{kind: nNull, off: off}, nil
	}
}

func (b *treeBuilder) object(off, depth int) (*node, error) {
	n := &node{kind: nObject, off: off}
	var seen map[string]bool
	for b.dec.More() {
		tok, koff, err := b.token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // the decoder guarantees object keys are strings
		if n.isDuplicate(key, &seen) {
			return nil, &treeError{code: CodeDuplicateKey, off: koff, detail: fmt.Sprintf("duplicate key %q", key)}
		}
		v, err := b.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.keyOffs = append(n.keyOffs, koff)
		n.vals = append(n.vals, v)
	}
	if _, _, err := b.token(); err != nil { // '}'
		return nil, err
	}
	return n, nil
}

// isDuplicate checks key against the keys seen so far, by linear scan for
// the small objects of the grammar and by a map for large ones.
func (n *node) isDuplicate(key string, seen *map[string]bool) bool {
	const scanLimit = 16
	if len(n.keys) < scanLimit {
		for _, k := range n.keys {
			if k == key {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]bool, 2*scanLimit)
		for _, k := range n.keys {
			(*seen)[k] = true
		}
	}
	if (*seen)[key] {
		return true
	}
	(*seen)[key] = true
	return false
}

func (b *treeBuilder) array(off, depth int) (*node, error) {
	n := &node{kind: nArray, off: off}
	for b.dec.More() {
		v, err := b.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.vals = append(n.vals, v)
	}
	if _, _, err := b.token(); err != nil { // ']'
		return nil, err
	}
	return n, nil
}
