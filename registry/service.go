package registry

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/distribution/distribution/v3"
	"github.com/distribution/distribution/v3/registry/handlers"
	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/minio/minio-go/v7"
	"golang.org/x/sync/semaphore"
)

// Service is one ECR private registry. Its handlers are mounted by the
// emulator: API for the ECR JSON 1.1 API, Registry for /v2/.
type Service struct {
	cfg    Config
	app    *handlers.App
	ns     distribution.Namespace
	driver storagedriver.StorageDriver
	meta   metaStore
	tokens *tokenIssuer
	pages  pageTokens
	s3     *minio.Client       // nil unless Config.S3
	keys   map[string]Identity // by access key id
	// identityPolicies are Config.Identities' policies by principal;
	// policies caches compiled repository and registry policies.
	identityPolicies map[string][]*policyeval.Policy
	policies         policyCache
	// bodies is the budget of API request bodies in flight (api_body.go).
	bodies *semaphore.Weighted

	// metaMu serialises read-modify-write of metadata objects; repoLocks
	// serialise per repository the writes and the changes that decide
	// them (delete, tag mutability), so that a check made for a write
	// still holds when it is committed; uploadLocks give one upload to one
	// request at a time, whichever API it comes through.
	metaMu      sync.Mutex
	repoLocks   keyedLocks // by repository name
	uploadLocks keyedLocks
}

// New starts a Service. Close releases it.
func New(ctx context.Context, cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("registry config: %w", err)
	}
	ip, err := compileIdentities(cfg.Identities)
	if err != nil {
		return nil, fmt.Errorf("registry config: %w", err)
	}
	s := &Service{cfg: cfg, keys: map[string]Identity{}, identityPolicies: ip,
		bodies: semaphore.NewWeighted(cfg.MaxAPIBodyMemory)}
	for _, id := range cfg.Identities {
		s.keys[id.AccessKeyID] = id
	}
	switch {
	case cfg.S3 != nil:
		client, err := connectS3(ctx, cfg.S3)
		if err != nil {
			return nil, err
		}
		s.s3 = client
		s.meta = &s3Store{client: client, bucket: cfg.S3.Bucket, prefix: cfg.S3.RootDirectory + "/meta/"}
	case cfg.DataDir == "":
		s.meta = newMemStore()
	default:
		fsm, err := newFileStore(filepath.Join(cfg.DataDir, "meta"))
		if err != nil {
			return nil, err
		}
		s.meta = fsm
	}
	key, err := loadTokenKey(ctx, s.meta)
	if err != nil {
		return nil, err
	}
	s.tokens = &tokenIssuer{key: key, now: cfg.Now}
	s.pages = pageTokens{key: hmacSHA256(key, "pagination tokens")}
	// Upload state must verify after a restart, so its secret derives from
	// the persisted token key.
	secret := hex.EncodeToString(hmacSHA256(key, "distribution upload state"))
	app, c, err := newApp(ctx, s, storageParameters(cfg), secret)
	if err != nil {
		return nil, err
	}
	s.app, s.ns, s.driver = app, c.ns, c.driver
	return s, nil
}

// Close stops the embedded registry's background work.
func (s *Service) Close() error { return s.app.Shutdown() }

// Account and Region return what the Service serves.
func (s *Service) Account() string { return s.cfg.Account }
func (s *Service) Region() string  { return s.cfg.Region }

// Origin is how a client reached the Service, decided by the emulator: the
// URIs ECR hands out (repositoryUri, proxyEndpoint, the 401 realm) are built
// from it so that they work when followed.
type Origin struct {
	Scheme       string // "http" or "https"
	RegistryHost string // host[:port] of the registry as this client should use it
	// RegistryID is the account named by the hostname the client used; empty
	// means the Service's own account.
	RegistryID string
	// Region is the region named by the hostname the client used; empty
	// means the Service's own region.
	Region string
}

type originKey struct{}

func (originKey) String() string { return "registry.Origin" }

// WithOrigin returns a copy of ctx carrying o.
func WithOrigin(ctx context.Context, o Origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

// originFrom returns the request's Origin, defaulting to the Host header in
// direct mode, and stores it in the request's context for the handlers.
func originFrom(r *http.Request) Origin {
	if o, ok := r.Context().Value(originKey{}).(Origin); ok {
		return o
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return Origin{Scheme: scheme, RegistryHost: r.Host}
}

// originOf returns the Origin stored in ctx by serveAPI or serveV2.
func originOf(ctx context.Context) Origin {
	o, _ := ctx.Value(originKey{}).(Origin)
	return o
}

// lockRepo takes the lock that serialises writes to repository name,
// waiting as long as ctx allows. Locks last only while held or waited for,
// so names that callers merely try leave nothing behind.
func (s *Service) lockRepo(ctx context.Context, name string) (unlock func(), err error) {
	unlock, err = s.repoLocks.lock(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("waiting for repository %s: %w", name, err)
	}
	return unlock, nil
}

// pageScope is the scope of a nextToken of op listing repository (or, for
// DescribeRepositories, "") in registryID.
func (s *Service) pageScope(op, registryID, repository string) pageScope {
	return pageScope{op: op, registryID: s.registryID(registryID), repository: repository}
}

// DeriveKey returns a secret derived from the persisted token key for
// label, so the emulator's other signers (the starport presigner) stay
// valid across restarts and across processes sharing the store.
func (s *Service) DeriveKey(label string) []byte { return hmacSHA256(s.tokens.key, label) }
