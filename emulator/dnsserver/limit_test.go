package dnsserver_test

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator/dnsserver"
	"github.com/miekg/dns"
)

// clock is a settable clock for the rate limit.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// flood sends n queries over UDP from local IP from and counts the replies
// that come back within a short wait.
func flood(t *testing.T, addr, from string, n int) int {
	t.Helper()
	raddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(from)}, raddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range n {
		q := query("api.ecr.us-east-1.amazonaws.com", dns.TypeA)
		q.Id = uint16(i)
		b, _ := q.Pack()
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	buf := make([]byte, 2048)
	conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	for {
		if _, err := conn.Read(buf); err != nil {
			return got
		}
		got++
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		qps, perSource    int
		floodN, maxServed int
		otherServed       bool // a query from another source right after the flood
	}{
		{name: "per source", qps: 1000, perSource: 5, floodN: 50, maxServed: 5, otherServed: true},
		{name: "global", qps: 5, perSource: 1000, floodN: 50, maxServed: 5, otherServed: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Unix(1e9, 0)}
			addr := start(t, &dnsserver.Server{MaxQPS: tc.qps, MaxQPSPerSource: tc.perSource, Now: clk.now})
			if got := flood(t, addr, "127.0.0.1", tc.floodN); got == 0 || got > tc.maxServed {
				t.Fatalf("flood of %d got %d replies, want 1..%d", tc.floodN, got, tc.maxServed)
			}
			if got := flood(t, addr, "127.0.0.3", 1); (got == 1) != tc.otherServed {
				t.Fatalf("another source right after the flood: %d replies, want served %v", got, tc.otherServed)
			}
			// Over TCP the source is real, so it is told REFUSED, not dropped.
			c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
			r, _, err := c.Exchange(query("api.ecr.us-east-1.amazonaws.com", dns.TypeA), addr)
			if err != nil || r.Rcode != dns.RcodeRefused {
				t.Fatalf("tcp past the limit: %v, %v; want REFUSED", r, err)
			}
			clk.add(time.Second) // a second later the buckets are full again
			r, err = dns.Exchange(query("api.ecr.us-east-1.amazonaws.com", dns.TypeA), addr)
			if err != nil || r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
				t.Fatalf("after the flood: %v, %v; want an answer", r, err)
			}
		})
	}
}

func TestManySources(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Unix(1e9, 0)}
	addr := start(t, &dnsserver.Server{MaxSources: 2, MaxQPSPerSource: 1, Now: clk.now})
	// Each source in turn fills the table past MaxSources; none is starved.
	for _, from := range []string{"127.0.0.1", "127.0.0.4", "127.0.0.5", "127.0.0.6"} {
		if got := flood(t, addr, from, 1); got != 1 {
			t.Fatalf("source %s: %d replies, want 1", from, got)
		}
	}
}

func TestTCPConnBound(t *testing.T) {
	t.Parallel()
	addr := start(t, &dnsserver.Server{MaxTCPConns: 2})
	var held []*dns.Conn
	for range 2 {
		c, err := dns.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// A query proves the connection holds a slot before the next dial.
		if err := c.WriteMsg(query("nx.amazonaws.com", dns.TypeA)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ReadMsg(); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	extra, err := dns.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	extra.SetDeadline(time.Now().Add(2 * time.Second))
	if err := extra.WriteMsg(query("nx.amazonaws.com", dns.TypeA)); err == nil {
		if r, err := extra.ReadMsg(); err == nil {
			t.Fatalf("third connection answered %v; want it closed", r)
		}
	}
	held[0].Close()
	// The freed slot serves a new connection; dialling may race the
	// server noticing the close, so allow a few tries.
	for i := 0; ; i++ {
		c := &dns.Client{Net: "tcp", Timeout: time.Second}
		if _, _, err := c.Exchange(query("nx.amazonaws.com", dns.TypeA), addr); err == nil {
			break
		} else if i == 20 {
			t.Fatalf("after a slot was freed: %v", err)
		}
	}
}
