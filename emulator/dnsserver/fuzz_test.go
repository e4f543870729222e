package dnsserver

import (
	"log/slog"
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

// FuzzHandler feeds arbitrary messages to the handler: whatever unpacks
// gets a reply that packs, matches the query's id and fits its transport,
// or no reply; nothing panics.
func FuzzHandler(f *testing.F) {
	for _, q := range []*dns.Msg{
		new(dns.Msg).SetQuestion("api.ecr.us-east-1.amazonaws.com.", dns.TypeA),
		new(dns.Msg).SetQuestion("nx.amazonaws.com.", dns.TypeAAAA),
		new(dns.Msg).SetQuestion("example.com.", dns.TypeMX).SetEdns0(4096, true),
	} {
		b, err := q.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, true)
	}
	f.Add([]byte{0, 0, 0x28, 0, 0, 2, 0, 0, 0, 0, 0, 0}, false)
	h := &handler{log: slog.New(slog.DiscardHandler), answerer: AnswererFunc(func(name string) Answer {
		switch len(name) % 4 {
		case 0:
			var a []netip.Addr
			for i := range len(name) * 3 {
				a = append(a, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), netip.IPv6Loopback())
			}
			return Answer{Kind: Address, A: a, AAAA: a}
		case 1:
			return Answer{Kind: NXDomain}
		case 2:
			return Answer{Kind: ServFail}
		}
		return Answer{}
	})}
	f.Fuzz(func(t *testing.T, b []byte, udp bool) {
		req := new(dns.Msg)
		if req.Unpack(b) != nil {
			return
		}
		m := h.reply(req, udp)
		if m == nil {
			return
		}
		out, err := m.Pack()
		if err != nil {
			t.Fatalf("reply does not pack: %v\n%v", err, m)
		}
		if m.Id != req.Id || !m.Response {
			t.Fatalf("reply id %d response %v to query %d", m.Id, m.Response, req.Id)
		}
		if udp && len(out) > maxUDPSize {
			t.Fatalf("UDP reply of %d bytes", len(out))
		}
	})
}
