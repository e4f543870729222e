package scenario

import (
	"fmt"
	"slices"
)

func validateEndpoints(s *Scenario, c *collector) {
	ids := seen{}
	privateDNS := seen{} // service@region → first endpoint with private DNS
	for i := range s.Endpoints {
		e := &s.Endpoints[i]
		p := fmt.Sprintf("endpoints[%d]", i)
		if id(c, p+".id", e.ID, "vpce-") {
			ids.check(c, p+".id", e.ID, "endpoint id")
		}
		oneOf(c, p+".service", e.Service, services[:]...)
		region(c, p+".region", e.Region)
		if !oneOf(c, p+".type", e.Type, "interface", "gateway") {
			continue
		}
		if e.Type == "gateway" {
			validateGateway(s, e, p, c)
			continue
		}
		validateInterface(s, e, p, c)
		// AWS refuses private DNS on a second endpoint of one service in a
		// VPC: its private hosted zone would conflict with the first's.
		if e.PrivateDNS && e.Service != "" {
			privateDNS.check(c, p+".privateDns", e.Service+" in "+e.Region, "private DNS for")
		}
	}
}

// validateGateway checks a gateway endpoint: S3 only (the other gateway
// service, DynamoDB, is no part of a pull), reached through route tables.
func validateGateway(s *Scenario, e *Endpoint, p string, c *collector) {
	if e.Service != "s3" && e.Service != "" {
		c.add(p+".type", "only s3 has gateway endpoints here; %s is interface only", e.Service)
	}
	if e.PrivateDNS {
		c.add(p+".privateDns", "a gateway endpoint has no private DNS: it works through route tables")
	}
	if len(e.SecurityGroups) > 0 {
		c.add(p+".securityGroups", "a gateway endpoint has no security groups")
	}
	if len(e.RouteTables) == 0 {
		c.add(p+".routeTables", "required: the route tables the gateway endpoint is associated with")
	}
	for j, rt := range e.RouteTables {
		// A route table no subnet uses routes nothing: most likely a typo.
		used := slices.ContainsFunc(s.Subnets, func(sn Subnet) bool { return sn.RouteTable == rt })
		if !used {
			c.add(fmt.Sprintf("%s.routeTables[%d]", p, j), "route table %q is no subnet's routeTable", rt)
		}
	}
}

func validateInterface(s *Scenario, e *Endpoint, p string, c *collector) {
	if len(e.RouteTables) > 0 {
		c.add(p+".routeTables", "an interface endpoint has no route tables (only gateway endpoints do)")
	}
	for j, g := range e.SecurityGroups {
		groupRef(s, c, fmt.Sprintf("%s.securityGroups[%d]", p, j), g)
	}
}
