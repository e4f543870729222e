package registry

import (
	"errors"
	"regexp"
	"strings"

	"github.com/distribution/reference"
	"github.com/ecrlink/ecrlink/awsname"
)

// repositoryNamePattern is the model's RepositoryName pattern (ECR-FACTS §2.3),
// anchored.
var repositoryNamePattern = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$`)

// The service still prints its older pattern in the message (observed in
// 2018–2024 CLI and SDK output, jenkins-x/jx#1344, terraform-provider-aws#40309).
const repositoryNameRegexText = `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`

// validRepositoryName reports the InvalidParameterException ECR gives for a
// bad repository name in field, or nil.
func validRepositoryName(field, name string) error {
	switch {
	case len(name) < 2:
		return invalidParam(field, "must have length greater than or equal to 2")
	case len(name) > 256:
		return invalidParam(field, "must have length less than or equal to 256")
	case !repositoryNamePattern.MatchString(name):
		return invalidParam(field, "must satisfy regular expression '"+repositoryNameRegexText+"'")
	}
	return nil
}

// storableRepositoryName refuses, in field, the names ECR accepts but the
// embedded distribution cannot hold in any storage mode, in ECR's wording:
// a path of more than 255 characters (distribution/reference's limit, which
// registry clients share; a first component followed by "/" does not count,
// as distribution takes it for a host name). The check is distribution's
// own, so the two cannot drift apart.
func storableRepositoryName(field, name string) error {
	_, err := reference.WithName(name)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, reference.ErrNameTooLong):
		return invalidParam(field, "must have length less than or equal to 255")
	}
	return invalidParam(field, "must satisfy regular expression '"+repositoryNameRegexText+"'")
}

// validRegistryID checks an optional registryId parameter.
func validRegistryID(id string) error {
	if id != "" && !awsname.ValidAccount(id) {
		return invalidParam("registryId", "must satisfy regular expression '[0-9]{12}'")
	}
	return nil
}

// validTag reports whether tag is an acceptable ECR image tag: 1–300
// characters (ECR-FACTS §2.3). On the registry API, distribution's own tag
// grammar applies on top.
func validTag(tag string) bool {
	return len(tag) >= 1 && len(tag) <= 300
}

// imageTagPattern is the tag grammar ECR enforces on the API, as its
// messages print it (datawire/forge#99, alexjurkiewicz/ecr-scan-image#40);
// the model itself states only the length (ECR-FACTS §2.3). Every such tag
// is storable: see package longnames.
var imageTagPattern = regexp.MustCompile(`^[a-zA-Z0-9-_.]+$`)

// checkImageTag reports the InvalidParameterException ECR gives for a bad
// image tag in field, or nil.
func checkImageTag(field, tag string) error {
	switch {
	case len(tag) < 1:
		return invalidParam(field, "must have length greater than or equal to 1")
	case len(tag) > 300:
		return invalidParam(field, "must have length less than or equal to 300")
	case !imageTagPattern.MatchString(tag) || tag == "." || tag == "..":
		// distribution joins a tag into paths with path.Join, so "." and
		// ".." would name _manifests/tags itself or its parent.
		return invalidParam(field, "must satisfy regular expression '[a-zA-Z0-9-_.]+'")
	}
	return nil
}

var digestPattern = regexp.MustCompile(`^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$`)

// validDigest reports whether d has the model's LayerDigest/ImageDigest shape.
func validDigest(d string) bool {
	return len(d) <= 1024 && digestPattern.MatchString(d)
}

// repositoryARN is the ARN of repository name in account's registry in
// region.
func repositoryARN(region, account, name string) string {
	return awsname.Repository{Region: region, Account: account, Name: name}.String()
}

var exclusionFilterPattern = regexp.MustCompile(`^[0-9a-zA-Z._*-]{1,128}$`)

// checkTags validates resource tags (ECR-FACTS §2.3: key ≤ 128, value ≤ 256,
// at most 50 per repository, counting the existing ones).
func checkTags(tags []resourceTag, existing int) error {
	if len(tags)+existing > 50 {
		return apiErr("TooManyTagsException", "The repository can have up to 50 tags. Remove some tags and try again.")
	}
	for _, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return apiErr("InvalidTagParameterException", "The tag key must be between 1 and 128 characters long.")
		}
		if len(t.Value) > 256 {
			return apiErr("InvalidTagParameterException", "The tag value must be at most 256 characters long.")
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return apiErr("InvalidTagParameterException", "Tag keys can not start with 'aws:'.")
		}
	}
	return nil
}
