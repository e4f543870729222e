package scenario

import (
	"fmt"
	"regexp"
	"slices"
)

// services are the endpoint services a scenario may name: those an image
// pull, push or task start reaches (ECR-FACTS §1): ECR's two, the layer
// bucket's S3, the awslogs driver's logs, ECS's three, and the services a
// task definition's secrets and credentials use.
var services = [...]string{"ecr.api", "ecr.dkr", "s3", "logs", "ecs", "ecs-agent", "ecs-telemetry",
	"sts", "secretsmanager", "ssm", "kms"}

// Services returns the endpoint service names a scenario may use, in
// endpoints[].service and faults[].match.service.
func Services() []string { return slices.Clone(services[:]) }

func validateGroups(s *Scenario, c *collector) {
	ids := seen{}
	for i, g := range s.SecurityGroups {
		p := fmt.Sprintf("securityGroups[%d]", i)
		if id(c, p+".id", g.ID, "sg-") {
			ids.check(c, p+".id", g.ID, "security group id")
		}
		for j, r := range g.Ingress {
			validateRule(s, &r, fmt.Sprintf("%s.ingress[%d]", p, j), c)
		}
	}
}

func validateRule(s *Scenario, r *IngressRule, p string, c *collector) {
	if !oneOf(c, p+".protocol", r.Protocol, "tcp", "udp", "-1", "all") {
		return
	}
	validatePorts(r, p, c)
	switch {
	case r.CIDR.IsValid() == (r.SourceGroup != ""):
		c.add(p, "give exactly one of cidr and sourceGroup")
	case r.CIDR.IsValid():
		block(c, p+".cidr", r.CIDR, r.CIDR.Addr().Is4())
	default:
		groupRef(s, c, p+".sourceGroup", r.SourceGroup)
	}
}

// validatePorts checks AWS's two ways of writing ports: port alone, or
// fromPort with toPort. Protocol -1 (all) covers every port.
func validatePorts(r *IngressRule, p string, c *collector) {
	from, to := c.idx.present(p+".fromPort"), c.idx.present(p+".toPort")
	switch {
	case allProtocols(r.Protocol) && r.Port != nil:
		c.add(p+".port", "protocol %s covers every port; leave port out", r.Protocol)
	case r.Port != nil && (from || to):
		c.add(p+".port", "port is shorthand for fromPort = toPort; give one or the other")
	case r.Port != nil:
		portNumber(c, p+".port", *r.Port)
	case from != to:
		c.add(p, "give fromPort and toPort together")
	case !from && !allProtocols(r.Protocol):
		c.add(p, "protocol %s needs port, or fromPort and toPort", r.Protocol)
	case from:
		if portNumber(c, p+".fromPort", r.FromPort) && portNumber(c, p+".toPort", r.ToPort) && r.FromPort > r.ToPort {
			c.add(p+".toPort", "toPort %d is below fromPort %d", r.ToPort, r.FromPort)
		}
	}
}

func portNumber(c *collector, path string, v int) bool {
	if v < 0 || v > 65535 {
		c.add(path, "port %d is out of range 0-65535", v)
		return false
	}
	return true
}

// groupRef records a finding unless g names a group of securityGroups.
func groupRef(s *Scenario, c *collector, path, g string) {
	if !slices.ContainsFunc(s.SecurityGroups, func(sg SG) bool { return sg.ID == g }) {
		c.add(path, "security group %q is not in securityGroups", g)
	}
}

var platformVersion = regexp.MustCompile(`^(LATEST|[0-9]+\.[0-9]+\.[0-9]+)$`)

func validateClient(s *Scenario, c *collector) {
	cl := &s.Client
	oneOf(c, "client.kind", cl.Kind, "fargate", "ecs-ec2", "eks", "docker")
	switch {
	case cl.Kind != "fargate" && c.idx.present("client.platformVersion"):
		c.add("client.platformVersion", "platformVersion is for kind fargate only")
	case cl.Kind == "fargate" && !platformVersion.MatchString(cl.PlatformVersion):
		c.add("client.platformVersion", "%q is not a platform version such as 1.4.0 or LATEST", cl.PlatformVersion)
	}
	validateClientIP(s, c)
	if cl.IPv6.IsValid() {
		validateClientIPv6(s, c)
	}
	if cl.PublicIP.IsValid() {
		ipv4(c, "client.publicIp", cl.PublicIP)
	}
	for i, g := range cl.SecurityGroups {
		groupRef(s, c, fmt.Sprintf("client.securityGroups[%d]", i), g)
	}
}

func validateClientIP(s *Scenario, c *collector) {
	cl := &s.Client
	i := slices.IndexFunc(s.Subnets, func(sn Subnet) bool { return sn.ID == cl.Subnet })
	switch {
	case cl.Subnet == "":
		c.add("client.subnet", "required: the id of the client's subnet")
	case i < 0:
		c.add("client.subnet", "subnet %q is not in subnets", cl.Subnet)
	}
	if !cl.IP.IsValid() {
		c.add("client.ip", "required: the client's IPv4 address in its subnet")
		return
	}
	if !ipv4(c, "client.ip", cl.IP) || i < 0 || !s.Subnets[i].CIDR.IsValid() {
		return
	}
	switch block := s.Subnets[i].CIDR.Prefix; {
	case !block.Contains(cl.IP.Addr):
		c.add("client.ip", "%s is not in subnet %s (%s)", cl.IP, cl.Subnet, block)
	case !usable(cl.IP.Addr, block):
		c.add("client.ip", "%s is reserved by AWS in %s (the first four addresses and the last)", cl.IP, block)
	}
}

func validateClientIPv6(s *Scenario, c *collector) {
	ip, vpc := s.Client.IPv6, s.VPC.IPv6CIDR
	switch {
	case !ip.Is6() || ip.Is4In6():
		c.add("client.ipv6", "%s is not an IPv6 address", ip)
	case !vpc.IsValid():
		c.add("client.ipv6", "the VPC has no ipv6Cidr")
	case !vpc.Contains(ip.Addr):
		c.add("client.ipv6", "%s is not in the VPC's %s", ip, vpc)
	}
}
