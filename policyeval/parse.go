package policyeval

import (
	"fmt"
	"unicode/utf8"
)

// Policy is a parsed, validated and compiled policy document. It is
// immutable and safe for concurrent use by any number of evaluations.
type Policy struct {
	kind    Kind
	version string
	id      string
	stmts   []statement
	// byAction indexes the statements by the exact actions they list, in
	// lower case; scan lists those any action may match (NotAction or a
	// wildcard). Both are in statement order; see index.go.
	byAction map[string][]int32
	scan     []int32
}

// Kind returns the kind the policy was parsed as.
func (p *Policy) Kind() Kind { return p.kind }

// Version returns the Version element, or "" when the document has none.
func (p *Policy) Version() string { return p.version }

// ID returns the Id element, or "".
func (p *Policy) ID() string { return p.id }

// Len returns the number of statements.
func (p *Policy) Len() int { return len(p.stmts) }

// statement is one compiled statement.
type statement struct {
	sid          string
	deny         bool
	principals   []principal
	notPrincipal bool
	actions      []pattern
	notAction    bool
	resources    []arnPattern
	notResource  bool
	anyResource  bool // a repository policy statement without Resource
	conds        []condition
}

// Size limits of the kinds that have one, in characters including white
// space (POLICY-FACTS §8.3 moto's ECR mirror and ECR's API; §9 for
// endpoints). Identity policies get ecrlink's document bound only.
func sizeLimit(k Kind) (int, string) {
	switch k {
	case KindRepository, KindRegistry:
		return 10240, msgECRSize
	case KindEndpoint, KindS3Gateway:
		return 20480, msgEndpointSize
	}
	return 0, ""
}

// Parse validates doc as a policy of the given kind and compiles it for
// evaluation. A document AWS would reject yields a *ValidationError
// carrying AWS's text and the position of the first finding.
func Parse(doc []byte, kind Kind) (*Policy, error) {
	if kind < KindIdentity || kind > KindS3Gateway {
		return nil, fmt.Errorf("policyeval: parse: unknown kind %d", int(kind))
	}
	c := &checker{doc: doc, kind: kind}
	// A size finding is about the whole document: it has no position.
	if limit, msg := sizeLimit(kind); limit > 0 && len(doc) > limit && utf8.RuneCount(doc) > limit {
		return nil, &ValidationError{Kind: kind, Code: CodeTooLarge, Message: msg,
			Detail: fmt.Sprintf("the document has %d characters", utf8.RuneCount(doc))}
	}
	if len(doc) > maxDocumentBytes {
		return nil, &ValidationError{Kind: kind, Code: CodeTooLarge, Message: c.syntaxMessage(0),
			Detail: fmt.Sprintf("the document is larger than ecrlink's bound of %d bytes", maxDocumentBytes)}
	}
	root, err := parseTree(doc)
	if err != nil {
		te := err.(*treeError)
		return nil, c.syntax(te.code, te.detail, "", te.off)
	}
	var verr *ValidationError
	if kind == KindIdentity {
		verr = c.validateIdentity(root)
	} else {
		verr = c.validateResourceKind(root)
	}
	if verr != nil {
		return nil, verr
	}
	return compile(root, kind), nil
}

// MustParse is Parse for documents known to be valid, such as constants in
// tests; it panics on error.
func MustParse(doc string, kind Kind) *Policy {
	p, err := Parse([]byte(doc), kind)
	if err != nil {
		panic(fmt.Sprintf("policyeval: MustParse(%s): %v", kind, err))
	}
	return p
}

// compile turns a validated tree into a Policy. Variables are honoured
// only under Version 2012-10-17 (POLICY-FACTS §5).
func compile(root *node, kind Kind) *Policy {
	p := &Policy{kind: kind}
	if v := root.get("Version"); v != nil {
		p.version = v.str
	}
	if id := root.get("Id"); id != nil {
		p.id = id.str
	}
	vars := p.version == version2012
	refs := statementList(root.get("Statement"))
	p.stmts = make([]statement, len(refs))
	for i, r := range refs {
		p.stmts[i] = compileStatement(r.n, vars)
	}
	p.index()
	return p
}

func compileStatement(n *node, vars bool) statement {
	var s statement
	if sid := n.get("Sid"); sid != nil {
		s.sid = sid.str
	}
	s.deny = n.get("Effect").str == "Deny"
	s.principals, s.notPrincipal = compilePrincipals(n)
	if a := n.get("Action"); a != nil {
		s.actions = compileActions(a)
	} else {
		s.actions, s.notAction = compileActions(n.get("NotAction")), true
	}
	switch {
	case n.has("Resource"):
		s.resources = compileResources(n.get("Resource"), vars)
	case n.has("NotResource"):
		s.resources, s.notResource = compileResources(n.get("NotResource"), vars), true
	default:
		s.anyResource = true
	}
	if cond := n.get("Condition"); cond != nil {
		s.conds = compileConditions(cond, vars)
	}
	return s
}

func compilePrincipals(n *node) ([]principal, bool) {
	pn, not := n.get("Principal"), false
	if pn == nil {
		pn, not = n.get("NotPrincipal"), true
	}
	if pn == nil {
		return nil, false
	}
	if pn.kind == nString { // "*", the only string validation lets through
		return []principal{{kind: pAny}}, not
	}
	var out []principal
	for i, key := range pn.keys {
		vals, _ := strList(pn.vals[i])
		for _, v := range vals {
			out = append(out, compilePrincipal(key, v))
		}
	}
	return out, not
}

func compileActions(n *node) []pattern {
	vals, _ := strList(n)
	out := make([]pattern, len(vals))
	for i, v := range vals {
		out[i] = compilePattern(v, false)
	}
	return out
}

func compileResources(n *node, vars bool) []arnPattern {
	vals, _ := strList(n)
	out := make([]arnPattern, len(vals))
	for i, v := range vals {
		out[i] = compileARN(v, vars)
	}
	return out
}

// compileConditions compiles every (operator, key) pair. An unknown
// operator reaches here only with an empty body (IAM accepts that), so it
// has no keys to compile.
func compileConditions(cond *node, vars bool) []condition {
	var out []condition
	for i, op := range cond.keys {
		p, ok := parseOperator(op)
		if !ok {
			continue
		}
		body := cond.vals[i]
		for j, key := range body.keys {
			vals, _ := conditionValues(body.vals[j])
			out = append(out, compileCondition(p, key, vals, vars))
		}
	}
	return out
}

// defaultEndpointDocument is the policy AWS attaches to an endpoint that
// has none (POLICY-FACTS §9).
const defaultEndpointDocument = `{ "Statement": [ { "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*" } ] }`

// DefaultEndpointPolicy returns AWS's default full-access endpoint policy.
// Each call compiles a fresh copy, so no state is shared between callers.
func DefaultEndpointPolicy() *Policy {
	return MustParse(defaultEndpointDocument, KindEndpoint)
}
