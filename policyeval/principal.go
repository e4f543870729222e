package policyeval

import "strings"

// callerKind classifies the principal making a request.
type callerKind uint8

const (
	callerAnonymous callerKind = iota // "" or "*"
	callerRoot                        // arn:aws:iam::A:root (or a bare account ID)
	callerUser                        // arn:aws:iam::A:user/path/name
	callerRole                        // arn:aws:iam::A:role/path/name (rare as a caller)
	callerSession                     // arn:aws:sts::A:assumed-role/R/S
	callerFederated                   // arn:aws:sts::A:federated-user/N
	callerService                     // ecs.amazonaws.com and the like
	callerOther                       // any other string
)

// caller is a request principal taken apart, without allocating: every
// field is a substring of the ARN.
type caller struct {
	kind      callerKind
	arn       string
	partition string
	account   string
	name      string // user, role or federated user name; session: role name
	session   string // session name
}

// iam reports whether the caller is an IAM identity, evaluated with
// identity-based policies (POLICY-FACTS §2).
func (c *caller) iam() bool {
	return c.kind >= callerRoot && c.kind <= callerFederated
}

func parseCaller(p string) caller {
	switch {
	case p == "" || p == "*":
		return caller{kind: callerAnonymous}
	case isAccountID(p):
		return caller{kind: callerRoot, arn: p, partition: "aws", account: p}
	case !strings.HasPrefix(p, "arn:"):
		if strings.Contains(p, ".") {
			return caller{kind: callerService, arn: p}
		}
		return caller{kind: callerOther, arn: p}
	}
	f, n := splitARN(p)
	c := caller{kind: callerOther, arn: p, partition: f[1], account: f[4]}
	if n != 6 {
		return c
	}
	res := f[5]
	switch {
	case f[2] == "iam" && res == "root":
		c.kind = callerRoot
	case f[2] == "iam" && strings.HasPrefix(res, "user/"):
		c.kind, c.name = callerUser, lastPathElement(res)
	case f[2] == "iam" && strings.HasPrefix(res, "role/"):
		c.kind, c.name = callerRole, lastPathElement(res)
	case f[2] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		role, sess, ok := strings.Cut(res[len("assumed-role/"):], "/")
		if ok {
			c.kind, c.name, c.session = callerSession, role, sess
		}
	case f[2] == "sts" && strings.HasPrefix(res, "federated-user/"):
		c.kind, c.name = callerFederated, res[len("federated-user/"):]
	}
	return c
}

func lastPathElement(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

// principalKind is one entry of a Principal or NotPrincipal element.
type principalKind uint8

const (
	pAny       principalKind = iota // "*" or {"AWS": "*"}
	pAccount                        // "123456789012" or arn:aws:iam::123456789012:root
	pRole                           // arn:aws:iam::A:role/path/R: matches R's sessions
	pARN                            // any other AWS ARN, matched exactly
	pService                        // {"Service": ...}
	pFederated                      // {"Federated": ...}
	pCanonical                      // {"CanonicalUser": ...}
)

type principal struct {
	kind    principalKind
	account string
	name    string // role name for pRole
	value   string // the ARN, service name, provider or canonical ID
}

// compilePrincipal compiles one value under one Principal map key.
func compilePrincipal(key, v string) principal {
	switch key {
	case "Service":
		return principal{kind: pService, value: v}
	case "Federated":
		return principal{kind: pFederated, value: v}
	case "CanonicalUser":
		return principal{kind: pCanonical, value: v}
	}
	if v == "*" {
		return principal{kind: pAny}
	}
	if isAccountID(v) {
		return principal{kind: pAccount, account: v}
	}
	f, _ := splitARN(v)
	switch {
	case f[2] == "iam" && f[5] == "root":
		return principal{kind: pAccount, account: f[4]}
	case f[2] == "iam" && strings.HasPrefix(f[5], "role/"):
		return principal{kind: pRole, account: f[4], name: lastPathElement(f[5]), value: v}
	}
	return principal{kind: pARN, value: v}
}

// grant says how a statement's Principal matched the caller. A resource
// policy that names the account only delegates to it: the caller's own
// identity policy must allow as well (POLICY-FACTS §2.2).
type grant uint8

const (
	grantNone      grant = iota
	grantDelegated       // matched through the account
	grantDirect          // matched "*", the user, the role or the session
)

// matchPrincipal reports how p matches the caller in a policy of kind k.
// In a gateway endpoint policy an account means its root user only
// (POLICY-FACTS §3.1).
func (p *principal) match(c *caller, k Kind) grant {
	switch p.kind {
	case pAny:
		return grantDirect
	case pAccount:
		switch {
		case !c.iam() || c.account != p.account:
			return grantNone
		case k == KindS3Gateway && c.kind != callerRoot:
			return grantNone
		case k.isEndpoint():
			return grantDirect
		}
		return grantDelegated
	case pRole:
		if c.kind == callerSession && c.account == p.account && c.name == p.name ||
			c.kind == callerRole && c.arn == p.value {
			return grantDirect
		}
	case pARN:
		if c.arn == p.value {
			return grantDirect
		}
	case pService:
		if c.kind == callerService && c.arn == p.value {
			return grantDirect
		}
	case pFederated, pCanonical:
		if c.arn == p.value {
			return grantDirect
		}
	}
	return grantNone
}

// notPrincipalExcludes reports whether a NotPrincipal list leaves the caller
// out. AWS checks every identity of the request: the account, the user or
// role, and the session; the caller is left out only when each is listed
// (POLICY-FACTS §3.1).
func notPrincipalExcludes(list []principal, c *caller) bool {
	var ids [3]identity
	n := 0
	switch c.kind {
	case callerAnonymous:
		ids[0], n = idAnonymous, 1
	case callerService:
		ids[0], n = idService, 1
	case callerOther:
		ids[0], n = idARN, 1
	case callerRoot:
		ids[0], n = idAccount, 1
	case callerSession:
		ids, n = [3]identity{idAccount, idRole, idARN}, 3
	case callerRole:
		ids[0], ids[1], n = idAccount, idRole, 2
	default: // user, federated user
		ids[0], ids[1], n = idAccount, idARN, 2
	}
	for _, id := range ids[:n] {
		if !listedAs(list, id, c) {
			return false
		}
	}
	return true
}

// identity is one of the identities a request carries.
type identity uint8

const (
	idAccount identity = iota
	idARN
	idRole
	idService
	idAnonymous
)

func listedAs(list []principal, id identity, c *caller) bool {
	for i := range list {
		p := &list[i]
		if p.kind == pAny {
			return true
		}
		switch id {
		case idAccount:
			if p.kind == pAccount && p.account == c.account {
				return true
			}
		case idARN:
			if (p.kind == pARN || p.kind == pFederated || p.kind == pCanonical) && p.value == c.arn {
				return true
			}
		case idRole:
			if p.kind == pRole && p.account == c.account && (c.kind == callerSession && p.name == c.name || p.value == c.arn) {
				return true
			}
		case idService:
			if p.kind == pService && p.value == c.arn {
				return true
			}
		}
	}
	return false
}
