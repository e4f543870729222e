package s3shim

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/ecrlink/ecrlink/awsname"
	"github.com/ecrlink/ecrlink/policyeval"
	"github.com/ecrlink/ecrlink/reqinfo"
)

// Server serves the starport bucket's objects: GET and HEAD of URLs minted
// by Presigner.
type Server struct {
	Presigner *Presigner
	Store     Store
	// Buckets reports whether the starport bucket of a region is served;
	// nil serves every region's. Another region's bucket does not exist.
	Buckets func(region string) bool
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger

	copyBufs sync.Pool // of *[copyBufSize]byte; see largeCopyWriter
	identity sync.Map  // partition ID → presignerPolicy, built once each
}

// presignerPolicy is the identity policy of ECR's layer-download role in
// region's partition: it may read every starport bucket, so only endpoint
// policies can stop it.
func (s *Server) presignerPolicy(region string) *policyeval.Policy {
	partition := awsname.PartitionOf(region).ID
	if p, ok := s.identity.Load(partition); ok {
		return p.(*policyeval.Policy)
	}
	p := policyeval.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	"Action":"s3:GetObject","Resource":"arn:`+partition+`:s3:::prod-*-starport-layer-bucket/*"}]}`, policyeval.KindIdentity)
	actual, _ := s.identity.LoadOrStore(partition, p)
	return actual.(*policyeval.Policy)
}

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
		writeError(w, r, s.log(), err)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) error {
	info, ok := reqinfo.From(r.Context())
	if !ok || info.Class.Service != reqinfo.ServiceS3 {
		return errNoRequestInfo
	}
	region := info.Class.BucketRegion
	if s.Buckets != nil && !s.Buckets(region) {
		return &Error{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: http.StatusNotFound}
	}
	bucket := awsname.StarportBucket(region)
	key := strings.TrimPrefix(r.URL.Path, "/")
	if info.Host.Kind != awsname.StarportHost { // path-style, in direct mode
		key = strings.TrimPrefix(key, bucket+"/")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return &Error{Code: "MethodNotAllowed", Message: msgMethodNotAllw, Status: http.StatusMethodNotAllowed}
	}
	if err := s.Presigner.verify(r, region); err != nil {
		return err
	}
	if err := s.authorize(r.Context(), info, key); err != nil {
		return err
	}
	account, dgst, ok := awsname.ParseLayerKey(key)
	if !ok {
		return &Error{Code: "NoSuchKey", Message: msgNoSuchKey, Key: key, Status: http.StatusNotFound}
	}
	layer := layerRef{awsname.Registry{Account: account, Region: region}, dgst}
	size, mod, err := s.Store.Stat(r.Context(), layer.registry, dgst)
	if errors.Is(err, ErrNotFound) {
		return &Error{Code: "NoSuchKey", Message: msgNoSuchKey, Key: key, Status: http.StatusNotFound}
	}
	if err != nil {
		return err
	}
	body := &seeker{ctx: r.Context(), st: s.Store, layer: layer, size: size}
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

// errNoRequestInfo is a request that reached s3shim without the facts
// the emulator stamps on every request: a wiring fault, refused.
var errNoRequestInfo = errors.New("s3shim: request carries no reqinfo.Info for the starport bucket")

// authorize asks whether ECR's presigner may s3:GetObject the object
// through the gateway endpoint the network decided the request used. With
// no network decision the request is denied; a decision of no endpoint
// (over the internet) leaves nothing to bound it.
func (s *Server) authorize(ctx context.Context, info *reqinfo.Info, key string) error {
	region := info.Class.BucketRegion
	req := policyeval.Request{
		Principal:       Principal(region),
		Action:          "s3:GetObject",
		Resource:        awsname.StarportObjectARN(region, key),
		ResourceAccount: PresignerAccount,
	}
	info.SetResource(req.Resource)
	if info.Caller == nil {
		s.log().Error("s3shim: request without a network decision denied", "resource", req.Resource)
		return accessDenied("no network path was decided for the request")
	}
	req.Context = info.Caller.Context.Clone()
	req.Context.Set("aws:PrincipalArn", roleARN(region))
	req.Context.Set("aws:PrincipalAccount", PresignerAccount)
	set := policyeval.Set{Identity: []*policyeval.Policy{s.presignerPolicy(region)}, Endpoint: info.Caller.EndpointPolicies}
	d := policyeval.Evaluate(&req, &set)
	a := reqinfo.Authorization{Principal: req.Principal, Action: req.Action, Resource: req.Resource, Decision: d,
		Policies: reqinfo.RefsOf(&set, reqinfo.PolicyNames{Identity: req.Principal, Endpoint: info.Caller.VPCEndpointID})}
	if !d.Allowed() {
		a.Message = d.Message(&req)
	}
	reqinfo.Report(ctx, a)
	if !d.Allowed() {
		return accessDenied(a.Message)
	}
	return nil
}
