package ca

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ecrlink/ecrlink/awsname"
)

// Errors GetCertificate returns; crypto/tls turns them into a TLS alert.
var (
	ErrNoSNI       = errors.New("ca: the client sent no server name (SNI); ecrlink serves TLS by name only")
	ErrUnknownName = errors.New("ca: not a name ecrlink serves")
)

// Localhost is the one name outside AWS's that gets a leaf, with IP subject
// names 127.0.0.1 and ::1, for clients pointed at ecrlink directly.
const Localhost = "localhost"

// subjectNames is the DNS subject names of the leaf for name: those of the
// certificate AWS serves for its family (ECR-FACTS §1.6), so that what a
// client sees in an x509 error reads as it would against AWS. The list
// always covers name itself.
func subjectNames(name string) ([]string, error) {
	name = strings.TrimRight(strings.ToLower(name), ".")
	if name == "" {
		return nil, ErrNoSNI
	}
	if name == Localhost {
		return []string{Localhost}, nil
	}
	h, ok := awsname.MatchName(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownName, name)
	}
	names := family(h)
	if !covers(names, name) {
		names = append(names, name)
	}
	return names, nil
}

// family is the subject names of h's family. The vpce-specific names share
// the certificate of their service's private DNS name, as on AWS.
func family(h awsname.Host) []string {
	r, s, f := h.Region, h.Suffix, ""
	if h.FIPS {
		f = "-fips"
	}
	switch h.Kind {
	case awsname.RegistryHost:
		switch {
		case h.DualStack:
			return []string{"*.dkr-ecr" + f + "." + r + "." + s}
		case strings.HasPrefix(s, "on."):
			// The dotted form over a dual-stack suffix, which the
			// credential helper accepts; it has no vpce counterpart.
			return []string{"*.dkr.ecr" + f + "." + r + "." + s}
		}
		return []string{"*.dkr.ecr" + f + "." + r + "." + s, "dkr.ecr" + f + "." + r + "." + s, "*.dkr.ecr." + r + ".vpce." + s}
	case awsname.APIHost:
		if h.DualStack {
			return []string{"ecr" + f + "." + r + "." + s}
		}
		return []string{"api.ecr" + f + "." + r + "." + s, "ecr" + f + "." + r + "." + s, "*.api.ecr." + r + ".vpce." + s}
	case awsname.LogsHost:
		if h.DualStack {
			return []string{"logs" + f + "." + r + "." + s}
		}
		return []string{"logs" + f + "." + r + "." + s, "*.logs." + r + ".vpce." + s}
	case awsname.StarportHost:
		return []string{"*.s3." + r + "." + s, "*.s3." + s}
	}
	return nil
}

// covers reports whether one of names matches host, with a wildcard
// standing for exactly one leftmost label, as x509 verification has it.
func covers(names []string, host string) bool {
	for _, n := range names {
		if n == host {
			return true
		}
		if rest, ok := strings.CutPrefix(n, "*."); ok {
			label, tail, found := strings.Cut(host, ".")
			if found && label != "" && tail == rest {
				return true
			}
		}
	}
	return false
}
