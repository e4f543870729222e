package policyeval

import "fmt"

// principalKeys are the keys of a Principal map (POLICY-FACTS §3).
var principalKeys = []string{"AWS", "Service", "Federated", "CanonicalUser"}

// checkPrincipal validates Principal or NotPrincipal of a resource-based or
// endpoint statement: required, "*" or a map of the four principal keys,
// each a string or a non-empty array of strings (POLICY-FACTS §3.1).
func (c *checker) checkPrincipal(s stmtRef) *ValidationError {
	key := "Principal"
	p := s.n.get(key)
	if p == nil {
		key, p = "NotPrincipal", s.n.get("NotPrincipal")
	}
	if p == nil {
		return c.fail(CodeMissingPrincipal, msgAddPrincipal, "", s.path, s.n.off)
	}
	path := s.path + "." + key
	if c.kind == KindS3Gateway && (key == "NotPrincipal" || !isStarPrincipal(p)) {
		return c.fail(CodeInvalidPrincipal, msgGatewayPrincipal, "", path, p.off)
	}
	switch p.kind {
	case nString:
		if p.str != "*" {
			return c.fail(CodeInvalidPrincipal, msgPrincipalContents, fmt.Sprintf("%q is neither \"*\" nor a map", p.str), path, p.off)
		}
		return nil
	case nObject:
		return c.checkPrincipalMap(p, path)
	default:
		return c.syntax(CodeTypeMismatch, typeDetail(key, p, `"*" or an object`), path, p.off)
	}
}

func (c *checker) checkPrincipalMap(p *node, path string) *ValidationError {
	if len(p.keys) == 0 {
		return c.fail(CodeInvalidPrincipal, msgPrincipalContents, "the map is empty", path, p.off)
	}
	for i, k := range p.keys {
		if !contains(principalKeys, k) {
			return c.fail(CodeInvalidPrincipalKey, principalKeyMessage(k), "", path+"."+k, p.keyOffs[i])
		}
		v := p.vals[i]
		vals, bad := strList(v)
		if bad != nil {
			return c.syntax(CodeTypeMismatch, typeDetail(k, bad, "a string or an array of strings"), path+"."+k, bad.off)
		}
		if len(vals) == 0 {
			return c.fail(CodeInvalidPrincipal, msgPrincipalContents, k+" is an empty array", path+"."+k, v.off)
		}
		if k != "AWS" {
			continue
		}
		for _, a := range vals {
			if !validAWSPrincipal(a) {
				return c.fail(CodeInvalidPrincipal, msgInvalidPrincipal, fmt.Sprintf("%q is not \"*\", an account ID or an IAM or STS ARN without wildcards", a), path+"."+k, v.off)
			}
		}
	}
	return nil
}

// isStarPrincipal reports "*" or {"AWS": "*"}, the only principal a gateway
// endpoint policy takes.
func isStarPrincipal(p *node) bool {
	if p.kind == nString {
		return p.str == "*"
	}
	if p.kind != nObject || len(p.keys) != 1 || p.keys[0] != "AWS" {
		return false
	}
	vals, bad := strList(p.vals[0])
	return bad == nil && len(vals) == 1 && vals[0] == "*"
}

// validAWSPrincipal accepts "*", a 12-digit account ID, or an iam/sts ARN
// with an account and no wildcard ("You cannot use a wildcard to match part
// of a principal name or ARN", POLICY-FACTS §3.1).
func validAWSPrincipal(a string) bool {
	if a == "*" || isAccountID(a) {
		return true
	}
	f, n := splitARN(a)
	if n != 6 || f[0] != "arn" || f[1] == "" || f[3] != "" || !isAccountID(f[4]) || f[5] == "" {
		return false
	}
	if f[2] != "iam" && f[2] != "sts" {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] == '*' || a[i] == '?' {
			return false
		}
	}
	return true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
