package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/registry/lifecycle"
)

// Repository and registry policies (ECR-FACTS §2.1 T2, POLICY-FACTS §8.3).

// maxPolicyText is the model's RepositoryPolicyText and RegistryPolicyText
// bound, in characters (ECR-FACTS §2.3).
const maxPolicyText = 10240

// validatePolicyText is the one place a repository or registry policy
// document is judged. ECR has one text per kind for every rejection
// (POLICY-FACTS §8.3): "Invalid parameter at 'PolicyText' failed to satisfy
// constraint: 'Invalid repository policy provided'" (or registry), except
// a principal it cannot resolve: "... 'Principal not found'". The grammar
// is policyeval's; its own finding (Access Analyzer's words, position) is
// kept in the error chain for ecrlink's own reporting, not the client.
func validatePolicyText(kind policyeval.Kind, text string) error {
	name := "repository"
	if kind == policyeval.KindRegistry {
		name = "registry"
	}
	invalid := invalidParam("PolicyText", "Invalid "+name+" policy provided")
	if text == "" || utf8.RuneCountInString(text) > maxPolicyText {
		return invalid
	}
	_, err := policyeval.Parse([]byte(text), kind)
	var ve *policyeval.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve) && ve.Code == policyeval.CodeInvalidPrincipal:
		return fmt.Errorf("%w: %w", invalidParam("PolicyText", "Principal not found"), err)
	}
	return fmt.Errorf("%w: %w", invalid, err)
}

// locksOut reports whether a repository policy would deny everyone the
// right to set another policy: a Deny statement for every principal,
// without conditions, whose actions cover ecr:SetRepositoryPolicy. ECR
// refuses such a policy unless force is set ("intended to prevent
// accidental repository lock outs", SetRepositoryPolicy API reference).
func locksOut(text string) bool {
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(text), &doc) != nil {
		return false
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		stmts = append(stmts, one)
	}
	for _, st := range stmts {
		if denies(st) && everyone(st["Principal"]) && st["Condition"] == nil && coversSetPolicy(st["Action"]) {
			return true
		}
	}
	return false
}

func denies(st map[string]json.RawMessage) bool {
	var effect string
	return json.Unmarshal(st["Effect"], &effect) == nil && effect == "Deny"
}

// everyone reports whether a Principal element is "*" or {"AWS": "*"}.
func everyone(p json.RawMessage) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(p, &m) == nil {
		p = m["AWS"]
	}
	list := stringOrList(p)
	return len(list) == 1 && list[0] == "*"
}

// coversSetPolicy reports whether an Action element matches
// ecr:SetRepositoryPolicy, action names being case-insensitive wildcards.
func coversSetPolicy(a json.RawMessage) bool {
	for _, pat := range stringOrList(a) {
		if lifecycle.WildcardMatch(strings.ToLower(pat), "ecr:setrepositorypolicy") {
			return true
		}
	}
	return false
}

// stringOrList reads a policy element that is a string or a list of
// strings; anything else reads as nil.
func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

func setRepositoryPolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
		PolicyText     string `json:"policyText"`
		Force          bool   `json:"force"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validRepoRef(in.RegistryID, in.RepositoryName); err != nil {
		return nil, err
	}
	if err := validatePolicyText(policyeval.KindRepository, in.PolicyText); err != nil {
		return nil, err
	}
	if !in.Force && locksOut(in.PolicyText) {
		// No capture of ECR's wording for this refusal exists; it is the
		// same constraint family, so it gets the kind's one text [I].
		return nil, invalidParam("PolicyText", "Invalid repository policy provided")
	}
	text := jacksonPretty(in.PolicyText)
	m, err := s.changeRepo(ctx, in.RegistryID, in.RepositoryName, func(m *repoMeta) error {
		m.Policy = text
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.repoPolicyOut(m.Name, text), nil
}

type repoPolicyOut struct {
	RegistryID     string `json:"registryId"`
	RepositoryName string `json:"repositoryName"`
	PolicyText     string `json:"policyText"`
}

func (s *registry) repoPolicyOut(name, text string) repoPolicyOut {
	return repoPolicyOut{s.account, name, text}
}

func repositoryPolicyNotFound(name, registryID string) *APIError {
	return apiErr("RepositoryPolicyNotFoundException",
		"Repository policy does not exist for the repository with name '%s' in the registry with id '%s'", name, registryID)
}

// repoRef is the input of the Get/Delete operations on a repository.
type repoRef struct {
	RegistryID     string `json:"registryId"`
	RepositoryName string `json:"repositoryName"`
}

func getRepositoryPolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	var in repoRef
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if m.Policy == "" {
		return nil, repositoryPolicyNotFound(m.Name, s.account)
	}
	return s.repoPolicyOut(m.Name, m.Policy), nil
}

func deleteRepositoryPolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	m, old, err := s.takeText(ctx, body, func(m *repoMeta) *string { return &m.Policy },
		func(name string) error { return repositoryPolicyNotFound(name, s.account) })
	if err != nil {
		return nil, err
	}
	return s.repoPolicyOut(m.Name, old), nil
}

type registryPolicyOut struct {
	RegistryID string `json:"registryId"`
	PolicyText string `json:"policyText"`
}

func registryPolicyNotFound(registryID string) *APIError {
	return apiErr("RegistryPolicyNotFoundException", "Registry policy does not exist in the registry with id '%s'", registryID)
}

func putRegistryPolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		PolicyText string `json:"policyText"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validatePolicyText(policyeval.KindRegistry, in.PolicyText); err != nil {
		return nil, err
	}
	text := jacksonPretty(in.PolicyText)
	_, err := s.updateRegistryMeta(ctx, func(m *registryMeta) error {
		m.Policy = text
		return nil
	})
	if err != nil {
		return nil, err
	}
	return registryPolicyOut{s.account, text}, nil
}

func getRegistryPolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	if err := decode(body, &struct{}{}); err != nil {
		return nil, err
	}
	m, err := s.getRegistryMeta(ctx)
	if err != nil {
		return nil, err
	}
	if m.Policy == "" {
		return nil, registryPolicyNotFound(s.account)
	}
	return registryPolicyOut{s.account, m.Policy}, nil
}

func deleteRegistryPolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	if err := decode(body, &struct{}{}); err != nil {
		return nil, err
	}
	var old string
	_, err := s.updateRegistryMeta(ctx, func(m *registryMeta) error {
		if m.Policy == "" {
			return registryPolicyNotFound(s.account)
		}
		old, m.Policy = m.Policy, ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return registryPolicyOut{s.account, old}, nil
}

// jacksonPretty re-renders a validated policy document the way ECR stores
// and returns it: Jackson's default pretty printer, which the CLI examples
// show ("{\n  \"Version\" : \"2008-10-17\",\n  \"Statement\" : [ {\n    ..."
// for set-repository-policy): two-space object indentation, " : " between
// key and value, arrays on one line as "[ a, b ]", member order kept.
// A document it cannot re-read is returned unchanged.
func jacksonPretty(text string) string {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var b strings.Builder
	if err := prettyValue(dec, &b, 0); err != nil {
		return text
	}
	return b.String()
}

func prettyValue(dec *json.Decoder, b *strings.Builder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return prettyObject(dec, b, depth)
		}
		return prettyArray(dec, b, depth)
	case string:
		writeJSONString(b, t)
	case json.Number:
		b.WriteString(t.String())
	case bool:
		b.WriteString(strconv.FormatBool(t))
	default:
		b.WriteString("null")
	}
	return nil
}

func prettyObject(dec *json.Decoder, b *strings.Builder, depth int) error {
	if !dec.More() {
		b.WriteString("{ }")
		_, err := dec.Token()
		return err
	}
	b.WriteByte('{')
	for i := 0; dec.More(); i++ {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n" + strings.Repeat("  ", depth+1))
		writeJSONString(b, key.(string))
		b.WriteString(" : ")
		if err := prettyValue(dec, b, depth+1); err != nil {
			return err
		}
	}
	b.WriteString("\n" + strings.Repeat("  ", depth) + "}")
	_, err := dec.Token()
	return err
}

// prettyArray writes an array on one line; Jackson does not indent arrays,
// so objects inside keep their enclosing object's depth.
func prettyArray(dec *json.Decoder, b *strings.Builder, depth int) error {
	if !dec.More() {
		b.WriteString("[ ]")
		_, err := dec.Token()
		return err
	}
	b.WriteString("[ ")
	for i := 0; dec.More(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := prettyValue(dec, b, depth); err != nil {
			return err
		}
	}
	b.WriteString(" ]")
	_, err := dec.Token()
	return err
}

// writeJSONString quotes s as Jackson does: no HTML escaping, so "<", ">"
// and "&" in a condition value come back as written.
func writeJSONString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
