package registry

import (
	"bytes"
	"context"
	"net/http"
	"time"
)

// API bodies are bounded by what each operation's input may legally be, and
// the bodies of all requests in flight share one budget
// (Config.MaxAPIBodyMemory), so that no client, signed or not, makes the
// server hold more than that.
const (
	// maxLayerPartBody bounds UploadLayerPart: a layerPartBlob of at most
	// 20,971,520 bytes (ECR-FACTS §2.3), base64-encoded, plus its envelope.
	maxLayerPartBody = 28 << 20
	// maxPutImageBody bounds PutImage: an imageManifest of at most 4,194,304
	// characters (ECR-FACTS §2.3), each at most six bytes as a JSON escape
	// (\u003c), plus the other members.
	maxPutImageBody = 6*4194304 + 64<<10
	// maxSmallBody bounds every other operation: lists of at most 100 items,
	// policy texts of at most 30,720 characters, 50 tags.
	maxSmallBody = 1 << 20
	// bodyWait is how long a request waits for room in the budget before
	// it is throttled; SDKs retry ThrottlingException.
	bodyWait = time.Second
)

// bodyLimit returns the largest body operation op accepts.
func bodyLimit(op string) int64 {
	switch op {
	case "UploadLayerPart":
		return maxLayerPartBody
	case "PutImage":
		return maxPutImageBody
	}
	return maxSmallBody
}

func errBodyUnreadable() error {
	return apiErr("SerializationException", "Request body is too large or could not be read")
}

// readAPIBody reads r's body, bounded by op's limit, once the body budget
// has room for it. A body declared larger than the limit is refused unread.
// release gives the room back, once the body is no longer used.
func (s *Service) readAPIBody(w http.ResponseWriter, r *http.Request, op string) (body []byte, release func(), err error) {
	limit := bodyLimit(op)
	if r.ContentLength > limit {
		return nil, nil, errBodyUnreadable()
	}
	room := limit // a chunked body may grow to its limit
	if r.ContentLength >= 0 {
		room = r.ContentLength
	}
	// A body larger than the whole budget waits to have it alone.
	room = min(room, s.cfg.MaxAPIBodyMemory)
	ctx, cancel := context.WithTimeout(r.Context(), bodyWait)
	defer cancel()
	if err := s.bodies.Acquire(ctx, room); err != nil {
		return nil, nil, &APIError{Type: "ThrottlingException", Message: "Rate exceeded"} // ECR-FACTS I2
	}
	release = func() { s.bodies.Release(room) }
	size := int64(4 << 10)
	if r.ContentLength >= 0 {
		size = r.ContentLength
	}
	// One allocation of the declared size: io.ReadAll would double its way up.
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		release()
		return nil, nil, errBodyUnreadable()
	}
	return buf.Bytes(), release, nil
}
