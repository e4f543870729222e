// Package identity is the table of access keys ECR knows: the principal
// each authenticates as, with the identity policies and tags authorization
// weighs. A table is compiled once and never changed, so that a caller
// replacing it (a scenario at run time) swaps it whole and a request sees
// one consistent table.
package identity

import (
	"errors"
	"fmt"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
)

// Identity is an access key and the principal it authenticates as.
type Identity struct {
	AccessKeyID     string
	SecretAccessKey string // empty: the signature is not verified
	Principal       string // an IAM user, role session or root ARN
	// Policies are the principal's identity-based policy documents. A
	// principal other than the account root with none may do only what a
	// resource policy grants it.
	Policies []string
	// Tags are the principal's tags, seen by policies as
	// aws:PrincipalTag/KEY.
	Tags map[string]string
}

// Principal is what authorization needs of a principal: its compiled
// identity policies and its tags, merged over every identity naming it.
type Principal struct {
	Policies []*policyeval.Policy
	Tags     map[string]string
}

// Table is a compiled set of identities. The zero Table knows no key.
type Table struct {
	byKey       map[string]Identity
	byPrincipal map[string]*Principal
	// Exclusive says only the table's keys are accepted; otherwise a key
	// it does not list acts as the account root, so that zero-config
	// clients with any credentials work.
	Exclusive bool
}

// New validates and compiles ids; every error names its entry.
func New(ids []Identity) (*Table, error) {
	t := &Table{byKey: map[string]Identity{}, byPrincipal: map[string]*Principal{}}
	var errs []error
	for i, id := range ids {
		switch {
		case id.AccessKeyID == "":
			errs = append(errs, fmt.Errorf("identities[%d]: accessKeyId is empty", i))
		case t.byKey[id.AccessKeyID].AccessKeyID != "":
			errs = append(errs, fmt.Errorf("identities[%d]: access key %q listed twice", i, id.AccessKeyID))
		}
		if _, err := awsname.ParseARN(id.Principal); err != nil {
			errs = append(errs, fmt.Errorf("identities[%d]: principal %q is not an ARN", i, id.Principal))
		}
		t.byKey[id.AccessKeyID] = id
		errs = append(errs, t.addPrincipal(i, id))
	}
	return t, errors.Join(errs...)
}

// addPrincipal merges identity i's tags and policies into its principal's.
func (t *Table) addPrincipal(i int, id Identity) error {
	p := t.byPrincipal[id.Principal]
	if p == nil {
		p = &Principal{Tags: map[string]string{}}
		t.byPrincipal[id.Principal] = p
	}
	for k, v := range id.Tags {
		p.Tags[k] = v
	}
	var errs []error
	for j, doc := range id.Policies {
		compiled, err := policyeval.Parse([]byte(doc), policyeval.KindIdentity)
		if err != nil {
			errs = append(errs, fmt.Errorf("identities[%d].policies[%d]: %w", i, j, err))
			continue
		}
		p.Policies = append(p.Policies, compiled)
	}
	return errors.Join(errs...)
}

// Key looks up an access key.
func (t *Table) Key(accessKeyID string) (Identity, bool) {
	id, ok := t.byKey[accessKeyID]
	return id, ok
}

// Principal returns what the table knows of principal, or nil for one no
// identity names.
func (t *Table) Principal(arn string) *Principal { return t.byPrincipal[arn] }
