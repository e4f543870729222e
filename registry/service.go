package registry

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/ecrlink/ecrlink/registry/keylock"

	"github.com/ecrlink/ecrlink/registry/tokens"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/registry/metastore"
	"github.com/ecrlink/ecrlink/reqinfo"

	"github.com/distribution/distribution/v3"
	"github.com/distribution/distribution/v3/registry/handlers"
	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
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
	meta   metastore.Store
	tokens *tokens.Issuer
	pages  tokens.Pages
	s3     *minio.Client // nil unless Config.S3
	// identities is the current identity table (SetIdentities);
	// policies caches compiled repository and registry policies.
	identities atomic.Pointer[identityTable]
	policies   policyCache
	// distLog routes distribution's logs to cfg.Logger (embed.go).
	distLog *distLog
	// bodies is the budget of API request bodies in flight (api_body.go).
	bodies *semaphore.Weighted

	// metaMu serialises read-modify-write of metadata objects; repoLocks
	// serialise per repository the writes and the changes that decide
	// them (delete, tag mutability), so that a check made for a write
	// still holds when it is committed; uploadLocks give one upload to one
	// request at a time, whichever API it comes through.
	metaMu      sync.Mutex
	repoLocks   keylock.Map // by repository name
	uploadLocks keylock.Map
}

// New starts a Service. Close releases it.
func New(ctx context.Context, cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("registry config: %w", err)
	}
	s := &Service{cfg: cfg, bodies: semaphore.NewWeighted(cfg.MaxAPIBodyMemory), distLog: &distLog{cfg.Logger}}
	if err := s.SetIdentities(cfg.Identities); err != nil {
		return nil, err
	}
	switch {
	case cfg.S3 != nil:
		client, err := connectS3(ctx, cfg.S3)
		if err != nil {
			return nil, err
		}
		s.s3 = client
		s.meta = metastore.NewS3(client, cfg.S3.Bucket, cfg.S3.RootDirectory+"/meta/")
	case cfg.DataDir == "":
		s.meta = metastore.NewMemory()
	default:
		fsm, err := metastore.NewFiles(filepath.Join(cfg.DataDir, "meta"))
		if err != nil {
			return nil, err
		}
		s.meta = fsm
	}
	key, err := tokens.LoadKey(ctx, s.meta)
	if err != nil {
		return nil, err
	}
	s.tokens = &tokens.Issuer{Key: key, Now: cfg.Now}
	s.pages = tokens.Pages{Key: tokens.Derive(key, "pagination tokens")}
	// Upload state must verify after a restart, so its secret derives from
	// the persisted token key.
	secret := hex.EncodeToString(tokens.Derive(key, "distribution upload state"))
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

// errNoRequestInfo is a request that reached the Service without the
// per-request facts the emulator stamps on every request: a wiring fault,
// refused rather than served on guesses.
var errNoRequestInfo = errors.New("registry: request carries no reqinfo.Info")

// requestInfo returns the request's facts, computed once by the emulator.
func requestInfo(ctx context.Context) (*reqinfo.Info, error) {
	info, ok := reqinfo.From(ctx)
	if !ok {
		return nil, errNoRequestInfo
	}
	return info, nil
}

// servesRegion reports whether a request that came by h is for this
// Service's region: any name in direct mode, else an AWS name of its
// region in its region's partition.
func (s *Service) servesRegion(h awsname.Host) bool {
	return !h.IsAWS() || (h.Region == s.cfg.Region && h.InPartition())
}

// registryURL is the registry base URL for a client of this request, for
// the URIs ECR hands out (proxyEndpoint, downloadUrl), or nil without
// request facts.
func (s *Service) registryURL(ctx context.Context) *url.URL {
	info, ok := reqinfo.From(ctx)
	if !ok {
		return &url.URL{Scheme: "http"}
	}
	return &url.URL{Scheme: info.Scheme, Host: info.RegistryHost(s.cfg.Account)}
}

// lockRepo takes the lock that serialises writes to repository name,
// waiting as long as ctx allows. Locks last only while held or waited for,
// so names that callers merely try leave nothing behind.
func (s *Service) lockRepo(ctx context.Context, name string) (unlock func(), err error) {
	unlock, err = s.repoLocks.Lock(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("waiting for repository %s: %w", name, err)
	}
	return unlock, nil
}

// tokens.Scope is the scope of a nextToken of op listing repository (or, for
// DescribeRepositories, "") in registryID.
func (s *Service) pageScope(op, registryID, repository string) tokens.Scope {
	return tokens.Scope{Op: op, RegistryID: s.registryID(registryID), Repository: repository}
}

// errInvalidNextToken is ECR's answer to a nextToken it did not issue for
// the request.
var errInvalidNextToken = apiErr("InvalidParameterException", "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")

// decodePage returns the position a nextToken stands for within sc, with
// ECR's answer to one not issued for it.
func (s *Service) decodePage(sc tokens.Scope, tok string) (string, error) {
	position, err := s.pages.Decode(sc, tok)
	if err != nil {
		return "", errInvalidNextToken
	}
	return position, nil
}

// DeriveKey returns a secret derived from the persisted token key for
// label, so the emulator's other signers (the starport presigner) stay
// valid across restarts and across processes sharing the store.
func (s *Service) DeriveKey(label string) []byte { return tokens.Derive(s.tokens.Key, label) }
