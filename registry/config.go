package registry

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
)

// DefaultAccount and DefaultRegion are what a zero Config serves.
const (
	DefaultAccount = "000000000000"
	DefaultRegion  = "us-east-1"
)

// DefaultMaxAPIBodyMemory is room for four of the largest UploadLayerPart
// bodies at once.
const DefaultMaxAPIBodyMemory = 4 * maxLayerPartBody

// Config configures a Service. The zero Config serves an in-memory registry
// for DefaultAccount in DefaultRegion in which any access key acts as the
// account root.
type Config struct {
	// Account is the 12-digit registry id; empty means DefaultAccount.
	Account string
	// Region is the AWS region served; empty means DefaultRegion.
	Region string
	// DataDir holds layers, manifests, metadata and the token key. Empty
	// means everything is kept in memory and lost on Close.
	DataDir string
	// S3, if set, keeps everything in an S3 bucket (MinIO) instead of
	// DataDir.
	S3 *S3Config
	// Identities maps access keys to principals. A key not listed acts as the
	// account root without signature verification, so that zero-config
	// clients with any credentials work.
	Identities []Identity
	// Layers locates layer downloads; nil means the registry serves layer
	// bytes itself instead of redirecting to the starport bucket.
	Layers LayerLocator
	// MaxAPIBodyMemory bounds the bytes that the bodies of ECR API requests
	// in flight may hold together, charged as they arrive; a request whose
	// body finds no room for its next piece within a second is refused with
	// ThrottlingException. A body larger than the whole budget ends up
	// holding all of it. Zero means DefaultMaxAPIBodyMemory.
	MaxAPIBodyMemory int64
	// Now is the clock for tokens and timestamps; nil means time.Now.
	Now func() time.Time
	// Logger receives operator logs; nil discards them.
	Logger *slog.Logger
}

// Identity is an access key and the principal it authenticates as.
type Identity struct {
	AccessKeyID     string
	SecretAccessKey string // empty: the signature is not verified
	Principal       string // an IAM user, role session or root ARN
	// Policies are the principal's identity-based policy documents. A
	// principal other than the account root with none may do only what a
	// resource policy grants it.
	Policies []string
}

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

func (c Config) withDefaults() Config {
	if c.Account == "" {
		c.Account = DefaultAccount
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.MaxAPIBodyMemory == 0 {
		c.MaxAPIBodyMemory = DefaultMaxAPIBodyMemory
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.S3 != nil {
		s3 := *c.S3
		s3.withDefaults()
		c.S3 = &s3
	}
	return c
}

// Validate reports every field error at once.
func (c Config) Validate() error {
	var errs []error
	if !accountPattern.MatchString(c.Account) {
		errs = append(errs, fmt.Errorf("account %q: must be 12 digits", c.Account))
	}
	if !regionPattern.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("region %q: not an AWS region name", c.Region))
	}
	if c.MaxAPIBodyMemory < 0 {
		errs = append(errs, fmt.Errorf("max API body memory %d: must not be negative", c.MaxAPIBodyMemory))
	}
	if c.S3 != nil {
		if c.DataDir != "" {
			errs = append(errs, errors.New("data directory and s3 storage are exclusive"))
		}
		errs = append(errs, c.S3.validate())
	}
	seen := map[string]bool{}
	for i, id := range c.Identities {
		if id.AccessKeyID == "" {
			errs = append(errs, fmt.Errorf("identities[%d]: accessKeyId is empty", i))
		}
		if seen[id.AccessKeyID] {
			errs = append(errs, fmt.Errorf("identities[%d]: access key %q listed twice", i, id.AccessKeyID))
		}
		seen[id.AccessKeyID] = true
		if !strings.HasPrefix(id.Principal, "arn:") {
			errs = append(errs, fmt.Errorf("identities[%d]: principal %q is not an ARN", i, id.Principal))
		}
	}
	return errors.Join(errs...)
}

// Partition returns the AWS partition of region (ECR-FACTS §1.3).
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// DNSSuffix returns the partition's DNS suffix for region (ECR-FACTS §1.3).
func DNSSuffix(region string) string {
	switch Partition(region) {
	case "aws-cn":
		return "amazonaws.com.cn"
	case "aws-eusc":
		return "amazonaws.eu"
	case "aws-iso":
		return "c2s.ic.gov"
	case "aws-iso-b":
		return "sc2s.sgov.gov"
	case "aws-iso-e":
		return "cloud.adc-e.uk"
	case "aws-iso-f":
		return "csp.hci.ic.gov"
	}
	return "amazonaws.com"
}
