package scenario

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxSize bounds a scenario document, as every external input is bounded
// (DESIGN.md, Conventions). A real scenario is a few kilobytes.
const MaxSize = 1 << 20

// Parse reads a scenario written in YAML or JSON (JSON is YAML), fills its
// defaults and validates it. On failure the error is an Errors value holding
// every finding Parse could make: a document that does not decode yields
// the decoder's first finding; one that decodes yields every validation
// finding at once.
func Parse(data []byte) (*Scenario, error) {
	if len(data) > MaxSize {
		return nil, Errors{{Message: "the scenario is larger than " + strconv.Itoa(MaxSize) + " bytes"}}
	}
	if err := prescan(data); err != nil {
		return nil, Errors{err}
	}
	var s Scenario
	idx := newIndex()
	if err := decode(data, idx, &s); err != nil {
		return nil, Errors{err}
	}
	withDefaults(&s, idx)
	c := &collector{idx: idx}
	validate(&s, c)
	if err := c.err(); err != nil {
		return nil, err
	}
	normalize(&s)
	return &s, nil
}

// decode parses data, indexes its tree and decodes it into s. go-yaml has
// panicked on malformed input (a nil node behind a tag, found by FuzzParse),
// so a panic below is taken for a document the parser cannot read rather
// than allowed to take the control API down with it.
func decode(data []byte, idx *index, s *Scenario) (found *Error) {
	defer func() {
		if r := recover(); r != nil {
			found = &Error{Message: fmt.Sprintf("the YAML parser could not read this document (%v)", r)}
		}
	}()
	body, err := parseBody(data)
	if err != nil {
		return err
	}
	if err := idx.build(body); err != nil {
		return err
	}
	if err := yaml.NodeToValue(body, s, yaml.DisallowUnknownField()); err != nil {
		return decodeError(err, idx)
	}
	return nil
}

// parseBody parses data into the syntax tree of its single document.
func parseBody(data []byte) (ast.Node, *Error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, decodeError(err, newIndex())
	}
	var docs []ast.Node
	for _, d := range f.Docs {
		if d.Body != nil {
			docs = append(docs, d.Body)
		}
	}
	switch {
	case len(docs) == 0:
		return nil, &Error{Message: "the scenario is empty; account, region, vpc, subnets and client are required"}
	case len(docs) > 1:
		return nil, &Error{Line: lineOf(docs[1]), Message: "a scenario is one YAML document; found " + strconv.Itoa(len(docs))}
	}
	return docs[0], nil
}

// decodeError turns a parser or decoder error into an *Error: the token it
// carries gives the line, the index gives the path.
func decodeError(err error, idx *index) *Error {
	var ne *nodeError
	if errors.As(err, &ne) {
		tk := ne.node.GetToken()
		return &Error{Path: idx.tokens[tk], Line: tk.Position.Line, Message: ne.msg}
	}
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return &Error{Message: err.Error()}
	}
	tk := ye.GetToken()
	return &Error{Path: idx.tokens[tk], Line: tk.Position.Line, Message: decodeMessage(ye)}
}

// decodeMessage says what the decoder found in the contract's terms rather
// than Go's ("want a string", not "Go struct field Scenario.Account").
func decodeMessage(ye yaml.Error) string {
	var te *yaml.TypeError
	if errors.As(ye, &te) {
		return "want " + kindName(te.DstType) + ", got " + kindName(te.SrcType)
	}
	var oe *yaml.OverflowError
	if errors.As(ye, &oe) {
		return "number out of range: " + oe.SrcNum
	}
	return ye.GetMessage()
}

// kindName names a Go type as the schema does.
func kindName(t reflect.Type) string {
	if t == nil {
		return "null"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return t.String()
}
