package scenario

import (
	"fmt"
	"regexp"
	"slices"
)

// effects are the fault effects: the network outcomes a client can meet
// (timeout, refuse, nxdomain, reset), the service answers (throttle,
// http-500), and a slow body.
var effects = [...]string{"timeout", "refuse", "nxdomain", "throttle", "http-500", "slow", "reset"}

// Effects returns the fault effects a scenario may use.
func Effects() []string { return slices.Clone(effects[:]) }

var (
	actionPattern = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9*]+$`)
	hostPattern   = regexp.MustCompile(`^[A-Za-z0-9*]([A-Za-z0-9.*-]*[A-Za-z0-9*])?(:[0-9]{1,5})?$`)
)

func validateFaults(fs []Fault, c *collector) {
	for i := range fs {
		f := &fs[i]
		p := fmt.Sprintf("faults[%d]", i)
		validateMatch(&f.Match, p+".match", c)
		oneOf(c, p+".effect", f.Effect, effects[:]...)
		if f.After < 0 {
			c.add(p+".after", "after is a count of requests: 0 or more, not %d", f.After)
		}
		if !(f.Rate > 0 && f.Rate <= 1) {
			c.add(p+".rate", "rate %v is out of range: want more than 0 and at most 1", f.Rate)
		}
		switch {
		case f.Effect == "slow" && f.BytesPerSecond <= 0:
			c.add(p+".bytesPerSecond", "effect slow needs bytesPerSecond greater than 0")
		case f.Effect != "slow" && c.idx.present(p+".bytesPerSecond"):
			c.add(p+".bytesPerSecond", "bytesPerSecond is for effect slow only")
		}
	}
}

func validateMatch(m *FaultMatch, p string, c *collector) {
	if m.Service != "" {
		oneOf(c, p+".service", m.Service, services[:]...)
	}
	if m.Action != "" && !actionPattern.MatchString(m.Action) {
		c.add(p+".action", "%q is not an action such as ecr:GetAuthorizationToken", m.Action)
	}
	if m.Repository != "" && !validRepositoryName(m.Repository) {
		c.add(p+".repository", "%q is not an ECR repository name", m.Repository)
	}
	if m.Host != "" && (len(m.Host) > 253 || !hostPattern.MatchString(m.Host)) {
		c.add(p+".host", "%q is not a host name", m.Host)
	}
}
