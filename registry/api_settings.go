package registry

import (
	"context"
	"errors"
	"slices"

	"github.com/ecrlink/ecrlink/awsname"
)

// Repository settings, resource tags and DescribeRegistry: the small
// read-modify-write operations on a repository's record (ECR-FACTS §2.1 T1).

// validRepoRef checks registryId and repositoryName as the model does,
// before anything is looked up: a malformed input is an
// InvalidParameterException even when the repository does not exist.
func validRepoRef(registryID, name string) error {
	if err := validRegistryID(registryID); err != nil {
		return err
	}
	return validRepositoryName("repositoryName", name)
}

// changeRepo applies fn to the named repository's record under the
// metadata lock and returns the stored result, answering ECR's
// RepositoryNotFoundException for a repository that does not exist (or was
// deleted meanwhile).
func (s *registry) changeRepo(ctx context.Context, registryID, name string, fn func(*repoMeta) error) (*repoMeta, error) {
	if _, err := s.lookupRepo(ctx, registryID, name); err != nil {
		return nil, err
	}
	m, err := s.updateRepo(ctx, name, fn)
	if errors.Is(err, errNoRepository) {
		return nil, repositoryNotFound(name, s.account)
	}
	return m, err
}

// takeText clears one policy text of a repository's record — at picks
// which — and returns the record and the text it held; an empty one is
// missing(name), the operation's not-found exception.
func (s *registry) takeText(ctx context.Context, body []byte, at func(*repoMeta) *string, missing func(name string) error) (*repoMeta, string, error) {
	var in repoRef
	if err := decode(body, &in); err != nil {
		return nil, "", err
	}
	var old string
	m, err := s.changeRepo(ctx, in.RegistryID, in.RepositoryName, func(m *repoMeta) error {
		text := at(m)
		if *text == "" {
			return missing(m.Name)
		}
		old, *text = *text, ""
		return nil
	})
	return m, old, err
}

func putImageTagMutability(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID         string            `json:"registryId"`
		RepositoryName     string            `json:"repositoryName"`
		ImageTagMutability string            `json:"imageTagMutability"`
		ExclusionFilters   []exclusionFilter `json:"imageTagMutabilityExclusionFilters"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validRepoRef(in.RegistryID, in.RepositoryName); err != nil {
		return nil, err
	}
	if err := checkMutability(in.ImageTagMutability, in.ExclusionFilters); err != nil {
		return nil, err
	}
	// Under the repository lock: a manifest push that checked the old
	// setting commits before the change, or checks the new one.
	unlock, err := s.lockRepo(ctx, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	m, err := s.changeRepo(ctx, in.RegistryID, in.RepositoryName, func(m *repoMeta) error {
		m.TagMutability, m.ExclusionFilters = in.ImageTagMutability, in.ExclusionFilters
		return nil
	})
	unlock()
	if err != nil {
		return nil, err
	}
	return struct {
		RegistryID         string            `json:"registryId"`
		RepositoryName     string            `json:"repositoryName"`
		ImageTagMutability string            `json:"imageTagMutability"`
		ExclusionFilters   []exclusionFilter `json:"imageTagMutabilityExclusionFilters,omitempty"`
	}{s.account, m.Name, m.TagMutability, m.ExclusionFilters}, nil
}

type scanningConfig struct {
	ScanOnPush bool `json:"scanOnPush"`
}

func putImageScanningConfiguration(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string          `json:"registryId"`
		RepositoryName string          `json:"repositoryName"`
		Config         *scanningConfig `json:"imageScanningConfiguration"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validRepoRef(in.RegistryID, in.RepositoryName); err != nil {
		return nil, err
	}
	if in.Config == nil {
		return nil, invalidParam("imageScanningConfiguration", "Member must not be null")
	}
	m, err := s.changeRepo(ctx, in.RegistryID, in.RepositoryName, func(m *repoMeta) error {
		m.ScanOnPush = in.Config.ScanOnPush
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		RegistryID     string         `json:"registryId"`
		RepositoryName string         `json:"repositoryName"`
		Config         scanningConfig `json:"imageScanningConfiguration"`
	}{s.account, m.Name, scanningConfig{m.ScanOnPush}}, nil
}

// errInvalidARN is ECR's answer to a resourceArn that names no repository
// it could hold (boto/boto3#2774, a real ListTagsForResource response).
var errInvalidARN = apiErr("InvalidParameterException", "The ARN provided is invalid.")

// repoOfARN resolves a tagging operation's resourceArn to a repository
// name: the ARN must be a repository ARN of this partition and region;
// another account's repository is one that does not exist here.
func (s *registry) repoOfARN(ctx context.Context, arn string) (string, error) {
	repo, ok := awsname.ParseRepositoryARN(arn)
	if !ok || repo.Region != s.region || !awsname.ValidAccount(repo.Account) ||
		arn != repo.String() || validRepositoryName("resourceArn", repo.Name) != nil {
		return "", errInvalidARN
	}
	if repo.Account != s.account {
		return "", repositoryNotFound(repo.Name, repo.Account)
	}
	if _, err := s.lookupRepo(ctx, "", repo.Name); err != nil {
		return "", err
	}
	return repo.Name, nil
}

func tagResource(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		ResourceARN string        `json:"resourceArn"`
		Tags        []resourceTag `json:"tags"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := s.repoOfARN(ctx, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags, 0); err != nil {
		return nil, err
	}
	_, err = s.changeRepo(ctx, "", name, func(m *repoMeta) error {
		merged := mergeTags(m.Tags, in.Tags)
		// The 50-tag limit counts the repository's tags after the merge
		// (ECR-FACTS §2.3).
		if err := checkTags(nil, len(merged)); err != nil {
			return err
		}
		m.Tags = merged
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// mergeTags returns old with each of add set: an existing key takes the
// new value, a new key is appended.
func mergeTags(old, add []resourceTag) []resourceTag {
	out := slices.Clone(old)
	for _, t := range add {
		i := slices.IndexFunc(out, func(o resourceTag) bool { return o.Key == t.Key })
		if i >= 0 {
			out[i].Value = t.Value
			continue
		}
		out = append(out, t)
	}
	return out
}

func untagResource(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		ResourceARN string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := s.repoOfARN(ctx, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		if len(k) < 1 || len(k) > 128 {
			return nil, apiErr("InvalidTagParameterException", "The tag key must be between 1 and 128 characters long.")
		}
	}
	_, err = s.changeRepo(ctx, "", name, func(m *repoMeta) error {
		m.Tags = slices.DeleteFunc(m.Tags, func(t resourceTag) bool { return slices.Contains(in.TagKeys, t.Key) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func listTagsForResource(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		ResourceARN string `json:"resourceArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name, err := s.repoOfARN(ctx, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, "", name)
	if err != nil {
		return nil, err
	}
	tags := m.Tags
	if tags == nil {
		tags = []resourceTag{} // the CLI shows "tags": [] for an untagged repository
	}
	return map[string]any{"tags": tags}, nil
}

// describeRegistry answers for the caller's own registry. ecrlink does not
// replicate, so the replication configuration is always empty, as AWS shows
// for an account that never set one.
func describeRegistry(ctx context.Context, s *registry, body []byte) (any, error) {
	if err := decode(body, &struct{}{}); err != nil {
		return nil, err
	}
	type rules struct {
		Rules []struct{} `json:"rules"`
	}
	return struct {
		RegistryID  string `json:"registryId"`
		Replication rules  `json:"replicationConfiguration"`
	}{s.account, rules{Rules: []struct{}{}}}, nil
}
