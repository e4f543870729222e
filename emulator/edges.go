package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/blackhole"
	"github.com/ecrlink/ecrlink/emulator/ca"
	"github.com/ecrlink/ecrlink/emulator/dnsserver"
	"github.com/ecrlink/ecrlink/emulator/journal"
	"github.com/ecrlink/ecrlink/emulator/proxy"
)

// edges are the ways to ecrlink under AWS names (DESIGN.md, access mode
// 2): the TLS server, which serves the TLS listener and the proxy's
// tunnels; the blackhole; the DNS server; the CONNECT proxy on the main
// listener.
type edges struct {
	ca        *ca.CA
	advertise Advertise
	https     *http.Server
	tlsLn     net.Listener // nil without Config.TLSAddr
	tunnels   *connListener
	blackhole *blackhole.Listener
	dns       *dnsserver.Server
	proxy     *proxy.Proxy
	served    sync.WaitGroup
}

// startEdges starts what cfg asks for beside the main listener; on an
// error it stops what it started.
func (s *Server) startEdges(ctx context.Context, handler http.Handler) (err error) {
	defer func() {
		if err != nil {
			s.stopEdges(context.Background())
		}
	}()
	if s.ca = s.cfg.CA; s.ca == nil {
		if s.ca, err = ca.Ephemeral(); err != nil {
			return err
		}
	}
	s.https = s.newHTTPServer(handler)
	s.https.TLSConfig = &tls.Config{GetCertificate: s.ca.GetCertificate, MinVersion: tls.VersionTLS12,
		// HTTP/1.1 only: the network outcomes (a held request dropped,
		// a reset) act on the connection, which HTTP/2 shares.
		NextProtos: []string{"http/1.1"}}
	s.tunnels = newConnListener(s.ln.Addr())
	s.serveTLS(s.tunnels)
	if s.cfg.TLSAddr != "" {
		if s.tlsLn, err = net.Listen("tcp", s.cfg.TLSAddr); err != nil {
			return fmt.Errorf("TLS listener: %w", err)
		}
		s.serveTLS(s.tlsLn)
	}
	if s.cfg.BlackholeAddr != "" {
		if s.blackhole, err = blackhole.Listen(s.cfg.BlackholeAddr); err != nil {
			return err
		}
	}
	s.advertise = s.cfg.Advertise
	if !s.advertise.TLS.IsValid() && s.tlsLn != nil {
		s.advertise.TLS = advertised(s.tlsLn.Addr())
	}
	if !s.advertise.Blackhole.IsValid() && s.blackhole != nil {
		s.advertise.Blackhole = advertised(s.blackhole.Addr())
	}
	s.proxy = proxy.New(proxy.Proxy{Decide: s.decideConnect, Tunnel: s.tunnels.deliver,
		MaxHeld: maxHeld, Stopping: s.stopping, Logger: s.cfg.Logger})
	if s.cfg.DNSAddr != "" {
		s.dns = &dnsserver.Server{Addr: s.cfg.DNSAddr, Answerer: answerer{s}, Logger: s.cfg.Logger}
		if err = s.dns.Start(ctx); err != nil {
			s.dns = nil
			return fmt.Errorf("DNS server: %w", err)
		}
	}
	return nil
}

// serveTLS serves ln's connections over TLS in the background.
func (s *Server) serveTLS(ln net.Listener) {
	s.served.Add(1)
	go func() {
		defer s.served.Done()
		err := s.https.Serve(tls.NewListener(ln, s.https.TLSConfig))
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("emulator: TLS listener stopped", "addr", ln.Addr(), "err", err)
		}
	}()
}

// stopEdges stops every edge started.
func (s *Server) stopEdges(ctx context.Context) error {
	var errs []error
	if s.https != nil {
		errs = append(errs, s.https.Shutdown(ctx))
		if s.tlsLn != nil {
			s.tlsLn.Close() // if Serve never ran on it
		}
		s.tunnels.Close()
		s.served.Wait()
	}
	if s.dns != nil {
		errs = append(errs, s.dns.Shutdown(ctx))
	}
	if s.blackhole != nil {
		errs = append(errs, s.blackhole.Close())
	}
	return errors.Join(errs...)
}

// newHTTPServer is an http.Server for handler with ecrlink's limits.
func (s *Server) newHTTPServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
}

// advertised is the address a listener on addr is reached at: its own,
// or loopback when it listens on every address.
func advertised(addr net.Addr) netip.Addr {
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return netip.Addr{}
	}
	ip := ap.Addr().Unmap()
	if ip.IsUnspecified() {
		if ip.Is4() {
			return netip.AddrFrom4([4]byte{127, 0, 0, 1})
		}
		return netip.IPv6Loopback()
	}
	return ip
}

// decideConnect is the proxy's decision for a CONNECT to h: what a dial
// of h from the scenario's client meets. A CONNECT that is not tunnelled
// is journaled, as a request the network did not deliver is.
func (s *Server) decideConnect(_ context.Context, h awsname.Host, source netip.Addr) proxy.Decision {
	wd := s.world.Load()
	start := time.Now()
	r, d := wd.reachName(h)
	if r == reachable {
		return proxy.Decision{Verdict: proxy.Tunnel}
	}
	rec := journal.Record{Time: journal.Timestamp(start), Client: source.String(), Host: h.String(), RawHost: h.String() + ":443",
		Service: h.Service(), Route: route(d), Outcome: r.outcome(), Error: d.Error, Method: http.MethodConnect}
	if r == noRoute {
		s.journal.Append(rec)
		return proxy.Decision{Verdict: proxy.Hold, Hold: wd.hold}
	}
	rec.Status = http.StatusBadGateway
	s.journal.Append(rec)
	return proxy.Decision{Verdict: proxy.Fail, Error: d.Error}
}

// CA is ecrlink's certificate authority, and CAOptions says where it is
// kept (see package emulator/ca).
type (
	CA        = ca.CA
	CAOptions = ca.Options
)

// NewCA makes (or loads) the CA opts describe.
func NewCA(opts CAOptions) (*CA, error) { return ca.New(opts) }

// CA is the certificate authority of the TLS server's certificates.
func (s *Server) CA() *ca.CA { return s.ca }

// TLSAddr is the TLS listener's address; nil without one.
func (s *Server) TLSAddr() net.Addr {
	if s.tlsLn == nil {
		return nil
	}
	return s.tlsLn.Addr()
}

// BlackholeAddr is the blackhole's address; nil without one.
func (s *Server) BlackholeAddr() net.Addr {
	if s.blackhole == nil {
		return nil
	}
	return s.blackhole.Addr()
}

// DNSAddr is the DNS server's address; "" without one.
func (s *Server) DNSAddr() string {
	if s.dns == nil {
		return ""
	}
	return s.dns.LocalAddr()
}

// connListener is a listener whose connections are handed to it in
// process: the proxy's tunnels, served by the TLS server.
type connListener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newConnListener(addr net.Addr) *connListener {
	return &connListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

// deliver hands c to the listener's server, or closes it once the
// listener is closed.
func (l *connListener) deliver(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		c.Close()
	}
}

func (l *connListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *connListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *connListener) Addr() net.Addr { return l.addr }
