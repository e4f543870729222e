package policyeval

import (
	"fmt"
	"strings"
)

// Access Analyzer finding texts (POLICY-FACTS §8.2), used for the
// resource-based and endpoint kinds, whose APIs have no more precise text.
const (
	msgAddEffect         = "Add an Effect element to the policy statement with a value of Allow or Deny."
	msgAddAction         = "Add an Action or NotAction element to the policy statement."
	msgAddResource       = "Add a Resource or NotResource element to the policy statement."
	msgAddPrincipal      = "Add a Principal element to the policy statement."
	msgPrincipalContents = "The Principal element contents are not valid. Specify a key-value pair in the Principal element."
	msgAddStatement      = "Add a statement to the policy"
	msgNullIfExists      = "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix."
	msgDuplicateSid      = "Duplicate statement IDs are not supported for this policy type. Update the Sid value."
	// S3's MalformedPolicy text for a principal that is not one (§8.5).
	msgInvalidPrincipal = "Invalid principal in policy"
)

// Endpoint policy rules, in the PrivateLink guide's words (POLICY-FACTS §9);
// EC2's own error text for them is unverified.
const (
	msgEndpointSize     = "The size of an endpoint policy cannot exceed 20,480 characters, including white space."
	msgGatewayPrincipal = "For gateway endpoints, the Principal element must be set to *. To specify a principal, use the aws:PrincipalArn condition key."
	msgNoWildcardSystem = "You can't use wildcard characters (* or ?) or numeric condition operators with global context keys that reference system-generated identifiers (for example, aws:PrincipalAccount or aws:SourceVpc)."
	msgSixCharacters    = "When you use a string condition operator, you must use at least six consecutive characters before or after each wildcard character."
	msgARNAccount       = "When you specify an ARN in a resource or condition element, the account portion of the ARN can include an account ID or a wildcard character, but not both."
	// ECR's PolicyText length constraint, in AWS's standard validation
	// wording (the limit is ECR's: 10,240 characters).
	msgECRSize = "1 validation error detected: Value at 'policyText' failed to satisfy constraint: Member must have length less than or equal to 10240"
)

func effectMessage(e string) string { return "The effect " + e + " is not valid. Use Allow or Deny." }

func principalKeyMessage(k string) string { return "The principal key " + k + " is not valid." }

func versionMessage(v string) string {
	return "The version " + v + " is not valid. Use one of the following versions: 2012-10-17, 2008-10-17"
}

func conflictMessage(a, b string) string {
	return "The policy elements " + a + " and " + b + " can not be used in the same statement. Remove one of these elements."
}

func operatorMessage(op string) string {
	return "The condition operator " + op + " is not valid. Use a valid condition operator."
}

// validateResourceKind checks repository, registry and endpoint policies.
// Findings come in document order, statement by statement.
func (c *checker) validateResourceKind(root *node) *ValidationError {
	if root.kind != nObject {
		return c.syntax(CodeTypeMismatch, typeDetail("the policy document", root, "an object"), "", root.off)
	}
	for i, k := range root.keys {
		if k != "Version" && k != "Id" && k != "Statement" {
			return c.syntax(CodeUnknownElement, fmt.Sprintf("unknown element %q", k), k, root.keyOffs[i])
		}
	}
	if v := root.get("Version"); v != nil {
		if v.kind != nString {
			return c.syntax(CodeTypeMismatch, typeDetail("Version", v, "a string"), "Version", v.off)
		}
		if !validVersion(v.str) {
			return c.fail(CodeInvalidVersion, versionMessage(v.str), "", "Version", v.off)
		}
	}
	if id := root.get("Id"); id != nil && id.kind != nString {
		return c.syntax(CodeTypeMismatch, typeDetail("Id", id, "a string"), "Id", id.off)
	}
	st := root.get("Statement")
	switch {
	case st == nil:
		return c.fail(CodeMissingStatement, msgAddStatement, "", "Statement", root.off)
	case st.kind != nObject && st.kind != nArray:
		return c.syntax(CodeTypeMismatch, typeDetail("Statement", st, "an object or an array"), "Statement", st.off)
	case st.kind == nArray && len(st.vals) == 0:
		return c.fail(CodeMissingStatement, msgAddStatement, "Statement is an empty array", "Statement", st.off)
	case len(st.vals) > maxStatements:
		return c.syntax(CodeLimit, fmt.Sprintf("more than %d statements", maxStatements), "Statement", st.off)
	}
	stmts := statementList(st)
	for _, s := range stmts {
		if err := c.checkStatement(s); err != nil {
			return err
		}
	}
	if c.kind != KindRepository { // ECR repository policies may repeat a Sid (POLICY-FACTS §8.3)
		return c.uniqueSids(stmts)
	}
	return nil
}

func (c *checker) checkStatement(s stmtRef) *ValidationError {
	for _, check := range []func(stmtRef) *ValidationError{
		c.statementShape, c.statementConflicts, c.statementEffect, c.checkPrincipal,
		c.statementActions, c.statementResources, c.statementConditions,
	} {
		if err := check(s); err != nil {
			return err
		}
	}
	return nil
}

// statementShape checks element names and JSON types.
func (c *checker) statementShape(s stmtRef) *ValidationError {
	n := s.n
	if n.kind != nObject {
		return c.syntax(CodeTypeMismatch, typeDetail("a statement", n, "an object"), s.path, n.off)
	}
	for i, k := range n.keys {
		if !isStatementElement(k) {
			return c.syntax(CodeUnknownElement, fmt.Sprintf("unknown element %q", k), s.path+"."+k, n.keyOffs[i])
		}
	}
	for _, k := range []string{"Sid", "Effect"} {
		if v := n.get(k); v != nil && v.kind != nString {
			return c.syntax(CodeTypeMismatch, typeDetail(k, v, "a string"), s.path+"."+k, v.off)
		}
	}
	for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
		if v := n.get(k); v != nil {
			if _, bad := strList(v); bad != nil {
				return c.syntax(CodeTypeMismatch, typeDetail(k, bad, "a string or an array of strings"), s.path+"."+k, bad.off)
			}
		}
	}
	if cond := n.get("Condition"); cond != nil {
		if bad, badPath, detail := checkConditionShape(cond, s.path+".Condition"); bad != nil {
			return c.syntax(CodeTypeMismatch, detail, badPath, bad.off)
		}
	}
	return nil
}

func (c *checker) statementConflicts(s stmtRef) *ValidationError {
	for _, pair := range [][2]string{{"Action", "NotAction"}, {"Resource", "NotResource"}, {"Principal", "NotPrincipal"}} {
		if s.n.has(pair[0]) && s.n.has(pair[1]) {
			return c.fail(CodeConflictingElements, conflictMessage(pair[0], pair[1]), "", s.path+"."+pair[1], s.n.get(pair[1]).off)
		}
	}
	return nil
}

// statementEffect: the value is case sensitive (POLICY-FACTS §3).
func (c *checker) statementEffect(s stmtRef) *ValidationError {
	e := s.n.get("Effect")
	if e == nil {
		return c.fail(CodeMissingEffect, msgAddEffect, "", s.path, s.n.off)
	}
	if e.str != "Allow" && e.str != "Deny" {
		return c.fail(CodeInvalidEffect, effectMessage(e.str), "", s.path+".Effect", e.off)
	}
	return nil
}

func (c *checker) statementActions(s stmtRef) *ValidationError {
	key := "Action"
	n := s.n.get(key)
	if n == nil {
		key, n = "NotAction", s.n.get("NotAction")
	}
	if n == nil || n.kind == nArray && len(n.vals) == 0 {
		return c.fail(CodeMissingAction, msgAddAction, "", s.path, s.n.off)
	}
	vals, _ := strList(n)
	for _, a := range vals {
		if msg := actionFormatError(a); msg != "" {
			return c.fail(CodeInvalidAction, msg, "", s.path+"."+key, n.off)
		}
	}
	return nil
}

// statementResources: a repository policy may leave Resource out; it then
// means the repository itself (POLICY-FACTS §1, §8.3).
func (c *checker) statementResources(s stmtRef) *ValidationError {
	key := "Resource"
	n := s.n.get(key)
	if n == nil {
		key, n = "NotResource", s.n.get("NotResource")
	}
	if n == nil && c.kind == KindRepository {
		return nil
	}
	if n == nil || n.kind == nArray && len(n.vals) == 0 {
		return c.fail(CodeMissingResource, msgAddResource, "", s.path, s.n.off)
	}
	vals, _ := strList(n)
	path := s.path + "." + key
	for _, r := range vals {
		if msg := resourceFormatError(r); msg != "" {
			return c.fail(CodeInvalidResource, msg, "", path, n.off)
		}
		if !legacyResourceOK(r) {
			return c.fail(CodeLegacyParsing, msgLegacyParsing, fmt.Sprintf("resource %q is not a six-field ARN", r), path, n.off)
		}
		if c.kind.isEndpoint() && mixedAccount(r) {
			return c.fail(CodeNoWildcard, msgARNAccount, fmt.Sprintf("resource %q", r), path, n.off)
		}
	}
	return nil
}

func (c *checker) statementConditions(s stmtRef) *ValidationError {
	cond := s.n.get("Condition")
	if cond == nil {
		return nil
	}
	for i, op := range cond.keys {
		path := s.path + ".Condition." + op
		p, ok := parseOperator(op)
		if !ok {
			return c.fail(CodeInvalidOperator, operatorMessage(op), "", path, cond.keyOffs[i])
		}
		if p.op.fam == famNull && p.ifExists {
			return c.fail(CodeNullIfExists, msgNullIfExists, "", path, cond.keyOffs[i])
		}
		body := cond.vals[i]
		for j, key := range body.keys {
			vals, _ := conditionValues(body.vals[j])
			if err := c.conditionValuesOK(p, key, vals, path+"."+key, body.vals[j].off); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) conditionValuesOK(p parsedOperator, key string, vals []string, path string, off int) *ValidationError {
	for _, v := range vals {
		if p.op.fam == famDate && !legacyDateOK(v) {
			return c.fail(CodeLegacyParsing, msgLegacyParsing, fmt.Sprintf("%q is not a date", v), path, off)
		}
		if !c.kind.isEndpoint() {
			continue
		}
		wild := strings.ContainsAny(v, "*?")
		switch {
		case isSystemKey(key) && (wild || p.op.fam == famNumeric):
			return c.fail(CodeNoWildcard, msgNoWildcardSystem, fmt.Sprintf("%s with value %s", key, v), path, off)
		case p.op.fam == famString && wild && !sixAroundWildcards(v):
			return c.fail(CodeNoWildcard, msgSixCharacters, fmt.Sprintf("%s with value %s", key, v), path, off)
		case p.op.fam == famARN && mixedAccount(v):
			return c.fail(CodeNoWildcard, msgARNAccount, fmt.Sprintf("%s with value %s", key, v), path, off)
		}
	}
	return nil
}

// sixAroundWildcards reports whether every wildcard in v has at least six
// consecutive non-wildcard characters before or after it.
func sixAroundWildcards(v string) bool {
	const need = 6
	run := make([]int, 0, 4) // lengths of the literal runs between wildcards
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] == '*' || v[i] == '?' {
			run = append(run, n)
			n = 0
			continue
		}
		n++
	}
	run = append(run, n)
	for i := 0; i+1 < len(run); i++ { // wildcard i sits between run[i] and run[i+1]
		if run[i] < need && run[i+1] < need {
			return false
		}
	}
	return true
}

// mixedAccount reports an ARN whose account field mixes digits and a
// wildcard, such as 1234*.
func mixedAccount(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return false
	}
	acct := parts[4]
	return strings.ContainsAny(acct, "*?") && strings.Trim(acct, "*?") != ""
}

func (c *checker) uniqueSids(stmts []stmtRef) *ValidationError {
	seen := map[string]bool{}
	for _, s := range stmts {
		sid := s.n.get("Sid")
		if sid == nil || sid.str == "" {
			continue
		}
		if seen[sid.str] {
			return c.fail(CodeDuplicateSid, msgDuplicateSid, "", s.path+".Sid", sid.off)
		}
		seen[sid.str] = true
	}
	return nil
}

// equalFoldASCII compares ASCII strings without regard to case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
