package netmodel

import (
	"fmt"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/faults"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// Walk is what to walk: an image, pulled or pushed, by the scenario's
// client or the kind named here.
type Walk struct {
	Image awsname.Image
	Push  bool
	// Kind, PlatformVersion and AWSLogs override the scenario's client
	// when set (Kind, PlatformVersion non-empty; AWSLogs non-nil).
	Kind            string
	PlatformVersion string
	AWSLogs         *bool
}

// Journal outcomes of a hop, as the journal writes them.
const (
	OutcomeAllowed  = "allowed"
	OutcomeDenied   = "denied"
	OutcomeHeld     = "held"
	OutcomeNXDomain = "nxdomain"
	OutcomeFault    = "fault"
)

// Trace is a walk's result: every hop up to and including the first that
// fails (the client gives up there), and what the walk assumed.
type Trace struct {
	Image  awsname.Image
	Push   bool
	Client scenario.Client
	Hops   []HopTrace
	// Failed is the index of the failing hop in Hops; -1 when all pass.
	Failed int
	// Assumed are the facts the walk took without the scenario saying so.
	Assumed []string
}

// HopTrace is one hop of a walk, as the journal would record it.
type HopTrace struct {
	Step     reqinfo.Step
	Host     awsname.Host
	Actions  []string // the actions checked, in order; none for the registry's ping
	Resource string
	// Principal is who the request acts as.
	Principal string
	Decision  Decision
	Policies  []PolicyTrace
	Outcome   string
	// Error is the journal's error text; empty when allowed.
	Error string
	// Denial is the failing decision, when Outcome is denied.
	Denial *policyeval.Decision
	// Action is the action denied, when Outcome is denied.
	Action string
	// Fault is the index in the scenario's faults of the fault that fired
	// on the hop, when Outcome is fault; -1 otherwise.
	Fault int
}

// PolicyTrace is one policy a decision consulted: its type as the journal
// names it, its id, what it decided and the statement that did.
type PolicyTrace struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Decision string `json:"decision"`
	Sid      string `json:"sid,omitempty"`
	// Path locates the policy in the scenario document (a JSON Pointer);
	// empty for policies the scenario does not hold.
	Path string `json:"-"`
	// Statement is the index of the deciding statement, -1 if none.
	Statement int `json:"-"`
}

// Passed reports whether every hop was allowed.
func (t *Trace) Passed() bool { return t.Failed < 0 }

// FailedHop is the failing hop, nil when the walk passed.
func (t *Trace) FailedHop() *HopTrace {
	if t.Failed < 0 {
		return nil
	}
	return &t.Hops[t.Failed]
}

// Walk walks w in m's scenario: the same decisions, hop by hop, and the
// same policy evaluations as the live path (registry/authz.go,
// s3shim/server.go, cwlogs), stopping at the first hop that fails.
func (m *Model) Walk(w Walk) (*Trace, error) {
	if m.s == nil {
		return nil, errPlainWalk
	}
	if m2, err := m.withClient(w); err != nil {
		return nil, err
	} else if m2 != nil {
		m = m2
	}
	tr := &Trace{Image: w.Image, Push: w.Push, Client: m.s.Client, Failed: -1}
	// The faults count as the live server counts them, from a fresh set:
	// the walk is the first pull (or push) after the scenario is applied.
	fs := faults.New(m.s.Faults, nil)
	for _, hop := range m.hopsOf(w, tr) {
		ht := m.walkHop(hop, tr, fs)
		tr.Hops = append(tr.Hops, ht)
		if ht.Outcome != OutcomeAllowed {
			tr.Failed = len(tr.Hops) - 1
			break
		}
	}
	return tr, nil
}

type walkError string

func (e walkError) Error() string { return string(e) }

const errPlainWalk = walkError("netmodel: the plain world has no scenario to walk")

// withClient is m with the walk's client overrides, or nil when there are
// none.
func (m *Model) withClient(w Walk) (*Model, error) {
	c := m.s.Client
	if w.Kind != "" {
		c.Kind = w.Kind
	}
	if w.PlatformVersion != "" {
		c.PlatformVersion = w.PlatformVersion
	}
	if c.Kind == "fargate" && c.PlatformVersion == "" {
		c.PlatformVersion = scenario.DefaultFargatePV
	}
	if w.AWSLogs != nil {
		c.AWSLogs = *w.AWSLogs
	}
	if c.Kind == m.s.Client.Kind && c.PlatformVersion == m.s.Client.PlatformVersion && c.AWSLogs == m.s.Client.AWSLogs {
		return nil, nil
	}
	s := *m.s
	s.Client = c
	return New(&s)
}

// plannedHop is one request of a walk before it is decided.
type plannedHop struct {
	step      reqinfo.Step
	host      awsname.Host
	actions   []string
	resource  string
	principal string
	kind      hopKind
}

type hopKind int

const (
	hopAPI      hopKind = iota // the ECR API: identity and endpoint policies
	hopRegistry                // the registry: identity, repository, registry, endpoint
	hopLayer                   // the starport bucket: ECR's presigner, endpoint
	hopLogs                    // CloudWatch Logs: the account root, endpoint
)

// hopsOf is the requests of a pull or push of w's image, in order.
func (m *Model) hopsOf(w Walk, tr *Trace) []plannedHop {
	img := w.Image
	reg := img.Host
	account := reg.Account
	if account == "" { // a vpce-specific name names no account
		account = m.s.Account
		tr.Assumed = append(tr.Assumed, "the vpce-specific name carries no account: the scenario's "+account+" is assumed")
	}
	if reg.Endpoint != "" {
		// The registry's URIs name the public name; the client used the
		// endpoint's, which is what is decided.
		reg.Account = ""
	}
	partition := awsname.PartitionOf(reg.Region)
	api := awsname.Host{Kind: awsname.APIHost, Region: reg.Region, Suffix: partition.DNSSuffix, FIPS: reg.FIPS}
	repo := awsname.Registry{Account: account, Region: reg.Region}.Repository(img.Repository).String()
	principal := m.principal()
	hops := []plannedHop{
		{step: reqinfo.StepAuth, host: api, actions: []string{"ecr:GetAuthorizationToken"}, resource: "*", principal: principal, kind: hopAPI},
		{step: reqinfo.StepAuth, host: reg, principal: principal, kind: hopRegistry},
	}
	m.noteRepository(account, reg.Region, img, w.Push, tr)
	if n := len(m.s.Faults); n > 0 {
		tr.Assumed = append(tr.Assumed, fmt.Sprintf("the scenario's %d fault(s) count one request per hop, as a first pull after "+
			"the scenario is applied; the live client may make more (one per layer), which after and rate count too", n))
	}
	if w.Push {
		return append(hops,
			plannedHop{step: reqinfo.StepBlob, host: reg, actions: []string{"ecr:BatchCheckLayerAvailability"}, resource: repo, principal: principal, kind: hopRegistry},
			plannedHop{step: reqinfo.StepUpload, host: reg, actions: []string{"ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"},
				resource: repo, principal: principal, kind: hopRegistry},
			plannedHop{step: reqinfo.StepManifest, host: reg, actions: []string{"ecr:PutImage"}, resource: repo, principal: principal, kind: hopRegistry})
	}
	key, _ := awsname.LayerKey(account, "sha256:"+strings.Repeat("0", 64))
	hops = append(hops,
		plannedHop{step: reqinfo.StepManifest, host: reg, actions: []string{"ecr:BatchGetImage"}, resource: repo, principal: principal, kind: hopRegistry},
		plannedHop{step: reqinfo.StepBlob, host: reg, actions: []string{"ecr:GetDownloadUrlForLayer"}, resource: repo, principal: principal, kind: hopRegistry},
		plannedHop{step: reqinfo.StepLayer, host: reg.StarportFor(), actions: []string{"s3:GetObject"},
			resource: awsname.StarportObjectARN(reg.Region, key), principal: presignerPrincipal(reg.Region), kind: hopLayer})
	if m.s.Client.AWSLogs {
		logs := awsname.Host{Kind: awsname.LogsHost, Region: m.s.Region, Suffix: awsname.PartitionOf(m.s.Region).DNSSuffix}
		group := "arn:" + awsname.PartitionOf(m.s.Region).ID + ":logs:" + m.s.Region + ":" + m.s.Account + ":log-group:/ecs/" + lastSegment(img.Repository)
		tr.Assumed = append(tr.Assumed, "the awslogs driver writes to log group /ecs/"+lastSegment(img.Repository))
		hops = append(hops, plannedHop{step: reqinfo.StepLogs, host: logs, actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			resource: group + ":log-stream:*", principal: awsname.RootARN(m.s.Region, m.s.Account), kind: hopLogs})
	}
	return hops
}

func lastSegment(repo string) string { return repo[strings.LastIndexByte(repo, '/')+1:] }

// principal is who the client acts as: the first identity of the
// scenario's account, else the account root, as the live server takes
// any key without identities.
func (m *Model) principal() string {
	for _, id := range m.s.Identities {
		if a, err := awsname.ParseARN(id.Principal); err == nil && a.Account == m.s.Account {
			return id.Principal
		}
	}
	if len(m.s.Identities) > 0 {
		return m.s.Identities[0].Principal
	}
	return awsname.RootARN(m.s.Region, m.s.Account)
}

// noteRepository records the assumptions explain makes about the image:
// a scenario names repositories, never the images pushed to them, so a
// named repository's image (or, pushing to immutable tags, its absence)
// is assumed as much as an unnamed repository is.
func (m *Model) noteRepository(account, region string, img awsname.Image, push bool, tr *Trace) {
	name := img.Repository
	repo, _, ok := m.repository(account, region, name)
	switch {
	case !ok:
		tr.Assumed = append(tr.Assumed, "repository "+name+" of "+account+" in "+region+
			" is not named by the scenario: it is assumed to exist, with the image, and no repository policy")
	case push && img.Digest == "" && repo.ImageTagMutability == "IMMUTABLE":
		tr.Assumed = append(tr.Assumed, "repository "+name+" has immutable tags: the tag "+img.Tag+
			" is assumed not to be in it yet")
	case !push:
		ref := name + ":" + img.Tag
		if img.Digest != "" {
			ref = name + "@" + img.Digest
		}
		tr.Assumed = append(tr.Assumed, "the image "+ref+" is assumed to have been pushed: the scenario names "+
			"repositories, not the images in them")
	}
}

// presignerPrincipal is ECR's layer-download principal, as
// s3shim.Principal names it (s3shim cannot be imported here; a test holds
// the two equal).
func presignerPrincipal(region string) string {
	return "arn:" + awsname.PartitionOf(region).ID + ":sts::" + PresignerAccount +
		":assumed-role/storage-access-role-prod-" + region + "/ecr-layer-download"
}

// PresignerAccount is the account of ECR's layer presigner (s3shim).
const PresignerAccount = "812812325446"

// walkHop decides one hop: the network, then the policies.
func (m *Model) walkHop(p plannedHop, tr *Trace, fs *faults.Set) HopTrace {
	ht := HopTrace{Step: p.step, Host: p.host, Actions: p.actions, Resource: p.resource, Principal: p.principal, Fault: -1}
	action := ""
	if len(p.actions) > 0 {
		action = p.actions[0]
	}
	ht.Decision = m.Decide(Hop{Host: p.host, Step: p.step, Action: action, Source: m.s.Client.IP.Addr})
	switch ht.Decision.Outcome {
	case NoRoute:
		ht.Outcome, ht.Error = OutcomeHeld, ht.Decision.Error
		return ht
	case Unresolved:
		ht.Outcome, ht.Error = OutcomeNXDomain, ht.Decision.Error
		return ht
	}
	ht.Outcome = OutcomeAllowed
	if m.fired(p, fs, &ht) {
		return ht
	}
	for _, a := range p.actions {
		req, set, paths := m.evaluation(p, a, ht.Decision.Caller)
		d := policyeval.Evaluate(&req, &set)
		ht.Policies = policyTraces(&set, d, paths)
		if !d.Allowed() {
			ht.Outcome, ht.Action, ht.Denial = OutcomeDenied, a, &d
			ht.Error = deniedText(p.kind, d.Message(&req))
			return ht
		}
	}
	return ht
}

// fired reports whether a scenario fault fires on the hop, as the live
// server fires them: after the network delivers it, before the service
// decides, once per request of the hop. A slow answer is still the
// service's.
func (m *Model) fired(p plannedHop, fs *faults.Set, ht *HopTrace) bool {
	actions := p.actions
	if len(actions) == 0 {
		actions = []string{""} // the registry's ping checks no action
	}
	repo := ""
	if r, ok := awsname.ParseRepositoryARN(p.resource); ok && p.kind != hopLayer {
		repo = r.Name
	}
	for _, a := range actions {
		fr := faults.Request{Service: p.host.Service(), Action: a, Repository: repo, Host: p.host.String()}
		f, ok := fs.Decide(fr)
		if ok && f.Effect != "slow" {
			ht.Outcome, ht.Error, ht.Fault, ht.Action = OutcomeFault, faults.ClientText(f.Effect, fr), f.Index, a
			return true
		}
	}
	return false
}

// deniedText is what the journal writes for a denial on each service
// (emulator/record.go's clientText of each service's error body).
func deniedText(k hopKind, msg string) string {
	switch k {
	case hopRegistry:
		return "denied: " + msg
	case hopLayer:
		return "AccessDenied: Access Denied" // S3 says no more (POLICY-FACTS §7.2)
	}
	return "AccessDeniedException: " + msg
}

// policyPaths are the scenario's JSON Pointers of each slot of a Set.
type policyPaths struct {
	identity []string
	resource string
	registry string
	endpoint string
	ids      reqinfo.PolicyNames
}

// evaluation is the request and the policies the live path evaluates for
// action on hop p through caller.
func (m *Model) evaluation(p plannedHop, action string, caller *policyeval.Caller) (policyeval.Request, policyeval.Set, policyPaths) {
	req := policyeval.Request{Principal: p.principal, Action: action, Resource: p.resource, Context: caller.Context}
	set := policyeval.Set{Endpoint: caller.EndpointPolicies}
	paths := policyPaths{ids: reqinfo.PolicyNames{Identity: p.principal, Endpoint: caller.VPCEndpointID}}
	if caller.VPCEndpointID != "" {
		paths.endpoint = m.endpointPath(caller.VPCEndpointID)
	}
	switch p.kind {
	case hopLayer:
		req.ResourceAccount = PresignerAccount
		req.Context = caller.Context.Clone()
		req.Context.Set("aws:PrincipalArn", "arn:"+awsname.PartitionOf(p.host.Region).ID+":iam::"+PresignerAccount+
			":role/storage-access-role-prod-"+p.host.Region)
		req.Context.Set("aws:PrincipalAccount", PresignerAccount)
		set.Identity = []*policyeval.Policy{presignerPolicy(p.host.Region)}
		return req, set, paths
	case hopLogs:
		return req, set, paths
	}
	if i := m.identityIndex(p.principal); i >= 0 {
		id := m.s.Identities[i]
		for j, doc := range id.Policies {
			if pol, err := policyeval.Parse(doc, policyeval.KindIdentity); err == nil {
				set.Identity = append(set.Identity, pol)
				paths.identity = append(paths.identity, pathf("/identities/%d/policies/%d", i, j))
			}
		}
		if len(id.Tags) > 0 {
			req.Context = req.Context.Clone()
			for k, v := range id.Tags {
				req.Context.Set("aws:PrincipalTag/"+k, v)
			}
		}
	}
	if r, ok := awsname.ParseRepositoryARN(p.resource); ok {
		req.ResourceAccount = r.Account
		paths.ids.Resource, paths.ids.Registry = p.resource, r.Account
		m.resourcePolicies(r, &set, &paths)
	}
	return req, set, paths
}

// resourcePolicies adds the repository's and the registry's policies, as
// the scenario sets them.
func (m *Model) resourcePolicies(r awsname.Repository, set *policyeval.Set, paths *policyPaths) {
	if repo, path, ok := m.repository(r.Account, r.Region, r.Name); ok && len(repo.Policy) > 0 {
		if pol, err := policyeval.Parse(repo.Policy, policyeval.KindRepository); err == nil {
			set.Resource, paths.resource = pol, path+"/policy"
		}
	}
	if doc, path, ok := m.registryPolicy(r.Account, r.Region); ok && len(doc) > 0 {
		if pol, err := policyeval.Parse(doc, policyeval.KindRegistry); err == nil {
			set.Registry, paths.registry = pol, path
		}
	}
}

func (m *Model) identityIndex(principal string) int {
	for i, id := range m.s.Identities {
		if id.Principal == principal {
			return i
		}
	}
	return -1
}

// repository is the scenario's repository name of account's registry in
// region, with its JSON Pointer.
func (m *Model) repository(account, region, name string) (*scenario.Repository, string, bool) {
	if account == m.s.Account && region == m.s.Region {
		for i := range m.s.Repositories {
			if m.s.Repositories[i].Name == name {
				return &m.s.Repositories[i], pathf("/repositories/%d", i), true
			}
		}
		return nil, "", false
	}
	for i := range m.s.Registries {
		g := &m.s.Registries[i]
		if g.Account != account || g.Region != region {
			continue
		}
		for j := range g.Repositories {
			if g.Repositories[j].Name == name {
				return &g.Repositories[j], pathf("/registries/%d/repositories/%d", i, j), true
			}
		}
	}
	return nil, "", false
}

// registryPolicy is the registry policy of account in region and its
// JSON Pointer; ok is false for a registry the scenario does not serve.
func (m *Model) registryPolicy(account, region string) (scenario.Policy, string, bool) {
	if account == m.s.Account && region == m.s.Region {
		return m.s.RegistryPolicy, "/registryPolicy", true
	}
	for i, g := range m.s.Registries {
		if g.Account == account && g.Region == region {
			return g.RegistryPolicy, pathf("/registries/%d/registryPolicy", i), true
		}
	}
	return nil, "", false
}

func (m *Model) endpointPath(id string) string {
	for i := range m.s.Endpoints {
		if m.s.Endpoints[i].ID == id {
			return pathf("/endpoints/%d/policy", i)
		}
	}
	return ""
}

// presignerPolicy is the identity policy of ECR's layer-download role
// (s3shim's presignerPolicy): every starport bucket of the partition.
func presignerPolicy(region string) *policyeval.Policy {
	return policyeval.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	"Action":"s3:GetObject","Resource":"arn:`+awsname.PartitionOf(region).ID+`:s3:::prod-*-starport-layer-bucket/*"}]}`, policyeval.KindIdentity)
}

// policyTraces is each policy of set with what it decided, as the
// journal's policiesOf words it.
func policyTraces(set *policyeval.Set, d policyeval.Decision, paths policyPaths) []PolicyTrace {
	matched := d.Matched()
	var out []PolicyTrace
	for _, ref := range reqinfo.RefsOf(set, paths.ids) {
		p := PolicyTrace{Type: policyTypeName(ref.Type), ID: ref.ID, Decision: policyeval.ImplicitlyDenied.String(), Statement: -1}
		switch ref.Type {
		case policyeval.PolicyIdentity:
			if ref.Index < len(paths.identity) {
				p.Path = paths.identity[ref.Index]
			}
		case policyeval.PolicyResource:
			p.Path = paths.resource
		case policyeval.PolicyRegistry:
			p.Path = paths.registry
		case policyeval.PolicyEndpoint:
			p.Path = paths.endpoint
		}
		for _, mt := range matched {
			if mt.Type != ref.Type || mt.Policy != ref.Index {
				continue
			}
			if mt.Deny {
				p.Decision, p.Sid, p.Statement = policyeval.ExplicitlyDenied.String(), mt.Sid, mt.Statement
				break
			}
			if p.Decision != policyeval.Allowed.String() {
				p.Decision, p.Sid, p.Statement = policyeval.Allowed.String(), mt.Sid, mt.Statement
			}
		}
		out = append(out, p)
	}
	return out
}

func policyTypeName(t policyeval.PolicyType) string {
	if t == policyeval.PolicyResource {
		return "repository"
	}
	return t.String()
}

func pathf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
