package registry

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/distribution/distribution/v3"
	"github.com/distribution/distribution/v3/registry/handlers"
	storagedriver "github.com/distribution/distribution/v3/registry/storage/driver"
	"github.com/minio/minio-go/v7"
	"golang.org/x/sync/semaphore"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/registry/distlog"
	"github.com/ecrlink/ecrlink/registry/keylock"
	"github.com/ecrlink/ecrlink/registry/metastore"
	"github.com/ecrlink/ecrlink/registry/tokens"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// Service is ECR in one process: one or more private registries, each an
// account's registry in a region (awsname.Registry), behind one ECR JSON
// 1.1 API and one Docker Registry API. The registries share what AWS shares
// across them: the token key (a token from GetAuthorizationToken works on
// every registry of its region), the identities, and the request budgets.
// Its handlers are mounted by the emulator: API for the API, Registry for
// /v2/.
type Service struct {
	cfg    Config
	tokens *tokens.Issuer
	pages  tokens.Pages
	s3     *minio.Client // nil unless Config.S3
	// secret signs distribution's upload state in every registry.
	secret string
	// defaults are the identities and token lifetime of requests that
	// carry no Settings (SetIdentities); policies caches compiled
	// repository and registry policies.
	defaults atomic.Pointer[Settings]
	policies policyCache
	// distLog routes distribution's logs to cfg.Logger (embed.go).
	distLog *distlog.Logger
	// bodies is the budget of API request bodies in flight (api_body.go).
	bodies *semaphore.Weighted

	// registries are those served, by account and region; addMu
	// serialises AddRegistry, readers load the map without a lock.
	registries atomic.Pointer[map[awsname.Registry]*registry]
	addMu      sync.Mutex
}

// registry is one account's registry in one region: its embedded
// distribution app, its storage and its metadata. What its registries
// share it reads from the embedded Service.
type registry struct {
	*Service
	account, region string
	app             *handlers.App
	ns              distribution.Namespace
	driver          storagedriver.StorageDriver
	meta            metastore.Store
	// s3Root is the S3 driver's root directory of the registry's blobs,
	// when the Service stores in S3.
	s3Root string

	// metaMu serialises read-modify-write of metadata objects; repoLocks
	// serialise per repository the writes and the changes that decide
	// them (delete, tag mutability), so that a check made for a write
	// still holds when it is committed; uploadLocks give one upload to one
	// request at a time, whichever API it comes through.
	metaMu      sync.Mutex
	repoLocks   keylock.Map // by repository name
	uploadLocks keylock.Map
}

// New starts a Service serving the registry of cfg.Account in cfg.Region
// and those of cfg.Registries. Close releases it.
func New(ctx context.Context, cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("registry config: %w", err)
	}
	s := &Service{cfg: cfg, bodies: semaphore.NewWeighted(cfg.MaxAPIBodyMemory), distLog: distlog.New(cfg.Logger)}
	s.registries.Store(&map[awsname.Registry]*registry{})
	if err := s.SetIdentities(cfg.Identities); err != nil {
		return nil, err
	}
	if cfg.S3 != nil {
		client, err := connectS3(ctx, cfg.S3)
		if err != nil {
			return nil, err
		}
		s.s3 = client
	}
	home := s.Home()
	meta, err := s.metaStore(home)
	if err != nil {
		return nil, err
	}
	key, err := tokens.LoadKey(ctx, meta)
	if err != nil {
		return nil, err
	}
	s.tokens = &tokens.Issuer{Key: key, Now: cfg.Now}
	s.pages = tokens.Pages{Key: tokens.Derive(key, "pagination tokens")}
	// Upload state must verify after a restart, so its secret derives from
	// the persisted token key.
	s.secret = hex.EncodeToString(tokens.Derive(key, "distribution upload state"))
	for _, id := range append([]awsname.Registry{home}, cfg.Registries...) {
		if err := s.AddRegistry(ctx, id); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	return s, nil
}

// MaxRegistries bounds the registries one Service serves: each holds an
// embedded distribution app and its storage until Close, and scenarios
// replaced at run time only ever add.
const MaxRegistries = 256

// AddRegistry starts serving the registry id, keeping what an earlier run
// stored for it; one already served is left as it is. Requests in flight
// are not disturbed.
func (s *Service) AddRegistry(ctx context.Context, id awsname.Registry) error {
	if !awsname.ValidAccount(id.Account) || !awsname.ValidRegion(id.Region) {
		return fmt.Errorf("registry %s in %s: not an account and region", id.Account, id.Region)
	}
	s.addMu.Lock()
	defer s.addMu.Unlock()
	old := *s.registries.Load()
	if _, ok := old[id]; ok {
		return nil
	}
	if len(old) >= MaxRegistries {
		return fmt.Errorf("registry %s in %s: the service already serves %d registries, the most it keeps", id.Account, id.Region, len(old))
	}
	g, err := s.newRegistry(ctx, id)
	if err != nil {
		return fmt.Errorf("registry %s in %s: %w", id.Account, id.Region, err)
	}
	next := make(map[awsname.Registry]*registry, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[id] = g
	s.registries.Store(&next)
	return nil
}

// newRegistry builds the registry id on its own storage.
func (s *Service) newRegistry(ctx context.Context, id awsname.Registry) (*registry, error) {
	meta, err := s.metaStore(id)
	if err != nil {
		return nil, err
	}
	g := &registry{Service: s, account: id.Account, region: id.Region, meta: meta}
	if s.cfg.S3 != nil {
		g.s3Root = path.Join(s.cfg.S3.RootDirectory, s.storageDir(id), "registry")
	}
	app, c, err := newApp(ctx, g, s.storageParameters(id))
	if err != nil {
		return nil, err
	}
	g.app, g.ns, g.driver = app, c.ns, c.driver
	return g, nil
}

// storageDir is where registry id keeps its data under the Service's root:
// the home registry at the root itself, so data directories and buckets
// from before several registries existed keep working; every other one
// under registries/ACCOUNT/REGION.
func (s *Service) storageDir(id awsname.Registry) string {
	if id == s.Home() {
		return ""
	}
	return path.Join("registries", id.Account, id.Region)
}

// metaStore opens registry id's metadata store.
func (s *Service) metaStore(id awsname.Registry) (metastore.Store, error) {
	dir := s.storageDir(id)
	switch {
	case s.cfg.S3 != nil:
		return metastore.NewS3(s.s3, s.cfg.S3.Bucket, path.Join(s.cfg.S3.RootDirectory, dir, "meta")+"/"), nil
	case s.cfg.DataDir == "":
		return metastore.NewMemory(), nil
	}
	return metastore.NewFiles(filepath.Join(s.cfg.DataDir, filepath.FromSlash(dir), "meta"))
}

// Close stops the embedded registries' background work.
func (s *Service) Close() error {
	var errs []error
	for _, g := range *s.registries.Load() {
		errs = append(errs, g.app.Shutdown())
	}
	return errors.Join(errs...)
}

// Home is the registry of Config.Account in Config.Region: the one direct
// mode serves, and where the shared token key is kept.
func (s *Service) Home() awsname.Registry {
	return awsname.Registry{Account: s.cfg.Account, Region: s.cfg.Region}
}

// Account and Region return the home registry's.
func (s *Service) Account() string { return s.cfg.Account }
func (s *Service) Region() string  { return s.cfg.Region }

// Serves reports whether the registry id is served.
func (s *Service) Serves(id awsname.Registry) bool {
	_, ok := (*s.registries.Load())[id]
	return ok
}

// ServesRegion reports whether any registry of region is served.
func (s *Service) ServesRegion(region string) bool {
	for id := range *s.registries.Load() {
		if id.Region == region {
			return true
		}
	}
	return false
}

// lookup returns the registry id, if served.
func (s *Service) lookup(id awsname.Registry) (*registry, bool) {
	g, ok := (*s.registries.Load())[id]
	return g, ok
}

// answering returns the registry that answers for id: id itself when
// served, else the region's home (or, with none, any registry of the
// region), which answers for an account it does not hold as ECR does for
// an empty registry. ok is false when no registry of the region is served.
func (s *Service) answering(id awsname.Registry) (g *registry, ok bool) {
	regs := *s.registries.Load()
	if g, ok := regs[id]; ok {
		return g, true
	}
	if g, ok := regs[awsname.Registry{Account: s.cfg.Account, Region: id.Region}]; ok {
		return g, true
	}
	for k, g := range regs {
		if k.Region == id.Region {
			return g, true
		}
	}
	return nil, false
}

// homeOf is the registry direct mode names for the request: the one its
// facts name, else the Service's home.
func (s *Service) homeOf(info *reqinfo.Info) awsname.Registry {
	if info.Home != (awsname.Registry{}) {
		return info.Home
	}
	return s.Home()
}

// regionOf is the region a request is for: the region of the AWS name it
// came by, or in direct mode the home registry's; ok is false for a region
// no registry of which is served.
func (s *Service) regionOf(info *reqinfo.Info) (string, bool) {
	h := info.Host
	if !h.IsAWS() {
		region := s.homeOf(info).Region
		return region, s.ServesRegion(region)
	}
	return h.Region, h.InPartition() && s.ServesRegion(h.Region)
}

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

// id is the registry's account and region.
func (s *registry) id() awsname.Registry {
	return awsname.Registry{Account: s.account, Region: s.region}
}

// registryURL is the registry base URL for a client of this request, for
// the URIs ECR hands out (proxyEndpoint, downloadUrl), or nil without
// request facts.
func (s *registry) registryURL(ctx context.Context) *url.URL {
	info, ok := reqinfo.From(ctx)
	if !ok {
		return &url.URL{Scheme: "http"}
	}
	return &url.URL{Scheme: info.Scheme, Host: info.RegistryHost(s.id())}
}

// lockRepo takes the lock that serialises writes to repository name,
// waiting as long as ctx allows. Locks last only while held or waited for,
// so names that callers merely try leave nothing behind.
func (s *registry) lockRepo(ctx context.Context, name string) (unlock func(), err error) {
	unlock, err = s.repoLocks.Lock(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("waiting for repository %s: %w", name, err)
	}
	return unlock, nil
}

// tokens.Scope is the scope of a nextToken of op listing repository (or, for
// DescribeRepositories, "") in registryID.
func (s *registry) pageScope(op, registryID, repository string) tokens.Scope {
	return tokens.Scope{Op: op, RegistryID: s.registryID(registryID), Repository: repository}
}

// errInvalidNextToken is ECR's answer to a nextToken it did not issue for
// the request.
var errInvalidNextToken = apiErr("InvalidParameterException", "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")

// decodePage returns the position a nextToken stands for within sc, with
// ECR's answer to one not issued for it.
func (s *registry) decodePage(sc tokens.Scope, tok string) (string, error) {
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
