package dnsserver

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// bucket is a token bucket: rate tokens a second, holding at most burst.
type bucket struct {
	tokens float64
	last   time.Time
}

// take refills b for the time since its last use and spends one token if
// there is one.
func (b *bucket) take(now time.Time, rate, burst float64) bool {
	if b.last.IsZero() {
		b.tokens = burst
	} else if d := now.Sub(b.last).Seconds(); d > 0 {
		b.tokens = min(burst, b.tokens+d*rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// full reports whether b would be back at burst by now, so forgetting it
// loses nothing.
func (b *bucket) full(now time.Time, rate, burst float64) bool {
	return b.tokens+now.Sub(b.last).Seconds()*rate >= burst
}

// limiter charges each query to its source's bucket and to the global one.
// Sources are bounded by maxSources: when the table is full, idle sources
// are forgotten, and if none is idle the table is cleared, so spoofed
// sources cannot grow memory; the global bucket still bounds the total.
type limiter struct {
	now               func() time.Time
	rate, burst       float64 // global
	srcRate, srcBurst float64 // per source
	maxSources        int
	mu                sync.Mutex
	global            bucket
	sources           map[netip.Addr]*bucket
}

func newLimiter(now func() time.Time, qps, perSource, maxSources int) *limiter {
	return &limiter{
		now:  now,
		rate: float64(qps), burst: float64(qps),
		srcRate: float64(perSource), srcBurst: float64(perSource),
		maxSources: maxSources,
		sources:    make(map[netip.Addr]*bucket),
	}
}

// allow reports whether a query from addr may be served. A source is
// charged before the global bucket, so one noisy source spends its own
// tokens and not everyone's.
func (l *limiter) allow(addr net.Addr) bool {
	ip := sourceIP(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.sources[ip]
	if !ok {
		if len(l.sources) >= l.maxSources {
			l.forget(now)
		}
		b = &bucket{}
		l.sources[ip] = b
	}
	if !b.take(now, l.srcRate, l.srcBurst) {
		return false
	}
	return l.global.take(now, l.rate, l.burst)
}

func (l *limiter) forget(now time.Time) {
	for ip, b := range l.sources {
		if b.full(now, l.srcRate, l.srcBurst) {
			delete(l.sources, ip)
		}
	}
	if len(l.sources) >= l.maxSources {
		clear(l.sources)
	}
}

// sourceIP is addr's IP, IPv4-mapped addresses unmapped so that one host
// has one bucket; an address of another kind maps to the zero Addr, one
// shared bucket.
func sourceIP(addr net.Addr) netip.Addr {
	var ip net.IP
	switch a := addr.(type) {
	case *net.UDPAddr:
		ip = a.IP
	case *net.TCPAddr:
		ip = a.IP
	}
	nip, _ := netip.AddrFromSlice(ip)
	return nip.Unmap()
}
