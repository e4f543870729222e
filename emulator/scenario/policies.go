package scenario

import (
	"errors"
	"fmt"

	"github.com/ecrlink/ecrlink/policyeval"
)

// forEachPolicy calls fn for every policy slot of s with its path and the
// kind its place implies; validation and normalisation share it, so no
// policy is canonicalised without having been checked for its kind.
func forEachPolicy(s *Scenario, fn func(path string, p *Policy, kind policyeval.Kind)) {
	for i := range s.Endpoints {
		e := &s.Endpoints[i]
		kind := policyeval.KindEndpoint
		if e.Type == "gateway" {
			kind = policyeval.KindS3Gateway // Principal must be "*" (POLICY-FACTS §3.1)
		}
		fn(fmt.Sprintf("endpoints[%d].policy", i), &e.Policy, kind)
	}
	for i := range s.Identities {
		for j := range s.Identities[i].Policies {
			fn(fmt.Sprintf("identities[%d].policies[%d]", i, j), &s.Identities[i].Policies[j], policyeval.KindIdentity)
		}
	}
	repositoryPolicies("repositories", s.Repositories, fn)
	fn("registryPolicy", &s.RegistryPolicy, policyeval.KindRegistry)
	for i := range s.Registries {
		r := &s.Registries[i]
		repositoryPolicies(fmt.Sprintf("registries[%d].repositories", i), r.Repositories, fn)
		fn(fmt.Sprintf("registries[%d].registryPolicy", i), &r.RegistryPolicy, policyeval.KindRegistry)
	}
}

func repositoryPolicies(path string, rs []Repository, fn func(string, *Policy, policyeval.Kind)) {
	for i := range rs {
		fn(fmt.Sprintf("%s[%d].policy", path, i), &rs[i].Policy, policyeval.KindRepository)
	}
}

// validatePolicies checks every policy written with policyeval, which
// answers in AWS's own words; a finding inside a policy written as YAML
// gets the path (and so the line) of the element policyeval names.
func validatePolicies(s *Scenario, c *collector) {
	forEachPolicy(s, func(path string, p *Policy, kind policyeval.Kind) {
		if len(*p) == 0 && !c.idx.present(path) {
			return
		}
		_, err := policyeval.Parse(*p, kind)
		if err == nil {
			return
		}
		var ve *policyeval.ValidationError
		if !errors.As(err, &ve) {
			c.add(path, "%s policy: %v", kind, err)
			return
		}
		if ve.Path != "" {
			path += "." + ve.Path
		}
		msg := ve.Message
		if ve.Detail != "" && ve.Detail != ve.Message {
			msg += " (" + ve.Detail + ")"
		}
		c.add(path, "%s policy: %s", kind, msg)
	})
}
