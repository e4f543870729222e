package policyeval

import (
	"iter"
	"strings"
)

// Context holds a request's condition keys, each with one or more string
// values. Key names are case-insensitive, the tag-key part of
// aws:PrincipalTag/<k> included (POLICY-FACTS §3.2). The zero Context is
// empty and ready to use. Set allocates; lookups during Evaluate do not.
type Context struct {
	entries []ctxEntry
}

type ctxEntry struct {
	key    string // as given to Set
	lkey   string // lower case, for lookups
	values []string
}

// Set gives key the values (a copy of them), replacing any earlier values
// of a key that differs only in case. Set with no values records a key
// that is present but empty.
func (c *Context) Set(key string, values ...string) {
	lkey := strings.ToLower(key)
	vals := append([]string(nil), values...)
	for i := range c.entries {
		if c.entries[i].lkey == lkey {
			c.entries[i] = ctxEntry{key: key, lkey: lkey, values: vals}
			return
		}
	}
	c.entries = append(c.entries, ctxEntry{key: key, lkey: lkey, values: vals})
}

// Delete removes key.
func (c *Context) Delete(key string) {
	for i := range c.entries {
		if strings.EqualFold(c.entries[i].lkey, key) {
			c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
			return
		}
	}
}

// Get returns the values of key, matched without regard to case.
func (c *Context) Get(key string) ([]string, bool) {
	for i := range c.entries {
		if strings.EqualFold(c.entries[i].lkey, key) {
			return c.entries[i].values, true
		}
	}
	return nil, false
}

// Len returns the number of keys.
func (c *Context) Len() int { return len(c.entries) }

// All yields each key (as given to Set) and its values, in the order the
// keys were first set.
func (c *Context) All() iter.Seq2[string, []string] {
	return func(yield func(string, []string) bool) {
		for _, e := range c.entries {
			if !yield(e.key, e.values) {
				return
			}
		}
	}
}

// Clone returns a Context that shares no memory with c.
func (c *Context) Clone() Context {
	out := Context{entries: make([]ctxEntry, len(c.entries))}
	for i, e := range c.entries {
		out.entries[i] = ctxEntry{key: e.key, lkey: e.lkey, values: append([]string(nil), e.values...)}
	}
	return out
}

// lookup finds an already lower-cased key.
func (c *Context) lookup(lkey string) ([]string, bool) {
	for i := range c.entries {
		if c.entries[i].lkey == lkey {
			return c.entries[i].values, true
		}
	}
	return nil, false
}

// Caller is what the network decided about a request's caller: the
// endpoint it came through and that endpoint's policy, and the condition
// keys only the network can set (aws:SourceVpce, aws:SourceVpc,
// aws:VpcSourceIp through an endpoint; aws:SourceIp over the internet).
// Who the caller is (principal, identity policies, principal tags) is not
// the network's to say: the services look identities up themselves.
type Caller struct {
	// VPCEndpointID is the endpoint the request came through, or empty when
	// it did not come through one.
	VPCEndpointID string
	// EndpointPolicies are the policies of the endpoints the request went
	// through (an interface endpoint, or an S3 gateway endpoint on the
	// subnet's route). Empty means no endpoint bounds the request.
	EndpointPolicies []*Policy
	// Context is the network's condition keys (POLICY-FACTS §6).
	Context Context
}
