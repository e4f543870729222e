package policyeval

import (
	"fmt"
	"strconv"
)

// checker carries what every validation finding needs: the document (for
// line and column) and the kind (for the message set).
type checker struct {
	doc  []byte
	kind Kind
	// pendingResource is a resource format error IAM reports only after
	// its presence checks (see iamLegacy).
	pendingResource *ValidationError
}

func (c *checker) fail(code Code, msg, detail, path string, off int) *ValidationError {
	line, col := lineCol(c.doc, off)
	return &ValidationError{Kind: c.kind, Code: code, Message: msg, Detail: detail, Path: path, Line: line, Column: col}
}

// syntaxMessage is the text the kind's own API gives for a document that is
// not the grammar's JSON: IAM's MalformedPolicyDocument text, ECR's
// InvalidParameterException texts (POLICY-FACTS §8.3), EC2's
// InvalidPolicyDocument text with its position (§8.4).
func (c *checker) syntaxMessage(off int) string {
	switch c.kind {
	case KindRepository:
		return "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'"
	case KindRegistry:
		return "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'"
	case KindEndpoint, KindS3Gateway:
		line, col := lineCol(c.doc, off)
		return "The Policy Document is not valid. Syntax error at position (" + strconv.Itoa(line) + "," + strconv.Itoa(col) + ")"
	default:
		return msgSyntaxIAM
	}
}

func (c *checker) syntax(code Code, detail, path string, off int) *ValidationError {
	return c.fail(code, c.syntaxMessage(off), detail, path, off)
}

// stmtRef is one statement node with its JSON path.
type stmtRef struct {
	n    *node
	path string
}

// statementList returns the statements of a Statement node that is an
// object (one statement) or an array.
func statementList(st *node) []stmtRef {
	if st.kind == nObject {
		return []stmtRef{{n: st, path: "Statement"}}
	}
	out := make([]stmtRef, len(st.vals))
	for i, v := range st.vals {
		out[i] = stmtRef{n: v, path: "Statement[" + strconv.Itoa(i) + "]"}
	}
	return out
}

// strList returns the strings of a node that is a string or an array of
// strings; bad is the first node that is neither.
func strList(n *node) (vals []string, bad *node) {
	switch n.kind {
	case nString:
		return []string{n.str}, nil
	case nArray:
		vals = make([]string, 0, len(n.vals))
		for _, v := range n.vals {
			if v.kind != nString {
				return nil, v
			}
			vals = append(vals, v.str)
		}
		return vals, nil
	default:
		return nil, n
	}
}

func isScalar(n *node) bool { return n.kind == nString || n.kind == nNumber || n.kind == nBool }

// conditionValues returns the values of one condition key: a scalar or an
// array of scalars. Numbers and booleans count as their JSON text, as AWS
// accepts `"aws:SecureTransport": false`.
func conditionValues(n *node) (vals []string, bad *node) {
	if isScalar(n) {
		return []string{n.str}, nil
	}
	if n.kind != nArray {
		return nil, n
	}
	vals = make([]string, 0, len(n.vals))
	for _, v := range n.vals {
		if !isScalar(v) {
			return nil, v
		}
		vals = append(vals, v.str)
	}
	return vals, nil
}

// checkConditionShape checks that Condition is an object of operator
// objects of key values; it returns the offending node and a description.
func checkConditionShape(cond *node, path string) (bad *node, badPath, detail string) {
	if cond.kind != nObject {
		return cond, path, "Condition must be an object"
	}
	for i, op := range cond.keys {
		body := cond.vals[i]
		opPath := path + "." + op
		if body.kind != nObject {
			return body, opPath, fmt.Sprintf("condition operator %s must map to an object", op)
		}
		for j, key := range body.keys {
			if _, b := conditionValues(body.vals[j]); b != nil {
				return b, opPath + "." + key, fmt.Sprintf("condition key %s must have a string, number, boolean or array of those", key)
			}
		}
	}
	return nil, "", ""
}

// typeDetail describes a JSON value of the wrong type.
func typeDetail(element string, n *node, want string) string {
	return fmt.Sprintf("%s must be %s, not %s", element, want, n.kind)
}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func isStatementElement(k string) bool {
	for _, e := range statementElements {
		if e == k {
			return true
		}
	}
	return false
}

// validVersion reports whether v is one of the two policy language dates.
func validVersion(v string) bool { return v == version2012 || v == version2008 }

const (
	version2012 = "2012-10-17"
	version2008 = "2008-10-17"
)
