// Package proxy is ecrlink's HTTP CONNECT proxy: HTTPS_PROXY pointed at
// ecrlink makes any client reach it under AWS names, with no change to the
// machine. The proxy never dials anything: a name the client reaches is
// tunnelled to ecrlink's own TLS server in process, and the others are
// answered as DESIGN.md's outcome table says: a name with no route holds
// the CONNECT unanswered, one that does not resolve or is refused gets 502
// with the error a direct dial would have given. A host that is not an
// AWS name, or a port other than 443, is refused with 403: ecrlink never
// sends traffic off the machine.
package proxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
)

// Verdict is what the proxy does with a CONNECT.
type Verdict int

const (
	// Tunnel answers 200 and hands the connection to the TLS server.
	Tunnel Verdict = iota
	// Hold never answers, as a dial with no route never connects, until
	// Decision.Hold has passed, the client leaves or the proxy stops.
	Hold
	// Fail answers 502 with Decision.Error as its reason phrase and body.
	Fail
)

// Decision is the network's answer for a CONNECT to an AWS name.
type Decision struct {
	Verdict Verdict
	// Error is the dial error a client would have met ("dial tcp: lookup
	// NAME: no such host"); the body of a Fail.
	Error string
	// Hold bounds a Hold.
	Hold time.Duration
}

// Proxy serves CONNECT requests. Decide and Tunnel are required.
type Proxy struct {
	// Decide decides a CONNECT to host from the client at source.
	Decide func(ctx context.Context, host awsname.Host, source netip.Addr) Decision
	// Tunnel takes over a client connection whose CONNECT was answered
	// 200: the client's TLS handshake is next on it.
	Tunnel func(net.Conn)
	// MaxHeld bounds the CONNECTs held at once; a CONNECT past it is
	// closed unanswered at once. Zero means DefaultMaxHeld.
	MaxHeld int
	// Stopping, when closed, ends every hold.
	Stopping <-chan struct{}
	// Logger receives operator logs; nil discards them.
	Logger *slog.Logger

	held chan struct{}
}

// DefaultMaxHeld is a zero Proxy's MaxHeld.
const DefaultMaxHeld = 1024

// New returns p ready to serve.
func New(p Proxy) *Proxy {
	if p.MaxHeld <= 0 {
		p.MaxHeld = DefaultMaxHeld
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	p.held = make(chan struct{}, p.MaxHeld)
	return &p
}

// ServeHTTP implements http.Handler for CONNECT requests.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "ecrlink proxy: only CONNECT is served here", http.StatusMethodNotAllowed)
		return
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil || host == "" {
		http.Error(w, fmt.Sprintf("ecrlink proxy: CONNECT needs host:port, got %.256q", r.Host), http.StatusBadRequest)
		return
	}
	h, ok := awsname.MatchName(host)
	if !ok || port != "443" {
		http.Error(w, fmt.Sprintf("ecrlink proxy: refusing CONNECT %.256s: ecrlink tunnels only to the AWS names it serves, on port 443, and never sends traffic off the machine", r.Host), http.StatusForbidden)
		return
	}
	var source netip.Addr
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		source = ap.Addr().Unmap()
	}
	d := p.Decide(r.Context(), h, source)
	switch d.Verdict {
	case Fail:
		p.fail(w, d.Error)
	case Hold:
		p.hold(w, r, d.Hold)
	default:
		p.tunnel(w)
	}
}

// fail answers 502 with the dial error as the reason phrase as well as
// the body: Go's transport, in docker, containerd, skopeo and the SDKs,
// reports a refused CONNECT by its reason phrase alone, so a client then
// prints what it prints when its own dial fails ("Get ...: dial tcp:
// lookup NAME: no such host").
func (p *Proxy) fail(w http.ResponseWriter, text string) {
	reason := strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, text)
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil { // not over HTTP/1: a plain 502 says the same
		http.Error(w, text, http.StatusBadGateway)
		return
	}
	defer conn.Close()
	fmt.Fprintf(brw, "HTTP/1.1 502 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s\n",
		reason, len(text)+1, text)
	brw.Flush()
}

// tunnel answers 200 and hands the connection over, with whatever the
// client sent after its CONNECT.
func (p *Proxy) tunnel(w http.ResponseWriter) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.Logger.Warn("proxy: cannot take over the connection", "err", err)
		return
	}
	if _, err := brw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		conn.Close()
		return
	}
	if err := brw.Flush(); err != nil {
		conn.Close()
		return
	}
	if n := brw.Reader.Buffered(); n > 0 {
		conn = &bufferedConn{Conn: conn, r: brw.Reader}
	}
	p.Tunnel(conn)
}

// hold keeps the CONNECT unanswered for at most d, or closes it at once
// when MaxHeld are held already.
func (p *Proxy) hold(w http.ResponseWriter, r *http.Request, d time.Duration) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	select {
	case p.held <- struct{}{}:
		defer func() { <-p.held }()
	default:
		p.Logger.Warn("proxy: too many CONNECTs held; closing this one at once", "held", p.MaxHeld, "host", r.Host)
		return
	}
	gone := make(chan struct{})
	go func() { // the client leaving ends the hold; what it sends is dropped
		io.Copy(io.Discard, conn)
		close(gone)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-gone:
	case <-p.Stopping:
	}
}

// bufferedConn is a connection with bytes already read into r.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

// NetConn is the client's connection, for what must act on the socket
// itself (a reset).
func (c *bufferedConn) NetConn() net.Conn { return c.Conn }

func (c *bufferedConn) Read(b []byte) (int, error) {
	if c.r.Buffered() > 0 {
		return c.r.Read(b)
	}
	return c.Conn.Read(b)
}
