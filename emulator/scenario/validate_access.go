package scenario

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
)

var accessKeyID = regexp.MustCompile(`^[A-Za-z0-9]{1,128}$`)

func validateIdentities(s *Scenario, c *collector) {
	keys := seen{}
	for i := range s.Identities {
		ident := &s.Identities[i]
		p := fmt.Sprintf("identities[%d]", i)
		switch {
		case ident.AccessKeyID == "":
			c.add(p+".accessKeyId", "required: an access key id such as AKIAIOSFODNN7EXAMPLE")
		case !accessKeyID.MatchString(ident.AccessKeyID):
			c.add(p+".accessKeyId", "%q is not an access key id (1-128 letters and digits)", ident.AccessKeyID)
		default:
			keys.check(c, p+".accessKeyId", ident.AccessKeyID, "access key id")
		}
		if ident.SecretAccessKey == "" {
			c.add(p+".secretAccessKey", "required: the key's secret, used to verify SigV4 signatures")
		}
		principal(s, c, p+".principal", ident.Principal)
		tags(c, p+".tags", ident.Tags)
		for j, pol := range ident.Policies {
			if len(pol) == 0 && !c.idx.present(fmt.Sprintf("%s.policies[%d]", p, j)) {
				c.add(fmt.Sprintf("%s.policies[%d]", p, j), "a policy, not null")
			}
		}
	}
}

// principalResource is the resource part of the principals a key can
// stand for: the root, a user, a role, or an assumed-role session.
var principalResource = regexp.MustCompile(`^(root|user/.+|role/.+|assumed-role/[^/]+/[^/]+)$`)

// principal checks an identity's principal ARN: IAM or STS, in the
// scenario's partition, in an account the scenario serves (DESIGN.md,
// Identities).
func principal(s *Scenario, c *collector, path, v string) {
	a, err := awsname.ParseARN(v)
	switch {
	case v == "":
		c.add(path, "required: an ARN such as arn:aws:iam::%s:role/example", s.Account)
	case err != nil || (a.Service != "iam" && a.Service != "sts") || a.Region != "" || !principalResource.MatchString(a.Resource):
		c.add(path, "%q is not an IAM user, role, root or STS assumed-role ARN", v)
	case a.Partition != awsname.PartitionOf(s.Region).ID:
		c.add(path, "partition %q is not that of region %s (%s)", a.Partition, s.Region, awsname.PartitionOf(s.Region).ID)
	case a.Service == "sts" && !strings.HasPrefix(a.Resource, "assumed-role/"):
		c.add(path, "an STS principal is an assumed-role session: arn:%s:sts::ACCOUNT:assumed-role/ROLE/SESSION", a.Partition)
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "assumed-role/"):
		c.add(path, "an assumed-role session is an sts ARN, not iam")
	case !served(s, a.Account):
		c.add(path, "account %q is not served by this scenario (account or registries[].account)", a.Account)
	}
}

func served(s *Scenario, account string) bool {
	if account == s.Account {
		return true
	}
	for _, r := range s.Registries {
		if r.Account == account {
			return true
		}
	}
	return false
}

// tags applies IAM's tag limits: 50 tags, keys up to 128 characters,
// values up to 256.
func tags(c *collector, path string, t map[string]string) {
	if len(t) > 50 {
		c.add(path, "%d tags: IAM allows at most 50", len(t))
	}
	for k, v := range t {
		switch {
		case k == "" || len([]rune(k)) > 128:
			c.add(path+"."+k, "a tag key is 1 to 128 characters")
		case len([]rune(v)) > 256:
			c.add(path+"."+k, "a tag value is at most 256 characters")
		}
	}
}

// repositoryName is ECR's RepositoryName pattern (ECR-FACTS §2.3).
var repositoryName = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$`)

func validRepositoryName(n string) bool {
	return len(n) >= 2 && len(n) <= 256 && repositoryName.MatchString(n)
}

func validateRepositories(path string, rs []Repository, c *collector) {
	names := seen{}
	for i, r := range rs {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case r.Name == "":
			c.add(p+".name", "required: the repository name")
		case !validRepositoryName(r.Name):
			c.add(p+".name", "%q is not an ECR repository name (2-256 characters, lower case, /-separated)", r.Name)
		default:
			names.check(c, p+".name", r.Name, "repository")
		}
		// ECR-FACTS §2.3, ImageTagMutability; the _WITH_EXCLUSION values
		// need exclusion filters, which a scenario has no field for, and
		// ECR refuses them without.
		oneOf(c, p+".imageTagMutability", r.ImageTagMutability, "MUTABLE", "IMMUTABLE")
	}
}

// MaxRegistries bounds a scenario's other registries: each is an embedded
// registry with storage of its own, kept while the process runs.
const MaxRegistries = 32

func validateRegistries(s *Scenario, c *collector) {
	if len(s.Registries) > MaxRegistries {
		c.add("registries", "%d registries; a scenario may serve at most %d besides its own", len(s.Registries), MaxRegistries)
	}
	pairs := seen{s.Account + " in " + s.Region: "account and region"}
	for i := range s.Registries {
		r := &s.Registries[i]
		p := fmt.Sprintf("registries[%d]", i)
		account(c, p+".account", r.Account)
		region(c, p+".region", r.Region)
		if awsname.ValidRegion(r.Region) && awsname.PartitionOf(r.Region) != awsname.PartitionOf(s.Region) {
			c.add(p+".region", "%s is not in the partition of %s: no principal could reach it", r.Region, s.Region)
		}
		if r.Account != "" && r.Region != "" {
			pairs.check(c, p, r.Account+" in "+r.Region, "registry")
		}
		validateRepositories(p+".repositories", r.Repositories, c)
	}
}
