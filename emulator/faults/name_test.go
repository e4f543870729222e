package faults

import (
	"testing"

	"github.com/ecrlink/ecrlink/emulator/scenario"
)

func TestForName(t *testing.T) {
	const dkr = "111122223333.dkr.ecr.us-east-1.amazonaws.com"
	f := func(m scenario.FaultMatch, effect string, after int, rate float64) scenario.Fault {
		return scenario.Fault{Match: m, Effect: effect, After: after, Rate: rate}
	}
	tests := []struct {
		name   string
		faults []scenario.Fault
		want   string
	}{
		{"none", nil, ""},
		{"by host", []scenario.Fault{f(scenario.FaultMatch{Host: dkr}, "refuse", 0, 1)}, "refuse"},
		{"by glob", []scenario.Fault{f(scenario.FaultMatch{Host: "*.dkr.ecr.*.amazonaws.com"}, "timeout", 0, 1)}, "timeout"},
		{"by service", []scenario.Fault{f(scenario.FaultMatch{Service: "ecr.dkr"}, "nxdomain", 0, 0)}, "nxdomain"},
		{"every request", []scenario.Fault{f(scenario.FaultMatch{}, "refuse", 0, 1)}, "refuse"},
		{"other service", []scenario.Fault{f(scenario.FaultMatch{Service: "ecr.api"}, "refuse", 0, 1)}, ""},
		{"other host", []scenario.Fault{f(scenario.FaultMatch{Host: "api.ecr.us-east-1.amazonaws.com"}, "refuse", 0, 1)}, ""},
		{"host with port", []scenario.Fault{f(scenario.FaultMatch{Host: dkr + ":443"}, "refuse", 0, 1)}, "refuse"},
		{"host with another port", []scenario.Fault{f(scenario.FaultMatch{Host: dkr + ":8443"}, "refuse", 0, 1)}, ""},
		{"after", []scenario.Fault{f(scenario.FaultMatch{Host: dkr}, "refuse", 2, 1)}, ""},
		{"rate", []scenario.Fault{f(scenario.FaultMatch{Host: dkr}, "refuse", 0, 0.5)}, ""},
		{"by action", []scenario.Fault{f(scenario.FaultMatch{Action: "ecr:BatchGetImage"}, "refuse", 0, 1)}, ""},
		{"by repository", []scenario.Fault{f(scenario.FaultMatch{Repository: "app"}, "refuse", 0, 1)}, ""},
		{"not a network effect", []scenario.Fault{f(scenario.FaultMatch{Host: dkr}, "throttle", 0, 1)}, ""},
		{"first wins", []scenario.Fault{
			f(scenario.FaultMatch{Host: dkr}, "throttle", 0, 1),
			f(scenario.FaultMatch{Host: dkr}, "timeout", 0, 1),
			f(scenario.FaultMatch{Host: dkr}, "refuse", 0, 1)}, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ForName(tt.faults, "ecr.dkr", dkr); got != tt.want {
				t.Errorf("ForName = %q, want %q", got, tt.want)
			}
		})
	}
}
