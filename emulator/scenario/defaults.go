package scenario

import (
	"fmt"
	"time"

	"github.com/ecrlink/ecrlink/policyeval"
)

// The defaults, all in one place. A default fills a field only when the
// document did not write it: a field written as 0 or "" keeps that value,
// and validation rejects it if it is not allowed, so a typo never silently
// means "default".
const (
	DefaultHold          = 20 * time.Second // well under a minute: a held request must not stall a test
	DefaultTokenLifetime = 12 * time.Hour   // ECR's authorization token lifetime
	DefaultDNS           = "amazon"         // the Route 53 Resolver, as a new VPC has
	DefaultInternet      = "none"           // a private subnet: the case PrivateLink exists for
	DefaultEndpointType  = "interface"      // AWS's VpcEndpointType default
	DefaultClientKind    = "docker"         // a plain host in the subnet: no platform quirks
	DefaultFargatePV     = "LATEST"         // what ECS runs when a task names no version
	DefaultMutability    = "MUTABLE"        // ECR's CreateRepository default
	DefaultFaultRate     = 1.0              // fire on every matching request
)

// withDefaults fills what the document left out. It runs before validation,
// on any decoded document, so it only fills and never judges.
func withDefaults(s *Scenario, ix *index) {
	if !ix.present("hold") {
		s.Hold = Duration(DefaultHold)
	}
	if !ix.present("tokens.lifetime") {
		s.Tokens.Lifetime = Duration(DefaultTokenLifetime)
	}
	if !ix.present("vpc.dns") {
		s.VPC.DNS = DefaultDNS
	}
	if !ix.present("vpc.internet") {
		s.VPC.Internet = DefaultInternet
	}
	for i := range s.Endpoints {
		endpointDefaults(&s.Endpoints[i], s.Region, ix, fmt.Sprintf("endpoints[%d]", i))
	}
	clientDefaults(&s.Client, ix)
	repositoryDefaults(s.Repositories, ix, "repositories")
	for i := range s.Registries {
		repositoryDefaults(s.Registries[i].Repositories, ix, fmt.Sprintf("registries[%d].repositories", i))
	}
	for i := range s.Faults {
		if !ix.present(fmt.Sprintf("faults[%d].rate", i)) {
			s.Faults[i].Rate = DefaultFaultRate
		}
	}
}

func endpointDefaults(e *Endpoint, region string, ix *index, path string) {
	if !ix.present(path + ".type") {
		e.Type = DefaultEndpointType
	}
	if !ix.present(path + ".region") {
		e.Region = region
	}
	// AWS's CreateVpcEndpoint enables private DNS by default for an
	// interface endpoint of an AWS service.
	if !ix.present(path+".privateDns") && e.Type == "interface" {
		e.PrivateDNS = true
	}
}

func clientDefaults(c *Client, ix *index) {
	if !ix.present("client.kind") {
		c.Kind = DefaultClientKind
	}
	if !ix.present("client.platformVersion") && c.Kind == "fargate" {
		c.PlatformVersion = DefaultFargatePV
	}
}

func repositoryDefaults(rs []Repository, ix *index, path string) {
	for i := range rs {
		if !ix.present(fmt.Sprintf("%s[%d].imageTagMutability", path, i)) {
			rs[i].ImageTagMutability = DefaultMutability
		}
	}
}

// normalize brings a valid scenario to its one canonical form, so that
// Parse(JSON(s)) equals s: ports folded into ranges, "all" spelled "-1",
// policies in canonical JSON.
func normalize(s *Scenario) {
	for i := range s.SecurityGroups {
		for j := range s.SecurityGroups[i].Ingress {
			normalizeRule(&s.SecurityGroups[i].Ingress[j])
		}
	}
	forEachPolicy(s, func(_ string, p *Policy, _ policyeval.Kind) {
		if len(*p) > 0 {
			if c, err := canonical(*p); err == nil {
				*p = c
			}
		}
	})
}

func normalizeRule(r *IngressRule) {
	if r.Port != nil {
		r.FromPort, r.ToPort, r.Port = *r.Port, *r.Port, nil
	}
	if allProtocols(r.Protocol) {
		r.Protocol, r.FromPort, r.ToPort = "-1", 0, 65535
	}
}

func allProtocols(p string) bool { return p == "-1" || p == "all" }
