package scenario

import (
	"bytes"
	"strconv"
)

// maxIndent bounds the leading run of spaces and "- " of a line.
const maxIndent = 4 * maxDepth

// prescan bounds nesting before the YAML parser sees the text: go-yaml's
// parser takes time far beyond linear on deep nesting (100,000 "[" take
// seconds, "- - - …" longer), so a small hostile PUT could stall the
// control API. The scan is lexical and conservative: brackets inside
// strings count too, which no sensible scenario notices.
func prescan(data []byte) *Error {
	depth := 0
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if indent(line) > maxIndent {
			return &Error{Line: i + 1, Message: "indented deeper than " + strconv.Itoa(maxIndent) + " columns"}
		}
		for _, c := range line {
			switch c {
			case '[', '{':
				depth++
			case ']', '}':
				depth = max(depth-1, 0)
			}
			if depth > maxDepth {
				return &Error{Line: i + 1, Message: "nested deeper than " + strconv.Itoa(maxDepth) + " levels"}
			}
		}
	}
	return nil
}

// indent is the length of the line's leading run of blanks and sequence
// dashes, the block nesting it opens.
func indent(line []byte) int {
	n := 0
	for n < len(line) && (line[n] == ' ' || line[n] == '\t' || line[n] == '-') {
		n++
	}
	return n
}
