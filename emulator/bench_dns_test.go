package emulator

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/ecrlink/ecrlink/emulator/dnsserver"
)

// BenchmarkDNSQueries is the DNS server's query rate from one client over
// loopback UDP, answered from a catalogue scenario (each answer a fresh
// network-model decision), against the same server answering from a
// fixed table in the same run. The rate limits are raised out of the way.
// Reported: queries/s of each and their ratio.
func BenchmarkDNSQueries(b *testing.B) {
	data, err := os.ReadFile("../examples/scenarios/healthy-docker.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sc, err := ParseScenario(data)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := Start(context.Background(), Config{Scenario: sc, Advertise: Advertise{TLS: netip.MustParseAddr("127.0.0.10")}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Shutdown(context.Background()) })
	fixed := dnsserver.AnswererFunc(func(string) dnsserver.Answer {
		return dnsserver.Answer{Kind: dnsserver.Address, A: []netip.Addr{netip.MustParseAddr("127.0.0.10")}}
	})
	servers := []struct {
		name string
		a    dnsserver.Answerer
		conn *dns.Conn
		n    int
		took time.Duration
	}{{name: "scenario", a: answerer{srv}}, {name: "fixed", a: fixed}}
	for i := range servers {
		s := &dnsserver.Server{Answerer: servers[i].a, MaxQPS: 1 << 30, MaxQPSPerSource: 1 << 30}
		if err := s.Start(b.Context()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Shutdown(context.Background()) })
		if servers[i].conn, err = dns.Dial("udp", s.LocalAddr()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { servers[i].conn.Close() })
	}
	q := new(dns.Msg).SetQuestion("111122223333.dkr.ecr.us-east-1.amazonaws.com.", dns.TypeA)
	for b.Loop() {
		for i := range servers {
			s := &servers[i]
			t0 := time.Now()
			for range 100 {
				if err := s.conn.WriteMsg(q); err != nil {
					b.Fatal(err)
				}
				in, err := s.conn.ReadMsg()
				if err != nil || len(in.Answer) != 1 {
					b.Fatalf("%s: %v %v", s.name, err, in)
				}
			}
			s.took += time.Since(t0)
			s.n += 100
		}
	}
	qps := func(i int) float64 { return float64(servers[i].n) / servers[i].took.Seconds() }
	b.ReportMetric(qps(0), "scenario-queries/s")
	b.ReportMetric(qps(1), "fixed-queries/s")
	b.ReportMetric(qps(0)/qps(1), "ratio")
}
