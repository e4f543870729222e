package policyeval

import (
	"strings"
	"unicode/utf8"
)

type patKind uint8

const (
	patExact  patKind = iota // one literal
	patAny                   // only stars: matches everything
	patPrefix                // literal then one star
	patGlob                  // anything else, variables included
)

// pattern is a compiled wildcard string: * spans any run of characters
// (slashes and colons included), ? one character (POLICY-FACTS §3.2).
// Simple shapes are classified at compile time so that the usual
// "ecr:BatchGetImage", "ecr:*" and "*" cost one comparison.
type pattern struct {
	kind patKind
	lit  string
	toks []tok
}

func compilePattern(s string, vars bool) pattern {
	toks := parseTemplate(s, vars, true)
	switch {
	case len(toks) == 0:
		return pattern{kind: patExact}
	case len(toks) == 1 && toks[0].kind == tStar:
		return pattern{kind: patAny}
	case len(toks) == 1 && toks[0].kind == tLit:
		return pattern{kind: patExact, lit: toks[0].s}
	case len(toks) == 2 && toks[0].kind == tLit && toks[1].kind == tStar:
		return pattern{kind: patPrefix, lit: toks[0].s}
	}
	return pattern{kind: patGlob, toks: toks}
}

// match reports whether s matches; fold compares letters without regard to
// ASCII case (actions are case-insensitive, resources are not).
func (p *pattern) match(s string, fold bool, e *evalCtx) bool {
	switch p.kind {
	case patAny:
		return true
	case patExact:
		if fold {
			// Actions of one service share their prefix: compare the
			// last byte first to reject most of them at once.
			return len(s) == len(p.lit) && (len(s) == 0 || lowerASCII(s[len(s)-1]) == lowerASCII(p.lit[len(s)-1])) && equalFoldASCII(s, p.lit)
		}
		return s == p.lit
	case patPrefix:
		return len(s) >= len(p.lit) && (fold && equalFoldASCII(s[:len(p.lit)], p.lit) || !fold && s[:len(p.lit)] == p.lit)
	}
	return globMatch(p.toks, s, fold, e)
}

// globMatch is the linear-space wildcard match with one backtrack point:
// on a mismatch, the most recent * takes one more character. That is
// exact when every * matches any text, as here.
func globMatch(toks []tok, s string, fold bool, e *evalCtx) bool {
	ti, si := 0, 0
	starTi, starSi := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tStar:
				starTi, starSi = ti, si
				ti++
				continue
			case tQuest:
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					si += w
					ti++
					continue
				}
			default:
				lit, ok := t.text(e)
				if !ok {
					return false // a variable without a value matches nothing
				}
				if hasPrefixFold(s[si:], lit, fold) {
					si += len(lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starSi:])
		starSi += w
		ti, si = starTi+1, starSi
	}
}

func hasPrefixFold(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if fold {
		return equalFoldASCII(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}

// splitARN splits s at its first five colons into at most six fields; the
// sixth keeps any further colons. It does not allocate; a byte loop beats
// strings.IndexByte on strings this short.
func splitARN(s string) (f [6]string, n int) {
	start := 0
	for i := 0; i < len(s) && n < 5; i++ {
		if s[i] == ':' {
			f[n] = s[start:i]
			n++
			start = i + 1
		}
	}
	f[n] = s[start:]
	return f, n + 1
}

// arnPattern is a compiled ARN with wildcards, matched field by field: each
// of the six colon-delimited fields separately, the resource field keeping
// its colons (POLICY-FACTS §3.2, §4 "ARN vs string"). A pattern with fewer
// than six fields whose last character is * lets that * run on past the
// colons ("arn:aws:ecr:us-east-1:*"). Variables are honoured in the
// resource field only ("after the fifth colon", POLICY-FACTS §3.2).
type arnPattern struct {
	any      bool
	n        int
	f        [6]pattern
	spanLast bool
	// head is the text through the fifth colon when the first five fields
	// have no wildcard, as in most policies: one prefix comparison then
	// replaces five field matches.
	head string
}

func compileARN(s string, vars bool) arnPattern {
	if strings.Trim(s, "*") == "" {
		return arnPattern{any: true}
	}
	fields, n := splitARN(s)
	p := arnPattern{n: n, spanLast: n < 6 && strings.HasSuffix(s, "*")}
	exactHead := n == 6
	for i := 0; i < n; i++ {
		p.f[i] = compilePattern(fields[i], vars && i == 5)
		exactHead = exactHead && (i == 5 || p.f[i].kind == patExact)
	}
	if exactHead {
		p.head = s[:len(s)-len(fields[5])]
	}
	return p
}

func (p *arnPattern) match(arn string, e *evalCtx) bool {
	f, n := splitARN(arn)
	return p.matchFields(arn, &f, n, e)
}

// matchFields is match with the ARN already split, so that Evaluate splits
// the request's resource once for all the statements.
func (p *arnPattern) matchFields(arn string, f *[6]string, n int, e *evalCtx) bool {
	if p.any {
		return true
	}
	if arn == "*" { // actions without resource-level support (POLICY-FACTS §3.2)
		return false
	}
	if p.head != "" {
		return len(arn) >= len(p.head) && arn[:len(p.head)] == p.head && p.f[5].match(arn[len(p.head):], false, e)
	}
	if n < p.n || p.n == 6 && n != 6 {
		return false
	}
	last := p.n - 1
	off := 0
	for i := 0; i < last; i++ {
		if !p.f[i].match(f[i], false, e) {
			return false
		}
		off += len(f[i]) + 1
	}
	if p.spanLast {
		return p.f[last].match(arn[off:], false, e)
	}
	return n == p.n && p.f[last].match(f[last], false, e)
}
