package netmodel

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/scenario"
	"github.com/ecrlink/ecrlink/policyeval"
)

// PatchOp is one RFC 6902 operation.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Fix is the smallest scenario change found that makes a walk pass: in
// words, one sentence per change, and as a JSON Patch of the scenario as
// JSON (scenario.Scenario.JSON, what GET /_ecrlink/scenario answers).
type Fix struct {
	Words []string
	Patch []PatchOp
	// Passes reports whether the walk passes with Patch applied; false
	// when the search found no change for some failure.
	Passes bool
}

// maxFixRounds bounds the changes combined: each round mends one hop.
const maxFixRounds = 8

// FindFix searches for the smallest change of the scenario doc (JSON) that
// makes w pass: for the failing hop it tries candidate single changes,
// smallest first, re-walking after each; the first that gets the walk
// past that hop is kept, and the search goes on from there until the walk
// passes. Every candidate is applied as a patch and the result parsed
// with scenario.Parse, so the patch returned is one that applies.
func FindFix(doc []byte, w Walk) (Fix, error) {
	var fix Fix
	cur := doc
	for range maxFixRounds {
		tr, err := walkDoc(cur, w)
		if err != nil {
			return fix, err
		}
		if tr.Passed() {
			fix.Passes = true
			return fix, nil
		}
		next, c, ok := firstThatHelps(cur, tr, w)
		if !ok {
			fix.Words = append(fix.Words, "no single scenario change found for the "+string(tr.FailedHop().Step)+" hop to "+tr.FailedHop().Host.String())
			return fix, nil
		}
		cur = next
		fix.Words = append(fix.Words, c.words)
		fix.Patch = append(fix.Patch, c.ops...)
	}
	return fix, nil
}

func walkDoc(doc []byte, w Walk) (*Trace, error) {
	sc, err := scenario.Parse(doc)
	if err != nil {
		return nil, err
	}
	m, err := New(sc)
	if err != nil {
		return nil, err
	}
	return m.Walk(w)
}

// firstThatHelps is the first candidate, in order, under which the walk
// passes or fails later than tr.
func firstThatHelps(doc []byte, tr *Trace, w Walk) ([]byte, candidate, bool) {
	var tree any
	if err := json.Unmarshal(doc, &tree); err != nil {
		return nil, candidate{}, false
	}
	sc, err := scenario.Parse(doc)
	if err != nil {
		return nil, candidate{}, false
	}
	for _, c := range candidates(sc, tree, tr) {
		next, err := applyOps(doc, c.ops)
		if err != nil {
			continue
		}
		t2, err := walkDoc(next, w)
		if err != nil {
			continue
		}
		if t2.Passed() || t2.Failed > tr.Failed {
			return next, c, true
		}
	}
	return nil, candidate{}, false
}

// ApplyPatch applies ops to a JSON document.
func ApplyPatch(doc []byte, ops []PatchOp) ([]byte, error) { return applyOps(doc, ops) }

func applyOps(doc []byte, ops []PatchOp) ([]byte, error) {
	raw, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	p, err := jsonpatch.DecodePatch(raw)
	if err != nil {
		return nil, err
	}
	return p.Apply(doc)
}

// candidate is one scenario change.
type candidate struct {
	words string
	ops   []PatchOp
}

// candidates are the changes that might mend tr's failing hop, smallest
// first.
func candidates(s *scenario.Scenario, tree any, tr *Trace) []candidate {
	h := tr.FailedHop()
	switch h.Outcome {
	case OutcomeDenied:
		return policyCandidates(s, tree, tr, h)
	case OutcomeFault:
		return []candidate{{words: fmt.Sprintf("remove fault %d (%s) from the scenario", h.Fault, s.Faults[h.Fault].Effect),
			ops: []PatchOp{{Op: "remove", Path: fmt.Sprintf("/faults/%d", h.Fault)}}}}
	}
	return networkCandidates(s, h)
}

// networkCandidates mend a name that does not resolve or a route that
// does not exist.
func networkCandidates(s *scenario.Scenario, h *HopTrace) []candidate {
	var out []candidate
	host := h.Host
	if s.VPC.DNS == "custom-isolated" || s.VPC.DNS == "custom-no-forwarding" {
		out = append(out, candidate{"set vpc.dns to amazon: the Route 53 Resolver answers AWS names and honours the endpoints' private DNS " +
			"(or forward the AWS names to it from your own DNS)", []PatchOp{{"add", "/vpc/dns", "amazon"}}})
	}
	sameRegion := host.Region == s.Region && !host.DualStack && !host.FIPS && host.Endpoint == ""
	if sameRegion {
		if host.Kind == awsname.StarportHost {
			out = append(out, gatewayCandidates(s)...)
		} else {
			out = append(out, interfaceCandidates(s, host.Service())...)
		}
	}
	if s.VPC.Internet == "none" {
		why := "a route out for " + host.String()
		switch {
		case host.Region != s.Region:
			why = "VPC endpoints do not serve another region (" + host.Region + "), so " + host.String() + " needs a way out"
		case host.DualStack:
			why = "ECR does not serve PrivateLink on dual-stack names; or pull by the IPv4 name " + ipv4Name(host)
		case host.FIPS:
			why = "the endpoints' private DNS does not cover FIPS names"
		}
		out = append(out, candidate{"give the VPC a NAT gateway (vpc.internet: nat): " + why, []PatchOp{{"add", "/vpc/internet", "nat"}}})
	}
	return out
}

// ipv4Name is the IPv4-only name of a dual-stack host.
func ipv4Name(h awsname.Host) string {
	h.DualStack, h.Suffix = false, awsname.PartitionOf(h.Region).DNSSuffix
	return h.String()
}

func gatewayCandidates(s *scenario.Scenario) []candidate {
	rt := subnetOf(s).RouteTable
	if rt == "" {
		return nil
	}
	for i, e := range s.Endpoints {
		if e.Service == "s3" && e.Type == "gateway" && e.Region == s.Region {
			return []candidate{{"add the client subnet's route table " + rt + " to the S3 gateway endpoint " + e.ID,
				[]PatchOp{{"add", pathf("/endpoints/%d/routeTables/-", i), rt}}}}
		}
	}
	ep := map[string]any{"id": "vpce-0ecrlinks3", "service": "s3", "type": "gateway", "routeTables": []string{rt}}
	return []candidate{{"add an S3 gateway endpoint (com.amazonaws." + s.Region + ".s3) on the route table " + rt +
		": ECR's layers come from the starport bucket in S3", []PatchOp{appendOp("/endpoints", len(s.Endpoints), ep)}}}
}

// interfaceCandidates mend the path to an interface endpoint of service.
func interfaceCandidates(s *scenario.Scenario, service string) []candidate {
	subnet := subnetOf(s)
	for i, e := range s.Endpoints {
		if e.Service != service || e.Type != "interface" || e.Region != s.Region {
			continue
		}
		if !e.PrivateDNS {
			return []candidate{{"turn on private DNS for endpoint " + e.ID + " (" + service + ")",
				[]PatchOp{{"add", pathf("/endpoints/%d/privateDns", i), true}}}}
		}
		if len(e.SecurityGroups) == 0 {
			sg, ops := endpointGroup(s)
			return []candidate{{"give endpoint " + e.ID + " a security group (" + sg + ") that allows tcp 443 from " + subnet.CIDR.String(),
				append(ops, PatchOp{"add", pathf("/endpoints/%d/securityGroups", i), []string{sg}})}}
		}
		g := groupIndex(s, e.SecurityGroups[0])
		rule := map[string]any{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidr": subnet.CIDR.String()}
		return []candidate{{"allow tcp 443 from " + subnet.CIDR.String() + " in security group " + e.SecurityGroups[0] + " of endpoint " + e.ID,
			[]PatchOp{appendOp(pathf("/securityGroups/%d/ingress", g), len(s.SecurityGroups[g].Ingress), rule)}}}
	}
	sg, ops := endpointGroup(s)
	ep := map[string]any{"id": "vpce-0ecrlink" + strings.ReplaceAll(service, ".", ""), "service": service, "privateDns": true, "securityGroups": []string{sg}}
	group := "a security group (" + sg + ") that allows 443 from " + subnet.CIDR.String()
	if len(ops) == 0 {
		group = "the security group " + sg + ", which admits the client on 443"
	}
	return []candidate{{"add an interface endpoint for com.amazonaws." + s.Region + "." + service + " with private DNS and " + group,
		append(ops, appendOp("/endpoints", len(s.Endpoints), ep))}}
}

// endpointGroup is a security group that admits the client on 443: one
// the scenario has, else a new one allowing the client subnet (and the
// ops adding it).
func endpointGroup(s *scenario.Scenario) (string, []PatchOp) {
	m := &Model{s: s}
	for _, g := range s.SecurityGroups {
		for _, r := range g.Ingress {
			if m.allows(r, s.Client.IP.Addr) {
				return g.ID, nil
			}
		}
	}
	g := map[string]any{"id": "sg-0ecrlinkendpoints", "ingress": []any{
		map[string]any{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidr": subnetOf(s).CIDR.String()}}}
	return "sg-0ecrlinkendpoints", []PatchOp{appendOp("/securityGroups", len(s.SecurityGroups), g)}
}

// appendOp appends v to the array at path, creating it when it has n == 0
// members (and so may be absent: the JSON omits empty arrays).
func appendOp(path string, n int, v any) PatchOp {
	if n == 0 {
		return PatchOp{"add", path, []any{v}}
	}
	return PatchOp{"add", path + "/-", v}
}

func subnetOf(s *scenario.Scenario) *scenario.Subnet {
	for i := range s.Subnets {
		if s.Subnets[i].ID == s.Client.Subnet {
			return &s.Subnets[i]
		}
	}
	return &scenario.Subnet{}
}

func groupIndex(s *scenario.Scenario, id string) int {
	for i := range s.SecurityGroups {
		if s.SecurityGroups[i].ID == id {
			return i
		}
	}
	return 0
}

// policyCandidates mend a denial: remove the denying statement, or add the
// Allow that was missing.
func policyCandidates(s *scenario.Scenario, tree any, tr *Trace, h *HopTrace) []candidate {
	var out []candidate
	for _, p := range h.Policies {
		if p.Decision == policyeval.ExplicitlyDenied.String() && p.Path != "" && p.Statement >= 0 {
			out = append(out, removeStatement(tree, p, h.Action))
		}
	}
	if len(out) > 0 || h.Denial == nil {
		return out
	}
	switch h.Denial.DeniedBy {
	case policyeval.PolicyEndpoint:
		for _, p := range h.Policies {
			if p.Type == "endpoint" && p.Path != "" {
				out = append(out, addEndpointAllow(tree, p, h))
			}
		}
	case policyeval.PolicyResource:
		out = append(out, addRepositoryAllow(s, tr, h)...)
	case policyeval.PolicyIdentity:
		if i := (&Model{s: s}).identityIndex(h.Principal); i >= 0 {
			pol := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": h.Action, "Resource": "*"}}}
			out = append(out, candidate{"allow " + h.Action + " in an identity policy of " + h.Principal,
				[]PatchOp{appendOp(pathf("/identities/%d/policies", i), len(s.Identities[i].Policies), pol)}})
		}
	}
	return out
}

// removeStatement drops the statement that denied, or the whole policy
// when it is its only one.
func removeStatement(tree any, p PolicyTrace, action string) candidate {
	what := "statement " + strconv.Itoa(p.Statement)
	if p.Sid != "" {
		what += " (" + p.Sid + ")"
	}
	words := "remove " + what + " of the " + p.Type + " policy of " + p.ID + ", which denies " + action
	if stmts, ok := pointer(tree, p.Path+"/Statement").([]any); ok && len(stmts) > 1 {
		return candidate{words, []PatchOp{{Op: "remove", Path: pathf("%s/Statement/%d", p.Path, p.Statement)}}}
	}
	return candidate{words, []PatchOp{{Op: "remove", Path: p.Path}}}
}

// addEndpointAllow adds the Allow an endpoint policy lacks: for the layer
// bucket AWS's documented minimum (ECR-FACTS §6), else the action denied.
func addEndpointAllow(tree any, p PolicyTrace, h *HopTrace) candidate {
	stmt := map[string]any{"Effect": "Allow", "Principal": "*", "Action": h.Action, "Resource": "*"}
	words := "allow " + h.Action + " for " + h.Principal + " in the policy of endpoint " + p.ID
	if h.Step == "layer" {
		bucket := "arn:" + awsname.PartitionOf(h.Host.Region).ID + ":s3:::" + awsname.StarportBucket(h.Host.Region) + "/*"
		stmt = map[string]any{"Sid": "EcrLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": bucket}
		words = "allow s3:GetObject on " + bucket + " (ECR's layers) in the policy of the S3 gateway endpoint " + p.ID
	}
	switch old := pointer(tree, p.Path+"/Statement").(type) {
	case []any:
		return candidate{words, []PatchOp{{"add", p.Path + "/Statement/-", stmt}}}
	case nil:
		return candidate{words, []PatchOp{{"add", p.Path + "/Statement", []any{stmt}}}}
	default:
		return candidate{words, []PatchOp{{"add", p.Path + "/Statement", []any{old, stmt}}}}
	}
}

// addRepositoryAllow grants the client's principal the walk's actions in
// the repository's policy, as a cross-account pull or push needs.
func addRepositoryAllow(s *scenario.Scenario, tr *Trace, h *HopTrace) []candidate {
	r, ok := awsname.ParseRepositoryARN(h.Resource)
	if !ok {
		return nil
	}
	repo, path, ok := (&Model{s: s}).repository(r.Account, r.Region, r.Name)
	if !ok {
		return nil
	}
	actions := []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}
	sid := "AllowPull"
	if tr.Push {
		actions = []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"}
		sid = "AllowPush"
	}
	stmt := map[string]any{"Sid": sid, "Effect": "Allow", "Principal": map[string]any{"AWS": h.Principal}, "Action": actions}
	words := "allow " + h.Principal + " to " + strings.ToLower(sid[5:]) + " in the repository policy of " + r.Name + " (" + r.Account + ")"
	if len(repo.Policy) == 0 {
		pol := map[string]any{"Version": "2012-10-17", "Statement": []any{stmt}}
		return []candidate{{words, []PatchOp{{"add", path + "/policy", pol}}}}
	}
	var doc map[string]any
	if json.Unmarshal(repo.Policy, &doc) != nil {
		return nil
	}
	if _, isList := doc["Statement"].([]any); isList {
		return []candidate{{words, []PatchOp{{"add", path + "/policy/Statement/-", stmt}}}}
	}
	return []candidate{{words, []PatchOp{{"add", path + "/policy/Statement", []any{doc["Statement"], stmt}}}}}
}

// pointer resolves a JSON Pointer in a decoded document; nil when absent.
func pointer(tree any, ptr string) any {
	cur := tree
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch v := cur.(type) {
		case map[string]any:
			cur = v[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// String is the fix in words, one change a line.
func (f Fix) String() string { return strings.Join(f.Words, "\n") }
