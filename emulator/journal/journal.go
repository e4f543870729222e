package journal

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
)

// DefaultCapacity is how many records a Journal keeps unless told.
const DefaultCapacity = 10000

// Options configure a Journal.
type Options struct {
	// Capacity is how many records the ring keeps; the oldest go first.
	// Zero means DefaultCapacity.
	Capacity int
	// File, if set, receives every record as one NDJSON line, appended
	// as it is recorded, whatever the ring later drops.
	File io.Writer
	// Logger receives file write errors; nil discards them.
	Logger *slog.Logger
}

// Journal is a bounded ring of Records, safe for concurrent use. Build it
// with New.
type Journal struct {
	mu      sync.Mutex
	ring    []Record
	start   int    // index of the oldest record in ring
	n       int    // records held
	last    uint64 // Seq of the newest record ever recorded
	changed chan struct{}
	closed  chan struct{}
	close   sync.Once
	file    io.Writer
	log     *slog.Logger
}

// New returns an empty Journal.
func New(opt Options) *Journal {
	if opt.Capacity <= 0 {
		opt.Capacity = DefaultCapacity
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Journal{ring: make([]Record, opt.Capacity), changed: make(chan struct{}), closed: make(chan struct{}),
		file: opt.File, log: opt.Logger}
}

// OpenFile opens path for appending records, creating it readable by its
// owner only.
func OpenFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}

// Append records r under the next sequence number, which it returns.
func (j *Journal) Append(r Record) uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.last++
	r.Seq = j.last
	if j.n < len(j.ring) {
		j.ring[(j.start+j.n)%len(j.ring)] = r
		j.n++
	} else {
		j.ring[j.start] = r
		j.start = (j.start + 1) % len(j.ring)
	}
	if j.file != nil {
		j.writeFile(r)
	}
	j.notify()
	return r.Seq
}

// writeFile appends r to the file; a failure is logged, and the ring keeps
// the record.
func (j *Journal) writeFile(r Record) {
	b, err := json.Marshal(r)
	if err == nil {
		_, err = j.file.Write(append(b, '\n'))
	}
	if err != nil {
		j.log.Error("journal: writing the journal file", "seq", r.Seq, "err", err)
	}
}

// notify wakes every Wait; called with mu held.
func (j *Journal) notify() {
	close(j.changed)
	j.changed = make(chan struct{})
}

// Since returns up to limit records with a sequence number above seq,
// oldest first; limit ≤ 0 means all.
func (j *Journal) Since(seq uint64, limit int) []Record {
	out, _ := j.since(seq, limit)
	return out
}

// since is Since, with the newest sequence number at the time: when it
// returns fewer than limit records, every record up to it was returned or
// is gone.
func (j *Journal) since(seq uint64, limit int) ([]Record, uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Record
	for i := 0; i < j.n && (limit <= 0 || len(out) < limit); i++ {
		if r := j.ring[(j.start+i)%len(j.ring)]; r.Seq > seq {
			out = append(out, r)
		}
	}
	return out, j.last
}

// Last is the sequence number of the newest record ever recorded.
func (j *Journal) Last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}

// Clear drops every record; sequence numbers go on from where they were,
// so a follower never sees one twice.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.start, j.n = 0, 0
	clear(j.ring)
	j.notify()
}

// ErrClosed is what Wait returns once the Journal is closed.
var ErrClosed = errors.New("journal: closed")

// Wait blocks until a record above seq exists, ctx ends or the Journal is
// closed.
func (j *Journal) Wait(ctx context.Context, seq uint64) error {
	j.mu.Lock()
	ch, last := j.changed, j.last
	j.mu.Unlock()
	if last > seq {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-j.closed:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close ends every Wait, so followers finish; records may still be added.
func (j *Journal) Close() { j.close.Do(func() { close(j.closed) }) }
