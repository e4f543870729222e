package emulator_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/ecrlink/ecrlink/emulator"
	"github.com/ecrlink/ecrlink/emulator/ecrlinktest"
	"github.com/google/go-containerregistry/pkg/authn"
	godigest "github.com/opencontainers/go-digest"
)

// Upload operations FuzzUploadSequence draws from, one input byte each: the
// low three bits pick the operation, the rest the chunk it sends.
const (
	opPatch      = iota // PATCH a chunk at the current offset
	opStalePatch        // PATCH a chunk through the upload's first Location
	opComplete          // PUT closing the upload with the digest of what it holds
	opWrongPut          // PUT closing it with a digest it does not hold
	opFinalChunk        // PUT with a last chunk in its body
	opCancel            // DELETE the upload
	opRace              // a PATCH and a completing PUT at once, same Location
	opStatus            // GET the upload's status
	opCount
)

// FuzzUploadSequence drives random sequences of blob upload requests
// against one upload and checks that no request gets a 5xx, that a
// completed or cancelled upload takes nothing more, that of a PATCH and a
// PUT racing on one offset at most one succeeds, and above all that every
// blob a PUT named, if stored, hashes to its digest.
func FuzzUploadSequence(f *testing.F) {
	inst := ecrlinktest.Start(f, emulator.Config{})
	inst.CreateRepository("fuzz")
	u := newUploader(f, inst)
	auth := basic("AWS", inst.Auth().(*authn.Basic).Password)
	for _, seed := range [][]byte{
		{opPatch, opComplete},
		{opPatch | 8, opRace, opPatch, opComplete, opPatch},
		{opRace | 16, opRace, opComplete},
		{opPatch, opStalePatch, opWrongPut, opFinalChunk, opCancel},
		{opFinalChunk | 40, opStatus, opComplete},
		{opPatch, opCancel, opPatch, opComplete},
		{opComplete},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 12 {
			ops = ops[:12] // keep an iteration to a few dozen milliseconds
		}
		s := &uploadModel{u: &uploader{t: t, base: u.base, auth: auth, c: u.c}, t: t}
		s.first = s.u.start("fuzz")
		s.loc = s.first
		for i, op := range ops {
			s.chunk = fmt.Appendf(nil, "%d:%d;", i, op>>3)
			s.apply(op % opCount)
		}
		for d := range s.named {
			s.u.checkBlob("fuzz", d)
		}
	})
}

// uploadModel is what the client knows of the upload: the bytes the
// registry acknowledged, the Location to send next, whether it is over.
type uploadModel struct {
	u          *uploader
	t          *testing.T
	first, loc string
	held       []byte
	over       bool
	// unsure is set by a failed complete: distribution then cancels the
	// upload on some storage drivers and not on others.
	unsure bool
	chunk  []byte                   // the chunk of the current operation
	named  map[godigest.Digest]bool // every digest a PUT asked for
}

func (s *uploadModel) apply(op byte) {
	switch op {
	case opPatch:
		s.patched(s.u.do(http.MethodPatch, s.loc, bytes.NewReader(s.chunk), nil, "Content-Type", "application/octet-stream"), true)
	case opStalePatch:
		s.patched(s.u.do(http.MethodPatch, s.first, bytes.NewReader(s.chunk), nil, "Content-Type", "application/octet-stream"), false)
	case opComplete:
		s.completed(s.put(s.held, nil), true)
	case opWrongPut:
		s.completed(s.put(append(bytes.Clone(s.held), '!'), nil), false)
	case opFinalChunk:
		s.completed(s.put(append(bytes.Clone(s.held), s.chunk...), s.chunk), true)
	case opCancel:
		r := s.u.do(http.MethodDelete, s.loc, nil, nil)
		s.check("DELETE", r)
		if r.status == http.StatusNoContent {
			s.over = true
		}
	case opRace:
		s.race()
	case opStatus:
		r := s.u.do(http.MethodGet, s.loc, nil, nil)
		s.check("GET status", r)
	}
}

// put sends a completing PUT naming the digest of content, with body.
func (s *uploadModel) put(content, body []byte) reply {
	d := godigest.FromBytes(content)
	if s.named == nil {
		s.named = map[godigest.Digest]bool{}
	}
	s.named[d] = true
	return s.u.do(http.MethodPut, s.loc, bytes.NewReader(body), url.Values{"digest": {d.String()}},
		"Content-Type", "application/octet-stream")
}

// check fails on a server error, and on a success once the upload is over.
func (s *uploadModel) check(what string, r reply) {
	s.t.Helper()
	if r.status >= 500 {
		s.t.Errorf("%s: %d %s", what, r.status, r.body)
	}
	if s.over && r.status < 300 {
		s.t.Errorf("%s after the upload was over: %d", what, r.status)
	}
}

// patched records a PATCH's outcome; an in-order PATCH of an open upload
// must be taken.
func (s *uploadModel) patched(r reply, inOrder bool) {
	s.t.Helper()
	s.check("PATCH", r)
	if r.status == http.StatusAccepted && !s.over {
		s.held = append(s.held, s.chunk...)
		s.loc = r.location
		s.unsure = false
		return
	}
	if inOrder && !s.over && !s.unsure {
		s.t.Errorf("in-order PATCH of an open upload: %d %s", r.status, r.body)
	}
}

// completed records a completing PUT's outcome; with the right digest, an
// open upload must complete.
func (s *uploadModel) completed(r reply, right bool) {
	s.t.Helper()
	s.check("PUT", r)
	switch {
	case s.over:
	case r.status == http.StatusCreated:
		s.over = true
	case right && !s.unsure:
		s.t.Errorf("PUT with the right digest: %d %s", r.status, r.body)
	default:
		s.unsure = true
	}
}

// race sends a PATCH and a completing PUT for the same offset at once:
// whichever the registry takes first, the other must fail.
func (s *uploadModel) race() {
	var wg sync.WaitGroup
	var patch, put reply
	loc, held := s.loc, s.held
	wg.Go(func() {
		patch = s.u.do(http.MethodPatch, loc, bytes.NewReader(s.chunk), nil, "Content-Type", "application/octet-stream")
	})
	wg.Go(func() { put = s.put(held, nil) })
	wg.Wait()
	s.check("racing PATCH", patch)
	s.check("racing PUT", put)
	if s.over {
		return
	}
	switch {
	case patch.status == http.StatusAccepted && put.status == http.StatusCreated:
		s.t.Errorf("a PATCH and a PUT of the same offset both succeeded")
	case put.status == http.StatusCreated:
		s.over = true
	case patch.status == http.StatusAccepted:
		s.held = append(s.held, s.chunk...)
		s.loc = patch.location
		s.unsure = false
	}
}
