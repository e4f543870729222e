package lifecycle

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// now is the clock of every evaluation test; image ages are days before it.
var lifecycleNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// img is an image in a test repository: named by its digest, tagged, and
// pushed the given number of days before lifecycleNow.
func img(name string, daysAgo float64, tags ...string) Image {
	return Image{Digest: name, Tags: tags,
		PushedAt: lifecycleNow.Add(-time.Duration(daysAgo * float64(24*time.Hour)))}
}

// mustPolicy parses a policy given as its rules, padded past the 100
// character minimum by the envelope.
func mustPolicy(t *testing.T, rules string) *Policy {
	t.Helper()
	p, err := Parse(`{"rules": [` + rules + `]}`)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return p
}

func TestLifecycleExpire(t *testing.T) {
	t.Parallel()
	// Repositories of the "Filtering on Multiple Rules" and "Multiple Tags
	// in a Single Rule" examples (lifecycle_policy_examples.md).
	multiRules := []Image{
		img("A", 10, "beta-1", "prod-1"), img("B", 9, "beta-2", "prod-2"), img("C", 8, "beta-3"),
	}
	multiTagsA := []Image{
		img("A", 12, "alpha-1"), img("B", 11, "beta-1"), img("C", 10, "alpha-2", "beta-2"),
		img("D", 4, "alpha-3"), img("E", 3, "beta-3"), img("F", 2, "alpha-4", "beta-4"),
	}
	multiTagsB := []Image{
		img("A", 10, "alpha-1", "beta-1", "gamma-1"), img("B", 9, "alpha-2", "beta-2"),
		img("C", 8, "alpha-3", "beta-3", "gamma-2"),
	}
	const (
		prodKeep1 = `{"rulePriority": %d, "selection": {"tagStatus": "tagged", "tagPrefixList": ["prod"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}`
		betaKeep1 = `{"rulePriority": %d, "selection": {"tagStatus": "tagged", "tagPrefixList": ["beta"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}`
	)
	tests := []struct {
		name   string
		rules  string
		images []Image
		want   []string // "digest@priority", oldest first
	}{
		{
			name:   "untagged older than 14 days",
			rules:  `{"rulePriority": 1, "description": "Expire images older than 14 days", "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}}`,
			images: []Image{img("old", 20), img("young", 10), img("tagged-old", 30, "v1"), img("edge", 14)},
			want:   []string{"old@1"},
		},
		{
			name:   "tagPatternList prod* older than 14 days",
			rules:  `{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}}`,
			images: []Image{img("p-old", 15, "prod-1"), img("p-new", 13, "prod-2"), img("d-old", 40, "dev-1"), img("u-old", 40)},
			want:   []string{"p-old@1"},
		},
		{
			name:   "keep only one untagged image",
			rules:  `{"rulePriority": 1, "description": "Keep only one untagged image, expire all others", "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}`,
			images: []Image{img("u3", 3), img("u1", 1), img("u2", 2), img("t", 9, "latest")},
			want:   []string{"u3@1", "u2@1"},
		},
		{
			name:   "multiple rules, example A: a lower rule may not expire what a higher one selected",
			rules:  strings.Replace(prodKeep1, "%d", "1", 1) + "," + strings.Replace(betaKeep1, "%d", "2", 1),
			images: multiRules,
			want:   []string{"A@1"},
		},
		{
			name:   "multiple rules, example B: priorities swapped",
			rules:  strings.Replace(betaKeep1, "%d", "1", 1) + "," + strings.Replace(prodKeep1, "%d", "2", 1),
			images: multiRules,
			want:   []string{"A@1", "B@1"},
		},
		{
			name:   "multiple tags, example A: every prefix must match, older than 5 days",
			rules:  `{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["alpha", "beta"], "countType": "sinceImagePushed", "countNumber": 5, "countUnit": "days"}, "action": {"type": "expire"}}`,
			images: multiTagsA,
			want:   []string{"C@1"},
		},
		{
			name:   "multiple tags, example B: tags are not exclusive",
			rules:  `{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["alpha", "beta"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}`,
			images: multiTagsB,
			want:   []string{"A@1", "B@1"},
		},
		{
			name: "any rule counts images a higher rule selected but expires only the rest",
			rules: `{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["release-*"], "countType": "imageCountMoreThan", "countNumber": 5}, "action": {"type": "expire"}},
				{"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2}, "action": {"type": "expire"}}`,
			images: []Image{img("r1", 6, "release-1"), img("d1", 5, "dev-1"), img("u1", 4), img("r2", 3, "release-2"), img("d2", 2, "dev-2"), img("r3", 1, "release-3")},
			want:   []string{"d1@2", "u1@2"},
		},
		{
			name:   "wildcards in the middle of a pattern",
			rules:  `{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["*test*1*2*3"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}`,
			images: []Image{img("m1", 3, "a-test-x1y2z3"), img("m2", 2, "test123"), img("no", 4, "test-1-2-3-4"), img("no2", 5, "tes123")},
			want:   []string{"m1@1"},
		},
		{
			name:   "nothing beyond the count",
			rules:  `{"rulePriority": 7, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10}, "action": {"type": "expire"}}`,
			images: []Image{img("a", 1), img("b", 2, "x")},
			want:   nil,
		},
		{
			name:   "the largest day count expires nothing",
			rules:  `{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 2147483647}, "action": {"type": "expire"}}`,
			images: []Image{img("ancient", 40000), img("new", 0)},
			want:   nil,
		},
		{
			name:   "same push time is ordered by digest",
			rules:  `{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}`,
			images: []Image{img("sha256:b", 1), img("sha256:a", 1), img("sha256:c", 1)},
			want:   []string{"sha256:a@1", "sha256:b@1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, e := range mustPolicy(t, tc.rules).Expire(tc.images, lifecycleNow) {
				got = append(got, e.Image.Digest+"@"+strconv.Itoa(e.Priority))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("expired %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"prod*", "prod", true},
		{"prod*", "prod-1", true},
		{"prod*", "xprod", false},
		{"*prod", "my-prod", true},
		{"*", "", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "acb", false},
		{"ab*b", "ab", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
	}
	for _, tc := range tests {
		if got := WildcardMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("WildcardMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestParseLifecyclePolicyRejects(t *testing.T) {
	t.Parallel()
	const (
		sel    = `"selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 30}`
		act    = `"action": {"type": "expire"}`
		prefix = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: "
	)
	rule := func(body string) string {
		return `{"rules": [{` + body + `}], "padding_is_not_allowed_so_the_envelope_stays_minimal": null}`
	}
	pad := func(s string) string { return s + strings.Repeat(" ", max(0, 100-len(s))) }
	tests := []struct {
		name string
		text string
		want string // the reason, between the prefix and the closing quote
	}{
		{"not JSON", pad("some invalid input"), "Could not map policyString into LifecyclePolicy."},
		{"an array", pad(`[{"rulePriority": 1, ` + sel + `, ` + act + `}]`), "Could not map policyString into LifecyclePolicy."},
		{"no rules", pad(`{"no_rules": "test"}`), `object has missing required properties (["rules"])`},
		{"rules not a list", pad(`{"rules": {"rulePriority": 1}}`), `instance type (object) does not match any allowed primitive type (allowed: ["array"])`},
		{"empty rules", pad(`{"rules": []}`), "array is too short: must have at least 1 elements but instance has 0 elements"},
		{"rule not an object", pad(`{"rules": ["not_dict"]}`), `instance type (string) does not match any allowed primitive type (allowed: ["object"])`},
		{"extra top-level member", rule(`"rulePriority": 1, ` + sel + `, ` + act), `object instance has properties which are not allowed by the schema: (["padding_is_not_allowed_so_the_envelope_stays_minimal"])`},
		{"missing rulePriority", pad(`{"rules": [{` + sel + `, ` + act + `}]}`), `object has missing required properties (["rulePriority"])`},
		{"missing selection and action", pad(`{"rules": [{"rulePriority": 1, "description": "nothing else here at all"}]}`), `object has missing required properties (["action", "selection"])`},
		{"unknown rule member", pad(`{"rules": [{"rulePriority": 1, ` + sel + `, ` + act + `, "unknown": 123}]}`), `object instance has properties which are not allowed by the schema: (["unknown"])`},
		{"rulePriority a string", pad(`{"rules": [{"rulePriority": "1", ` + sel + `, ` + act + `}]}`), `instance type (string) does not match any allowed primitive type (allowed: ["integer"])`},
		{"rulePriority zero", pad(`{"rules": [{"rulePriority": 0, ` + sel + `, ` + act + `}]}`), "numeric instance is lower than the required minimum (minimum: 1, found: 0)"},
		{"rulePriority beyond int", pad(`{"rules": [{"rulePriority": 3000000000, ` + sel + `, ` + act + `}]}`), "Could not map policyString into LifecyclePolicy."},
		{"action missing type", pad(`{"rules": [{"rulePriority": 1, ` + sel + `, "action": {}}]}`), `object has missing required properties (["type"])`},
		{"action keep", pad(`{"rules": [{"rulePriority": 1, ` + sel + `, "action": {"type": "keep"}}]}`), `instance value (keep) not found in enum :(possible values: ["expire"])`},
		{"unknown tagStatus", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "unknown", "countType": "imageCountMoreThan", "countNumber": 30}, ` + act + `}]}`), `instance value (unknown) not found in enum :(possible values: ["any", "tagged", "untagged"])`},
		{"unknown countType", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "unknown", "countNumber": 30}, ` + act + `}]}`), "instance failed to match exactly one schema (matched 0 out of 2)"},
		{"countUnit with imageCountMoreThan", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countUnit": "days", "countNumber": 5}, ` + act + `}]}`), "instance failed to match exactly one schema (matched 0 out of 2)"},
		{"sinceImagePushed without countUnit", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 5}, ` + act + `}]}`), "instance failed to match exactly one schema (matched 0 out of 2)"},
		{"countUnit hours", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "hours", "countNumber": 5}, ` + act + `}]}`), `instance value (hours) not found in enum :(possible values: ["days"])`},
		{"countNumber zero", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 0}, ` + act + `}]}`), "numeric instance is lower than the required minimum (minimum: 1, found: 0)"},
		{"countNumber negative", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": -1}, ` + act + `}]}`), "numeric instance is lower than the required minimum (minimum: 1, found: -1)"},
		{"countNumber fractional", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1.5}, ` + act + `}]}`), `instance type (number) does not match any allowed primitive type (allowed: ["integer"])`},
		{"tagged without a list", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 1}, ` + act + `}]}`), "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED."},
		{"two untagged rules", pad(`{"rules": [{"rulePriority": 1, ` + sel + `, ` + act + `}, {"rulePriority": 2, ` + sel + `, ` + act + `}]}`), "Only one rule can select Untagged images per storage class."},
		{"any rule not last", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, ` + act + `}, {"rulePriority": 2, ` + sel + `, ` + act + `}]}`), "Rule for tagStatus=ANY must have the lowest priority per storage class."},
		{"duplicate priority", pad(`{"rules": [{"rulePriority": 1, ` + sel + `, ` + act + `}, {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["v"], "countType": "imageCountMoreThan", "countNumber": 1}, ` + act + `}]}`), "Rule priorities must be unique."},
		{"five wildcards", pad(`{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["test*1*2*3*4*5"], "countType": "imageCountMoreThan", "countNumber": 1}, ` + act + `}]}`), "A tagPatternList value can contain at most 4 wildcards (*)."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tc.text)
			var ie *InvalidPolicyError
			if !errors.As(err, &ie) || ie.Error() != prefix+tc.want+"'" {
				t.Fatalf("got %v\nwant %s%s'", err, prefix, tc.want)
			}
		})
	}
}

func TestParseLifecyclePolicyLength(t *testing.T) {
	t.Parallel()
	short := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`[:99]
	_, err := Parse(short)
	var ie *InvalidPolicyError
	if !errors.As(err, &ie) || ie.Error() != "Invalid parameter at 'lifecyclePolicyText' failed to satisfy constraint: 'Member must have length greater than or equal to 100'" {
		t.Fatalf("99 characters: got %v", err)
	}
	_, err = Parse(strings.Repeat(" ", maxLifecycleText+1))
	if !errors.As(err, &ie) || !strings.Contains(ie.Error(), "less than or equal to 30720") {
		t.Fatalf("30,721 characters: got %v", err)
	}
}

// FuzzParseLifecyclePolicy holds the parser and the engine to their
// contracts on any text: no panic, an *InvalidPolicyError for every
// rejection, and for an accepted policy rules in strictly ascending
// priority and at most one expiry per image, each by a rule that exists.
func FuzzParseLifecyclePolicy(f *testing.F) {
	f.Add(`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`)
	f.Add(`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},` +
		`{"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}`)
	f.Add(`{"rules":[{"rulePriority":-9223372036854775809,"selection":{},"action":{}}]}` + strings.Repeat(" ", 40))
	images := []Image{img("a", 30, "prod-1", "beta"), img("b", 3), img("c", 1, "prod-2"), img("d", 400, "x")}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text)
		if err != nil {
			var ie *InvalidPolicyError
			if !errors.As(err, &ie) {
				t.Fatalf("rejection %v is not an *InvalidPolicyError", err)
			}
			return
		}
		priorities := map[int]bool{}
		for i, r := range p.Rules {
			if i > 0 && p.Rules[i-1].Priority >= r.Priority {
				t.Fatalf("rules out of order: %+v", p.Rules)
			}
			priorities[r.Priority] = true
		}
		seen := map[string]bool{}
		for _, e := range p.Expire(images, lifecycleNow) {
			if seen[e.Image.Digest] || !priorities[e.Priority] {
				t.Fatalf("bad expiry %+v in %+v", e, p.Rules)
			}
			seen[e.Image.Digest] = true
		}
	})
}
