package emulator

import (
	"context"
	"net/netip"
	"os"
	"testing"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/emulator/dnsserver"
	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// FuzzAnswer asks the DNS server's answerer, in a catalogue scenario with
// a fault by host, about any name: it never panics, refuses what is not
// an AWS name, and gives an address only of the ones advertised.
func FuzzAnswer(f *testing.F) {
	for _, name := range []string{
		"111122223333.dkr.ecr.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com", "ecr.us-east-1.api.aws",
		"prod-us-east-1-starport-layer-bucket.s3.amazonaws.com", "logs.us-west-2.amazonaws.com",
		"vpce-0123456789abcdef0-abcdefgh.dkr.ecr.us-east-1.vpce.amazonaws.com", "example.com", "", ".", "a..b",
	} {
		f.Add(name)
	}
	data, err := os.ReadFile("../examples/scenarios/ecr-dkr-endpoint-missing.yaml")
	if err != nil {
		f.Fatal(err)
	}
	sc, err := ParseScenario(data)
	if err != nil {
		f.Fatal(err)
	}
	sc.Faults = append(sc.Faults, scenario.Fault{Match: scenario.FaultMatch{Host: "logs.*"}, Effect: "refuse", Rate: 1})
	adv := Advertise{TLS: netip.MustParseAddr("127.0.0.10"), Blackhole: netip.MustParseAddr("127.0.0.11"), Refused: netip.MustParseAddr("127.0.0.12")}
	srv, err := Start(context.Background(), Config{Scenario: sc, Advertise: adv})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Shutdown(context.Background()) })
	f.Fuzz(func(t *testing.T, name string) {
		a := answerer{srv}.Answer(name)
		if _, aws := awsname.MatchName(name); !aws && a.Kind != dnsserver.Refused {
			t.Fatalf("%q is not an AWS name, answered %v", name, a.Kind)
		}
		for _, ip := range append(a.A, a.AAAA...) {
			if ip != adv.TLS && ip != adv.Blackhole && ip != adv.Refused {
				t.Fatalf("%q answered %v, which is not advertised", name, ip)
			}
		}
	})
}
