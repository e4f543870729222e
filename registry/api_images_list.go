package registry

import (
	"context"

	"github.com/ecrlink/ecrlink/registry/tokens"
)

// tagStatuses are the values of a ListImages/DescribeImages filter.
var tagStatuses = []string{"TAGGED", "UNTAGGED", "ANY"}

type imagesFilter struct {
	TagStatus   string `json:"tagStatus"`
	ImageStatus string `json:"imageStatus"`
}

// check validates the filter; an empty tagStatus means ANY.
func (f *imagesFilter) check() error {
	if f.TagStatus != "" && !contains(tagStatuses, f.TagStatus) {
		return invalidParam("filter.tagStatus", "Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]")
	}
	if f.ImageStatus != "" && !contains([]string{"ACTIVE", "ARCHIVED", "ACTIVATING", "ANY"}, f.ImageStatus) {
		return invalidParam("filter.imageStatus", "Member must satisfy enum value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]")
	}
	return nil
}

// keeps reports whether img passes the filter. ecrlink never archives, so
// every image is ACTIVE.
func (f *imagesFilter) keeps(img *image) bool {
	if f.ImageStatus == "ARCHIVED" || f.ImageStatus == "ACTIVATING" {
		return false
	}
	switch f.TagStatus {
	case "TAGGED":
		return len(img.Tags) > 0
	case "UNTAGGED":
		return len(img.Tags) == 0
	}
	return true
}

// pageRequest is the paging part of the list operations.
type pageRequest struct {
	limit int
	after string // the last key of the previous page; "" on the first
	first bool
	scope tokens.Scope // what the page's nextToken is good for
}

func (s *registry) newPage(scope tokens.Scope, maxResults *int, nextToken string) (pageRequest, error) {
	limit, err := pageSize(maxResults)
	if err != nil {
		return pageRequest{}, err
	}
	after, err := s.decodePage(scope, nextToken)
	if err != nil {
		return pageRequest{}, err
	}
	return pageRequest{limit: limit, after: after, first: nextToken == "", scope: scope}, nil
}

// listEntry is one ListImages row: one per tag, or the digest alone for an
// untagged image. key orders rows for paging.
type listEntry struct {
	id  imageID
	key string
}

func listImagesOp(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string       `json:"registryId"`
		RepositoryName string       `json:"repositoryName"`
		NextToken      string       `json:"nextToken"`
		MaxResults     *int         `json:"maxResults"`
		Filter         imagesFilter `json:"filter"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	page, err := s.newPage(s.pageScope("ListImages", in.RegistryID, in.RepositoryName), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	if err := in.Filter.check(); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	images, err := s.listImages(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	var rows []listEntry
	for _, img := range images { // sorted by digest, tags sorted
		if !in.Filter.keeps(img) {
			continue
		}
		if len(img.Tags) == 0 {
			rows = append(rows, listEntry{imageID{ImageDigest: string(img.Digest)}, string(img.Digest) + "\x00"})
		}
		for _, t := range img.Tags {
			rows = append(rows, listEntry{imageID{string(img.Digest), t}, string(img.Digest) + "\x00" + t})
		}
	}
	out, next, last := []imageID{}, "", ""
	for _, r := range rows {
		if !page.first && r.key <= page.after {
			continue
		}
		if len(out) == page.limit {
			next = s.pages.Encode(page.scope, last)
			break
		}
		out, last = append(out, r.id), r.key
	}
	return struct {
		ImageIDs  []imageID `json:"imageIds"`
		NextToken string    `json:"nextToken,omitempty"`
	}{out, next}, nil
}

// imageDetail is ECR's ImageDetail shape.
type imageDetail struct {
	RegistryID             string   `json:"registryId"`
	RepositoryName         string   `json:"repositoryName"`
	ImageDigest            string   `json:"imageDigest"`
	ImageTags              []string `json:"imageTags,omitempty"`
	ImageSizeInBytes       int64    `json:"imageSizeInBytes"`
	ImagePushedAt          epoch    `json:"imagePushedAt"`
	ImageManifestMediaType string   `json:"imageManifestMediaType,omitempty"`
	ArtifactMediaType      string   `json:"artifactMediaType,omitempty"`
}

func (s *registry) detailOf(repoName string, img *image) imageDetail {
	return imageDetail{
		RegistryID:             s.account,
		RepositoryName:         repoName,
		ImageDigest:            string(img.Digest),
		ImageTags:              img.Tags,
		ImageSizeInBytes:       img.Size,
		ImagePushedAt:          epoch(img.PushedAt),
		ImageManifestMediaType: img.MediaType,
		ArtifactMediaType:      img.ArtifactMediaType,
	}
}

func describeImages(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string       `json:"registryId"`
		RepositoryName string       `json:"repositoryName"`
		ImageIDs       []imageIDIn  `json:"imageIds"`
		NextToken      string       `json:"nextToken"`
		MaxResults     *int         `json:"maxResults"`
		Filter         imagesFilter `json:"filter"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ImageIDs != nil && (in.MaxResults != nil || in.NextToken != "") {
		// The documented rule, worded as for DescribeRepositories (ECR-FACTS §2).
		return nil, invalidParam("maxResults", "maxResults cannot be used when you specify images with imageIds")
	}
	page, err := s.newPage(s.pageScope("DescribeImages", in.RegistryID, in.RepositoryName), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	if err := in.Filter.check(); err != nil {
		return nil, err
	}
	if in.ImageIDs != nil {
		if err := checkImageIDList(in.ImageIDs); err != nil {
			return nil, err
		}
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	c, err := s.loadCatalog(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	if in.ImageIDs != nil {
		return s.describeNamedImages(c, m.Name, in.ImageIDs)
	}
	out, next := []imageDetail{}, ""
	for _, img := range c.images {
		if !in.Filter.keeps(img) || (!page.first && string(img.Digest) <= page.after) {
			continue
		}
		if len(out) == page.limit {
			next = s.pages.Encode(page.scope, out[len(out)-1].ImageDigest)
			break
		}
		out = append(out, s.detailOf(m.Name, img))
	}
	return struct {
		ImageDetails []imageDetail `json:"imageDetails"`
		NextToken    string        `json:"nextToken,omitempty"`
	}{out, next}, nil
}

// describeNamedImages answers DescribeImages with imageIds: all of them, or
// the first one missing as ImageNotFoundException.
func (s *registry) describeNamedImages(c *catalog, repoName string, ids []imageIDIn) (any, error) {
	out := []imageDetail{}
	seen := map[string]bool{}
	for _, id := range ids {
		img, f := c.resolve(id)
		switch {
		case f == nil:
		case f.FailureCode == "ImageNotFound" || f.FailureCode == "ImageTagDoesNotMatchDigest":
			return nil, imageNotFound(id, repoName, s.account)
		default:
			return nil, apiErr("InvalidParameterException", "%s", f.FailureReason)
		}
		if !seen[string(img.Digest)] {
			seen[string(img.Digest)] = true
			out = append(out, s.detailOf(repoName, img))
		}
	}
	return map[string]any{"imageDetails": out}, nil
}

// imageNotFound is ECR's ImageNotFoundException, absent members printed as
// 'null' (ECR-FACTS §2.2).
func imageNotFound(id imageIDIn, repoName, registryID string) *APIError {
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	return apiErr("ImageNotFoundException",
		"The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
		str(id.ImageDigest), str(id.ImageTag), repoName, registryID)
}
