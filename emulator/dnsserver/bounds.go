package dnsserver

import (
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// limitedReader drops UDP queries past the rate limit as they are read,
// before dns.Server parses them or starts a goroutine: a flood costs one
// read and a map lookup per packet.
type limitedReader struct {
	dns.Reader
	limit *limiter
}

// ReadUDP implements dns.Reader.
func (r *limitedReader) ReadUDP(conn *net.UDPConn, timeout time.Duration) ([]byte, *dns.SessionUDP, error) {
	for {
		m, s, err := r.Reader.ReadUDP(conn, timeout)
		if err != nil || r.limit.allow(s.RemoteAddr()) {
			return m, s, err
		}
	}
}

// boundedListener closes connections accepted past its slots at once,
// rather than letting them queue: a client told no promptly can retry or
// fall back to UDP.
type boundedListener struct {
	net.Listener
	slots chan struct{}
}

// Accept implements net.Listener.
func (l *boundedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &slotConn{Conn: c, free: func() { <-l.slots }}, nil
		default:
			c.Close()
		}
	}
}

// slotConn gives its slot back once, on the first Close.
type slotConn struct {
	net.Conn
	once sync.Once
	free func()
}

// Close implements net.Conn.
func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.free)
	return err
}
