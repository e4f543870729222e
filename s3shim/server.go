package s3shim

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/ecrlink/ecrlink/policyeval"
)

// Server serves the starport bucket's objects: GET and HEAD of URLs minted
// by Presigner.
type Server struct {
	Presigner *Presigner
	Store     Store
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
	// Denied, if set, is told of every request s3shim refuses, with the
	// full reason, for the journal (the client only sees S3's generic text).
	Denied func(ctx context.Context, err *Error)

	copyBufs sync.Pool // of *[copyBufSize]byte; see largeCopyWriter
}

// presignerPolicy is the identity policy of ECR's layer-download role: it
// may read every starport bucket, so only endpoint policies can stop it.
var presignerPolicy = policyeval.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	"Action":"s3:GetObject","Resource":"arn:aws:s3:::prod-*-starport-layer-bucket/*"}]}`, policyeval.KindIdentity)

func (s *Server) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// ServeHTTP serves path-style (/BUCKET/KEY) and virtual-hosted (/KEY with
// the bucket in the host) requests alike.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := s.serve(w, r); err != nil {
		var e *Error
		if errors.As(err, &e) && s.Denied != nil {
			s.Denied(r.Context(), e)
		}
		writeError(w, r, s.log(), err)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) error {
	bucket := BucketName(s.Presigner.Region)
	key := strings.TrimPrefix(r.URL.Path, "/")
	if k, ok := strings.CutPrefix(key, bucket+"/"); ok {
		key = k
	} else if !strings.HasPrefix(strings.ToLower(r.Host), bucket+".") {
		return &Error{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: http.StatusNotFound}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return &Error{Code: "MethodNotAllowed", Message: msgMethodNotAllw, Status: http.StatusMethodNotAllowed}
	}
	if err := s.Presigner.verify(r); err != nil {
		return err
	}
	if err := s.authorize(r.Context(), bucket, key); err != nil {
		return err
	}
	_, dgst, ok := parseKey(key)
	if !ok {
		return &Error{Code: "NoSuchKey", Message: msgNoSuchKey, Key: key, Status: http.StatusNotFound}
	}
	size, mod, err := s.Store.Stat(r.Context(), dgst)
	if errors.Is(err, ErrNotFound) {
		return &Error{Code: "NoSuchKey", Message: msgNoSuchKey, Key: key, Status: http.StatusNotFound}
	}
	if err != nil {
		return err
	}
	body := &seeker{ctx: r.Context(), st: s.Store, dgst: dgst, size: size}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("ETag", `"`+strings.TrimPrefix(dgst, "sha256:")[:32]+`"`)
	h.Set("Accept-Ranges", "bytes")
	reqID, hostID := requestIDs()
	h.Set("x-amz-request-id", reqID)
	h.Set("x-amz-id-2", hostID)
	http.ServeContent(&largeCopyWriter{ResponseWriter: w, bufs: &s.copyBufs}, r, "", mod, body)
	return nil
}

// copyBufSize is how much largeCopyWriter moves per read and write.
const copyBufSize = 1 << 20

// largeCopyWriter makes http.ServeContent copy the body in 1 MiB pieces.
// Left alone it copies 32 KiB at a time (io.CopyN, then the connection's
// ReadFrom), and from MinIO each read is a hand-off to minio-go's reader
// goroutine and each write a loopback send: at 1 MiB s3shim spends about
// half the CPU per byte (emulator BenchmarkPullViaStarport1GiB).
type largeCopyWriter struct {
	http.ResponseWriter
	bufs *sync.Pool
}

func (w *largeCopyWriter) ReadFrom(src io.Reader) (int64, error) {
	buf, _ := w.bufs.Get().(*[copyBufSize]byte)
	if buf == nil {
		buf = new([copyBufSize]byte)
	}
	defer w.bufs.Put(buf)
	// Hide ReadFrom and WriteTo, so that CopyBuffer uses buf.
	return io.CopyBuffer(struct{ io.Writer }{w.ResponseWriter}, struct{ io.Reader }{src}, buf[:])
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *largeCopyWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// authorize asks whether ECR's presigner may s3:GetObject the object
// through the gateway endpoint the emulator says the request used.
func (s *Server) authorize(ctx context.Context, bucket, key string) error {
	c, ok := policyeval.CallerFrom(ctx)
	if !ok || len(c.EndpointPolicies) == 0 {
		return nil // not through a gateway endpoint: nothing bounds the request
	}
	req := policyeval.Request{
		Principal:       s.Presigner.Principal(),
		Action:          "s3:GetObject",
		Resource:        "arn:aws:s3:::" + bucket + "/" + key,
		ResourceAccount: PresignerAccount,
		Context:         c.Context.Clone(),
	}
	req.Context.Set("aws:PrincipalArn", "arn:aws:iam::"+PresignerAccount+":role/storage-access-role-prod-"+s.Presigner.Region)
	req.Context.Set("aws:PrincipalAccount", PresignerAccount)
	d := policyeval.Evaluate(&req, &policyeval.Set{Identity: []*policyeval.Policy{presignerPolicy}, Endpoint: c.EndpointPolicies})
	if !d.Allowed() {
		return accessDenied(d.Message(&req))
	}
	return nil
}
