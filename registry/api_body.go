package registry

import (
	"context"
	"io"
	"net/http"
	"time"
)

// API bodies are bounded by what each operation's input may legally be, and
// the bodies of all requests in flight share one budget
// (Config.MaxAPIBodyMemory). A body is charged as it arrives, for the
// buffer that holds it, which doubles as it fills: a client that declares a
// large body and sends it slowly holds at most twice what it has sent, not
// what it declared. An UploadLayerPart body is charged seven quarters of
// its size, as its handler decodes the layerPartBlob (three quarters of
// the body) while the body is still held. What the budget does not count
// is garbage: a buffer left behind when one grows, until it is collected.
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
	// firstBodyPiece is the room a body gets first: all that nearly every
	// body needs, read into one allocation. Doubling from it, a 28 MiB body
	// is copied once over in all as its buffer grows (growing by fixed
	// steps instead copied it three times, and the garbage tripled the
	// server's RSS under many large bodies).
	firstBodyPiece = 64 << 10
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

func errThrottled() error {
	return &APIError{Type: "ThrottlingException", Message: "Rate exceeded"} // ECR-FACTS I2
}

// readAPIBody reads r's body, bounded by op's limit, charging the body
// budget as it grows. A body declared larger than the limit is refused
// unread. release gives the room back, once the body is no longer used.
func (s *Service) readAPIBody(w http.ResponseWriter, r *http.Request, op string) (body []byte, release func(), err error) {
	limit := bodyLimit(op)
	if r.ContentLength > limit {
		return nil, nil, errBodyUnreadable()
	}
	b := &bodyBuffer{s: s, ctx: r.Context(), size: limit, quarters: 4} // a chunked body may grow to its limit
	if op == "UploadLayerPart" {
		b.quarters = 7 // the body and its decoded blob
	}
	if r.ContentLength >= 0 {
		b.size = r.ContentLength
	}
	if err := b.readFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		b.release()
		return nil, nil, err
	}
	return b.buf, b.release, nil
}

// bodyBuffer is a request body being read, and the room it holds in the
// budget: always at least its capacity, up to the whole budget.
type bodyBuffer struct {
	s       *Service
	ctx     context.Context
	size    int64 // the most the body can be
	buf     []byte
	charged int64
	// quarters is what each byte of the buffer is charged, in quarters
	// of a byte: more than four where the handler copies the body.
	quarters int64
}

// readFrom reads src to its end.
func (b *bodyBuffer) readFrom(src io.Reader) error {
	for {
		if len(b.buf) == cap(b.buf) {
			if int64(cap(b.buf)) == b.size {
				// Full: only the end of the body may follow.
				var probe [1]byte
				n, err := src.Read(probe[:])
				if n == 0 && err == io.EOF {
					return nil
				}
				if n > 0 || err != nil {
					return errBodyUnreadable()
				}
				continue
			}
			if err := b.grow(); err != nil {
				return err
			}
		}
		n, err := src.Read(b.buf[len(b.buf):cap(b.buf)])
		b.buf = b.buf[:len(b.buf)+n]
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errBodyUnreadable()
		}
	}
}

// grow charges the budget for the buffer's next piece, then makes room for
// it. Only what has been charged is ever allocated.
func (b *bodyBuffer) grow() error {
	c := int64(cap(b.buf))
	next := min(b.size, max(2*c, firstBodyPiece))
	// A body larger than the whole budget ends up holding all of it.
	if more := min(next*b.quarters/4, b.s.cfg.MaxAPIBodyMemory) - b.charged; more > 0 {
		ctx, cancel := context.WithTimeout(b.ctx, bodyWait)
		defer cancel()
		if err := b.s.bodies.Acquire(ctx, more); err != nil {
			return errThrottled()
		}
		b.charged += more
	}
	buf := make([]byte, len(b.buf), next)
	copy(buf, b.buf)
	b.buf = buf
	return nil
}

// release gives back the room the body holds.
func (b *bodyBuffer) release() {
	b.s.bodies.Release(b.charged)
	b.charged = 0
}
