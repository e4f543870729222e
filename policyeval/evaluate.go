package policyeval

// Set is every policy that applies to one request. Nil policies are
// skipped. An empty Endpoint means the request did not come through a VPC
// endpoint, so no endpoint boundary applies.
type Set struct {
	Identity []*Policy // the caller's identity-based policies
	Resource *Policy   // the repository policy
	Registry *Policy   // the registry policy (scope V2)
	Endpoint []*Policy // the policies of the endpoints the request went through
}

// maxMatched bounds the statements a Decision records, so that it needs no
// allocation; Truncated says when more matched.
const maxMatched = 8

// Match names one statement that matched the request.
type Match struct {
	Type      PolicyType // which slot of the Set
	Policy    int        // index within that slot (0 for Resource and Registry)
	Statement int        // index of the statement within the policy
	Sid       string     // the statement's Sid, "" if it has none
	Deny      bool       // the statement's Effect is Deny
}

// Decision is the outcome of Evaluate.
type Decision struct {
	Effect Effect
	// DeniedBy is the policy type named in AWS's message: for an explicit
	// deny the type holding the Deny statement, for an implicit deny the
	// type that did not allow. PolicyNone when Allowed.
	DeniedBy  PolicyType
	Truncated bool // more than maxMatched statements matched
	matched   [maxMatched]Match
	nMatched  uint8
	all       *[]Match // if set, receives every match (Simulate)
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Effect == Allowed }

// Matched returns a copy of the statements that matched, in evaluation
// order: identity policies, repository policy, registry policy, endpoint
// policies. Evaluate itself records them without allocating.
func (d Decision) Matched() []Match {
	if d.nMatched == 0 {
		return nil
	}
	return append([]Match(nil), d.matched[:d.nMatched]...)
}

func (d *Decision) record(m Match) {
	if d.all != nil {
		*d.all = append(*d.all, m)
	}
	if int(d.nMatched) < maxMatched {
		d.matched[d.nMatched] = m
		d.nMatched++
		return
	}
	d.Truncated = true
}

// outcome of one policy type for the request.
type outcome struct {
	deny  bool
	allow grant // the strongest Allow: grantNone if no Allow matched
}

// Evaluate decides req against set with AWS's policy evaluation logic
// (POLICY-FACTS §2). The decision order, first rule that applies wins:
//
//  1. An explicit Deny in any policy. Several types denying are reported in
//     the order endpoint, resource (repository), registry, identity.
//  2. Through an endpoint, each endpoint policy must allow: otherwise an
//     implicit deny by the endpoint policy. Endpoint policies never grant.
//  3. The account root of the resource account is allowed.
//  4. An action without resource-level support (Resource "*") is an
//     identity-only check in the caller's own account.
//  5. Same account: the identity policy allows, or a resource policy
//     (repository or registry) allows the caller through "*", its user,
//     role or session ARN. A resource policy naming only the account
//     delegates to it, so the identity policy must allow. Otherwise an
//     implicit deny by the identity policy.
//  6. Cross account: the identity policy must allow (else implicit deny by
//     the identity policy) and a resource policy must allow the caller,
//     through the account too (else implicit deny by the resource policy).
//  7. A caller that is not an IAM identity (anonymous, a service) needs a
//     resource policy that allows it.
//
// Evaluate does not allocate, except to derive aws:PrincipalArn for an
// assumed-role session when a policy asks for it and the Context lacks it.
func Evaluate(req *Request, set *Set) Decision {
	return evaluate(req, set, nil)
}

// evaluate is Evaluate, optionally collecting every match into all.
func evaluate(req *Request, set *Set, all *[]Match) Decision {
	d := Decision{all: all}
	if set == nil {
		set = &Set{}
	}
	var e evalCtx
	e.init(req)
	noResourceLevel := e.res[0] == "*" && e.resN == 1

	var id, res, reg outcome
	for i, p := range set.Identity {
		merge(&id, e.evalPolicy(p, PolicyIdentity, i, &d))
	}
	if !noResourceLevel { // resource policies attach to a resource, not to "*"
		res = e.evalPolicy(set.Resource, PolicyResource, 0, &d)
		reg = e.evalPolicy(set.Registry, PolicyRegistry, 0, &d)
	}
	endpointDeny, endpointAllows := false, true
	for i, p := range set.Endpoint {
		if p == nil {
			continue
		}
		o := e.evalPolicy(p, PolicyEndpoint, i, &d)
		endpointDeny = endpointDeny || o.deny
		endpointAllows = endpointAllows && o.allow != grantNone
	}

	switch {
	case endpointDeny:
		d.Effect, d.DeniedBy = ExplicitlyDenied, PolicyEndpoint
	case res.deny:
		d.Effect, d.DeniedBy = ExplicitlyDenied, PolicyResource
	case reg.deny:
		d.Effect, d.DeniedBy = ExplicitlyDenied, PolicyRegistry
	case id.deny:
		d.Effect, d.DeniedBy = ExplicitlyDenied, PolicyIdentity
	case !endpointAllows:
		d.DeniedBy = PolicyEndpoint
	default:
		d.DeniedBy = e.grantDecision(id, res, reg, set, noResourceLevel)
		if d.DeniedBy == PolicyNone {
			d.Effect = Allowed
		}
	}
	d.all = nil // the Decision does not keep the caller's slice
	return d
}

// grantDecision applies rules 3 to 7 of Evaluate; it returns the type that
// failed to allow, or PolicyNone.
func (e *evalCtx) grantDecision(id, res, reg outcome, set *Set, noResourceLevel bool) PolicyType {
	c := &e.caller
	if c.kind == callerRoot && c.account == e.resAcct {
		return PolicyNone
	}
	identityAllows := id.allow != grantNone || c.kind == callerRoot
	resourceGrant := max(res.allow, reg.allow)
	missingResource := PolicyResource
	if set.Resource == nil && set.Registry != nil {
		missingResource = PolicyRegistry
	}
	switch {
	case !c.iam():
		if resourceGrant != grantNone {
			return PolicyNone
		}
		return missingResource
	case noResourceLevel || c.account == e.resAcct:
		if identityAllows || resourceGrant == grantDirect {
			return PolicyNone
		}
		return PolicyIdentity
	case !identityAllows:
		return PolicyIdentity
	case resourceGrant == grantNone:
		return missingResource
	}
	return PolicyNone
}

// init takes the request apart once for all the statements.
func (e *evalCtx) init(req *Request) {
	e.req = req
	e.caller = parseCaller(req.Principal)
	if req.Resource == "" || req.Resource == "*" {
		e.res[0], e.resN = "*", 1
	} else {
		e.res, e.resN = splitARN(req.Resource)
	}
	e.resAcct = resourceAccount(req, e)
	e.lowerAction(req.Action)
}

// resourceAccount is the account owning the resource: as given, else the
// resource ARN's account field, else (for "*" and ARNs without an account)
// the caller's own account.
func resourceAccount(req *Request, e *evalCtx) string {
	if req.ResourceAccount != "" {
		return req.ResourceAccount
	}
	if e.resN == 6 && e.res[4] != "" {
		return e.res[4]
	}
	return e.caller.account // S3 ARNs have no account field: the caller's own
}

func merge(into *outcome, o outcome) {
	into.deny = into.deny || o.deny
	into.allow = max(into.allow, o.allow)
}

// evalPolicy evaluates the statements of p that may match, recording each
// match: all of them, not just up to the first Deny, so that the Decision
// can explain itself. The action index (index.go) yields, in statement
// order, the statements that list the action exactly (their action needs
// no further check) merged with those that must be checked.
func (e *evalCtx) evalPolicy(p *Policy, t PolicyType, idx int, d *Decision) outcome {
	var o outcome
	if p == nil {
		return o
	}
	if e.actionLen < 0 {
		for i := range p.stmts {
			e.evalStatement(p, int32(i), true, t, idx, d, &o)
		}
		return o
	}
	hits, scan := p.byAction[string(e.action[:e.actionLen])], p.scan
	for len(hits) > 0 || len(scan) > 0 {
		if len(scan) == 0 || len(hits) > 0 && hits[0] < scan[0] {
			e.evalStatement(p, hits[0], false, t, idx, d, &o)
			hits = hits[1:]
		} else {
			e.evalStatement(p, scan[0], true, t, idx, d, &o)
			scan = scan[1:]
		}
	}
	return o
}

func (e *evalCtx) evalStatement(p *Policy, i int32, checkAction bool, t PolicyType, idx int, d *Decision, o *outcome) {
	s := &p.stmts[i]
	if checkAction && !s.matchAction(e.req.Action) {
		return
	}
	g := e.matchStatement(s, p.kind, t)
	if g == grantNone {
		return
	}
	d.record(Match{Type: t, Policy: idx, Statement: int(i), Sid: s.sid, Deny: s.deny})
	if s.deny {
		o.deny = true
	} else {
		o.allow = max(o.allow, g)
	}
}

// matchStatement reports how a statement whose action matches applies to
// the request: grantNone when it does not; otherwise the strength of its
// Principal match (grantDirect for identity policies, which have none).
// The cheap tests come first.
func (e *evalCtx) matchStatement(s *statement, k Kind, t PolicyType) grant {
	if !s.matchResource(e) {
		return grantNone
	}
	g := grantDirect
	if t != PolicyIdentity {
		if g = s.matchPrincipal(&e.caller, k); g == grantNone {
			return grantNone
		}
	}
	for i := range s.conds {
		if !s.conds[i].eval(e) {
			return grantNone
		}
	}
	return g
}

func (s *statement) matchAction(action string) bool {
	for i := range s.actions {
		if s.actions[i].match(action, true, nil) {
			return !s.notAction
		}
	}
	return s.notAction
}

func (s *statement) matchResource(e *evalCtx) bool {
	if s.anyResource {
		return true
	}
	r := e.req.Resource
	if r == "" {
		r = "*"
	}
	for i := range s.resources {
		if s.resources[i].matchFields(r, &e.res, e.resN, e) {
			return !s.notResource
		}
	}
	return s.notResource
}

func (s *statement) matchPrincipal(c *caller, k Kind) grant {
	if s.notPrincipal {
		if notPrincipalExcludes(s.principals, c) {
			return grantNone
		}
		return grantDirect
	}
	g := grantNone
	for i := range s.principals {
		g = max(g, s.principals[i].match(c, k))
	}
	return g
}
