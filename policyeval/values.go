package policyeval

import (
	"net/netip"
	"strconv"
	"time"
)

// parseNumber parses an integer or decimal condition value. It checks the
// characters first so that a non-number costs no allocation (strconv's
// errors allocate).
func parseNumber(s string) (float64, bool) {
	if s == "" || len(s) > 64 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// instant is a point in time with nanosecond precision over the whole
// range of years IAM accepts, compared field by field.
type instant struct {
	sec  int64
	nsec int64
}

func (a instant) cmp(b instant) int {
	switch {
	case a.sec < b.sec:
		return -1
	case a.sec > b.sec:
		return 1
	case a.nsec < b.nsec:
		return -1
	case a.nsec > b.nsec:
		return 1
	}
	return 0
}

func instantOf(t time.Time) instant { return instant{sec: t.Unix(), nsec: int64(t.Nanosecond())} }

// parseDate parses a Date condition value: W3C ISO 8601
// (YYYY[-MM[-DD]][Thh[:mm[:ss[.fff]]]][Z|±hh[:mm]]) or an epoch integer
// (POLICY-FACTS §4). An epoch of 13 or more digits is taken as
// milliseconds, as aws:TokenIssueTime values sometimes are; shorter ones are
// seconds, like aws:EpochTime.
func parseDate(s string) (instant, bool) {
	if s == "" || len(s) > 64 {
		return instant{}, false
	}
	if n, ok := pyInt(s); ok && s[0] != '+' && !hasDateSeparator(s) {
		digits := len(s)
		if s[0] == '-' {
			digits--
		}
		if digits >= 13 {
			return instant{sec: n / 1000, nsec: (n % 1000) * 1e6}, true
		}
		return instant{sec: n}, true
	}
	return parseISODate(s)
}

func hasDateSeparator(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == '-' || s[i] == 'T' || s[i] == 't' || s[i] == ':' {
			return true
		}
	}
	return false
}

// dateScanner reads fixed-width digit fields.
type dateScanner struct {
	s   string
	i   int
	bad bool
}

func (d *dateScanner) digits(n int) int {
	if d.i+n > len(d.s) {
		d.bad = true
		return 0
	}
	v := 0
	for _, c := range []byte(d.s[d.i : d.i+n]) {
		if c < '0' || c > '9' {
			d.bad = true
			return 0
		}
		v = v*10 + int(c-'0')
	}
	d.i += n
	return v
}

// sep consumes c (either case for letters) if it is next.
func (d *dateScanner) sep(c byte) bool {
	if d.i < len(d.s) && lowerASCII(d.s[d.i]) == lowerASCII(c) {
		d.i++
		return true
	}
	return false
}

func parseISODate(s string) (instant, bool) {
	d := &dateScanner{s: s}
	year := d.digits(4)
	month, day := 1, 1
	if d.sep('-') {
		month = d.digits(2)
		if d.sep('-') {
			day = d.digits(2)
		}
	}
	var hh, mm, ss, nsec int
	if d.sep('T') {
		hh = d.digits(2)
		if d.sep(':') {
			mm = d.digits(2)
			if d.sep(':') {
				ss = d.digits(2)
				nsec = d.fraction()
			}
		}
	}
	offset := d.zone()
	if d.bad || d.i != len(s) || month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return instant{}, false
	}
	t := time.Date(year, time.Month(month), day, hh, mm, ss, nsec, time.UTC)
	return instant{sec: t.Unix() - int64(offset), nsec: int64(nsec)}, true
}

// fraction reads ".ddd" as nanoseconds (digits past the ninth ignored).
func (d *dateScanner) fraction() int {
	if !d.sep('.') {
		return 0
	}
	n, scale, start := 0, 100000000, d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		n += int(d.s[d.i]-'0') * scale
		scale /= 10
		d.i++
	}
	if d.i == start {
		d.bad = true
	}
	return n
}

// zone reads Z, ±hh, ±hh:mm or ±hhmm and returns the offset in seconds.
func (d *dateScanner) zone() int {
	if d.sep('Z') || d.i == len(d.s) {
		return 0
	}
	sign := 1
	switch {
	case d.sep('+'):
	case d.sep('-'):
		sign = -1
	default:
		d.bad = true
		return 0
	}
	h := d.digits(2)
	m := 0
	if d.sep(':') || d.i+2 == len(d.s) {
		m = d.digits(2)
	}
	return sign * (h*3600 + m*60)
}

// parseCIDR parses an IpAddress value; a bare address gets the default
// /32 or /128 (POLICY-FACTS §4). The prefix is masked, so equal networks
// written differently (2001:DB8::/32, 2001:db8::/32) compare equal.
func parseCIDR(s string) (netip.Prefix, bool) {
	var p netip.Prefix
	var err error
	if containsByte(s, '/') {
		p, err = netip.ParsePrefix(s)
	} else {
		var a netip.Addr
		a, err = netip.ParseAddr(s)
		if err == nil {
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
	}
	if err != nil {
		return netip.Prefix{}, false
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), true
}

// parseIP parses a request address. IPv4-mapped IPv6 addresses count as
// IPv4; an IPv4 address never matches an IPv6 network, nor the reverse.
func parseIP(s string) (netip.Addr, bool) {
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.') {
			return netip.Addr{}, false
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
