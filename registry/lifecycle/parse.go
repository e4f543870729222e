package lifecycle

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parsing and validating lifecycle policy text as PutLifecyclePolicy and
// StartLifecyclePolicyPreview do. ECR validates the text against a JSON
// schema and then against its own rules; every rejection is an
// *InvalidPolicyError, which the API answers as InvalidParameterException
// "Invalid parameter at 'LifecyclePolicyText' failed to satisfy
// constraint: 'Lifecycle policy validation failure: ...'".
// The schema texts are those of the Java json-schema-validator ECR uses, as
// mirrored by getmoto/moto moto/ecr/policy_validation.py and seen in
// cloudposse/terraform-aws-ecr#158 ("instance failed to match exactly one
// schema (matched 0 out of 2)"). The rule texts marked [R] were printed by
// ECR (ECR-FACTS evidence tags); those marked [I] have no capture.

// Bounds of the model's LifecyclePolicyText, in characters (ECR-FACTS §2.3).
const (
	minLifecycleText = 100
	maxLifecycleText = 30720
	maxTagWildcards  = 4 // per tagPatternList string (lifecycle_policy_parameters.html)
)

// InvalidPolicyError is ECR's rejection of policy text: an
// InvalidParameterException on Field whose constraint is Constraint. The
// package knows no API; its caller turns this into its own error type.
type InvalidPolicyError struct {
	Field      string // the parameter named in the text: "LifecyclePolicyText" or "lifecyclePolicyText"
	Constraint string
}

// Error is the exception's message, as ECR words it.
func (e *InvalidPolicyError) Error() string {
	return fmt.Sprintf("Invalid parameter at '%s' failed to satisfy constraint: '%s'", e.Field, e.Constraint)
}

// lifecycleInvalid is ECR's rejection of a lifecycle policy with reason.
func lifecycleInvalid(format string, args ...any) *InvalidPolicyError {
	return &InvalidPolicyError{"LifecyclePolicyText", "Lifecycle policy validation failure: " + fmt.Sprintf(format, args...)}
}

// Schema-level reasons.
var (
	errLifecycleUnmapped = lifecycleInvalid("Could not map policyString into LifecyclePolicy.")
	errLifecycleOneOf    = lifecycleInvalid("instance failed to match exactly one schema (matched 0 out of 2)")
)

func lifecycleMissing(names ...string) *InvalidPolicyError {
	return lifecycleInvalid("object has missing required properties (%s)", jsonList(names))
}

func lifecycleEnum(value string, allowed ...string) *InvalidPolicyError {
	return lifecycleInvalid("instance value (%s) not found in enum :(possible values: %s)", value, jsonList(allowed))
}

func lifecycleType(got, want string) *InvalidPolicyError {
	return lifecycleInvalid("instance type (%s) does not match any allowed primitive type (allowed: [%q])", got, want)
}

// jsonList renders names as moto prints them: ["a", "b"].
func jsonList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Parse validates text and returns its rules by priority; a rejection is
// an *InvalidPolicyError.
func Parse(text string) (*Policy, error) {
	if n := utf8.RuneCountInString(text); n < minLifecycleText {
		return nil, &InvalidPolicyError{"lifecyclePolicyText", fmt.Sprintf("Member must have length greater than or equal to %d", minLifecycleText)}
	} else if n > maxLifecycleText {
		return nil, &InvalidPolicyError{"lifecyclePolicyText", fmt.Sprintf("Member must have length less than or equal to %d", maxLifecycleText)}
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil || dec.More() {
		return nil, errLifecycleUnmapped
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, errLifecycleUnmapped
	}
	rules, err := schemaRules(obj)
	if err != nil {
		return nil, err
	}
	p := &Policy{Rules: rules}
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

// schemaObject checks that v is an object with every required member and
// no member outside allowed.
func schemaObject(v any, required []string, allowed ...string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, lifecycleType(jsonType(v), "object")
	}
	var missing, extra []string
	for _, k := range required {
		if _, ok := m[k]; !ok {
			missing = append(missing, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(required, k) && !slices.Contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	switch {
	case len(missing) > 0:
		slices.Sort(missing)
		return nil, lifecycleMissing(missing...)
	case len(extra) > 0:
		return nil, lifecycleInvalid("object instance has properties which are not allowed by the schema: (%s)", jsonList(extra))
	}
	return m, nil
}

func schemaRules(root map[string]any) ([]Rule, error) {
	if _, err := schemaObject(root, []string{"rules"}); err != nil {
		return nil, err
	}
	list, ok := root["rules"].([]any)
	if !ok {
		return nil, lifecycleType(jsonType(root["rules"]), "array")
	}
	if len(list) == 0 {
		return nil, lifecycleInvalid("array is too short: must have at least 1 elements but instance has 0 elements")
	}
	rules := make([]Rule, 0, len(list))
	for _, v := range list {
		r, err := schemaRule(v)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func schemaRule(v any) (Rule, error) {
	var r Rule
	m, err := schemaObject(v, []string{"rulePriority", "selection", "action"}, "description")
	if err != nil {
		return r, err
	}
	if r.Priority, err = schemaInt(m["rulePriority"]); err != nil {
		return r, err
	}
	if d, ok := m["description"]; ok {
		if r.Description, ok = d.(string); !ok {
			return r, lifecycleType(jsonType(d), "string")
		}
	}
	if err := schemaAction(m["action"]); err != nil {
		return r, err
	}
	return r, schemaSelection(m["selection"], &r)
}

// schemaAction accepts the one action ecrlink implements, expire. (ECR has
// since added "transition" to an archive storage class; ecrlink answers it
// as the older service did.)
func schemaAction(v any) error {
	m, err := schemaObject(v, []string{"type"})
	if err != nil {
		return err
	}
	t, ok := m["type"].(string)
	if !ok {
		return lifecycleType(jsonType(m["type"]), "string")
	}
	if t != "expire" {
		return lifecycleEnum(t, "expire")
	}
	return nil
}

func schemaSelection(v any, r *Rule) error {
	m, err := schemaObject(v, []string{"tagStatus", "countType", "countNumber"},
		"tagPrefixList", "tagPatternList", "countUnit")
	if err != nil {
		return err
	}
	if r.TagStatus, err = schemaEnum(m["tagStatus"], tagStatusAny, tagStatusTagged, tagStatusUntagged); err != nil {
		return err
	}
	if err := schemaCount(m, r); err != nil {
		return err
	}
	if r.TagPrefixes, err = schemaStrings(m, "tagPrefixList"); err != nil {
		return err
	}
	r.TagPatterns, err = schemaStrings(m, "tagPatternList")
	return err
}

// schemaCount reads countType, countUnit and countNumber. The schema is a
// oneOf over the two count types, countUnit belonging to sinceImagePushed
// only, so a wrong type or a misplaced or missing unit fails both branches.
func schemaCount(m map[string]any, r *Rule) error {
	r.CountType, _ = m["countType"].(string)
	unit, hasUnit := m["countUnit"]
	switch {
	case r.CountType == countImagesMoreThan && !hasUnit:
	case r.CountType == countSincePushed && hasUnit:
		if _, err := schemaEnum(unit, "days"); err != nil {
			return err
		}
	default:
		return errLifecycleOneOf
	}
	n, err := schemaInt(m["countNumber"])
	r.CountNumber = n
	return err
}

// schemaInt reads an integer of at least 1 that fits ECR's Java int.
func schemaInt(v any) (int, error) {
	num, ok := v.(json.Number)
	if !ok || jsonType(v) != "integer" {
		return 0, lifecycleType(jsonType(v), "integer")
	}
	n, err := strconv.ParseInt(num.String(), 10, 64)
	switch {
	case err != nil && strings.HasPrefix(num.String(), "-"):
		return 0, lifecycleInvalid("numeric instance is lower than the required minimum (minimum: 1, found: %s)", num)
	case err != nil || n > math.MaxInt32:
		return 0, errLifecycleUnmapped
	case n < 1:
		return 0, lifecycleInvalid("numeric instance is lower than the required minimum (minimum: 1, found: %d)", n)
	}
	return int(n), nil
}

func schemaEnum(v any, allowed ...string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", lifecycleType(jsonType(v), "string")
	}
	if !slices.Contains(allowed, s) {
		return "", lifecycleEnum(s, allowed...)
	}
	return s, nil
}

// schemaStrings reads an optional list of strings; present but empty is
// returned as an empty, non-nil list so that check can tell it was given.
func schemaStrings(m map[string]any, key string) ([]string, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, lifecycleType(jsonType(v), "array")
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, lifecycleType(jsonType(e), "string")
		}
		out = append(out, s)
	}
	return out, nil
}

// jsonType names v's JSON type as the schema validator does.
func jsonType(v any) string {
	switch t := v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			return "number"
		}
		return "integer"
	}
	return "null"
}

// check applies ECR's rules beyond the schema and sorts the rules by
// priority.
func (p *Policy) check() error {
	for i := range p.Rules {
		if err := p.Rules[i].check(); err != nil {
			return err
		}
	}
	slices.SortStableFunc(p.Rules, func(a, b Rule) int { return cmp.Compare(a.Priority, b.Priority) })
	untagged := 0
	for i, r := range p.Rules {
		if i > 0 && p.Rules[i-1].Priority == r.Priority {
			return lifecycleInvalid("Rule priorities must be unique.") // [I]
		}
		if r.TagStatus == tagStatusUntagged {
			untagged++
		}
		if r.TagStatus == tagStatusAny && i != len(p.Rules)-1 {
			// [R] (a deployment note quoting ECR); the period is added to
			// match the other rule texts.
			return lifecycleInvalid("Rule for tagStatus=ANY must have the lowest priority per storage class.")
		}
	}
	if untagged > 1 {
		// [R]: public CLI output and deploy logs; the older service omitted
		// "per storage class".
		return lifecycleInvalid("Only one rule can select Untagged images per storage class.")
	}
	return nil
}

// check applies the per-rule tag-list rules of the parameters page.
func (r *Rule) check() error {
	hasPrefixes, hasPatterns := r.TagPrefixes != nil, r.TagPatterns != nil
	switch {
	case r.TagStatus == tagStatusTagged && len(r.TagPrefixes) == 0 && len(r.TagPatterns) == 0:
		return lifecycleInvalid("Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.") // [R]
	case r.TagStatus != tagStatusTagged && (hasPrefixes || hasPatterns):
		return lifecycleInvalid("tagPrefixList and tagPatternList can only be specified when tagStatus=TAGGED.") // [I]
	case hasPrefixes && hasPatterns:
		return lifecycleInvalid("Cannot specify both tagPrefixList and tagPatternList in one rule.") // [I]
	}
	for _, p := range r.TagPatterns {
		if strings.Count(p, "*") > maxTagWildcards {
			return lifecycleInvalid("A tagPatternList value can contain at most %d wildcards (*).", maxTagWildcards) // [I]
		}
	}
	return nil
}

// Compact is the policy text as ECR returns it from Put and
// Get: the document without insignificant white space, members in the
// order given (aws-cli awscli/examples/ecr/put-lifecycle-policy.rst).
func Compact(text string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(text)) != nil {
		return text
	}
	return b.String()
}
