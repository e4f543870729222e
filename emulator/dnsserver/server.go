package dnsserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Defaults for a zero Server.
const (
	DefaultAddr            = "127.0.0.1:0"
	DefaultMaxQPS          = 5000
	DefaultMaxQPSPerSource = 500
	DefaultMaxSources      = 10000
	DefaultMaxTCPConns     = 256
	DefaultMaxTCPQueries   = 128
	DefaultTimeout         = 2 * time.Second
)

// Server serves DNS over UDP and TCP on one address. Each field's zero
// value means the default named beside it; fields must not change after
// Start.
type Server struct {
	// Addr is the host:port to listen on, both UDP and TCP; empty means
	// DefaultAddr. With port 0 both get the same random port.
	Addr string
	// Answerer decides every answer; nil refuses everything.
	Answerer Answerer
	// Logger receives operator logs; nil discards them.
	Logger *slog.Logger
	// MaxQPS bounds queries a second over all sources (the burst is one
	// second's worth); zero means DefaultMaxQPS.
	MaxQPS int
	// MaxQPSPerSource bounds queries a second from one IP address; zero
	// means DefaultMaxQPSPerSource.
	MaxQPSPerSource int
	// MaxSources bounds the source IPs tracked by the rate limit; zero
	// means DefaultMaxSources.
	MaxSources int
	// MaxTCPConns bounds open TCP connections; zero means
	// DefaultMaxTCPConns.
	MaxTCPConns int
	// MaxTCPQueries bounds queries on one TCP connection; zero means
	// DefaultMaxTCPQueries.
	MaxTCPQueries int
	// Timeout is the read and write timeout of a query and the idle
	// timeout of a TCP connection; zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the rate limit's clock; nil means time.Now.
	Now func() time.Time

	mu        sync.Mutex
	udp, tcp  *dns.Server
	localAddr string
}

// ErrStarted is returned by Start on a Server already started.
var ErrStarted = errors.New("dnsserver: already started")

func (s *Server) withDefaults() {
	if s.Addr == "" {
		s.Addr = DefaultAddr
	}
	if s.Answerer == nil {
		s.Answerer = AnswererFunc(func(string) Answer { return Answer{Kind: Refused} })
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&s.MaxQPS, DefaultMaxQPS)
	setDefault(&s.MaxQPSPerSource, DefaultMaxQPSPerSource)
	setDefault(&s.MaxSources, DefaultMaxSources)
	setDefault(&s.MaxTCPConns, DefaultMaxTCPConns)
	setDefault(&s.MaxTCPQueries, DefaultMaxTCPQueries)
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	if s.Now == nil {
		s.Now = time.Now
	}
}

func setDefault(v *int, d int) {
	if *v == 0 {
		*v = d
	}
}

// validate checks the fields after defaults are filled.
func (s *Server) validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{
		{"MaxQPS", s.MaxQPS}, {"MaxQPSPerSource", s.MaxQPSPerSource}, {"MaxSources", s.MaxSources},
		{"MaxTCPConns", s.MaxTCPConns}, {"MaxTCPQueries", s.MaxTCPQueries},
	} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("dnsserver: %s is %d, want ≥ 0", f.name, f.v))
		}
	}
	if s.Timeout < 0 {
		errs = append(errs, fmt.Errorf("dnsserver: Timeout is %v, want ≥ 0", s.Timeout))
	}
	return errors.Join(errs...)
}

// Start binds UDP and TCP and returns once both serve, or with the first
// error. ctx bounds the start only; Shutdown stops the server.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.udp != nil {
		return ErrStarted
	}
	s.withDefaults()
	if err := s.validate(); err != nil {
		return err
	}
	pc, ln, err := listen(ctx, s.Addr)
	if err != nil {
		return err
	}
	lim := newLimiter(s.Now, s.MaxQPS, s.MaxQPSPerSource, s.MaxSources)
	h := &handler{answerer: s.Answerer, limit: lim, log: s.Logger}
	started := make(chan struct{}, 2)
	errc := make(chan error, 2)
	s.udp = s.dnsServer(h, started)
	s.udp.PacketConn = pc
	s.udp.DecorateReader = func(r dns.Reader) dns.Reader { return &limitedReader{Reader: r, limit: lim} }
	s.tcp = s.dnsServer(h, started)
	s.tcp.Listener = &boundedListener{Listener: ln, slots: make(chan struct{}, s.MaxTCPConns)}
	s.localAddr = pc.LocalAddr().String()
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		go func() { errc <- srv.ActivateAndServe() }()
	}
	for range 2 {
		select {
		case <-started:
		case err = <-errc:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			s.shutdownLocked(context.Background())
			return fmt.Errorf("dnsserver: start on %s: %w", s.Addr, err)
		}
	}
	s.Logger.Info("dns: serving", "addr", s.localAddr)
	return nil
}

func (s *Server) dnsServer(h dns.Handler, started chan<- struct{}) *dns.Server {
	return &dns.Server{
		Handler:           h,
		UDPSize:           maxUDPSize,
		ReadTimeout:       s.Timeout,
		WriteTimeout:      s.Timeout,
		IdleTimeout:       func() time.Duration { return s.Timeout },
		MaxTCPQueries:     s.MaxTCPQueries,
		MsgAcceptFunc:     acceptMsg,
		MsgInvalidFunc:    func([]byte, error) {}, // bad packets are routine; logging them would be a flood of its own
		NotifyStartedFunc: func() { started <- struct{}{} },
	}
}

// ListenAndServe starts the server and serves until ctx is done, then shuts
// it down.
func (s *Server) ListenAndServe(ctx context.Context) error {
	if err := s.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return s.Shutdown(context.Background())
}

// LocalAddr is the host:port on which both UDP and TCP listen, empty
// before Start.
func (s *Server) LocalAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.localAddr
}

// Shutdown stops both listeners and waits, within ctx, for queries in
// flight. A Server that was never started, or already shut down, shuts
// down at once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdownLocked(ctx)
}

func (s *Server) shutdownLocked(ctx context.Context) error {
	var errs []error
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		if srv == nil {
			continue
		}
		if err := srv.ShutdownContext(ctx); err != nil {
			errs = append(errs, err)
		}
		// ShutdownContext leaves a server that never started holding its socket.
		if srv.PacketConn != nil {
			srv.PacketConn.Close()
		}
		if srv.Listener != nil {
			srv.Listener.Close()
		}
	}
	s.udp, s.tcp = nil, nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dnsserver: shutdown: %w", err)
	}
	return nil
}

// listen binds UDP then TCP on the same port. With port 0 the kernel picks
// the UDP port, which TCP may find taken; a few tries find a free pair.
func listen(ctx context.Context, addr string) (net.PacketConn, net.Listener, error) {
	var lc net.ListenConfig
	var err error
	for range 8 {
		var pc net.PacketConn
		pc, err = lc.ListenPacket(ctx, "udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("dnsserver: listen udp: %w", err)
		}
		var ln net.Listener
		ln, err = lc.Listen(ctx, "tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		if _, port, _ := net.SplitHostPort(addr); port != "0" {
			break
		}
	}
	return nil, nil, fmt.Errorf("dnsserver: listen tcp: %w", err)
}
