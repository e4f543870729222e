package registry

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"time"

	"github.com/ecrlink/ecrlink/registry/tokens"

	"github.com/ecrlink/ecrlink/registry/lifecycle"
)

// Lifecycle policies and their preview (ECR-FACTS §2.1 T2). The grammar,
// its validation and the rule engine are package lifecycle.

// parseLifecyclePolicy is lifecycle.Parse with its rejection answered as
// ECR does, an InvalidParameterException of the same text.
func parseLifecyclePolicy(text string) (*lifecycle.Policy, error) {
	p, err := lifecycle.Parse(text)
	var invalid *lifecycle.InvalidPolicyError
	if errors.As(err, &invalid) {
		return nil, invalidParam(invalid.Field, invalid.Constraint)
	}
	return p, err
}

func lifecyclePolicyNotFound(name, registryID string) *APIError {
	return apiErr("LifecyclePolicyNotFoundException",
		"Lifecycle policy does not exist for the repository with name '%s' in the registry with id '%s'", name, registryID)
}

// lifecyclePreviewNotFound has the model's meaning ("There is no dry run
// for this repository.") in the wording of ECR's other not-found texts [I].
func lifecyclePreviewNotFound(name, registryID string) *APIError {
	return apiErr("LifecyclePolicyPreviewNotFoundException",
		"Lifecycle policy preview does not exist for the repository with name '%s' in the registry with id '%s'", name, registryID)
}

// lifecycleOut is the output of Put, Get and DeleteLifecyclePolicy; Put
// has no lastEvaluatedAt.
type lifecycleOut struct {
	RegistryID      string `json:"registryId"`
	RepositoryName  string `json:"repositoryName"`
	Text            string `json:"lifecyclePolicyText"`
	LastEvaluatedAt *epoch `json:"lastEvaluatedAt,omitempty"`
}

// lastEvaluated is m's lastEvaluatedAt: epoch 0 for a policy never
// evaluated, as the CLI shows ("lastEvaluatedAt": 0.0,
// aws-cli awscli/examples/ecr/delete-lifecycle-policy.rst).
func lastEvaluated(m *repoMeta) *epoch {
	e := epoch(time.Unix(0, 0))
	if !m.LifecycleAt.IsZero() {
		e = epoch(m.LifecycleAt)
	}
	return &e
}

func putLifecyclePolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
		Text           string `json:"lifecyclePolicyText"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validRepoRef(in.RegistryID, in.RepositoryName); err != nil {
		return nil, err
	}
	if _, err := parseLifecyclePolicy(in.Text); err != nil {
		return nil, err
	}
	text := lifecycle.Compact(in.Text)
	m, err := s.changeRepo(ctx, in.RegistryID, in.RepositoryName, func(m *repoMeta) error {
		m.Lifecycle = text
		return nil
	})
	if err != nil {
		return nil, err
	}
	return lifecycleOut{RegistryID: s.account, RepositoryName: m.Name, Text: text}, nil
}

func getLifecyclePolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	var in repoRef
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if m.Lifecycle == "" {
		return nil, lifecyclePolicyNotFound(m.Name, s.account)
	}
	return lifecycleOut{s.account, m.Name, m.Lifecycle, lastEvaluated(m)}, nil
}

func deleteLifecyclePolicy(ctx context.Context, s *registry, body []byte) (any, error) {
	m, old, err := s.takeText(ctx, body, func(m *repoMeta) *string { return &m.Lifecycle },
		func(name string) error { return lifecyclePolicyNotFound(name, s.account) })
	if err != nil {
		return nil, err
	}
	return lifecycleOut{s.account, m.Name, old, lastEvaluated(m)}, nil
}

// lifecyclePreview is a finished preview, kept beside the repository's
// record so that a large result does not weigh on every repository read.
type lifecyclePreview struct {
	// RepositoryCreatedAt ties the preview to one incarnation of the
	// repository: a preview of a deleted repository does not reappear when
	// a repository of the same name is created.
	RepositoryCreatedAt time.Time          `json:"repositoryCreatedAt"`
	Text                string             `json:"lifecyclePolicyText"`
	Results             []lifecycle.Expiry `json:"results"`
}

const previewPrefix = "lifecyclePreviews/"

func previewKey(name string) string { return previewPrefix + metaName(name) + ".json" }

// startLifecyclePolicyPreview evaluates the policy given, or the
// repository's own, on the repository's images as they are now. ECR runs
// the preview asynchronously and answers IN_PROGRESS; ecrlink finishes
// before answering, so GetLifecyclePolicyPreview is COMPLETE at once and
// LifecyclePolicyPreviewInProgressException never occurs.
func startLifecyclePolicyPreview(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string  `json:"registryId"`
		RepositoryName string  `json:"repositoryName"`
		Text           *string `json:"lifecyclePolicyText"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validRepoRef(in.RegistryID, in.RepositoryName); err != nil {
		return nil, err
	}
	if in.Text != nil {
		if _, err := parseLifecyclePolicy(*in.Text); err != nil {
			return nil, err
		}
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	text := m.Lifecycle
	if in.Text != nil {
		text = *in.Text
	}
	if text == "" {
		return nil, lifecyclePolicyNotFound(m.Name, s.account)
	}
	if err := s.runPreview(ctx, m, text); err != nil {
		return nil, err
	}
	return struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
		Text           string `json:"lifecyclePolicyText"`
		Status         string `json:"status"`
	}{s.account, m.Name, text, "IN_PROGRESS"}, nil
}

// runPreview evaluates text on m's images and stores the result.
func (s *registry) runPreview(ctx context.Context, m *repoMeta, text string) error {
	policy, err := parseLifecyclePolicy(text)
	if err != nil {
		return err
	}
	images, err := s.listImages(ctx, m.Name)
	if err != nil {
		return err
	}
	in := make([]lifecycle.Image, len(images))
	for i, img := range images {
		in[i] = lifecycle.Image{Digest: img.Digest.String(), Tags: img.Tags, PushedAt: img.PushedAt}
	}
	b, err := json.Marshal(lifecyclePreview{
		RepositoryCreatedAt: m.CreatedAt,
		Text:                text,
		Results:             policy.Expire(in, s.cfg.Now()),
	})
	if err != nil {
		return err
	}
	return s.meta.Put(ctx, previewKey(m.Name), b)
}

// loadPreview returns m's last preview, or ECR's not-found error.
func (s *registry) loadPreview(ctx context.Context, m *repoMeta) (*lifecyclePreview, error) {
	b, err := s.meta.Get(ctx, previewKey(m.Name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, lifecyclePreviewNotFound(m.Name, s.account)
	}
	if err != nil {
		return nil, err
	}
	var p lifecyclePreview
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	if !p.RepositoryCreatedAt.Equal(m.CreatedAt) {
		return nil, lifecyclePreviewNotFound(m.Name, s.account)
	}
	return &p, nil
}

type previewResultOut struct {
	ImageTags     []string `json:"imageTags,omitempty"`
	ImageDigest   string   `json:"imageDigest"`
	ImagePushedAt epoch    `json:"imagePushedAt"`
	Action        struct {
		Type string `json:"type"`
	} `json:"action"`
	AppliedRulePriority int `json:"appliedRulePriority"`
}

type previewIn struct {
	RegistryID     string `json:"registryId"`
	RepositoryName string `json:"repositoryName"`
	ImageIDs       []struct {
		ImageDigest string `json:"imageDigest"`
		ImageTag    string `json:"imageTag"`
	} `json:"imageIds"`
	NextToken  string `json:"nextToken"`
	MaxResults *int   `json:"maxResults"`
	Filter     *struct {
		TagStatus string `json:"tagStatus"`
	} `json:"filter"`
}

func getLifecyclePolicyPreview(ctx context.Context, s *registry, body []byte) (any, error) {
	var in previewIn
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	scope := s.pageScope("GetLifecyclePolicyPreview", in.RegistryID, in.RepositoryName)
	limit, offset, err := in.check(s, scope)
	if err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPreview(ctx, m)
	if err != nil {
		return nil, err
	}
	selected := slices.DeleteFunc(slices.Clone(p.Results), func(e lifecycle.Expiry) bool { return !in.wants(e.Image) })
	if offset > len(selected) {
		return nil, errInvalidNextToken
	}
	page, next := selected[offset:], ""
	if len(page) > limit {
		page, next = page[:limit], s.pages.Encode(scope, strconv.Itoa(offset+limit))
	}
	out := make([]previewResultOut, len(page))
	for i, e := range page {
		out[i] = previewResultOut{ImageTags: e.Image.Tags, ImageDigest: e.Image.Digest,
			ImagePushedAt: epoch(e.Image.PushedAt), AppliedRulePriority: e.Priority}
		out[i].Action.Type = "EXPIRE"
	}
	type summary struct {
		ExpiringImageTotalCount int `json:"expiringImageTotalCount"`
	}
	return struct {
		RegistryID     string             `json:"registryId"`
		RepositoryName string             `json:"repositoryName"`
		Text           string             `json:"lifecyclePolicyText"`
		Status         string             `json:"status"`
		Results        []previewResultOut `json:"previewResults"`
		NextToken      string             `json:"nextToken,omitempty"`
		Summary        summary            `json:"summary"`
	}{s.account, m.Name, p.Text, "COMPLETE", out, next, summary{len(p.Results)}}, nil
}

// check validates the request's own parameters and returns the page size
// (1–100, default 100: the model's GetLifecyclePolicyPreview maxResults)
// and the offset its nextToken, issued for scope, stands for.
func (in *previewIn) check(s *registry, scope tokens.Scope) (limit, offset int, err error) {
	if err := validRepoRef(in.RegistryID, in.RepositoryName); err != nil {
		return 0, 0, err
	}
	if in.ImageIDs != nil && (in.MaxResults != nil || in.NextToken != "") {
		return 0, 0, invalidParam("maxResults", "maxResults and nextToken cannot be used when you specify images with imageIds")
	}
	if in.ImageIDs != nil && (len(in.ImageIDs) < 1 || len(in.ImageIDs) > 100) {
		return 0, 0, invalidParam("imageIds", "Member must have length between 1 and 100")
	}
	if in.Filter != nil && !slices.Contains([]string{"TAGGED", "UNTAGGED", "ANY"}, in.Filter.TagStatus) {
		return 0, 0, invalidParam("filter.tagStatus", "Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]")
	}
	limit = 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return 0, 0, invalidParam("maxResults", "Member must have value between 1 and 100")
		}
		limit = *in.MaxResults
	}
	if in.NextToken == "" {
		return limit, 0, nil
	}
	tok, err := s.decodePage(scope, in.NextToken)
	if err != nil {
		return 0, 0, err
	}
	if offset, err = strconv.Atoi(tok); err != nil || offset < 0 {
		return 0, 0, errInvalidNextToken
	}
	return limit, offset, nil
}

// wants reports whether img passes the request's filter and imageIds.
func (in *previewIn) wants(img lifecycle.Image) bool {
	if in.Filter != nil {
		switch tagged := len(img.Tags) > 0; in.Filter.TagStatus {
		case "TAGGED":
			if !tagged {
				return false
			}
		case "UNTAGGED":
			if tagged {
				return false
			}
		}
	}
	if in.ImageIDs == nil {
		return true
	}
	for _, id := range in.ImageIDs {
		if id.ImageDigest == img.Digest || (id.ImageTag != "" && slices.Contains(img.Tags, id.ImageTag)) {
			return true
		}
	}
	return false
}
