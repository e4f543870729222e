package policyeval

import "strings"

// family groups condition operators by the type their values have
// (POLICY-FACTS §4).
type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// compare is what an operator checks between a request value and a policy
// value; negated operators reuse the positive comparison.
type compare uint8

const (
	cmpEq compare = iota
	cmpEqFold
	cmpLike
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

// operator describes one base condition operator.
type operator struct {
	name    string
	fam     family
	cmp     compare
	negated bool // the Not… operators: true when no policy value matches
	vars    bool // policy variables allowed in values (POLICY-FACTS §5)
}

// operators is the closed set of base operators. Names are matched exactly:
// POLICY-FACTS §3.2 treats operator names as case sensitive.
var operators = [...]operator{
	{"StringEquals", famString, cmpEq, false, true},
	{"StringNotEquals", famString, cmpEq, true, true},
	{"StringEqualsIgnoreCase", famString, cmpEqFold, false, true},
	{"StringNotEqualsIgnoreCase", famString, cmpEqFold, true, true},
	{"StringLike", famString, cmpLike, false, true},
	{"StringNotLike", famString, cmpLike, true, true},
	{"NumericEquals", famNumeric, cmpEq, false, false},
	{"NumericNotEquals", famNumeric, cmpEq, true, false},
	{"NumericLessThan", famNumeric, cmpLT, false, false},
	{"NumericLessThanEquals", famNumeric, cmpLE, false, false},
	{"NumericGreaterThan", famNumeric, cmpGT, false, false},
	{"NumericGreaterThanEquals", famNumeric, cmpGE, false, false},
	{"DateEquals", famDate, cmpEq, false, false},
	{"DateNotEquals", famDate, cmpEq, true, false},
	{"DateLessThan", famDate, cmpLT, false, false},
	{"DateLessThanEquals", famDate, cmpLE, false, false},
	{"DateGreaterThan", famDate, cmpGT, false, false},
	{"DateGreaterThanEquals", famDate, cmpGE, false, false},
	{"Bool", famBool, cmpEqFold, false, true},
	{"BinaryEquals", famBinary, cmpEq, false, false},
	{"IpAddress", famIP, cmpEq, false, false},
	{"NotIpAddress", famIP, cmpEq, true, false},
	{"ArnEquals", famARN, cmpLike, false, true},
	{"ArnLike", famARN, cmpLike, false, true},
	{"ArnNotEquals", famARN, cmpLike, true, true},
	{"ArnNotLike", famARN, cmpLike, true, true},
	{"Null", famNull, cmpEq, false, false},
}

// setQualifier is the ForAnyValue:/ForAllValues: prefix of an operator.
type setQualifier uint8

const (
	setNone setQualifier = iota
	setAnyValue
	setAllValues
)

// parsedOperator is a condition operator name taken apart.
type parsedOperator struct {
	op       *operator
	set      setQualifier
	ifExists bool
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts. It
// returns ok=false for a name that is not a known base operator with
// optional prefix and suffix.
func parseOperator(name string) (parsedOperator, bool) {
	var p parsedOperator
	switch {
	case strings.HasPrefix(name, "ForAnyValue:"):
		p.set, name = setAnyValue, name[len("ForAnyValue:"):]
	case strings.HasPrefix(name, "ForAllValues:"):
		p.set, name = setAllValues, name[len("ForAllValues:"):]
	}
	if base, ok := strings.CutSuffix(name, "IfExists"); ok {
		p.ifExists, name = true, base
	}
	for i := range operators {
		if operators[i].name == name {
			p.op = &operators[i]
			return p, true
		}
	}
	return p, false
}

// systemKeys are the global condition keys that reference system-generated
// identifiers; endpoint policies may not use wildcards or numeric operators
// with them (POLICY-FACTS §9). Lower case.
var systemKeys = []string{
	"aws:principalaccount", "aws:principalorgid", "aws:resourceaccount", "aws:resourceorgid",
	"aws:sourceaccount", "aws:sourceorgid", "aws:sourcevpc", "aws:sourcevpce",
	"aws:vpceaccount", "aws:vpceorgid",
}

func isSystemKey(key string) bool {
	for _, k := range systemKeys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}
