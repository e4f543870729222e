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
	// fresh are the TLS server's connections that have sent no request
	// yet (track).
	mu    sync.Mutex
	fresh map[net.Conn]struct{}
}

// startEdges starts what cfg asks for beside the main listener; on an
// error it stops what it started. Everything is listening, and the
// advertised addresses known, before anything is served.
func (s *Server) startEdges(ctx context.Context, handler http.Handler) (err error) {
	e := &s.edges
	defer func() {
		if err != nil {
			s.stopEdges(context.Background())
		}
	}()
	if e.ca = s.cfg.CA; e.ca == nil {
		if e.ca, err = ca.Ephemeral(); err != nil {
			return err
		}
	}
	if s.cfg.TLSAddr != "" {
		if e.tlsLn, err = net.Listen("tcp", s.cfg.TLSAddr); err != nil {
			return fmt.Errorf("TLS listener: %w", err)
		}
	}
	if s.cfg.BlackholeAddr != "" {
		if e.blackhole, err = blackhole.Listen(s.cfg.BlackholeAddr); err != nil {
			return err
		}
	}
	if e.advertise, err = s.advertised(); err != nil {
		return err
	}
	e.https = s.newHTTPServer(handler)
	e.https.TLSConfig = &tls.Config{GetCertificate: e.ca.GetCertificate, MinVersion: tls.VersionTLS12,
		// HTTP/1.1 only: the network outcomes (a held request dropped,
		// a reset) act on the connection, which HTTP/2 shares.
		NextProtos: []string{"http/1.1"}}
	e.https.ConnState = e.track
	e.tunnels = newConnListener(s.ln.Addr())
	e.proxy = proxy.New(proxy.Proxy{Decide: s.decideConnect, Tunnel: e.tunnels.deliver,
		MaxHeld: maxHeld, Stopping: s.stopping, Logger: s.cfg.Logger})
	s.serveTLS(e.tunnels)
	if e.tlsLn != nil {
		s.serveTLS(e.tlsLn)
	}
	if s.cfg.DNSAddr != "" {
		e.dns = &dnsserver.Server{Addr: s.cfg.DNSAddr, Answerer: answerer{s}, Logger: s.cfg.Logger}
		if err = e.dns.Start(ctx); err != nil {
			e.dns = nil
			return fmt.Errorf("DNS server: %w", err)
		}
	}
	return nil
}

// advertised is Config.Advertise with its zero fields filled from the
// listeners. A DNS server for other hosts must not answer with loopback,
// where each of them would dial itself: that takes an explicit address.
func (s *Server) advertised() (Advertise, error) {
	a := s.cfg.Advertise
	if !a.TLS.IsValid() && s.edges.tlsLn != nil {
		a.TLS = listenerAddr(s.edges.tlsLn.Addr())
	}
	if !a.Blackhole.IsValid() && s.edges.blackhole != nil {
		a.Blackhole = listenerAddr(s.edges.blackhole.Addr())
	}
	if s.cfg.DNSAddr == "" || s.cfg.Advertise.TLS.IsValid() {
		return a, nil
	}
	if !a.TLS.IsValid() {
		return a, errors.New("a DNS server without a TLS listener has no address to give: set the TLS listener or the advertised address")
	}
	if host, _, err := net.SplitHostPort(s.cfg.DNSAddr); err == nil {
		if ip, err := netip.ParseAddr(host); err == nil && !ip.IsLoopback() && a.TLS.IsLoopback() {
			return a, fmt.Errorf("the DNS server on %s would answer its clients with %s, their own loopback: give the address they reach the TLS listener at (--advertise)", s.cfg.DNSAddr, a.TLS)
		}
	}
	return a, nil
}

// serveTLS serves ln's connections over TLS in the background.
func (s *Server) serveTLS(ln net.Listener) {
	e := &s.edges
	e.served.Add(1)
	go func() {
		defer e.served.Done()
		err := e.https.Serve(tls.NewListener(ln, e.https.TLSConfig))
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("emulator: TLS listener stopped", "addr", ln.Addr(), "err", err)
		}
	}()
}

// track keeps the TLS server's connections that have not yet sent a
// request, so that Shutdown can close them at once: net/http waits 5 s
// before it counts such a connection as idle, and a tunnel a client left
// silent would hold Shutdown that long, or past its deadline.
func (e *edges) track(c net.Conn, state http.ConnState) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if state == http.StateNew {
		if e.fresh == nil {
			e.fresh = map[net.Conn]struct{}{}
		}
		e.fresh[c] = struct{}{}
		return
	}
	delete(e.fresh, c)
}

// stopEdges stops every edge started.
func (s *Server) stopEdges(ctx context.Context) error {
	e := &s.edges
	var errs []error
	if e.https != nil {
		e.tunnels.Close()
		e.mu.Lock()
		for c := range e.fresh {
			c.Close()
		}
		e.mu.Unlock()
		if err := e.https.Shutdown(ctx); err != nil {
			errs = append(errs, err, e.https.Close())
		}
		e.served.Wait()
	}
	if e.tlsLn != nil {
		e.tlsLn.Close() // if it was never served
	}
	if e.dns != nil {
		errs = append(errs, e.dns.Shutdown(ctx))
	}
	if e.blackhole != nil {
		errs = append(errs, e.blackhole.Close())
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

// listenerAddr is the address a listener on addr is reached at: its own,
// or loopback when it listens on every address.
func listenerAddr(addr net.Addr) netip.Addr {
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
func (s *Server) CA() *ca.CA { return s.edges.ca }

// TLSAddr is the TLS listener's address; nil without one.
func (s *Server) TLSAddr() net.Addr {
	if s.edges.tlsLn == nil {
		return nil
	}
	return s.edges.tlsLn.Addr()
}

// BlackholeAddr is the blackhole's address; nil without one.
func (s *Server) BlackholeAddr() net.Addr {
	if s.edges.blackhole == nil {
		return nil
	}
	return s.edges.blackhole.Addr()
}

// DNSAddr is the DNS server's address; "" without one.
func (s *Server) DNSAddr() string {
	if s.edges.dns == nil {
		return ""
	}
	return s.edges.dns.LocalAddr()
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
