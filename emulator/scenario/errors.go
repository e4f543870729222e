package scenario

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is one finding in a scenario document. Its JSON form is what the
// control API answers for a rejected scenario:
// {"errors":[{"path","line","message"}]}.
type Error struct {
	// Path names the offending field, e.g. "endpoints[1].securityGroups[0]";
	// empty for the document as a whole.
	Path string `json:"path"`
	// Line is the 1-based line of the offending node (JSON input has lines
	// too); 0 when no node stands for it, as for an oversized document.
	Line int `json:"line"`
	// Message says what is wrong, in words a scenario author can act on.
	Message string `json:"message"`
}

// Error renders "line N: PATH: MESSAGE", leaving out the unknown parts.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every finding of one Parse, in document order as far as the
// checks allow. Parse returns its errors only as an Errors value, so a caller
// can answer all of them at once.
type Errors []*Error

// Error joins the findings one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// maxErrors bounds the findings kept: a generated document with a million
// bad entries must not make a million-line answer.
const maxErrors = 100

// collector gathers findings, placing each on the line of its path's node.
type collector struct {
	idx  *index
	errs Errors
}

// add records a finding at path; its line is that of the nearest node at
// or above path, so a missing field is reported on its parent's line.
func (c *collector) add(path, format string, args ...any) {
	if len(c.errs) > maxErrors {
		return
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	if len(c.errs) == maxErrors {
		c.errs = append(c.errs, &Error{Message: "too many errors; the first " + strconv.Itoa(maxErrors) + " are shown"})
		return
	}
	c.errs = append(c.errs, &Error{Path: path, Line: c.idx.lineOf(path), Message: msg})
}

// err returns the findings as an error, or nil when there are none.
func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}
