package memdriver

import (
	"io"
	"time"
)

// chunkSize is the size of all chunks of a file but the last. A file is
// stored as chunks so that appending never copies what is already stored:
// distribution's inmemory driver grew one buffer to the exact size on every
// write, so a layer pushed as one PATCH cost time quadratic in its size.
const chunkSize = 1 << 20

// file is a regular file: its bytes in chunks, chunk i holding bytes
// [i*chunkSize, (i+1)*chunkSize). Only the last chunk may be short.
//
// Bytes once visible are never changed in place: readers hold a snapshot
// of the chunk list and read without the driver's lock. Appends write past
// the end of the last chunk (beyond every snapshot's length), and a write
// over visible bytes replaces the chunk with a copy.
type file struct {
	chunks [][]byte
	size   int64
	mod    time.Time
}

// writeAt writes p at off, as pwrite does: a gap up to off reads as zeros.
func (f *file) writeAt(p []byte, off int64, now time.Time) {
	f.mod = now
	f.fill(off)
	for len(p) > 0 {
		i, o := int(off/chunkSize), int(off%chunkSize)
		if i == len(f.chunks) {
			f.chunks = append(f.chunks, nil)
		}
		end := min(o+len(p), chunkSize)
		f.chunks[i] = writeChunk(f.chunks[i], p[:end-o], o)
		p = p[end-o:]
		off += int64(end - o)
		f.size = max(f.size, off)
	}
}

// fill extends the file with zeros to at least off bytes.
func (f *file) fill(off int64) {
	for f.size < off {
		i, o := int(f.size/chunkSize), int(f.size%chunkSize)
		if i == len(f.chunks) {
			f.chunks = append(f.chunks, nil)
		}
		end := int(min(int64(chunkSize), int64(o)+off-f.size))
		f.chunks[i] = writeChunk(f.chunks[i], make([]byte, end-o), o)
		f.size += int64(end - o)
	}
}

// writeChunk returns c with p written at o (o ≤ len(c)). It copies c when
// p would change visible bytes or c has no room, so that snapshots taken
// by readers never change.
func writeChunk(c, p []byte, o int) []byte {
	end := o + len(p)
	if o < len(c) || end > cap(c) {
		// The first chunk of a small file starts small (manifests and
		// link files are tens of bytes) and doubles up to chunkSize.
		n := make([]byte, len(c), min(chunkSize, max(end, 2*cap(c))))
		copy(n, c)
		c = n
	}
	c = c[:max(len(c), end)]
	copy(c[o:end], p)
	return c
}

// snapshot returns a reader of the file's current bytes from off on.
func (f *file) snapshot(off int64) *reader {
	return &reader{chunks: append([][]byte(nil), f.chunks...), off: off, size: f.size}
}

// reader reads a snapshot of a file; it needs no lock (see file).
type reader struct {
	chunks [][]byte
	off    int64
	size   int64
}

func (r *reader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.off < r.size {
		c := r.chunks[r.off/chunkSize]
		k := copy(p[n:], c[r.off%chunkSize:])
		n += k
		r.off += int64(k)
	}
	return n, nil
}

func (r *reader) Close() error { return nil }

// bytes returns the whole snapshot as one slice.
func (r *reader) bytes() []byte {
	out := make([]byte, 0, r.size-min(r.off, r.size))
	for r.off < r.size {
		c := r.chunks[r.off/chunkSize]
		k := c[r.off%chunkSize:]
		out = append(out, k...)
		r.off += int64(len(k))
	}
	return out
}
