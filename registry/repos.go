package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/registry/longnames"
)

// repoMeta is ecrlink's record of one repository: everything ECR knows about
// it that distribution does not.
type repoMeta struct {
	Name             string            `json:"name"`
	CreatedAt        time.Time         `json:"createdAt"`
	TagMutability    string            `json:"imageTagMutability"`
	ExclusionFilters []exclusionFilter `json:"imageTagMutabilityExclusionFilters,omitempty"`
	ScanOnPush       bool              `json:"scanOnPush"`
	EncryptionType   string            `json:"encryptionType"`
	KMSKey           string            `json:"kmsKey,omitempty"`
	Tags             []resourceTag     `json:"tags,omitempty"`
	Policy           string            `json:"policy,omitempty"`
	Lifecycle        string            `json:"lifecyclePolicy,omitempty"`
	LifecycleAt      time.Time         `json:"lifecycleEvaluatedAt,omitzero"`
}

type exclusionFilter struct {
	Filter     string `json:"filter"`
	FilterType string `json:"filterType"`
}

type resourceTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// registryMeta is the registry-wide record.
type registryMeta struct {
	// Settings are PutAccountSetting's; absent names have their defaults.
	Settings      map[string]string `json:"settings,omitempty"`
	Policy        string            `json:"policy,omitempty"`
	ScanType      string            `json:"scanType,omitempty"`
	ScanningRules json.RawMessage   `json:"scanningRules,omitempty"`
	PolicyScopeV1 bool              `json:"policyScopeV1,omitempty"`
}

const (
	repoPrefix      = "repositories/"
	registryMetaKey = "registry.json"
)

var errNoRepository = errors.New("repository does not exist")

func repoKey(name string) string { return repoPrefix + metaName(name) + ".json" }

// metaName is the object name that stands for repository name in metadata
// keys. A name whose escaped form would not fit a file name (NAME_MAX, and
// MinIO's limit on a key segment) is stored under its hash; "_" starts no
// repository name, so the two forms cannot meet.
func metaName(name string) string {
	if e := url.PathEscape(name); len(e)+len(".json") <= longnames.MaxComponent {
		return e
	}
	sum := sha256.Sum256([]byte(name))
	return "_" + hex.EncodeToString(sum[:])
}

// getRepo returns the repository's record; errNoRepository if it does not exist.
func (s *registry) getRepo(ctx context.Context, name string) (*repoMeta, error) {
	return s.readRepo(ctx, repoKey(name), name)
}

// readRepo reads the record stored at key, for the repository name.
func (s *registry) readRepo(ctx context.Context, key, name string) (*repoMeta, error) {
	b, err := s.meta.Get(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, errNoRepository)
	}
	if err != nil {
		return nil, err
	}
	var m repoMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("repository %s metadata: %w", name, err)
	}
	return &m, nil
}

func (s *registry) putRepo(ctx context.Context, m *repoMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.meta.Put(ctx, repoKey(m.Name), b)
}

// updateRepo applies fn to the repository's record under the metadata lock.
func (s *registry) updateRepo(ctx context.Context, name string, fn func(*repoMeta) error) (*repoMeta, error) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	m, err := s.getRepo(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := fn(m); err != nil {
		return nil, err
	}
	return m, s.putRepo(ctx, m)
}

// listRepos returns every repository's record, sorted by name.
func (s *registry) listRepos(ctx context.Context) ([]*repoMeta, error) {
	keys, err := s.meta.List(ctx, repoPrefix)
	if err != nil {
		return nil, err
	}
	out := make([]*repoMeta, 0, len(keys))
	for _, k := range keys {
		m, err := s.readRepo(ctx, k, k) // a hashed key does not give the name back
		if errors.Is(err, errNoRepository) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b *repoMeta) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *registry) getRegistryMeta(ctx context.Context) (*registryMeta, error) {
	b, err := s.meta.Get(ctx, registryMetaKey)
	if errors.Is(err, fs.ErrNotExist) {
		return &registryMeta{}, nil
	}
	if err != nil {
		return nil, err
	}
	var m registryMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("registry metadata: %w", err)
	}
	return &m, nil
}

// updateRegistryMeta applies fn to the registry record under the metadata lock.
func (s *registry) updateRegistryMeta(ctx context.Context, fn func(*registryMeta) error) (*registryMeta, error) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	m, err := s.getRegistryMeta(ctx)
	if err != nil {
		return nil, err
	}
	if err := fn(m); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return m, s.meta.Put(ctx, registryMetaKey, b)
}
