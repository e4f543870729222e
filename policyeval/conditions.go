package policyeval

import (
	"encoding/base64"
	"net/netip"
	"strings"
)

// condition is one (operator, key) pair of a Condition block with its
// values compiled for the operator's family.
type condition struct {
	op       *operator
	set      setQualifier
	ifExists bool
	key      string // lower case
	vals     []condValue
}

// condValue is one policy value, parsed once at compile time. ok is false
// for a value the family cannot read (a date that is not one): it matches
// nothing, as AWS's own evaluation does.
type condValue struct {
	lit  string     // string, Bool: literal text when there is no variable
	toks []tok      // string, Bool: the text with variables
	pat  pattern    // StringLike
	arn  arnPattern // Arn*
	num  float64
	at   instant
	cidr netip.Prefix
	null bool // Null: true means "the key is absent"
	ok   bool
}

func compileCondition(p parsedOperator, key string, raw []string, vars bool) condition {
	c := condition{op: p.op, set: p.set, ifExists: p.ifExists, key: strings.ToLower(key), vals: make([]condValue, len(raw))}
	vars = vars && p.op.vars
	for i, s := range raw {
		c.vals[i] = compileValue(p.op, s, vars)
	}
	return c
}

func compileValue(op *operator, s string, vars bool) condValue {
	v := condValue{ok: true}
	switch op.fam {
	case famString, famBool:
		if op.cmp == cmpLike {
			v.pat = compilePattern(s, vars)
			break
		}
		toks := parseTemplate(s, vars, false)
		if hasVars(toks) {
			v.toks = toks
		} else if len(toks) == 1 {
			v.lit = toks[0].s
		}
	case famARN:
		v.arn = compileARN(s, vars)
	case famNumeric:
		v.num, v.ok = parseNumber(s)
	case famDate:
		v.at, v.ok = parseDate(s)
	case famIP:
		v.cidr, v.ok = parseCIDR(s)
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(s)
		v.lit, v.ok = string(b), err == nil
	case famNull:
		v.ok = equalFoldASCII(s, "true") || equalFoldASCII(s, "false")
		v.null = equalFoldASCII(s, "true")
	}
	return v
}

// eval applies the condition to the request (POLICY-FACTS §4). A missing
// key makes positive operators false and negated ones true, except with
// IfExists (true) and Null (which tests presence). ForAllValues is true
// and ForAnyValue false for a missing key or a null data set.
func (c *condition) eval(e *evalCtx) bool {
	vals, present := e.values(c.key, c.op.fam)
	if c.op.fam == famNull {
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].null != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.ifExists || c.set == setAllValues:
			return true
		case c.set == setAnyValue:
			return false
		}
		return c.op.negated
	}
	switch c.set {
	case setAnyValue:
		for i := 0; i < vals.n; i++ {
			if !vals.nullSet() && c.holds(vals.at(i), &vals, e) {
				return true
			}
		}
		return false
	case setAllValues:
		for i := 0; i < vals.n; i++ {
			if !vals.nullSet() && !c.holds(vals.at(i), &vals, e) {
				return false
			}
		}
		return true
	}
	for i := 0; i < vals.n; i++ {
		if c.matchesAny(vals.at(i), &vals, e) {
			return !c.op.negated
		}
	}
	return c.op.negated
}

// holds is the operator applied to one request value: for a negated
// operator, that the value matches none of the policy values.
func (c *condition) holds(v string, vals *values, e *evalCtx) bool {
	return c.matchesAny(v, vals, e) != c.op.negated
}

// matchesAny reports whether request value v matches at least one policy
// value under the positive form of the operator.
func (c *condition) matchesAny(v string, vals *values, e *evalCtx) bool {
	switch c.op.fam {
	case famNumeric:
		x, ok := parseNumber(v)
		return ok && c.anyNumber(x)
	case famDate:
		t, ok := vals.time, vals.isTime
		if !ok {
			t, ok = parseDate(v)
		}
		return ok && c.anyDate(t)
	case famIP:
		a, ok := parseIP(v)
		return ok && c.anyIP(a)
	}
	for i := range c.vals {
		if c.matchString(v, &c.vals[i], e) {
			return true
		}
	}
	return false
}

func (c *condition) matchString(v string, p *condValue, e *evalCtx) bool {
	switch c.op.fam {
	case famARN:
		return p.arn.match(v, e)
	case famBinary:
		return p.ok && v == p.lit
	}
	switch c.op.cmp {
	case cmpLike:
		return p.pat.match(v, false, e)
	case cmpEqFold:
		if p.toks != nil {
			return tokEqual(p.toks, v, true, e)
		}
		if c.op.fam == famBool {
			return equalFoldASCII(v, p.lit)
		}
		return strings.EqualFold(v, p.lit)
	}
	if p.toks != nil {
		return tokEqual(p.toks, v, false, e)
	}
	return v == p.lit
}

func (c *condition) anyNumber(x float64) bool {
	for i := range c.vals {
		if p := &c.vals[i]; p.ok && ordered(c.op.cmp, compareFloat(x, p.num)) {
			return true
		}
	}
	return false
}

func (c *condition) anyDate(t instant) bool {
	for i := range c.vals {
		if p := &c.vals[i]; p.ok && ordered(c.op.cmp, t.cmp(p.at)) {
			return true
		}
	}
	return false
}

func (c *condition) anyIP(a netip.Addr) bool {
	for i := range c.vals {
		if p := &c.vals[i]; p.ok && p.cidr.Contains(a) {
			return true
		}
	}
	return false
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return 2 // NaN: nothing holds
}

// ordered reports whether the request value compares to the policy value
// as the operator asks (request value on the left: NumericLessThan holds
// when the request's value is less than the policy's).
func ordered(cmp compare, r int) bool {
	switch cmp {
	case cmpLT:
		return r == -1
	case cmpLE:
		return r == -1 || r == 0
	case cmpGT:
		return r == 1
	case cmpGE:
		return r == 1 || r == 0
	}
	return r == 0
}

// tokEqual compares s with the text of toks, variables substituted.
func tokEqual(toks []tok, s string, fold bool, e *evalCtx) bool {
	pos := 0
	for i := range toks {
		txt, ok := toks[i].text(e)
		if !ok || !hasPrefixFold(s[pos:], txt, fold) {
			return false
		}
		pos += len(txt)
	}
	return pos == len(s)
}
