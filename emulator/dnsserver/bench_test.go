package dnsserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/emulator/dnsserver"
	"github.com/miekg/dns"
)

// BenchmarkQueryUDP is one client's query rate over loopback UDP, the rate
// limits raised out of the way.
func BenchmarkQueryUDP(b *testing.B) {
	s := &dnsserver.Server{Answerer: zone, MaxQPS: 1 << 30, MaxQPSPerSource: 1 << 30}
	if err := s.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Shutdown(context.Background()) })
	conn, err := dns.Dial("udp", s.LocalAddr())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	q := query("api.ecr.us-east-1.amazonaws.com", dns.TypeA)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if err := conn.WriteMsg(q); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.ReadMsg(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "queries/s")
}
