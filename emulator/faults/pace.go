package faults

import (
	"math"
	"math/bits"
	"time"
)

// Pace is the rate of effect slow. The emulator writes the body in
// Chunk-sized pieces and, before each, sleeps Delay: Pace itself never
// sleeps, so it stays testable without a clock.
type Pace struct {
	BytesPerSecond int // zero or less: no pacing
}

// Delay is how long to wait before writing more, when written bytes have
// gone out in the elapsed time since the body began: the time those bytes
// take at the pace, less elapsed, and never negative. A writer that fell
// behind (a slow client) gets 0 until it has caught up; it is not made to
// make up for the lost time by bursting, only never to run ahead.
func (p Pace) Delay(written int64, elapsed time.Duration) time.Duration {
	if p.BytesPerSecond <= 0 || written <= 0 {
		return 0
	}
	due := p.due(uint64(written))
	if due <= elapsed {
		return 0
	}
	return due - elapsed
}

// due is n bytes' time at the pace, n·10⁹/rate ns computed in 128 bits so
// that no size or rate overflows; a time beyond time.Duration's range is
// its maximum.
func (p Pace) due(n uint64) time.Duration {
	rate := uint64(p.BytesPerSecond)
	hi, lo := bits.Mul64(n, uint64(time.Second))
	if hi >= rate {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, rate)
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

// Chunk is how many bytes to write between Delays: a tenth of a second's
// worth, so the pace is smooth, at least 1 and at most 64 KiB, so a fast
// pace still writes in pieces a client reads as they come.
func (p Pace) Chunk() int {
	const most = 64 << 10
	return min(max(p.BytesPerSecond/10, 1), most)
}
