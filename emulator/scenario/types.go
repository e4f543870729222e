package scenario

// The types below are the scenario contract of DESIGN.md ("The scenario
// (contract)"): every field name is public, spelled as users write it. A
// field's comment says what its zero means after Parse, which has filled
// every default (defaults.go) and validated every field (validate*.go).

// Scenario is what AWS knows about the client's network: one account's VPC,
// the client inside it, the identities it may use, and the registries the
// process serves.
type Scenario struct {
	Account        string       `json:"account"`                  // required; the client's account and main registry
	Region         string       `json:"region"`                   // required; the VPC's region
	Hold           Duration     `json:"hold"`                     // how long a "no route" request is held; default 20s
	Tokens         Tokens       `json:"tokens"`                   // GetAuthorizationToken settings
	VPC            VPC          `json:"vpc"`                      // required
	Subnets        []Subnet     `json:"subnets"`                  // required, at least one
	SecurityGroups []SG         `json:"securityGroups,omitempty"` // every group any field names
	Endpoints      []Endpoint   `json:"endpoints,omitempty"`      // none: every AWS name resolves publicly
	Client         Client       `json:"client"`                   // required: who makes every request
	Identities     []Identity   `json:"identities,omitempty"`     // none: any access key acts as the account root
	Repositories   []Repository `json:"repositories,omitempty"`   // of the main registry
	RegistryPolicy Policy       `json:"registryPolicy,omitempty"` // of the main registry; none: no registry policy
	Registries     []Registry   `json:"registries,omitempty"`     // other accounts / regions served
	Faults         []Fault      `json:"faults,omitempty"`         // explicit injections, in order
}

// Tokens configures the authorization tokens ECR issues.
type Tokens struct {
	Lifetime Duration `json:"lifetime"` // default 12h, ECR's; at most 12h
}

// VPC is the client's VPC.
type VPC struct {
	ID       string `json:"id"`                // required, vpc-…
	CIDR     Prefix `json:"cidr"`              // required, IPv4, /16 to /28
	IPv6CIDR Prefix `json:"ipv6Cidr,omitzero"` // zero: the VPC has no IPv6
	DNS      string `json:"dns"`               // amazon (default) | custom-forwarding | custom-no-forwarding | custom-isolated
	Internet string `json:"internet"`          // none (default) | nat | igw
	NATIP    Addr   `json:"natIp,omitzero"`    // aws:SourceIp over NAT; zero: the emulator picks one
}

// Subnet is one subnet of the VPC.
type Subnet struct {
	ID         string `json:"id"`                   // required, subnet-…, unique
	CIDR       Prefix `json:"cidr"`                 // required, IPv4, inside vpc.cidr
	RouteTable string `json:"routeTable,omitempty"` // rtb-…; empty: the VPC's main route table
}

// SG is a security group; only ingress rules matter to reach an endpoint.
type SG struct {
	ID      string        `json:"id"`                // required, sg-…, unique
	Ingress []IngressRule `json:"ingress,omitempty"` // none: nothing may connect
}

// IngressRule is AWS's rule shape. After Parse, FromPort and ToPort hold
// the range and Port is nil; protocol -1 (or all) means every port, 0–65535.
type IngressRule struct {
	Protocol    string `json:"protocol"`              // tcp | udp | -1 | all
	FromPort    int    `json:"fromPort"`              // 0–65535
	ToPort      int    `json:"toPort"`                // FromPort–65535
	Port        *int   `json:"port,omitempty"`        // input shorthand for FromPort = ToPort
	CIDR        Prefix `json:"cidr,omitzero"`         // exactly one of CIDR and SourceGroup
	SourceGroup string `json:"sourceGroup,omitempty"` // a group id of securityGroups
}

// Endpoint is a VPC endpoint.
type Endpoint struct {
	ID             string   `json:"id"`                       // required, vpce-…, unique
	Service        string   `json:"service"`                  // one of Services()
	Type           string   `json:"type"`                     // interface (default) | gateway (s3 only)
	Region         string   `json:"region"`                   // default: the scenario's region; another is not usable here
	PrivateDNS     bool     `json:"privateDns"`               // interface default true (AWS's API default); gateway: false
	SecurityGroups []string `json:"securityGroups,omitempty"` // interface only; none: the VPC default group
	RouteTables    []string `json:"routeTables,omitempty"`    // gateway only: route tables of subnets
	Policy         Policy   `json:"policy,omitempty"`         // none: AWS's default full-access policy
}

// Client is who makes every request, in every access mode.
type Client struct {
	Kind            string   `json:"kind"`                      // fargate | ecs-ec2 | eks | docker (default: a plain host)
	PlatformVersion string   `json:"platformVersion,omitempty"` // fargate only, e.g. 1.4.0; default LATEST
	Subnet          string   `json:"subnet"`                    // required, a subnet id
	IP              Addr     `json:"ip"`                        // required, IPv4, a usable address of the subnet
	IPv6            Addr     `json:"ipv6,omitzero"`             // inside vpc.ipv6Cidr
	PublicIP        Addr     `json:"publicIp,omitzero"`         // aws:SourceIp with internet: igw
	SecurityGroups  []string `json:"securityGroups,omitempty"`  // group ids of securityGroups
	AWSLogs         bool     `json:"awslogs,omitempty"`         // the task sends logs with the awslogs driver
}

// Identity is an access key and the principal behind it.
type Identity struct {
	AccessKeyID     string            `json:"accessKeyId"`        // required, unique
	SecretAccessKey string            `json:"secretAccessKey"`    // required
	Principal       string            `json:"principal"`          // required: an IAM or STS ARN in an account served
	Tags            map[string]string `json:"tags,omitempty"`     // aws:PrincipalTag values
	Policies        []Policy          `json:"policies,omitempty"` // identity policies
}

// Repository is a repository applied on load: created if missing, its
// settings set.
type Repository struct {
	Name               string `json:"name"`               // required, ECR's repository name grammar
	ImageTagMutability string `json:"imageTagMutability"` // MUTABLE (default) | IMMUTABLE (the _WITH_EXCLUSION forms need filters a scenario cannot state)
	Policy             Policy `json:"policy,omitempty"`   // none: no repository policy
}

// Registry is another account's (or region's) registry served by the same
// process.
type Registry struct {
	Account        string       `json:"account"` // required; with Region unique, and not the main registry
	Region         string       `json:"region"`  // required, in the main region's partition
	Repositories   []Repository `json:"repositories,omitempty"`
	RegistryPolicy Policy       `json:"registryPolicy,omitempty"`
}

// Fault is an explicit injection on top of the network model.
type Fault struct {
	Match          FaultMatch `json:"match"`                    // empty: every request
	Effect         string     `json:"effect"`                   // one of Effects()
	After          int        `json:"after,omitempty"`          // let the first After matching requests through
	Rate           float64    `json:"rate"`                     // fraction fired after that, in (0, 1]; default 1
	BytesPerSecond int        `json:"bytesPerSecond,omitempty"` // slow only, required there
}

// FaultMatch selects requests; an empty field matches anything.
type FaultMatch struct {
	Service    string `json:"service,omitempty"`    // one of Services()
	Action     string `json:"action,omitempty"`     // e.g. ecr:GetAuthorizationToken
	Repository string `json:"repository,omitempty"` // a repository name
	Host       string `json:"host,omitempty"`       // a host name as the client used it
}
