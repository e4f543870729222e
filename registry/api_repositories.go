package registry

import (
	"context"
	"errors"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
)

type repositoryOut struct {
	RepositoryARN              string            `json:"repositoryArn"`
	RegistryID                 string            `json:"registryId"`
	RepositoryName             string            `json:"repositoryName"`
	RepositoryURI              string            `json:"repositoryUri"`
	CreatedAt                  epoch             `json:"createdAt"`
	ImageTagMutability         string            `json:"imageTagMutability"`
	ExclusionFilters           []exclusionFilter `json:"imageTagMutabilityExclusionFilters,omitempty"`
	ImageScanningConfiguration struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration encryptionConfig `json:"encryptionConfiguration"`
}

type encryptionConfig struct {
	EncryptionType string `json:"encryptionType"`
	KMSKey         string `json:"kmsKey,omitempty"`
}

// repositoryView renders m as ECR's Repository shape for this caller.
func (s *registry) repositoryView(ctx context.Context, m *repoMeta) repositoryOut {
	out := repositoryOut{
		RepositoryARN:      repositoryARN(s.region, s.account, m.Name),
		RegistryID:         s.account,
		RepositoryName:     m.Name,
		RepositoryURI:      s.registryURL(ctx).Host + "/" + m.Name,
		CreatedAt:          epoch(m.CreatedAt),
		ImageTagMutability: m.TagMutability,
		ExclusionFilters:   m.ExclusionFilters,
	}
	out.ImageScanningConfiguration.ScanOnPush = m.ScanOnPush
	out.EncryptionConfiguration = encryptionConfig{m.EncryptionType, m.KMSKey}
	return out
}

var tagMutabilities = []string{mutable, immutable, immutableWithExclusion, mutableWithExclusion}

func checkMutability(value string, filters []exclusionFilter) error {
	if !contains(tagMutabilities, value) {
		return invalidParam("imageTagMutability", "Member must satisfy enum value set: ["+strings.Join(tagMutabilities, ", ")+"]")
	}
	withExclusion := strings.HasSuffix(value, "_WITH_EXCLUSION")
	switch {
	case withExclusion && len(filters) == 0:
		return apiErr("InvalidParameterException", "Image tag mutability exclusion filters must be provided when imageTagMutability is %s.", value)
	case !withExclusion && len(filters) > 0:
		return apiErr("InvalidParameterException", "Image tag mutability exclusion filters can only be provided when imageTagMutability is IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.")
	case len(filters) > 5:
		return invalidParam("imageTagMutabilityExclusionFilters", "Member must have length less than or equal to 5")
	}
	for _, f := range filters {
		if f.FilterType != "WILDCARD" {
			return invalidParam("imageTagMutabilityExclusionFilters.filterType", "Member must satisfy enum value set: [WILDCARD]")
		}
		if !exclusionFilterPattern.MatchString(f.Filter) {
			return invalidParam("imageTagMutabilityExclusionFilters.filter", "Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$")
		}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func createRepository(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID                 string            `json:"registryId"`
		RepositoryName             string            `json:"repositoryName"`
		Tags                       []resourceTag     `json:"tags"`
		ImageTagMutability         string            `json:"imageTagMutability"`
		ExclusionFilters           []exclusionFilter `json:"imageTagMutabilityExclusionFilters"`
		ImageScanningConfiguration *struct {
			ScanOnPush bool `json:"scanOnPush"`
		} `json:"imageScanningConfiguration"`
		EncryptionConfiguration *encryptionConfig `json:"encryptionConfiguration"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m := &repoMeta{Name: in.RepositoryName, CreatedAt: s.cfg.Now(), TagMutability: in.ImageTagMutability,
		ExclusionFilters: in.ExclusionFilters, EncryptionType: "AES256"}
	if m.TagMutability == "" {
		m.TagMutability = mutable
	}
	if in.ImageScanningConfiguration != nil {
		m.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
	}
	if err := s.checkNewRepository(in.RegistryID, accountOf(principalFrom(ctx)), m, in.EncryptionConfiguration, in.Tags); err != nil {
		return nil, err
	}
	m.Tags = in.Tags
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if _, err := s.getRepo(ctx, m.Name); err == nil {
		return nil, repositoryAlreadyExists(m.Name, s.account)
	} else if !errors.Is(err, errNoRepository) {
		return nil, err
	}
	if err := s.putRepo(ctx, m); err != nil {
		return nil, err
	}
	return map[string]any{"repository": s.repositoryView(ctx, m)}, nil
}

// checkNewRepository validates CreateRepository's input into m. ECR
// creates repositories only in the caller's own registry, whatever a
// policy of another allows.
func (s *registry) checkNewRepository(registryID, callerAccount string, m *repoMeta, enc *encryptionConfig, tags []resourceTag) error {
	if err := validRegistryID(registryID); err != nil {
		return err
	}
	if err := validRepositoryName("repositoryName", m.Name); err != nil {
		return err
	}
	if err := storableRepositoryName("repositoryName", m.Name); err != nil {
		return err
	}
	if registryID != "" && registryID != callerAccount {
		return apiErr("InvalidParameterException", "Invalid parameter at 'registryId' failed to satisfy constraint: 'Cross-account repository creation is not supported'")
	}
	if err := checkMutability(m.TagMutability, m.ExclusionFilters); err != nil {
		return err
	}
	if enc != nil {
		switch enc.EncryptionType {
		case "AES256":
			if enc.KMSKey != "" {
				return apiErr("InvalidParameterException", "Invalid parameter at 'encryptionConfiguration' failed to satisfy constraint: 'kmsKey can only be specified when encryptionType is KMS or KMS_DSSE'")
			}
		case "KMS", "KMS_DSSE":
		default:
			return invalidParam("encryptionConfiguration.encryptionType", "Member must satisfy enum value set: [AES256, KMS, KMS_DSSE]")
		}
		m.EncryptionType, m.KMSKey = enc.EncryptionType, enc.KMSKey
		if m.EncryptionType != "AES256" && m.KMSKey == "" {
			m.KMSKey = "arn:" + awsname.PartitionOf(s.region).ID + ":kms:" + s.region + ":" + s.account + ":alias/aws/ecr"
		}
	}
	return checkTags(tags, 0)
}

func describeRepositories(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID      string   `json:"registryId"`
		RepositoryNames []string `json:"repositoryNames"`
		NextToken       string   `json:"nextToken"`
		MaxResults      *int     `json:"maxResults"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validRegistryID(in.RegistryID); err != nil {
		return nil, err
	}
	if in.RepositoryNames != nil {
		return s.describeNamedRepositories(ctx, in.RegistryID, in.RepositoryNames, in.MaxResults != nil || in.NextToken != "")
	}
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	// The position is the last name returned, so a page is stable under
	// concurrent inserts.
	scope := s.pageScope("DescribeRepositories", in.RegistryID, "")
	after, err := s.decodePage(scope, in.NextToken)
	if err != nil {
		return nil, err
	}
	var all []*repoMeta
	if s.registryID(in.RegistryID) == s.account {
		if all, err = s.listRepos(ctx); err != nil {
			return nil, err
		}
	}
	out := []repositoryOut{}
	next := ""
	for _, m := range all {
		if in.NextToken != "" && m.Name <= after {
			continue
		}
		if len(out) == limit {
			next = s.pages.Encode(scope, out[len(out)-1].RepositoryName)
			break
		}
		out = append(out, s.repositoryView(ctx, m))
	}
	return struct {
		Repositories []repositoryOut `json:"repositories"`
		NextToken    string          `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *registry) describeNamedRepositories(ctx context.Context, registryID string, names []string, paged bool) (any, error) {
	if paged {
		return nil, apiErr("InvalidParameterException", "Invalid parameter at 'maxResults' failed to satisfy constraint: 'maxResults cannot be used when you specify repositories with repositoryNames'")
	}
	if len(names) < 1 || len(names) > 100 {
		return nil, invalidParam("repositoryNames", "Member must have length between 1 and 100")
	}
	out := []repositoryOut{}
	for _, n := range names {
		if err := validRepositoryName("repositoryNames", n); err != nil {
			return nil, err
		}
		m, err := s.getRepo(ctx, n)
		if errors.Is(err, errNoRepository) || s.registryID(registryID) != s.account {
			return nil, repositoryNotFound(n, s.registryID(registryID))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s.repositoryView(ctx, m))
	}
	return map[string]any{"repositories": out}, nil
}

// pageSize validates maxResults (1–1000), defaulting to 100.
func pageSize(max *int) (int, error) {
	if max == nil {
		return 100, nil
	}
	if *max < 1 || *max > 1000 {
		return 0, invalidParam("maxResults", "Member must have value between 1 and 1000")
	}
	return *max, nil
}

func deleteRepository(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
		Force          bool   `json:"force"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	// Writes to the repository hold this lock from their checks to their
	// commit, so none lands after the delete.
	unlock, err := s.lockRepo(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if m, err = s.lookupRepo(ctx, in.RegistryID, in.RepositoryName); err != nil {
		return nil, err // deleted meanwhile
	}
	images, err := s.listImages(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	if len(images) > 0 && !in.Force {
		return nil, apiErr("RepositoryNotEmptyException",
			"The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images", m.Name, s.account)
	}
	view := s.repositoryView(ctx, m)
	s.metaMu.Lock()
	err = s.meta.Delete(ctx, repoKey(m.Name))
	s.metaMu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := s.deleteRepositoryStorage(ctx, m.Name); err != nil {
		return nil, err
	}
	return map[string]any{"repository": view}, nil
}

// lookupRepo validates registryId and repositoryName and returns the
// repository's record or ECR's RepositoryNotFoundException.
func (s *registry) lookupRepo(ctx context.Context, registryID, name string) (*repoMeta, error) {
	if err := validRegistryID(registryID); err != nil {
		return nil, err
	}
	if err := validRepositoryName("repositoryName", name); err != nil {
		return nil, err
	}
	if s.registryID(registryID) != s.account {
		return nil, repositoryNotFound(name, registryID)
	}
	m, err := s.getRepo(ctx, name)
	if errors.Is(err, errNoRepository) {
		return nil, repositoryNotFound(name, s.account)
	}
	return m, err
}
