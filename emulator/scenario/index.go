package scenario

import (
	"strconv"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// index is what the document's syntax tree says about where things are:
// the line of each field path, the path of each token (so the decoder's
// errors, which carry a token, can be named by path), and which fields were
// written at all (so an explicit zero is told from an absent field).
type index struct {
	lines  map[string]int
	nulls  map[string]bool
	tokens map[*token.Token]string
}

func newIndex() *index {
	return &index{lines: map[string]int{}, nulls: map[string]bool{}, tokens: map[*token.Token]string{}}
}

// Bounds on the tree, checked while indexing: the decoder expands aliases by
// decoding the anchored node again, so a "billion laughs" document would
// otherwise cost exponential time; depth bounds the recursion.
const (
	maxExpandedNodes = 1 << 20
	maxDepth         = 32
)

// build walks the document body and reports a finding if the tree is over
// the bounds above.
func (ix *index) build(root ast.Node) *Error {
	w := walker{ix: ix, anchors: map[string]int{}}
	w.walk(root, "", 0)
	return w.err
}

type walker struct {
	ix      *index
	anchors map[string]int // expanded size of each anchored node
	total   int
	err     *Error
}

// walk indexes n at path and returns its expanded size in nodes.
func (w *walker) walk(n ast.Node, path string, depth int) int {
	if n == nil || w.err != nil {
		return 0
	}
	if depth > maxDepth {
		w.fail(n, path, "nested deeper than "+strconv.Itoa(maxDepth)+" levels")
		return 0
	}
	w.grow(n, path, 1)
	return 1 + w.children(n, path, depth)
}

// grow counts size more nodes of the expanded document, failing past the
// bound.
func (w *walker) grow(n ast.Node, path string, size int) {
	if w.total += size; w.total > maxExpandedNodes && w.err == nil {
		w.fail(n, path, "the document expands (through aliases) to more than "+strconv.Itoa(maxExpandedNodes)+" nodes")
	}
}

// children indexes the nodes below n and returns their expanded size.
func (w *walker) children(n ast.Node, path string, depth int) int {
	switch n := n.(type) {
	case *ast.MappingNode:
		size := 0
		for _, mv := range n.Values {
			size += w.entry(mv, path, depth)
		}
		return size
	case *ast.MappingValueNode:
		return w.entry(n, path, depth)
	case *ast.SequenceNode:
		size := 0
		for i, v := range n.Values {
			p := path + "[" + strconv.Itoa(i) + "]"
			w.mark(v, p, lineOf(v))
			size += w.walk(v, p, depth+1)
		}
		return size
	case *ast.AnchorNode:
		size := w.walk(n.Value, path, depth+1)
		w.anchors[n.Name.GetToken().Value] = size
		return size
	case *ast.TagNode:
		return w.walk(n.Value, path, depth+1)
	case *ast.AliasNode:
		size := w.anchors[n.Value.GetToken().Value]
		w.grow(n, path, size)
		return size
	}
	return 0
}

// entry indexes one key: value pair of a mapping.
func (w *walker) entry(mv *ast.MappingValueNode, path string, depth int) int {
	key := mv.Key.GetToken()
	p := key.Value
	if path != "" {
		p = path + "." + key.Value
	}
	w.mark(mv.Value, p, key.Position.Line)
	w.ix.tokens[key] = p
	return w.walk(mv.Value, p, depth+1)
}

// mark records the line of the node at path and the path of its token.
func (w *walker) mark(n ast.Node, path string, line int) {
	w.ix.lines[path] = line
	if n == nil || n.Type() == ast.NullType {
		w.ix.nulls[path] = true
	}
	if n != nil {
		if tk := n.GetToken(); tk != nil {
			if _, seen := w.ix.tokens[tk]; !seen {
				w.ix.tokens[tk] = path
			}
		}
	}
}

func (w *walker) fail(n ast.Node, path, msg string) {
	w.err = &Error{Path: path, Line: lineOf(n), Message: msg}
}

// lineOf is the line a node starts on: for a block mapping, its first key.
func lineOf(n ast.Node) int {
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 && !m.IsFlowStyle {
		return m.Values[0].Key.GetToken().Position.Line
	}
	if n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// lineOf returns the line of the node at path, or of its nearest ancestor
// that was written, so a finding about a missing field lands on its parent.
func (ix *index) lineOf(path string) int {
	for {
		if l, ok := ix.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		path = parent(path)
	}
}

// present reports whether the field at path was written with a non-null
// value.
func (ix *index) present(path string) bool {
	_, ok := ix.lines[path]
	return ok && !ix.nulls[path]
}

// parent strips the last ".key" or "[i]" of path.
func parent(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i] {
		case '.':
			return path[:i]
		case '[':
			return path[:i]
		}
	}
	return ""
}
