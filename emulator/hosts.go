package emulator

import (
	"net"
	"regexp"
	"strings"

	"github.com/ecrlink/ecrlink/registry"
)

// hostKind is what an AWS hostname names.
type hostKind int

const (
	hostDirect   hostKind = iota // anything that is not an AWS name: 127.0.0.1, localhost, ...
	hostRegistry                 // ACCOUNT.dkr.ecr.REGION.SUFFIX and its variants
	hostAPI                      // api.ecr.REGION.SUFFIX and its variants
	hostStarport                 // prod-REGION-starport-layer-bucket.s3[.REGION].SUFFIX
)

// awsHost is a parsed hostname.
type awsHost struct {
	kind      hostKind
	account   string // registry hosts only
	fips      bool
	dualStack bool
	region    string
	suffix    string // DNS suffix as written: amazonaws.com, on.aws, api.aws, ...
	port      string // from the Host header, may be empty
}

// registryHostPattern is the credential helper's ECR pattern (ECR-FACTS §1.1).
var registryHostPattern = regexp.MustCompile(`^(\d{12})\.dkr([.-])ecr(-fips)?\.([a-z0-9][a-z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$`)

// apiHostPattern covers api.ecr[-fips].REGION.SUFFIX, the dual-stack
// ecr[-fips].REGION.api.aws and the old ecr.REGION.amazonaws.com (ECR-FACTS §1.2).
var apiHostPattern = regexp.MustCompile(`^(api\.ecr|api\.ecr-fips|ecr|ecr-fips)\.([a-z0-9][a-z0-9-]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|api\.aws|api\.amazonwebservices\.com\.cn|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$`)

// starportHostPattern is the layer bucket, virtual-hosted, regional or not
// (ECR-FACTS §1.5).
var starportHostPattern = regexp.MustCompile(`^prod-([a-z0-9-]+)-starport-layer-bucket\.s3(?:\.([a-z0-9-]+))?\.(amazonaws\.com(?:\.cn)?)$`)

// parseHost classifies a Host header; matching ignores case and port.
func parseHost(hostport string) awsHost {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if m := registryHostPattern.FindStringSubmatch(host); m != nil {
		return awsHost{kind: hostRegistry, account: m[1], dualStack: m[2] == "-", fips: m[3] != "",
			region: m[4], suffix: m[5], port: port}
	}
	if m := apiHostPattern.FindStringSubmatch(host); m != nil {
		return awsHost{kind: hostAPI, fips: strings.HasSuffix(m[1], "-fips"),
			dualStack: strings.Contains(m[3], "api."), region: m[2], suffix: m[3], port: port}
	}
	if m := starportHostPattern.FindStringSubmatch(host); m != nil && (m[2] == "" || m[2] == m[1]) {
		return awsHost{kind: hostStarport, region: m[1], suffix: m[3], port: port}
	}
	return awsHost{kind: hostDirect, port: port}
}

// starportHost is the layer bucket's regional virtual-hosted name, in h's
// partition, with h's port.
func (h awsHost) starportHost() string {
	suffix := h.suffix
	if h.dualStack || suffix == "" {
		suffix = registry.DNSSuffix(h.region)
	}
	name := "prod-" + h.region + "-starport-layer-bucket.s3." + h.region + "." + suffix
	if h.port != "" {
		return net.JoinHostPort(name, h.port)
	}
	return name
}

// registryHost is the registry hostname that pairs with h for account:
// the same partition, FIPS and dual-stack flavour, and port.
func (h awsHost) registryHost(account string) string {
	var name string
	switch {
	case h.kind == hostRegistry:
		name = h.registryName()
	case h.dualStack:
		suffix := "on.aws"
		if h.suffix == "api.amazonwebservices.com.cn" {
			suffix = "on.amazonwebservices.com.cn"
		}
		name = account + ".dkr-ecr" + fipsPart(h.fips) + "." + h.region + "." + suffix
	default:
		name = account + ".dkr.ecr" + fipsPart(h.fips) + "." + h.region + "." + h.suffix
	}
	if h.port != "" {
		return net.JoinHostPort(name, h.port)
	}
	return name
}

func (h awsHost) registryName() string {
	sep := "."
	if h.dualStack {
		sep = "-"
	}
	return h.account + ".dkr" + sep + "ecr" + fipsPart(h.fips) + "." + h.region + "." + h.suffix
}

func fipsPart(fips bool) string {
	if fips {
		return "-fips"
	}
	return ""
}
