// Package lifecycle is ECR's lifecycle-policy grammar and its rule engine:
// Parse validates policy text as PutLifecyclePolicy does, with ECR's texts,
// and Policy.Expire says which images a policy expires. It is pure (text,
// images and a clock in; rules, expiries or an *InvalidPolicyError out) so
// that the preview, and any future evaluator, share one implementation that
// is unit-tested against the examples in AWS's guide
// (awsdocs/amazon-ecr-user-guide doc_source/lifecycle_policy_examples.md,
// LifecyclePolicies.md "Lifecycle policy evaluation rules").
package lifecycle

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Lifecycle grammar values (LifecyclePolicies.md, "Lifecycle policy
// parameters").
const (
	tagStatusTagged   = "tagged"
	tagStatusUntagged = "untagged"
	tagStatusAny      = "any"

	countImagesMoreThan = "imageCountMoreThan"
	countSincePushed    = "sinceImagePushed"
)

// Policy is a validated policy, rules in ascending rulePriority.
type Policy struct {
	Rules []Rule
}

// Rule is one rule. Only action "expire" exists in the grammar
// ecrlink accepts, so the action is implied.
type Rule struct {
	Priority    int
	Description string
	TagStatus   string   // tagStatusTagged, tagStatusUntagged or tagStatusAny
	TagPrefixes []string // tagPrefixList: every prefix must start some tag
	TagPatterns []string // tagPatternList: every pattern must match some tag
	CountType   string   // countImagesMoreThan or countSincePushed
	CountNumber int      // images kept, or days
}

// Image is what a rule looks at: an image's tags and push time. Its
// fields carry no JSON tags on purpose: registry stores previews as
// JSON, and the member names are the field names.
type Image struct {
	Digest   string
	Tags     []string
	PushedAt time.Time
}

// Expiry is one image a policy expires and the rule that did.
type Expiry struct {
	Image    Image
	Priority int
}

// Expire evaluates p on images at time now. AWS's rules, in its words:
// "An image is expired by exactly one or zero rules"; "An image that matches
// the tagging requirements of a rule cannot be expired by a rule with a
// lower priority"; "Rules can never mark images that are marked by higher
// priority rules, but can still identify them as if they haven't been
// expired" — so each rule counts every image it selects, and expires only
// those no earlier rule selected. The result is ordered oldest first.
func (p *Policy) Expire(images []Image, now time.Time) []Expiry {
	claimed := make([]bool, len(images)) // selected by a higher-priority rule
	var out []Expiry
	for _, r := range p.Rules {
		var selected []int
		for i := range images {
			if r.selects(images[i]) {
				selected = append(selected, i)
			}
		}
		for _, i := range r.marks(images, selected, now) {
			if !claimed[i] {
				out = append(out, Expiry{images[i], r.Priority})
			}
		}
		for _, i := range selected {
			claimed[i] = true
		}
	}
	slices.SortFunc(out, func(a, b Expiry) int { return olderFirst(a.Image, b.Image) })
	return out
}

// olderFirst orders images by push time, then digest, so that images
// pushed in the same instant still sort the same way every time.
func olderFirst(a, b Image) int {
	return cmp.Or(a.PushedAt.Compare(b.PushedAt), strings.Compare(a.Digest, b.Digest))
}

// selects reports whether the rule's tag selection matches img.
func (r *Rule) selects(img Image) bool {
	switch r.TagStatus {
	case tagStatusAny:
		return true
	case tagStatusUntagged:
		return len(img.Tags) == 0
	}
	if len(img.Tags) == 0 {
		return false
	}
	// "an image is successfully matched if all of the tags in the
	// tagPrefixList value are matched against any of the image's tags"
	for _, p := range r.TagPrefixes {
		if !slices.ContainsFunc(img.Tags, func(t string) bool { return strings.HasPrefix(t, p) }) {
			return false
		}
	}
	for _, p := range r.TagPatterns {
		if !slices.ContainsFunc(img.Tags, func(t string) bool { return WildcardMatch(p, t) }) {
			return false
		}
	}
	return true
}

// marks returns the indices, among selected, that the rule's count
// expires: beyond the newest CountNumber images ("images are sorted from
// youngest to oldest based on pushed_at_time and then all images greater
// than the specified count are expired"), or pushed more than CountNumber
// days before now.
func (r *Rule) marks(images []Image, selected []int, now time.Time) []int {
	if r.CountType == countSincePushed {
		// A date, not a Duration: countNumber may be up to 2^31-1 days,
		// far beyond what a Duration holds.
		cutoff := now.UTC().AddDate(0, 0, -r.CountNumber)
		return slices.DeleteFunc(slices.Clone(selected), func(i int) bool {
			return !images[i].PushedAt.Before(cutoff)
		})
	}
	if len(selected) <= r.CountNumber {
		return nil
	}
	byAge := slices.Clone(selected)
	slices.SortFunc(byAge, func(a, b int) int { return olderFirst(images[b], images[a]) })
	return byAge[r.CountNumber:]
}

// WildcardMatch reports whether s matches pattern, in which "*" stands for
// any run of characters and everything else for itself. It is exported for
// registry's repository-policy check, which matches action names the same
// way.
func WildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	first, last := parts[0], parts[len(parts)-1]
	if !strings.HasPrefix(s, first) {
		return false
	}
	s = s[len(first):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}
