package policyeval

import "time"

// Request is one authorization question: may Principal perform Action on
// Resource? It is read-only during Evaluate, which neither keeps nor
// changes it.
type Request struct {
	// Principal is the caller's ARN: arn:aws:iam::A:user/U,
	// arn:aws:iam::A:root, or an assumed-role session
	// arn:aws:sts::A:assumed-role/R/S. Empty or "*" means anonymous.
	Principal string
	// Action is the IAM action, e.g. ecr:BatchGetImage (case-insensitive).
	Action string
	// Resource is the resource ARN, or "*" for an action without
	// resource-level support such as ecr:GetAuthorizationToken
	// (POLICY-FACTS §3.2). Empty means "*".
	Resource string
	// ResourceAccount owns the resource. Empty means the account field of
	// Resource, or the caller's account when Resource is "*".
	ResourceAccount string
	// Context holds the request's condition keys (POLICY-FACTS §6).
	Context Context
	// Now, if not zero, supplies aws:CurrentTime and aws:EpochTime to Date
	// operators when Context does not set them.
	Now time.Time
}

// values is the request's values of one condition key, without copying:
// either the Context's slice or one derived string.
type values struct {
	list   []string
	one    string
	n      int
	time   instant // a derived aws:CurrentTime for Date operators
	isTime bool
}

func (v *values) at(i int) string {
	if v.list != nil {
		return v.list[i]
	}
	return v.one
}

// nullSet reports the "null data set" of POLICY-FACTS §4: no values, or
// only the empty string.
func (v *values) nullSet() bool { return v.n == 0 || v.n == 1 && v.at(0) == "" }

// evalCtx is one evaluation: the request taken apart once.
type evalCtx struct {
	req     *Request
	caller  caller
	res     [6]string // the request's resource ARN, split once
	resN    int
	resAcct string
	roleARN string // derived aws:PrincipalArn of a session, built on first use
	// action is the request's action in lower case, for Policy.byAction;
	// actionLen is -1 when it is too long to index.
	action    [maxIndexedAction]byte
	actionLen int
}

// values returns the request's values for a lower-cased key: the Context's
// if set, else a value AWS derives from the request itself.
func (e *evalCtx) values(lkey string, fam family) (values, bool) {
	if list, ok := e.req.Context.lookup(lkey); ok {
		return values{list: list, n: len(list)}, true
	}
	if fam == famDate && !e.req.Now.IsZero() && (lkey == "aws:currenttime" || lkey == "aws:epochtime") {
		return values{n: 1, time: instantOf(e.req.Now), isTime: true}, true
	}
	if v, ok := e.derived(lkey); ok {
		return values{one: v, n: 1}, true
	}
	return values{}, false
}

// derived supplies the principal and resource keys AWS fills in from the
// request itself (POLICY-FACTS §6), when the caller did not set them.
func (e *evalCtx) derived(lkey string) (string, bool) {
	c := &e.caller
	switch lkey {
	case "aws:principalarn":
		switch {
		case c.kind == callerSession:
			if e.roleARN == "" {
				e.roleARN = "arn:" + c.partition + ":iam::" + c.account + ":role/" + c.name
			}
			return e.roleARN, true
		case c.iam():
			return c.arn, true
		}
	case "aws:principalaccount":
		if c.iam() {
			return c.account, true
		}
		if c.kind == callerAnonymous {
			return "anonymous", true
		}
	case "aws:principaltype":
		return principalType(c.kind)
	case "aws:username":
		if c.kind == callerUser {
			return c.name, true
		}
	case "aws:resourceaccount":
		return e.resAcct, e.resAcct != ""
	}
	return "", false
}

func principalType(k callerKind) (string, bool) {
	switch k {
	case callerRoot:
		return "Account", true
	case callerUser:
		return "User", true
	case callerSession:
		return "AssumedRole", true
	case callerFederated:
		return "FederatedUser", true
	case callerAnonymous:
		return "Anonymous", true
	}
	return "", false
}

// variable resolves a policy variable: a single-valued key only
// ("You can't use a multivalued condition key as a variable", §5).
func (e *evalCtx) variable(lkey string) (string, bool) {
	v, ok := e.values(lkey, famString)
	if !ok || v.n != 1 {
		return "", false
	}
	return v.at(0), true
}
