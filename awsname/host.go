package awsname

import (
	"net"
	"regexp"
	"strings"
)

// Kind is what a hostname names.
type Kind int

const (
	// OtherHost is any name that is not one of AWS's below: 127.0.0.1,
	// localhost, a custom CNAME. ecrlink serves it in direct mode.
	OtherHost Kind = iota
	// RegistryHost is the Docker Registry API: ACCOUNT.dkr.ecr.REGION.SUFFIX
	// and its FIPS, dual-stack and vpce-specific forms.
	RegistryHost
	// APIHost is the ECR JSON API: api.ecr.REGION.SUFFIX and its forms.
	APIHost
	// StarportHost is the layer bucket: prod-REGION-starport-layer-bucket.s3[.REGION].SUFFIX.
	StarportHost
	// LogsHost is CloudWatch Logs: logs.REGION.SUFFIX and its forms.
	LogsHost
)

var kindNames = [...]string{OtherHost: "other", RegistryHost: "registry", APIHost: "api", StarportHost: "starport", LogsHost: "logs"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
}

// Host is a parsed Host header. The zero Host is an OtherHost with no name.
type Host struct {
	Kind Kind
	// Account is the registry id a RegistryHost name carries; empty for the
	// other kinds and for vpce-specific registry names, which carry none.
	Account string
	Region  string
	// Suffix is the DNS suffix as written: amazonaws.com, on.aws, api.aws,
	// amazonaws.com.cn, ... For vpce-specific names it follows "vpce.".
	Suffix    string
	FIPS      bool
	DualStack bool
	// Short marks an API name without its "api." label: the dual-stack
	// ecr.REGION.api.aws, or the old ecr.REGION.amazonaws.com.
	Short bool
	// Global marks the starport bucket's old name without a region label,
	// prod-REGION-starport-layer-bucket.s3.amazonaws.com.
	Global bool
	// Endpoint is the endpoint-specific label of a vpce-specific name,
	// vpce-0ce51b38767233f0d-9g7ebdmt; empty for every other name.
	Endpoint string
	// Zone is the availability zone of a zonal vpce-specific name.
	Zone string
	// Name is an OtherHost host's name, lower-cased; empty for AWS names,
	// which are formatted from their fields.
	Name string
	// Port is the port of the Host header, empty when it has none.
	Port string
}

// The grammars follow ECR-FACTS §1: the credential helper's registry
// pattern, botocore's endpoint rules for the API, the bucket hosts seen in
// real redirects, and the vpce-specific names of §1.4.
var (
	suffixes       = `amazonaws\.(?:com(?:\.cn)?|eu)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov`
	region         = `([a-z0-9][a-z0-9-]*)`
	registryName   = regexp.MustCompile(`^(\d{12})\.dkr([.-])ecr(-fips)?\.` + region + `\.(` + suffixes + `|on\.(?:aws|amazonwebservices\.com\.cn))$`)
	apiName        = regexp.MustCompile(`^(api\.)?ecr(-fips)?\.` + region + `\.(` + suffixes + `|api\.aws|api\.amazonwebservices\.com\.cn)$`)
	logsName       = regexp.MustCompile(`^logs(-fips)?\.` + region + `\.(` + suffixes + `|api\.aws|api\.amazonwebservices\.com\.cn)$`)
	starportName   = regexp.MustCompile(`^prod-` + region + `-starport-layer-bucket\.s3(?:\.` + region + `)?\.(` + suffixes + `)$`)
	vpceName       = regexp.MustCompile(`^(vpce-[0-9a-f]{8,17}-[a-z0-9]{8})(?:-([a-z]{2}(?:-[a-z]+)+-[0-9][a-z]))?\.(dkr\.ecr|api\.ecr|logs)\.` + region + `\.vpce\.(` + suffixes + `)$`)
	vpceServiceFor = map[string]Kind{"dkr.ecr": RegistryHost, "api.ecr": APIHost, "logs": LogsHost}
)

// ParseHost parses a Host header (name, optionally with a port). Matching
// ignores case and trailing dots; anything not AWS's is an OtherHost.
func ParseHost(hostport string) Host {
	name, port, err := net.SplitHostPort(hostport)
	if err != nil {
		name, port = hostport, ""
	}
	name = strings.TrimRight(strings.ToLower(name), ".")
	h := parseName(name)
	h.Port = port
	return h
}

func parseName(name string) Host {
	if m := registryName.FindStringSubmatch(name); m != nil {
		return Host{Kind: RegistryHost, Account: m[1], DualStack: m[2] == "-", FIPS: m[3] != "", Region: m[4], Suffix: m[5]}
	}
	if m := apiName.FindStringSubmatch(name); m != nil {
		return Host{Kind: APIHost, Short: m[1] == "", FIPS: m[2] != "", Region: m[3], Suffix: m[4], DualStack: isDualStackAPI(m[4])}
	}
	if m := logsName.FindStringSubmatch(name); m != nil {
		return Host{Kind: LogsHost, FIPS: m[1] != "", Region: m[2], Suffix: m[3], DualStack: isDualStackAPI(m[3])}
	}
	if m := starportName.FindStringSubmatch(name); m != nil && (m[2] == "" || m[2] == m[1]) {
		return Host{Kind: StarportHost, Region: m[1], Global: m[2] == "", Suffix: m[3]}
	}
	if m := vpceName.FindStringSubmatch(name); m != nil {
		return Host{Kind: vpceServiceFor[m[3]], Endpoint: m[1], Zone: m[2], Region: m[4], Suffix: m[5]}
	}
	return Host{Kind: OtherHost, Name: name}
}

func isDualStackAPI(suffix string) bool { return strings.HasPrefix(suffix, "api.") }

// String formats h back into a Host header: ParseHost(h.String()) == h for
// every Host ParseHost returns.
func (h Host) String() string {
	name := h.name()
	if h.Port != "" {
		return net.JoinHostPort(name, h.Port)
	}
	// A name that would itself split into host and port (":", "a:")
	// is bracketed, with an empty port, to parse back as the same name.
	if _, _, err := net.SplitHostPort(name); err == nil {
		return net.JoinHostPort(name, "")
	}
	return name
}

func (h Host) name() string {
	if h.Endpoint != "" {
		zone := ""
		if h.Zone != "" {
			zone = "-" + h.Zone
		}
		return h.Endpoint + zone + "." + vpceLabel(h.Kind) + "." + h.Region + ".vpce." + h.Suffix
	}
	switch h.Kind {
	case RegistryHost:
		sep := "."
		if h.DualStack {
			sep = "-"
		}
		return h.Account + ".dkr" + sep + "ecr" + fips(h.FIPS) + "." + h.Region + "." + h.Suffix
	case APIHost:
		prefix := "api."
		if h.Short {
			prefix = ""
		}
		return prefix + "ecr" + fips(h.FIPS) + "." + h.Region + "." + h.Suffix
	case LogsHost:
		return "logs" + fips(h.FIPS) + "." + h.Region + "." + h.Suffix
	case StarportHost:
		if h.Global {
			return StarportBucket(h.Region) + ".s3." + h.Suffix
		}
		return StarportBucket(h.Region) + ".s3." + h.Region + "." + h.Suffix
	}
	return h.Name
}

func vpceLabel(k Kind) string {
	for label, kind := range vpceServiceFor {
		if kind == k {
			return label
		}
	}
	return ""
}

func fips(on bool) string {
	if on {
		return "-fips"
	}
	return ""
}

// IsAWS reports whether h is one of AWS's names rather than an OtherHost.
func (h Host) IsAWS() bool { return h.Kind != OtherHost }

// Service is the PrivateLink service that answers h: ecr.dkr, ecr.api, s3
// or logs (com.amazonaws.REGION.SERVICE); empty for an OtherHost.
func (h Host) Service() string {
	switch h.Kind {
	case RegistryHost:
		return "ecr.dkr"
	case APIHost:
		return "ecr.api"
	case StarportHost:
		return "s3"
	case LogsHost:
		return "logs"
	}
	return ""
}

// InPartition reports whether h's DNS suffix belongs to the partition of
// its region: api.ecr.cn-north-1.amazonaws.com names no endpoint.
func (h Host) InPartition() bool {
	p := PartitionOf(h.Region)
	switch {
	case !h.IsAWS():
		return false
	case !h.DualStack:
		return h.Suffix == p.DNSSuffix
	case h.Kind == RegistryHost:
		return h.Suffix == p.RegistryDualStackSuffix || h.Suffix == p.DualStackSuffix
	}
	return h.Suffix == p.DualStackSuffix
}

// RegistryFor is the registry name that pairs with h for account: the same
// region, partition, FIPS and dual-stack flavour, and port. A vpce-specific
// name pairs with the public registry name, which is what ECR's URIs carry.
func (h Host) RegistryFor(account string) Host {
	out := Host{Kind: RegistryHost, Account: account, Region: h.Region, FIPS: h.FIPS, Port: h.Port}
	switch {
	case h.Kind == RegistryHost && h.Endpoint == "":
		out.DualStack, out.Suffix = h.DualStack, h.Suffix
	case h.DualStack:
		out.DualStack, out.Suffix = true, "on.aws"
		if h.Suffix == partitionChina.DualStackSuffix {
			out.Suffix = partitionChina.RegistryDualStackSuffix
		}
	case h.Endpoint != "":
		out.Suffix = PartitionOf(h.Region).DNSSuffix
	default:
		out.Suffix = h.Suffix
	}
	return out
}

// StarportFor is the layer bucket's regional virtual-hosted name for h's
// region, in the region's partition (the bucket has no dual-stack or vpce
// form among ECR's redirects), with h's port.
func (h Host) StarportFor() Host {
	return Host{Kind: StarportHost, Region: h.Region, Suffix: PartitionOf(h.Region).DNSSuffix, Port: h.Port}
}
