// Package blackhole is the address a name resolves to when the VPC has no
// route to it. A VPC without a route drops the client's packets, so the
// client's dial times out ("dial tcp 52.94.1.2:443: i/o timeout"), and the
// Docker daemon's /v2/ ping reports "request canceled while waiting for
// connection". A listener that accepted connections and never answered
// would show a different failure (a TLS handshake timeout), so a blackhole
// never accepts: its listen queue is held full by a connection of its own,
// and the kernel drops every further SYN. It holds no memory per client.
package blackhole

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Listener is a blackhole on one address.
type Listener struct {
	ln   net.Listener // never accepted from
	fill net.Conn     // the connection that holds the queue full
	once sync.Once
	err  error
}

// Listen starts a blackhole on addr ("198.18.0.11:443"; port 0 picks
// one).
func Listen(addr string) (*Listener, error) {
	ln, err := listenFull(addr)
	if err != nil {
		return nil, fmt.Errorf("blackhole: listen %s: %w", addr, err)
	}
	fill, err := net.DialTimeout("tcp", dialable(ln.Addr()), 5*time.Second)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("blackhole: fill the queue of %s: %w", ln.Addr(), err)
	}
	return &Listener{ln: ln, fill: fill}, nil
}

// Addr is the blackhole's address.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// Close stops the blackhole; clients waiting on it are then refused.
func (l *Listener) Close() error {
	l.once.Do(func() { l.err = errors.Join(l.fill.Close(), l.ln.Close()) })
	return l.err
}

// dialable is addr with an unspecified IP replaced by loopback, so the
// filling connection has somewhere to go.
func dialable(addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok || !ta.IP.IsUnspecified() {
		return addr.String()
	}
	ip := net.IPv4(127, 0, 0, 1)
	if ta.IP.To4() == nil {
		ip = net.IPv6loopback
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(ta.Port))
}
