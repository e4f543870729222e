package policyeval

import (
	"fmt"
	"sort"
)

// validateIdentity checks an identity policy the way IAM's CreatePolicy
// does, reporting the first finding IAM would report, with IAM's text
// (POLICY-FACTS §8.1). The phase order is IAM's, as mirrored by getmoto/moto
// (moto/iam/policy_validation.py `validate`, and the expectations of its
// newest test corpus): syntax, version, legacy parsing, Sid uniqueness,
// actions present, resource formats, action formats, resources present.
func (c *checker) validateIdentity(root *node) *ValidationError {
	stmts, err := c.iamSyntax(root)
	if err != nil {
		return err
	}
	if v := root.get("Version"); v == nil || v.str != version2012 {
		off, detail := root.off, "Version is missing: variables and 2012-10-17 features need it"
		if v != nil {
			off, detail = v.off, "Version "+v.str+" predates the policy variables of 2012-10-17"
		}
		return c.fail(CodeVersionTooOld, msgVersionTooOld, detail, "Version", off)
	}
	for _, phase := range []func([]stmtRef) *ValidationError{
		c.iamLegacy, c.iamSids, c.iamActionsPresent, c.iamPendingResource,
		c.iamActionFormats, c.iamResourcesPresent, c.iamNullIfExists,
	} {
		if err := phase(stmts); err != nil {
			return err
		}
	}
	return nil
}

// iamSyntax is IAM's first pass: every shape error is "Syntax errors in
// policy.", except a Principal, which has its own text.
func (c *checker) iamSyntax(root *node) ([]stmtRef, *ValidationError) {
	if root.kind != nObject {
		return nil, c.syntax(CodeTypeMismatch, typeDetail("the policy document", root, "an object"), "", root.off)
	}
	for i, k := range root.keys {
		if k != "Version" && k != "Id" && k != "Statement" {
			return nil, c.syntax(CodeUnknownElement, fmt.Sprintf("unknown element %q", k), k, root.keyOffs[i])
		}
	}
	if v := root.get("Version"); v != nil && (v.kind != nString || !validVersion(v.str)) {
		return nil, c.syntax(CodeInvalidVersion, "Version must be 2012-10-17 or 2008-10-17", "Version", v.off)
	}
	if id := root.get("Id"); id != nil && id.kind != nString {
		return nil, c.syntax(CodeTypeMismatch, typeDetail("Id", id, "a string"), "Id", id.off)
	}
	st := root.get("Statement")
	switch {
	case st == nil:
		return nil, c.syntax(CodeMissingStatement, "the policy has no Statement", "Statement", root.off)
	case st.kind != nObject && st.kind != nArray:
		return nil, c.syntax(CodeTypeMismatch, typeDetail("Statement", st, "an object or an array"), "Statement", st.off)
	case st.kind == nArray && len(st.vals) == 0:
		return nil, c.syntax(CodeMissingStatement, "Statement is an empty array", "Statement", st.off)
	case len(st.vals) > maxStatements:
		return nil, c.syntax(CodeLimit, fmt.Sprintf("more than %d statements", maxStatements), "Statement", st.off)
	}
	stmts := statementList(st)
	for _, s := range stmts {
		if err := c.iamStatementSyntax(s); err != nil {
			return nil, err
		}
	}
	return stmts, nil
}

func (c *checker) iamStatementSyntax(s stmtRef) *ValidationError {
	n := s.n
	if n.kind != nObject {
		return c.syntax(CodeTypeMismatch, typeDetail("a statement", n, "an object"), s.path, n.off)
	}
	for i, k := range n.keys {
		path := s.path + "." + k
		if k == "Principal" || k == "NotPrincipal" {
			return c.fail(CodeUnsupportedElement, msgIAMPrincipal,
				"The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.", path, n.keyOffs[i])
		}
		if !isStatementElement(k) {
			return c.syntax(CodeUnknownElement, fmt.Sprintf("unknown element %q", k), path, n.keyOffs[i])
		}
	}
	for _, pair := range [][2]string{{"Resource", "NotResource"}, {"Action", "NotAction"}} {
		if n.has(pair[0]) && n.has(pair[1]) {
			return c.syntax(CodeConflictingElements, conflictMessage(pair[0], pair[1]), s.path+"."+pair[1], n.get(pair[1]).off)
		}
	}
	e := n.get("Effect")
	switch {
	case e == nil:
		return c.syntax(CodeMissingEffect, msgAddEffect, s.path, n.off)
	case e.kind != nString:
		return c.syntax(CodeTypeMismatch, typeDetail("Effect", e, "a string"), s.path+".Effect", e.off)
	case !equalFoldASCII(e.str, "Allow") && !equalFoldASCII(e.str, "Deny"):
		return c.syntax(CodeInvalidEffect, effectMessage(e.str), s.path+".Effect", e.off)
	}
	for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
		if v := n.get(k); v != nil {
			if _, bad := strList(v); bad != nil {
				return c.syntax(CodeTypeMismatch, typeDetail(k, bad, "a string or an array of strings"), s.path+"."+k, bad.off)
			}
		}
	}
	if cond := n.get("Condition"); cond != nil {
		if err := c.iamConditionSyntax(cond, s.path+".Condition"); err != nil {
			return err
		}
	}
	if sid := n.get("Sid"); sid != nil && sid.kind != nString {
		return c.syntax(CodeTypeMismatch, typeDetail("Sid", sid, "a string"), s.path+".Sid", sid.off)
	}
	return nil
}

// iamConditionSyntax: IAM accepts an unknown operator only with an empty
// body (moto's `_validate_condition_syntax`).
func (c *checker) iamConditionSyntax(cond *node, path string) *ValidationError {
	if bad, badPath, detail := checkConditionShape(cond, path); bad != nil {
		return c.syntax(CodeTypeMismatch, detail, badPath, bad.off)
	}
	for i, op := range cond.keys {
		if _, ok := parseOperator(op); !ok && len(cond.vals[i].keys) > 0 {
			return c.syntax(CodeInvalidOperator, operatorMessage(op), path+"."+op, cond.keyOffs[i])
		}
	}
	return nil
}

// iamLegacy is IAM's "legacy parser": Effect case, Date condition values
// (all statements first), then every Resource and NotResource format. A
// format error that the legacy parser tolerates is remembered and reported
// after the presence checks; as in IAM, the last one found wins, and an
// array is examined in reverse sorted order.
func (c *checker) iamLegacy(stmts []stmtRef) *ValidationError {
	for _, s := range stmts {
		if e := s.n.get("Effect"); e.str != "Allow" && e.str != "Deny" {
			return c.fail(CodeLegacyParsing, msgLegacyParsing, effectMessage(e.str), s.path+".Effect", e.off)
		}
		if err := c.iamLegacyDates(s); err != nil {
			return err
		}
	}
	c.pendingResource = nil
	for _, key := range []string{"Resource", "NotResource"} {
		for _, s := range stmts {
			if err := c.iamResourceFormats(s, key); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) iamLegacyDates(s stmtRef) *ValidationError {
	cond := s.n.get("Condition")
	if cond == nil {
		return nil
	}
	for i, op := range cond.keys {
		p, ok := parseOperator(op)
		if !ok || p.op.fam != famDate {
			continue
		}
		body := cond.vals[i]
		for j, key := range body.keys {
			vals, _ := conditionValues(body.vals[j])
			for _, v := range vals {
				if !legacyDateOK(v) {
					return c.fail(CodeLegacyParsing, msgLegacyParsing, fmt.Sprintf("%q is not a date", v),
						s.path+".Condition."+op+"."+key, body.vals[j].off)
				}
			}
		}
	}
	return nil
}

func (c *checker) iamResourceFormats(s stmtRef, key string) *ValidationError {
	n := s.n.get(key)
	if n == nil {
		return nil
	}
	vals, _ := strList(n)
	ordered := vals
	if n.kind == nArray {
		ordered = append([]string(nil), vals...)
		sort.Sort(sort.Reverse(sort.StringSlice(ordered)))
	}
	for _, r := range ordered {
		if msg := resourceFormatError(r); msg != "" {
			c.pendingResource = c.fail(CodeInvalidResource, msg, "", s.path+"."+key, n.off)
		}
	}
	if c.pendingResource != nil {
		return nil
	}
	for _, r := range vals {
		if !legacyResourceOK(r) {
			return c.fail(CodeLegacyParsing, msgLegacyParsing, fmt.Sprintf("resource %q is not a six-field ARN", r), s.path+"."+key, n.off)
		}
	}
	return nil
}

func (c *checker) iamSids(stmts []stmtRef) *ValidationError {
	seen := map[string]bool{}
	for _, s := range stmts {
		sid := s.n.get("Sid")
		if sid == nil || sid.str == "" {
			continue
		}
		if !isSidAlnum(sid.str) {
			return c.fail(CodeInvalidSid, msgSidAlnum, "", s.path+".Sid", sid.off)
		}
		if seen[sid.str] {
			return c.fail(CodeDuplicateSid, msgSidUnique, "", s.path+".Sid", sid.off)
		}
		seen[sid.str] = true
	}
	return nil
}

func (c *checker) iamActionsPresent(stmts []stmtRef) *ValidationError {
	for _, s := range stmts {
		if !presentNonEmpty(s.n, "Action", "NotAction") {
			return c.fail(CodeMissingAction, msgMustHaveActions, msgAddAction, s.path, s.n.off)
		}
	}
	return nil
}

func (c *checker) iamResourcesPresent(stmts []stmtRef) *ValidationError {
	for _, s := range stmts {
		if !presentNonEmpty(s.n, "Resource", "NotResource") {
			return c.fail(CodeMissingResource, msgMustHaveResource, msgAddResource, s.path, s.n.off)
		}
	}
	return nil
}

// iamPendingResource reports the resource format error iamLegacy kept.
func (c *checker) iamPendingResource([]stmtRef) *ValidationError { return c.pendingResource }

// presentNonEmpty reports whether the statement has key or notKey, and the
// one it has (key first, as IAM looks) is not an empty array.
func presentNonEmpty(n *node, key, notKey string) bool {
	v := n.get(key)
	if v == nil {
		v = n.get(notKey)
	}
	return v != nil && !(v.kind == nArray && len(v.vals) == 0)
}

func (c *checker) iamActionFormats(stmts []stmtRef) *ValidationError {
	for _, key := range []string{"Action", "NotAction"} {
		for _, s := range stmts {
			n := s.n.get(key)
			if n == nil {
				continue
			}
			vals, _ := strList(n)
			for _, a := range vals {
				if msg := actionFormatError(a); msg != "" {
					return c.fail(CodeInvalidAction, msg, "", s.path+"."+key, n.off)
				}
			}
		}
	}
	return nil
}

// iamNullIfExists reports Access Analyzer's finding, which IAM's parser
// (stripping the suffix) does not make.
func (c *checker) iamNullIfExists(stmts []stmtRef) *ValidationError {
	for _, s := range stmts {
		cond := s.n.get("Condition")
		if cond == nil {
			continue
		}
		for i, op := range cond.keys {
			if p, ok := parseOperator(op); ok && p.op.fam == famNull && p.ifExists {
				return c.fail(CodeNullIfExists, msgNullIfExists, "", s.path+".Condition."+op, cond.keyOffs[i])
			}
		}
	}
	return nil
}
