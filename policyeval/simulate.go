package policyeval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// MaxSimulateInput bounds the document Simulate accepts.
const MaxSimulateInput = 1 << 20

// SimulateResult is Simulate's answer. It marshals to
//
//	{"decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied",
//	 "deniedBy": "identity"|"resource"|"registry"|"endpoint"|null,
//	 "matched": [{"policyType": ..., "policyIndex": ..., "sid": ...}],
//	 "message": "User: ..."}
//
// "matched" is always an array; "message" is always present and is the
// empty string when the request is allowed; "sid" is "" for a statement
// without one.
type SimulateResult struct {
	Decision string          `json:"decision"`
	DeniedBy *string         `json:"deniedBy"`
	Matched  []SimulateMatch `json:"matched"`
	Message  string          `json:"message"`
}

// SimulateMatch is one matched statement of a SimulateResult.
type SimulateMatch struct {
	PolicyType  string `json:"policyType"`
	PolicyIndex int    `json:"policyIndex"`
	Sid         string `json:"sid"`
}

type simulateInput struct {
	Request          simulateRequest   `json:"request"`
	IdentityPolicies []json.RawMessage `json:"identityPolicies"`
	ResourcePolicy   json.RawMessage   `json:"resourcePolicy"`
	RegistryPolicy   json.RawMessage   `json:"registryPolicy"`
	EndpointPolicies []json.RawMessage `json:"endpointPolicies"`
}

type simulateRequest struct {
	Principal       string                  `json:"principal"`
	Action          string                  `json:"action"`
	Resource        string                  `json:"resource"`
	ResourceAccount string                  `json:"resourceAccount"`
	Context         map[string]contextValue `json:"context"`
}

// contextValue is a string or an array of strings.
type contextValue []string

func (v *contextValue) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*v = contextValue{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("a context value must be a string or an array of strings")
	}
	*v = many
	return nil
}

// Simulate parses a simulation document, evaluates its request against its
// policies and reports the decision (the engine behind `ecrlink policy
// simulate`). The input is bounded by MaxSimulateInput and strict: unknown
// fields, duplicate keys and trailing data are errors. Each policy is
// validated as its slot's kind (identity, repository, registry, interface
// endpoint: the input does not say which endpoint type);
// an invalid policy is an error wrapping its *ValidationError. Absent or
// null policy fields mean no policy.
func Simulate(input []byte) (*SimulateResult, error) {
	in, err := decodeSimulateInput(input)
	if err != nil {
		return nil, err
	}
	set, err := in.policies()
	if err != nil {
		return nil, err
	}
	req, err := in.Request.build()
	if err != nil {
		return nil, err
	}
	var all []Match // every match, not only the first maxMatched
	d := evaluate(req, set, &all)
	return newSimulateResult(d, all, req), nil
}

func decodeSimulateInput(input []byte) (*simulateInput, error) {
	if len(input) > MaxSimulateInput {
		return nil, fmt.Errorf("simulate: input larger than %d bytes", MaxSimulateInput)
	}
	if _, err := parseTree(input); err != nil { // duplicate keys, depth, trailing data
		var te *treeError
		errors.As(err, &te)
		line, col := lineCol(input, te.off)
		return nil, fmt.Errorf("simulate: input %d:%d: %s", line, col, te.detail)
	}
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.DisallowUnknownFields()
	var in simulateInput
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("simulate: input: %w", err)
	}
	return &in, nil
}

func (in *simulateInput) policies() (*Set, error) {
	set := &Set{}
	for i, raw := range in.IdentityPolicies {
		p, err := parseSlot(raw, KindIdentity, fmt.Sprintf("identityPolicies[%d]", i))
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, p)
	}
	var err error
	if set.Resource, err = parseSlot(in.ResourcePolicy, KindRepository, "resourcePolicy"); err != nil {
		return nil, err
	}
	if set.Registry, err = parseSlot(in.RegistryPolicy, KindRegistry, "registryPolicy"); err != nil {
		return nil, err
	}
	for i, raw := range in.EndpointPolicies {
		p, err := parseSlot(raw, KindEndpoint, fmt.Sprintf("endpointPolicies[%d]", i))
		if err != nil {
			return nil, err
		}
		set.Endpoint = append(set.Endpoint, p)
	}
	return set, nil
}

// parseSlot parses one policy field; null or absent means no policy, and
// a nil *Policy in a Set is skipped.
func parseSlot(raw json.RawMessage, kind Kind, field string) (*Policy, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	p, err := Parse(raw, kind)
	if err != nil {
		return nil, fmt.Errorf("simulate: %s (%s policy): %w", field, kind, err)
	}
	return p, nil
}

func (r *simulateRequest) build() (*Request, error) {
	if r.Action == "" {
		return nil, errors.New("simulate: request.action is required")
	}
	req := &Request{Principal: r.Principal, Action: r.Action, Resource: r.Resource, ResourceAccount: r.ResourceAccount}
	keys := make([]string, 0, len(r.Context))
	for k := range r.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a stable Context order, whatever the map's
	for _, k := range keys {
		if _, dup := req.Context.Get(k); dup {
			return nil, fmt.Errorf("simulate: request.context names %q twice (keys are case-insensitive)", strings.ToLower(k))
		}
		req.Context.Set(k, r.Context[k]...)
	}
	return req, nil
}

func newSimulateResult(d Decision, all []Match, req *Request) *SimulateResult {
	res := &SimulateResult{Decision: d.Effect.String(), Matched: []SimulateMatch{}, Message: d.Message(req)}
	if d.Effect != Allowed {
		s := d.DeniedBy.String()
		res.DeniedBy = &s
	}
	for _, m := range all {
		res.Matched = append(res.Matched, SimulateMatch{PolicyType: m.Type.String(), PolicyIndex: m.Policy, Sid: m.Sid})
	}
	return res
}
