package dnsserver_test

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator/dnsserver"
	"github.com/miekg/dns"
)

// zone is a fixed Answerer for tests.
var zone = dnsserver.AnswererFunc(func(name string) dnsserver.Answer {
	switch name {
	case "api.ecr.us-east-1.amazonaws.com":
		return dnsserver.Answer{Kind: dnsserver.Address,
			A:    []netip.Addr{netip.MustParseAddr("127.0.0.2")},
			AAAA: []netip.Addr{netip.MustParseAddr("::1")}}
	case "many.amazonaws.com":
		var a []netip.Addr
		for i := range 200 {
			a = append(a, netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}))
		}
		return dnsserver.Answer{Kind: dnsserver.Address, A: a}
	case "nx.amazonaws.com":
		return dnsserver.Answer{Kind: dnsserver.NXDomain}
	case "fail.amazonaws.com":
		return dnsserver.Answer{Kind: dnsserver.ServFail}
	case "panic.amazonaws.com":
		panic("boom")
	}
	return dnsserver.Answer{Kind: dnsserver.Refused}
})

func start(t *testing.T, s *dnsserver.Server) string {
	t.Helper()
	if s.Answerer == nil {
		s.Answerer = zone
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return s.LocalAddr()
}

func query(name string, qtype uint16) *dns.Msg {
	return new(dns.Msg).SetQuestion(dns.Fqdn(name), qtype)
}

func TestAnswers(t *testing.T) {
	t.Parallel()
	addr := start(t, &dnsserver.Server{})
	cases := []struct {
		name    string
		qname   string
		qtype   uint16
		rcode   int
		aa      bool
		answers []string
	}{
		{name: "A", qname: "API.ecr.us-east-1.amazonaws.com", qtype: dns.TypeA, rcode: dns.RcodeSuccess, aa: true, answers: []string{"127.0.0.2"}},
		{name: "AAAA", qname: "api.ecr.us-east-1.amazonaws.com", qtype: dns.TypeAAAA, rcode: dns.RcodeSuccess, aa: true, answers: []string{"::1"}},
		{name: "NODATA", qname: "api.ecr.us-east-1.amazonaws.com", qtype: dns.TypeMX, rcode: dns.RcodeSuccess, aa: true},
		{name: "NXDOMAIN", qname: "nx.amazonaws.com", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true},
		{name: "SERVFAIL", qname: "fail.amazonaws.com", qtype: dns.TypeA, rcode: dns.RcodeServerFailure},
		{name: "REFUSED", qname: "example.com", qtype: dns.TypeA, rcode: dns.RcodeRefused},
		{name: "answerer panics", qname: "panic.amazonaws.com", qtype: dns.TypeA, rcode: dns.RcodeServerFailure},
	}
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		for _, tc := range cases {
			t.Run(network+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				r, _, err := c.Exchange(query(tc.qname, tc.qtype), addr)
				if err != nil {
					t.Fatal(err)
				}
				if r.Rcode != tc.rcode || r.Authoritative != tc.aa {
					t.Fatalf("rcode %s aa %v, want %s aa %v", dns.RcodeToString[r.Rcode], r.Authoritative,
						dns.RcodeToString[tc.rcode], tc.aa)
				}
				var got []string
				for _, rr := range r.Answer {
					if rr.Header().Ttl != 5 {
						t.Errorf("ttl %d, want 5", rr.Header().Ttl)
					}
					switch rr := rr.(type) {
					case *dns.A:
						got = append(got, rr.A.String())
					case *dns.AAAA:
						got = append(got, rr.AAAA.String())
					}
				}
				if len(got) != len(tc.answers) || (len(got) > 0 && got[0] != tc.answers[0]) {
					t.Fatalf("answers %v, want %v", got, tc.answers)
				}
			})
		}
	}
}

func TestTruncationAndEDNS(t *testing.T) {
	t.Parallel()
	addr := start(t, &dnsserver.Server{})
	cases := []struct {
		name     string
		net      string
		edns     uint16
		trunc    bool
		maxBytes int
	}{
		{name: "udp plain", net: "udp", trunc: true, maxBytes: 512},
		{name: "udp edns 4096 capped", net: "udp", edns: 4096, trunc: true, maxBytes: 1232},
		{name: "tcp whole", net: "tcp", trunc: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := query("many.amazonaws.com", dns.TypeA)
			if tc.edns != 0 {
				q.SetEdns0(tc.edns, false)
			}
			c := &dns.Client{Net: tc.net, Timeout: 2 * time.Second, UDPSize: 65535}
			r, _, err := c.Exchange(q, addr)
			if err != nil {
				t.Fatal(err)
			}
			if r.Truncated != tc.trunc {
				t.Fatalf("truncated %v, want %v", r.Truncated, tc.trunc)
			}
			r.Compress = true // as sent; Len otherwise counts uncompressed
			if n := r.Len(); tc.maxBytes > 0 && n > tc.maxBytes {
				t.Fatalf("reply is %d bytes, want ≤ %d", n, tc.maxBytes)
			}
			if !tc.trunc && len(r.Answer) != 200 {
				t.Fatalf("%d answers, want 200", len(r.Answer))
			}
			if tc.edns != 0 && r.IsEdns0() == nil {
				t.Fatal("no OPT in reply to an EDNS0 query")
			}
		})
	}
}

func TestBadVersion(t *testing.T) {
	t.Parallel()
	addr := start(t, &dnsserver.Server{})
	q := query("api.ecr.us-east-1.amazonaws.com", dns.TypeA)
	q.SetEdns0(1232, false)
	q.IsEdns0().SetVersion(1)
	r, err := dns.Exchange(q, addr)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeBadVers {
		t.Fatalf("rcode %s, want BADVERS", dns.RcodeToString[r.Rcode])
	}
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	addr := start(t, &dnsserver.Server{})
	two := query("a.amazonaws.com", dns.TypeA)
	two.Question = append(two.Question, dns.Question{Name: "b.amazonaws.com.", Qtype: dns.TypeA, Qclass: dns.ClassINET})
	chaos := query("version.bind", dns.TypeTXT)
	chaos.Question[0].Qclass = dns.ClassCHAOS
	notify := query("a.amazonaws.com", dns.TypeSOA)
	notify.Opcode = dns.OpcodeNotify
	update := query("amazonaws.com", dns.TypeSOA)
	update.Opcode = dns.OpcodeUpdate
	cases := []struct {
		name  string
		q     *dns.Msg
		rcode int
	}{
		{name: "two questions", q: two, rcode: dns.RcodeFormatError},
		{name: "class CH", q: chaos, rcode: dns.RcodeRefused},
		{name: "notify", q: notify, rcode: dns.RcodeNotImplemented},
		{name: "update", q: update, rcode: dns.RcodeNotImplemented},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, tc := range cases {
			t.Run(network+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c := &dns.Client{Net: network, Timeout: 2 * time.Second}
				r, _, err := c.Exchange(tc.q.Copy(), addr)
				if err != nil {
					t.Fatal(err)
				}
				if r.Rcode != tc.rcode {
					t.Fatalf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tc.rcode])
				}
			})
		}
	}
}

// TestGarbage sends bytes that are no DNS message: the server answers
// FORMERR (NOTIMP for a bad opcode) or nothing, and keeps serving.
func TestGarbage(t *testing.T) {
	t.Parallel()
	addr := start(t, &dnsserver.Server{})
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	good, _ := query("a.amazonaws.com", dns.TypeA).Pack()
	for _, b := range [][]byte{
		{}, {0}, []byte("GET / HTTP/1.1\r\n\r\n"),
		append([]byte{0xde, 0xad, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, 0xff, 0xff, 0xff),
		good[:len(good)-3],
		append(good[:2:2], 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0), // a response: ignored
	} {
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	buf := make([]byte, 2048)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			break // deadline: nothing more came back
		}
		var r dns.Msg
		if err := r.Unpack(buf[:n]); err != nil || (r.Rcode != dns.RcodeFormatError && r.Rcode != dns.RcodeNotImplemented) {
			t.Fatalf("reply to garbage: rcode %d, err %v; want FORMERR, NOTIMP or nothing", r.Rcode, err)
		}
	}
	if r, err := dns.Exchange(query("nx.amazonaws.com", dns.TypeA), addr); err != nil || r.Rcode != dns.RcodeNameError {
		t.Fatalf("after garbage: %v %v", r, err)
	}
}
