package policyeval

import "strings"

// Message renders AWS's AccessDenied text for a denied request, or "" when
// the request was allowed (POLICY-FACTS §7). It allocates, and is meant to
// be called only when a message is needed.
//
//	User: <arn> is not authorized to perform: <action> on resource: <arn> because no <type> allows the <action> action
//	User: <arn> is not authorized to perform: <action> on resource: <arn> with an explicit deny in <a|an> <type>
//
// A registry policy is a resource-based policy and is named so. For S3
// actions the resource is in double quotes (§7.2). An anonymous caller is
// "anonymous".
func (d Decision) Message(req *Request) string {
	if d.Effect == Allowed {
		return ""
	}
	user := req.Principal
	if user == "" || user == "*" {
		user = "anonymous"
	}
	resource := req.Resource
	if resource == "" {
		resource = "*"
	}
	if len(req.Action) >= 3 && equalFoldASCII(req.Action[:3], "s3:") {
		resource = `"` + resource + `"`
	}
	phrase := typePhrase(d.DeniedBy)
	var b strings.Builder
	b.Grow(128 + len(user) + 2*len(req.Action) + len(resource))
	b.WriteString("User: ")
	b.WriteString(user)
	b.WriteString(" is not authorized to perform: ")
	b.WriteString(req.Action)
	b.WriteString(" on resource: ")
	b.WriteString(resource)
	if d.Effect == ExplicitlyDenied {
		b.WriteString(" with an explicit deny in ")
		b.WriteString(article(phrase))
		b.WriteByte(' ')
		b.WriteString(phrase)
	} else {
		b.WriteString(" because no ")
		b.WriteString(phrase)
		b.WriteString(" allows the ")
		b.WriteString(req.Action)
		b.WriteString(" action")
	}
	return b.String()
}

// typePhrase is how AWS's messages name a policy type (POLICY-FACTS §7.1).
func typePhrase(t PolicyType) string {
	switch t {
	case PolicyResource, PolicyRegistry:
		return "resource-based policy"
	case PolicyEndpoint:
		return "VPC endpoint policy"
	}
	return "identity-based policy"
}

// article is "an" before "identity-based policy", "a" otherwise (§7.3).
func article(phrase string) string {
	if strings.HasPrefix(phrase, "identity") {
		return "an"
	}
	return "a"
}
