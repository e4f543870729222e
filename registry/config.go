package registry

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/registry/identity"
)

// DefaultAccount and DefaultRegion are what a zero Config serves.
const (
	DefaultAccount = "000000000000"
	DefaultRegion  = "us-east-1"
)

// DefaultMaxAPIBodyMemory is room for four of the largest UploadLayerPart
// bodies at once.
const DefaultMaxAPIBodyMemory = 4 * maxLayerPartBody

// Config configures a Service. The zero Config serves one in-memory
// registry, DefaultAccount's in DefaultRegion, in which any access key acts as the
// account root.
type Config struct {
	// Account is the 12-digit registry id; empty means DefaultAccount.
	Account string
	// Region is the AWS region served; empty means DefaultRegion.
	Region string
	// Registries are served beside the home registry of Account in
	// Region, each on its own storage and metadata: other accounts (for
	// cross-account pulls) and other regions. More can be added at run
	// time (Service.AddRegistry).
	Registries []awsname.Registry
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
	if !awsname.ValidAccount(c.Account) {
		errs = append(errs, fmt.Errorf("account %q: must be 12 digits", c.Account))
	}
	if !awsname.ValidRegion(c.Region) {
		errs = append(errs, fmt.Errorf("region %q: not an AWS region name", c.Region))
	}
	for i, r := range c.Registries {
		if !awsname.ValidAccount(r.Account) || !awsname.ValidRegion(r.Region) {
			errs = append(errs, fmt.Errorf("registries[%d]: %q in %q is not an account and region", i, r.Account, r.Region))
		}
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
	if _, err := identity.New(c.Identities); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
