package registry

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The lifecycle rule engine: which images a lifecycle policy expires. It is
// pure (images and a clock in, expiries out) so that the preview, and any
// future evaluator, share one implementation that is unit-tested against
// the examples in AWS's guide (awsdocs/amazon-ecr-user-guide
// doc_source/lifecycle_policy_examples.md, LifecyclePolicies.md "Lifecycle
// policy evaluation rules").

// Lifecycle grammar values (LifecyclePolicies.md, "Lifecycle policy
// parameters").
const (
	tagStatusTagged   = "tagged"
	tagStatusUntagged = "untagged"
	tagStatusAny      = "any"

	countImagesMoreThan = "imageCountMoreThan"
	countSincePushed    = "sinceImagePushed"
)

// lifecyclePolicy is a validated policy, rules in ascending rulePriority.
type lifecyclePolicy struct {
	Rules []lifecycleRule
}

// lifecycleRule is one rule. Only action "expire" exists in the grammar
// ecrlink accepts, so the action is implied.
type lifecycleRule struct {
	Priority    int
	Description string
	TagStatus   string   // tagStatusTagged, tagStatusUntagged or tagStatusAny
	TagPrefixes []string // tagPrefixList: every prefix must start some tag
	TagPatterns []string // tagPatternList: every pattern must match some tag
	CountType   string   // countImagesMoreThan or countSincePushed
	CountNumber int      // images kept, or days
}

// lifecycleImage is what a rule looks at: an image's tags and push time.
type lifecycleImage struct {
	Digest   string
	Tags     []string
	PushedAt time.Time
}

// lifecycleExpiry is one image a policy expires and the rule that did.
type lifecycleExpiry struct {
	Image    lifecycleImage
	Priority int
}

// expire evaluates p on images at time now. AWS's rules, in its words:
// "An image is expired by exactly one or zero rules"; "An image that matches
// the tagging requirements of a rule cannot be expired by a rule with a
// lower priority"; "Rules can never mark images that are marked by higher
// priority rules, but can still identify them as if they haven't been
// expired" — so each rule counts every image it selects, and expires only
// those no earlier rule selected. The result is ordered oldest first.
func (p *lifecyclePolicy) expire(images []lifecycleImage, now time.Time) []lifecycleExpiry {
	claimed := make([]bool, len(images)) // selected by a higher-priority rule
	var out []lifecycleExpiry
	for _, r := range p.Rules {
		var selected []int
		for i := range images {
			if r.selects(images[i]) {
				selected = append(selected, i)
			}
		}
		for _, i := range r.marks(images, selected, now) {
			if !claimed[i] {
				out = append(out, lifecycleExpiry{images[i], r.Priority})
			}
		}
		for _, i := range selected {
			claimed[i] = true
		}
	}
	slices.SortFunc(out, func(a, b lifecycleExpiry) int { return olderFirst(a.Image, b.Image) })
	return out
}

// olderFirst orders images by push time, then digest, so that images
// pushed in the same instant still sort the same way every time.
func olderFirst(a, b lifecycleImage) int {
	return cmp.Or(a.PushedAt.Compare(b.PushedAt), strings.Compare(a.Digest, b.Digest))
}

// selects reports whether the rule's tag selection matches img.
func (r *lifecycleRule) selects(img lifecycleImage) bool {
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
		if !slices.ContainsFunc(img.Tags, func(t string) bool { return wildcardMatch(p, t) }) {
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
func (r *lifecycleRule) marks(images []lifecycleImage, selected []int, now time.Time) []int {
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

// wildcardMatch reports whether s matches pattern, in which "*" stands for
// any run of characters and everything else for itself.
func wildcardMatch(pattern, s string) bool {
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
