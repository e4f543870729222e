package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/cwlogs"
	"github.com/ecrlink/ecrlink/emulator/ca"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/scenario"

	"github.com/ecrlink/ecrlink/registry"
	"github.com/ecrlink/ecrlink/reqinfo"
	"github.com/ecrlink/ecrlink/s3shim"
)

// DefaultAddr is where `ecrlink serve` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:5000"

// DefaultAccount and DefaultRegion are what a zero Config serves.
const (
	DefaultAccount = registry.DefaultAccount
	DefaultRegion  = registry.DefaultRegion
)

// S3Config says where an S3 server (MinIO) keeps everything: endpoint,
// bucket, credentials and root prefix (see registry.S3Config).
type S3Config = registry.S3Config

// Registry is an account's registry in a region.
type Registry = awsname.Registry

// Identity is an access key and the principal it authenticates as, with
// its identity policies and tags (see registry.Identity).
type Identity = registry.Identity

// Config configures a Server. The zero Config serves plain ECR for
// DefaultAccount in DefaultRegion, in memory, on a random 127.0.0.1 port,
// to any access key acting as the account root.
type Config struct {
	// Addr is the listen address; empty means "127.0.0.1:0".
	Addr string
	// Listener, if set, is used instead of listening on Addr.
	Listener net.Listener
	// Account is the 12-digit account served; empty means DefaultAccount.
	Account string
	// Region is the region served; empty means DefaultRegion.
	Region string
	// Registries are other accounts' and regions' registries served
	// beside it, each under its own names (ACCOUNT.dkr.ecr.REGION...) and
	// on its own storage.
	Registries []Registry
	// DataDir keeps images and metadata on disk; empty (and no S3) keeps
	// everything in memory, lost on Shutdown.
	DataDir string
	// S3, if set, keeps everything in an S3 bucket instead of DataDir.
	S3 *S3Config
	// Identities maps access keys to principals; a key not listed acts as
	// the account root without signature verification.
	Identities []Identity
	// MaxAPIBodyMemory bounds the ECR API request bodies in flight
	// together; zero means registry.DefaultMaxAPIBodyMemory.
	MaxAPIBodyMemory int64
	// Now is the clock of tokens, presigned URLs and timestamps; nil means
	// time.Now.
	Now func() time.Time
	// Logger receives operator logs; nil discards them.
	Logger *slog.Logger
	// IdleTimeout closes a keep-alive connection that has waited this long
	// for its next request; zero means DefaultIdleTimeout, negative never.
	IdleTimeout time.Duration
	// BodyTimeout closes a request whose body, while the server waits for
	// it, delivers fewer than BodyMinBytes in this long (a moving upload,
	// however large, is never cut off); zero means DefaultBodyTimeout,
	// negative never.
	BodyTimeout time.Duration
	// BodyMinBytes is what a body must deliver per BodyTimeout; zero means
	// DefaultBodyMinBytes.
	BodyMinBytes int64
	// Scenario, if set, is the world every request is decided in (see
	// DESIGN.md); nil is plain ECR, every endpoint present. Its account and
	// region are served beside Account's in Region, and direct mode names
	// them.
	Scenario *scenario.Scenario
	// Observer, if set, receives every authorization decision the registry
	// and the starport bucket make, allowed or not.
	Observer reqinfo.Observer
	// ControlToken, if set, is what the control API (/_ecrlink/) requires
	// as "Authorization: Bearer TOKEN"; empty opens it to loopback clients
	// only.
	ControlToken string
	// JournalCapacity is how many request records the journal keeps; zero
	// means journal.DefaultCapacity.
	JournalCapacity int
	// JournalFile, if set, receives every record as an NDJSON line.
	JournalFile io.Writer
	// TLSAddr, if set, is where AWS names are served over TLS, with a
	// certificate by SNI from CA. Without it the CONNECT proxy on the main
	// listener still reaches the same TLS server, in process.
	TLSAddr string
	// CA issues the TLS server's certificates; nil means an in-memory CA
	// made at Start.
	CA *ca.CA
	// DNSAddr, if set, is where a DNS server answers AWS names as the
	// scenario resolves them (names.go), over UDP and TCP.
	DNSAddr string
	// BlackholeAddr, if set, is where names with no route resolve: a
	// listener that drops every connection attempt.
	BlackholeAddr string
	// Advertise is what the DNS server, Hosts and the proxy give for each
	// outcome; zero fields mean the listeners' own addresses.
	Advertise Advertise

	// newInfo computes a request's facts; nil means reqinfo.New. Tests
	// count through it.
	newInfo func(*http.Request) *reqinfo.Info
}

// Server is a running ecrlink: the main listener, routed by hostname to
// the ECR API, the registry, the layer bucket and CloudWatch Logs, which
// is also the CONNECT proxy; and the TLS listener, DNS server and
// blackhole its Config asks for.
type Server struct {
	cfg Config
	// world decides requests' network facts; applyMu serialises its
	// replacement (apply.go).
	world   atomic.Pointer[world]
	applyMu sync.Mutex
	// held counts the requests held at once (fire.go, maxHeld).
	held chan struct{}
	// stopping is closed when Shutdown begins, so held requests end.
	stopping chan struct{}
	svc      *registry.Service
	s3       *s3shim.Server
	logs     *cwlogs.Server
	journal  *journal.Journal
	ln       net.Listener
	http     *http.Server
	done     chan error
	// edges are the ways in under AWS names (edges.go).
	edges edges
}

// Start builds the service, listens and serves in the background.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withConnDefaults()
	// The presigner places layer downloads for the registry and verifies
	// them for the bucket; its key derives from the registry's, so it is
	// completed once the registry exists, before anything is served.
	presigner := &s3shim.Presigner{}
	svc, err := registry.New(ctx, cfg.registryConfig(presigner))
	if err != nil {
		return nil, err
	}
	presigner.Key, presigner.Now = svc.DeriveKey("starport presigner"), cfg.Now
	ln := cfg.Listener
	if ln == nil {
		addr := cfg.Addr
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		if ln, err = net.Listen("tcp", addr); err != nil {
			svc.Close()
			return nil, fmt.Errorf("listen: %w", err)
		}
	}
	jl := journal.New(journal.Options{Capacity: cfg.JournalCapacity, File: cfg.JournalFile, Logger: cfg.Logger})
	s := &Server{cfg: cfg, svc: svc, journal: jl, ln: ln, done: make(chan error, 1), stopping: make(chan struct{}), held: make(chan struct{}, maxHeld),
		s3:   &s3shim.Server{Presigner: presigner, Store: layerStore(svc), Buckets: svc.ServesRegion, Logger: cfg.Logger},
		logs: &cwlogs.Server{Account: svc.Account(), Region: svc.Region(), Now: cfg.Now, Logger: cfg.Logger}}
	if err := s.apply(ctx, cfg.Scenario); err != nil {
		ln.Close()
		svc.Close()
		return nil, fmt.Errorf("scenario: %w", err)
	}
	handler := withBodyProgress(cfg.BodyTimeout, cfg.BodyMinBytes, s.handler())
	if err := s.startEdges(ctx, handler); err != nil {
		ln.Close()
		svc.Close()
		return nil, err
	}
	s.http = s.newHTTPServer(handler)
	go func() { s.done <- s.http.Serve(ln) }()
	return s, nil
}

// registryConfig is the ECR service's part of the configuration.
func (c Config) registryConfig(layers registry.LayerLocator) registry.Config {
	return registry.Config{Account: c.Account, Region: c.Region, Registries: c.Registries, DataDir: c.DataDir, S3: c.S3,
		Identities: c.Identities, MaxAPIBodyMemory: c.MaxAPIBodyMemory, Now: c.Now, Logger: c.Logger, Layers: layers}
}

// Addr returns the listener's address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL returns the direct-mode base URL, e.g. http://127.0.0.1:5000.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Account and Region are what the server's registry serves.
func (s *Server) Account() string { return s.svc.Account() }
func (s *Server) Region() string  { return s.svc.Region() }

// PurgeUploads removes interrupted uploads started before olderThan; the
// registry also does it by itself, hourly, for uploads older than a day.
func (s *Server) PurgeUploads(ctx context.Context, olderThan time.Time) (int, error) {
	return s.svc.PurgeUploads(ctx, olderThan)
}

// Shutdown stops accepting, waits for requests in flight (bounded by ctx)
// and releases the registry.
func (s *Server) Shutdown(ctx context.Context) error {
	close(s.stopping) // held requests end
	s.journal.Close() // followers end, so the wait below does not
	err := errors.Join(s.http.Shutdown(ctx), s.stopEdges(ctx))
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return errors.Join(err, s.svc.Close())
}

// handler is the whole request path: the request's facts computed once,
// stamped on its context, the service they name, and the request's journal
// record. Direct mode (any host that is not an AWS name) serves all three
// by path: POST / with X-Amz-Target is the API, /v2/ the registry,
// /prod-REGION-starport-layer-bucket/ the layer bucket, /_ecrlink/ the
// control API; on AWS names the path is the named service's.
func (s *Server) handler() http.Handler {
	api, reg, control := s.svc.API(), s.svc.Registry(), s.control()
	newInfo := s.cfg.newInfo
	if newInfo == nil {
		newInfo = reqinfo.New
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect && r.TLS == nil {
			s.edges.proxy.ServeHTTP(w, r)
			return
		}
		rec := &recording{start: time.Now(), next: s.cfg.Observer}
		info := newInfo(r)
		// The control API is the main listener's alone: never over TLS,
		// where a tunnel to an AWS name could carry a direct Host.
		if info.Direct() && r.TLS == nil && strings.HasPrefix(r.URL.Path, controlPrefix) {
			control.ServeHTTP(w, r)
			return
		}
		var serve http.Handler
		switch info.Class.Service {
		case reqinfo.ServiceDkr:
			serve = reg
		case reqinfo.ServiceAPI:
			serve = api
		case reqinfo.ServiceS3:
			serve = s.s3
		case reqinfo.ServiceLogs:
			serve = s.logs
		default:
			notFound(w, r)
			return
		}
		wd := s.world.Load()
		d := wd.model.Decide(wd.hop(info, r))
		info.Caller, info.Home, info.Observer, rec.route, rec.host = d.Caller, wd.model.Home(), rec, route(d), wd.host(info).String()
		if d.Caller == nil {
			s.unserved(w, r, wd, rec.unserved(r, info, d))
			return
		}
		w, fault, ok := s.injectFault(w, r, wd, info, rec, d)
		if !ok {
			return
		}
		r = r.WithContext(registry.WithSettings(reqinfo.With(r.Context(), info), wd.settings))
		cw := &captureWriter{ResponseWriter: w}
		serve.ServeHTTP(cw, r)
		out := rec.record(r, info, cw)
		s.journal.Append(withFault(out, fault, w))
	})
}

// layerStore is where s3shim reads layer bytes: MinIO through minio-go when
// the registry stores in S3, else the registry's embedded storage.
func layerStore(svc *registry.Service) s3shim.Store {
	if client, bucket, root, ok := svc.MinIO(); ok {
		return &s3shim.MinIOStore{Client: client, Bucket: bucket, Root: root}
	}
	return svc.Blobs()
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "ecrlink: nothing is served here; use POST / with X-Amz-Target for the ECR API, or /v2/ for the registry", http.StatusNotFound)
}
