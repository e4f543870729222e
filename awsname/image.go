package awsname

import (
	"fmt"
	"regexp"
	"strings"
)

// Image is a parsed image reference on an ECR registry name:
// HOST/REPOSITORY[:TAG][@sha256:DIGEST], HOST being any registry name
// ecrlink serves (dkr, FIPS, dual-stack, vpce-specific, other partitions).
type Image struct {
	// Host is the registry name; a vpce-specific name carries no account.
	Host       Host
	Repository string
	// Tag is the tag named, "latest" when neither tag nor digest is.
	Tag string
	// Digest is the digest named, empty when none is.
	Digest string
}

// maxImageRef bounds a reference: a host, ECR's 256-character repository
// name, a 128-character tag and a digest fit well within it.
const maxImageRef = 1024

var (
	// ECR's repository name grammar (CreateRepository's repositoryName).
	repositoryPattern = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	tagPattern        = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$`)
	digestPattern     = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

// ParseImage parses an image URI as docker and containerd take it. It is
// not ParseHost's caller: the host grammar is shared, the Host header is
// still parsed in one place only (reqinfo).
func ParseImage(uri string) (Image, error) {
	if len(uri) > maxImageRef {
		return Image{}, fmt.Errorf("image %.40q…: longer than %d bytes", uri, maxImageRef)
	}
	hostPart, path, ok := strings.Cut(uri, "/")
	if !ok || path == "" {
		return Image{}, fmt.Errorf("image %q: want REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST]", uri)
	}
	h := parseName(strings.TrimRight(strings.ToLower(hostPart), "."))
	if h.Kind != RegistryHost {
		return Image{}, fmt.Errorf("image %q: %q is not an ECR registry name (ACCOUNT.dkr.ecr.REGION.amazonaws.com and its forms)", uri, hostPart)
	}
	img := Image{Host: h}
	if name, dgst, ok := strings.Cut(path, "@"); ok {
		if !digestPattern.MatchString(dgst) {
			return Image{}, fmt.Errorf("image %q: digest %q is not sha256: and 64 hex digits", uri, dgst)
		}
		path, img.Digest = name, dgst
	}
	if i := strings.LastIndexByte(path, ':'); i >= 0 {
		path, img.Tag = path[:i], path[i+1:]
		if !tagPattern.MatchString(img.Tag) {
			return Image{}, fmt.Errorf("image %q: tag %q is not a valid tag", uri, img.Tag)
		}
	}
	if len(path) > 256 || !repositoryPattern.MatchString(path) {
		return Image{}, fmt.Errorf("image %q: repository %q is not a valid ECR repository name", uri, path)
	}
	img.Repository = path
	if img.Tag == "" && img.Digest == "" {
		img.Tag = "latest"
	}
	return img, nil
}

// Reference is what the registry is asked for: the digest if named, else
// the tag.
func (i Image) Reference() string {
	if i.Digest != "" {
		return i.Digest
	}
	return i.Tag
}

// String formats i back: ParseImage(i.String()) == i.
func (i Image) String() string {
	s := i.Host.String() + "/" + i.Repository
	if i.Tag != "" {
		s += ":" + i.Tag
	}
	if i.Digest != "" {
		s += "@" + i.Digest
	}
	return s
}
