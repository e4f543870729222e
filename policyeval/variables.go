package policyeval

import "strings"

// tokKind is one piece of a compiled policy string.
type tokKind uint8

const (
	tLit   tokKind = iota // literal text
	tStar                 // * wildcard
	tQuest                // ? wildcard
	tVar                  // ${key} or ${key, 'default'}
)

// tok is one piece of a compiled policy string. For tVar, s is the
// lower-cased key (names are case-insensitive, POLICY-FACTS §5).
type tok struct {
	kind   tokKind
	s      string
	def    string
	hasDef bool
}

// parseTemplate splits a policy string into tokens. With vars (Version
// 2012-10-17, in an element that allows variables) ${key} and
// ${key, 'default'} become variables and ${*} ${?} ${$} literal characters;
// without, the text is literal (POLICY-FACTS §5). With glob, * and ? are
// wildcards. A "${" without a well-formed key and closing brace stays
// literal text.
func parseTemplate(s string, vars, glob bool) []tok {
	var toks []tok
	lit := func(t string) {
		if t == "" {
			return
		}
		if n := len(toks); n > 0 && toks[n-1].kind == tLit {
			toks[n-1].s += t
			return
		}
		toks = append(toks, tok{kind: tLit, s: t})
	}
	for len(s) > 0 {
		if vars && strings.HasPrefix(s, "${") {
			if t, n, ok := parseVariable(s); ok {
				if t.kind == tLit {
					lit(t.s)
				} else {
					toks = append(toks, t)
				}
				s = s[n:]
				continue
			}
		}
		switch c := s[0]; {
		case glob && c == '*':
			if n := len(toks); n == 0 || toks[n-1].kind != tStar { // ** is *
				toks = append(toks, tok{kind: tStar})
			}
		case glob && c == '?':
			toks = append(toks, tok{kind: tQuest})
		default:
			end := 1
			for end < len(s) && !(glob && (s[end] == '*' || s[end] == '?')) && !(vars && s[end] == '$') {
				end++
			}
			lit(s[:end])
			s = s[end:]
			continue
		}
		s = s[1:]
	}
	return toks
}

// parseVariable parses the "${...}" at the start of s.
func parseVariable(s string) (tok, int, bool) {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return tok{}, 0, false
	}
	inner := s[2:end]
	switch inner {
	case "*", "?", "$":
		return tok{kind: tLit, s: inner}, end + 1, true
	}
	key, def, hasDef := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " ${") {
		return tok{}, 0, false
	}
	t := tok{kind: tVar, s: strings.ToLower(key)}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return tok{}, 0, false
		}
		t.def, t.hasDef = def[1:len(def)-1], true
	}
	return t, end + 1, true
}

// hasVars reports whether toks has a variable.
func hasVars(toks []tok) bool {
	for _, t := range toks {
		if t.kind == tVar {
			return true
		}
	}
	return false
}

// text resolves a token to the literal text it stands for; ok is false for
// a variable without a value or default (POLICY-FACTS §5: such a value
// matches nothing).
func (t *tok) text(e *evalCtx) (string, bool) {
	if t.kind != tVar {
		return t.s, true
	}
	if e != nil {
		if v, ok := e.variable(t.s); ok {
			return v, true
		}
	}
	return t.def, t.hasDef
}
