package registry

import (
	"context"
	"encoding/json"
	"errors"
	"path"
	"regexp"

	"github.com/distribution/distribution/v3"
	"github.com/opencontainers/go-digest"
)

const (
	// partSize is what InitiateLayerUpload advises, as in the AWS CLI's
	// example output.
	partSize = 10 << 20
	// maxPartSize and minPartSize bound LayerPartBlob (ECR-FACTS §2.3):
	// every part but the last must reach minPartSize.
	maxPartSize = 20 << 20
	minPartSize = 5 << 20
)

var uploadIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func checkUploadID(id string) error {
	if !uploadIDPattern.MatchString(id) {
		return invalidParam("uploadId", "must satisfy regular expression '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'")
	}
	return nil
}

func initiateLayerUpload(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	repo, err := s.repository(ctx, m.Name)
	if err != nil {
		return nil, err
	}
	bw, err := repo.Blobs(ctx).Create(ctx)
	if err != nil {
		return nil, err
	}
	id := bw.ID()
	// Close persists the upload so that later requests can resume it.
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return map[string]any{"uploadId": id, "partSize": partSize}, nil
}

// upload is one layer upload resumed for a request: distribution's writer,
// and the release of the lock that keeps other requests for the same
// upload, on either API, out meanwhile.
type upload struct {
	bw     distribution.BlobWriter
	unlock func()
}

// resumeUpload locks and resumes upload id of repository name, or answers
// UploadNotFoundException.
func (s *registry) resumeUpload(ctx context.Context, name, id string) (*upload, error) {
	repo, err := s.repository(ctx, name)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lockUpload(ctx, name, id)
	if err != nil {
		return nil, err
	}
	bw, err := repo.Blobs(ctx).Resume(ctx, id)
	if err != nil {
		unlock()
		if errors.Is(err, distribution.ErrBlobUploadUnknown) || isNotFound(err) {
			return nil, s.uploadNotFound(name, id)
		}
		return nil, err
	}
	return &upload{bw: bw, unlock: unlock}, nil
}

func (s *registry) uploadNotFound(name, id string) *APIError {
	return apiErr("UploadNotFoundException",
		"The upload with id '%s' does not exist in the repository with name '%s' in the registry with id '%s'", id, name, s.account)
}

// partsFile records, beside distribution's upload data, the size of the
// last part and whether an earlier part was short, for CompleteLayerUpload
// to enforce the 5 MiB minimum. distribution removes it with the upload.
func (s *registry) partsFile(name, id string) string {
	return path.Join(uploadDir(name, id), "ecrlink-parts")
}

type partsRecord struct {
	LastPart   int64 `json:"lastPart"`
	ShortEarly bool  `json:"shortEarly"` // a part before the last was < minPartSize
}

// readParts returns the upload's record; ok is false when there is none
// (no part yet, or parts sent through the registry API).
func (s *registry) readParts(ctx context.Context, name, id string) (r partsRecord, ok bool) {
	b, err := s.driver.GetContent(ctx, s.partsFile(name, id))
	if err != nil {
		return r, false
	}
	return r, json.Unmarshal(b, &r) == nil
}

func (s *registry) writeParts(ctx context.Context, name, id string, r partsRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.driver.PutContent(ctx, s.partsFile(name, id), b)
}

type uploadPartIn struct {
	RegistryID     string `json:"registryId"`
	RepositoryName string `json:"repositoryName"`
	UploadID       string `json:"uploadId"`
	PartFirstByte  *int64 `json:"partFirstByte"`
	PartLastByte   *int64 `json:"partLastByte"`
	LayerPartBlob  []byte `json:"layerPartBlob"` // base64 on the wire
}

func (in *uploadPartIn) check() error {
	switch {
	case in.PartFirstByte == nil:
		return invalidParam("partFirstByte", "Member must not be null")
	case in.PartLastByte == nil:
		return invalidParam("partLastByte", "Member must not be null")
	case *in.PartFirstByte < 0 || *in.PartLastByte < 0:
		return invalidParam("partFirstByte", "Member must have value greater than or equal to 0")
	case in.LayerPartBlob == nil:
		return invalidParam("layerPartBlob", "Member must not be null")
	case len(in.LayerPartBlob) > maxPartSize:
		return invalidParam("layerPartBlob", "Member must have length less than or equal to 20971520")
	}
	return checkUploadID(in.UploadID)
}

func uploadLayerPart(ctx context.Context, s *registry, body []byte) (any, error) {
	var in uploadPartIn
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	u, err := s.resumeUpload(ctx, m.Name, in.UploadID)
	if err != nil {
		return nil, err
	}
	defer u.unlock()
	// Close stores the hash state, so the next request resumes here.
	defer u.bw.Close()
	first, last, size := *in.PartFirstByte, *in.PartLastByte, u.bw.Size()
	if first != size || last-first+1 != int64(len(in.LayerPartBlob)) {
		return nil, s.invalidPart(m.Name, in.UploadID, first, last, size)
	}
	if _, err := u.bw.Write(in.LayerPartBlob); err != nil {
		return nil, err
	}
	rec, ok := s.readParts(ctx, m.Name, in.UploadID)
	if ok && rec.LastPart < minPartSize {
		rec.ShortEarly = true // the previous part turned out not to be the last
	}
	rec.LastPart = int64(len(in.LayerPartBlob))
	if err := s.writeParts(ctx, m.Name, in.UploadID, rec); err != nil {
		return nil, err
	}
	return map[string]any{"registryId": s.account, "repositoryName": m.Name,
		"uploadId": in.UploadID, "lastByteReceived": last}, nil
}

// invalidPart is InvalidLayerPartException, whose shape carries the upload
// and the last byte ECR holds [I: message text].
func (s *registry) invalidPart(name, id string, first, last, size int64) *APIError {
	e := apiErr("InvalidLayerPartException",
		"The layer part with first byte %d and last byte %d is not valid: the parts of upload '%s' must be consecutive and the part's length must be last - first + 1; %d bytes were received so far",
		first, last, id, size)
	e.Fields = map[string]any{"registryId": s.account, "repositoryName": name, "uploadId": id}
	if size > 0 {
		e.Fields["lastValidByteReceived"] = size - 1
	}
	return e
}

func completeLayerUpload(ctx context.Context, s *registry, body []byte) (any, error) {
	var in struct {
		RegistryID     string   `json:"registryId"`
		RepositoryName string   `json:"repositoryName"`
		UploadID       string   `json:"uploadId"`
		LayerDigests   []string `json:"layerDigests"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkUploadID(in.UploadID); err != nil {
		return nil, err
	}
	d, err := checkCompleteDigests(in.LayerDigests)
	if err != nil {
		return nil, err
	}
	m, err := s.lookupRepo(ctx, in.RegistryID, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	u, err := s.resumeUpload(ctx, m.Name, in.UploadID)
	if err != nil {
		return nil, err
	}
	err = s.commitUpload(ctx, u, m.Name, in.UploadID, d)
	u.unlock()
	if err != nil {
		return nil, err
	}
	return map[string]any{"registryId": s.account, "repositoryName": m.Name,
		"uploadId": in.UploadID, "layerDigest": d.String()}, nil
}

// checkCompleteDigests validates layerDigests: the model's 1–100 list of
// which ecrlink, like the registry API, verifies exactly one.
func checkCompleteDigests(list []string) (digest.Digest, error) {
	if len(list) < 1 || len(list) > 100 {
		return "", invalidParam("layerDigests", "Member must have length between 1 and 100")
	}
	if len(list) > 1 {
		return "", apiErr("InvalidParameterException", "Invalid parameter at 'layerDigests' failed to satisfy constraint: 'Exactly one layer digest must be provided'")
	}
	d, ok := checkLayerDigest(list[0])
	if !ok {
		return "", invalidParam("layerDigests", "must satisfy regular expression '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'")
	}
	return d, nil
}

// commitUpload moves a complete upload into the repository's layers, under
// the repository lock once it is sure the repository and the upload are
// still there.
func (s *registry) commitUpload(ctx context.Context, u *upload, name, id string, d digest.Digest) error {
	size := u.bw.Size()
	rec, _ := s.readParts(ctx, name, id)
	if size == 0 || rec.ShortEarly {
		_ = u.bw.Close()
		if size == 0 {
			return apiErr("EmptyUploadException",
				"The layer upload with id '%s' in the repository with name '%s' does not contain any layer parts", id, name)
		}
		return apiErr("LayerPartTooSmallException", "Layer parts must be at least 5 MiB in size.")
	}
	repo, err := s.repository(ctx, name)
	if err != nil {
		_ = u.bw.Close()
		return err
	}
	err = s.writeLocked(ctx, name, id, func(*repoMeta) error {
		if _, err := repo.Blobs(ctx).Stat(ctx, d); err == nil {
			// The bytes are not needed: the layer is there already.
			_ = u.bw.Cancel(ctx)
			return apiErr("LayerAlreadyExistsException",
				"The layer with digest '%s' already exists in the repository with name '%s' in the registry with id '%s'", d, name, s.account)
		}
		_, err := u.bw.Commit(ctx, distribution.Descriptor{Digest: d})
		return err
	})
	var bad distribution.ErrBlobInvalidDigest
	if errors.Is(err, errUploadGone) || errors.Is(err, errNoRepository) {
		// Nothing is left to commit to: drop what the writer holds.
		_ = u.bw.Cancel(ctx)
	}
	switch {
	case errors.Is(err, errUploadGone):
		return s.uploadNotFound(name, id)
	case errors.Is(err, errNoRepository):
		return repositoryNotFound(name, s.account)
	case errors.As(err, &bad):
		return apiErr("InvalidLayerException",
			"The layer digest calculation performed by Amazon ECR upon receipt of the image layer does not match the digest specified: '%s'", d)
	}
	return err
}
