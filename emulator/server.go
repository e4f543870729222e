package emulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ecrlink/ecrlink/registry"
	"github.com/ecrlink/ecrlink/s3shim"
	"github.com/gorilla/mux"
)

// DefaultAddr is where `ecrlink serve` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:5000"

// Config configures a Server. The zero Config serves plain ECR for
// registry.DefaultAccount in memory on a random 127.0.0.1 port.
type Config struct {
	// Addr is the listen address; empty means "127.0.0.1:0".
	Addr string
	// Listener, if set, is used instead of listening on Addr.
	Listener net.Listener
	// Registry configures the ECR service (account, region, data directory).
	Registry registry.Config
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
}

// Server is a running ecrlink: one listener, routed by hostname to the ECR
// API and the registry.
type Server struct {
	cfg  Config
	svc  *registry.Service
	s3   *s3shim.Server
	ln   net.Listener
	http *http.Server
	done chan error
}

// Start builds the service, listens and serves in the background.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withConnDefaults()
	if cfg.Registry.Logger == nil {
		cfg.Registry.Logger = cfg.Logger
	}
	layers := &layerLocator{}
	if cfg.Registry.Layers == nil {
		cfg.Registry.Layers = layers
	}
	svc, err := registry.New(ctx, cfg.Registry)
	if err != nil {
		return nil, err
	}
	layers.presigner = &s3shim.Presigner{Region: svc.Region(), Key: svc.DeriveKey("starport presigner"), Now: cfg.Registry.Now}
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
	s := &Server{cfg: cfg, svc: svc, ln: ln, done: make(chan error, 1),
		s3: &s3shim.Server{Presigner: layers.presigner, Store: layerStore(svc), Logger: cfg.Logger}}
	s.http = &http.Server{
		Handler:           withBodyProgress(cfg.BodyTimeout, cfg.BodyMinBytes, s.routes()),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	go func() { s.done <- s.http.Serve(ln) }()
	return s, nil
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
	err := s.http.Shutdown(ctx)
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return errors.Join(err, s.svc.Close())
}

// routes maps each hostname family to its service. Direct mode (any host
// that is not an AWS name) serves both: POST / with X-Amz-Target is the API,
// /v2/ the registry.
func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	r.SkipClean(true) // registry paths are not to be rewritten
	api, reg := s.svc.API(), s.svc.Registry()
	r.MatcherFunc(hostIs(hostStarport)).Handler(s.withOrigin(s.s3))
	// Path-style layer URLs are issued on the direct host only; on the
	// registry and API names the path is theirs.
	r.MatcherFunc(hostIs(hostDirect)).PathPrefix("/" + s3shim.BucketName(s.svc.Region()) + "/").Handler(s.withOrigin(s.s3))
	r.MatcherFunc(hostIs(hostRegistry)).Handler(s.withOrigin(reg))
	r.MatcherFunc(hostIs(hostAPI)).Handler(s.withOrigin(api))
	r.PathPrefix("/v2").Handler(s.withOrigin(reg))
	r.Methods(http.MethodPost).Path("/").Headers("X-Amz-Target", "").Handler(s.withOrigin(api))
	r.NotFoundHandler = http.HandlerFunc(notFound)
	return r
}

// layerStore is where s3shim reads layer bytes: MinIO through minio-go when
// the registry stores in S3, else the registry's embedded storage.
func layerStore(svc *registry.Service) s3shim.Store {
	if client, bucket, root, ok := svc.MinIO(); ok {
		return &s3shim.MinIOStore{Client: client, Bucket: bucket, RootDirectory: root}
	}
	return embeddedStore{svc}
}

func hostIs(k hostKind) mux.MatcherFunc {
	return func(r *http.Request, _ *mux.RouteMatch) bool { return parseHost(r.Host).kind == k }
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "ecrlink: nothing is served here; use POST / with X-Amz-Target for the ECR API, or /v2/ for the registry", http.StatusNotFound)
}

// withOrigin stamps how the client reached us, so the URIs ECR hands out
// work when followed.
func (s *Server) withOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := parseHost(r.Host)
		o := registry.Origin{Scheme: "http", RegistryHost: r.Host}
		if r.TLS != nil {
			o.Scheme = "https"
		}
		if h.kind != hostDirect {
			o.RegistryHost = h.registryHost(s.svc.Account())
			o.Region = h.region
			if !suffixFits(h) {
				o.Region = h.region + "/" + h.suffix // no such endpoint in this partition
			}
		}
		if h.kind == hostRegistry {
			o.RegistryID = h.account
		}
		ctx := context.WithValue(r.Context(), viewKey{}, view{scheme: o.Scheme, rawHost: r.Host, host: h})
		next.ServeHTTP(w, r.WithContext(registry.WithOrigin(ctx, o)))
	})
}

// suffixFits reports whether h's DNS suffix belongs to its region's partition.
func suffixFits(h awsHost) bool {
	want := registry.DNSSuffix(h.region)
	if !h.dualStack {
		return h.suffix == want
	}
	if want == "amazonaws.com.cn" {
		return h.suffix == "on.amazonwebservices.com.cn" || h.suffix == "api.amazonwebservices.com.cn"
	}
	return want == "amazonaws.com" && (h.suffix == "on.aws" || h.suffix == "api.aws")
}
