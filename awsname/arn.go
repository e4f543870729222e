package awsname

import (
	"errors"
	"strings"
)

// ARN is an Amazon Resource Name, split into its six fields.
type ARN struct {
	Partition, Service, Region, Account string
	// Resource is everything after the fifth colon: repository/NAME,
	// role/NAME, a bucket/key path, ...
	Resource string
}

// ErrNotARN is returned by ParseARN for text that is not an ARN.
var ErrNotARN = errors.New("awsname: not an ARN")

// ParseARN splits s into its fields. It checks the shape only: six fields,
// the first "arn", partition, service and resource non-empty.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return ARN{}, ErrNotARN
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// Registry is an ECR private registry: an account's, in a region. Its
// registry id is the account.
type Registry struct {
	Account, Region string
}

// Repository is the repository name in r.
func (r Registry) Repository(name string) Repository {
	return Repository{Region: r.Region, Account: r.Account, Name: name}
}

// Repository is an ECR repository, named by its registry (account and
// region) and its name.
type Repository struct {
	Region, Account, Name string
}

// Registry is the registry that holds r.
func (r Repository) Registry() Registry { return Registry{Account: r.Account, Region: r.Region} }

// ARN is the repository's ARN,
// arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME (ECR-FACTS §1.3).
func (r Repository) ARN() ARN {
	return ARN{Partition: PartitionOf(r.Region).ID, Service: "ecr", Region: r.Region, Account: r.Account,
		Resource: "repository/" + r.Name}
}

func (r Repository) String() string { return r.ARN().String() }

// ParseRepositoryARN returns the repository an ECR repository ARN names;
// ok is false for any other text.
func ParseRepositoryARN(s string) (Repository, bool) {
	a, err := ParseARN(s)
	if err != nil || a.Service != "ecr" {
		return Repository{}, false
	}
	name, ok := strings.CutPrefix(a.Resource, "repository/")
	if !ok || name == "" {
		return Repository{}, false
	}
	return Repository{Region: a.Region, Account: a.Account, Name: name}, true
}
