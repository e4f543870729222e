package faults

import (
	"math"
	"testing"
	"time"
)

func TestPaceDelay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rate    int
		written int64
		elapsed time.Duration
		want    time.Duration
	}{
		{"nothing written yet", 1000, 0, 0, 0},
		{"ahead of the pace", 1000, 500, 100 * time.Millisecond, 400 * time.Millisecond},
		{"on the pace", 1000, 500, 500 * time.Millisecond, 0},
		{"behind: no wait, no burst owed", 1000, 500, 2 * time.Second, 0},
		{"one byte a second", 1, 3, time.Second, 2 * time.Second},
		{"fractional nanoseconds round down", 3, 1, 0, 333333333},
		{"64 KiB/s", 65536, 1 << 20, 10 * time.Second, 6 * time.Second},
		{"no pacing at zero", 0, 1 << 30, 0, 0},
		{"no pacing when negative", -5, 1 << 30, 0, 0},
		{"negative written", 10, -1, 0, 0},
		{"large body does not overflow", 1 << 20, 1 << 50, 0, time.Duration(1<<30) * time.Second},
		{"beyond Duration's range saturates", 1, math.MaxInt64, 0, math.MaxInt64},
		{"huge rate", math.MaxInt, 1 << 40, 0, 119}, // 2⁴⁰·10⁹ / (2⁶³−1) = 119.2
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := (Pace{BytesPerSecond: tc.rate}).Delay(tc.written, tc.elapsed); got != tc.want {
				t.Errorf("Delay(%d, %v) at %d B/s = %v, want %v", tc.written, tc.elapsed, tc.rate, got, tc.want)
			}
		})
	}
}

func TestPaceChunk(t *testing.T) {
	t.Parallel()
	tests := []struct{ rate, want int }{
		{0, 1}, {1, 1}, {9, 1}, {100, 10}, {65536, 6553}, {10 << 20, 64 << 10},
	}
	for _, tc := range tests {
		if got := (Pace{BytesPerSecond: tc.rate}).Chunk(); got != tc.want {
			t.Errorf("Chunk at %d B/s = %d, want %d", tc.rate, got, tc.want)
		}
	}
}

// TestPaceSimulated: writing in Chunks and waiting Delay before each
// takes the body's time at the pace, on a simulated clock.
func TestPaceSimulated(t *testing.T) {
	t.Parallel()
	p := Pace{BytesPerSecond: 1000}
	const size = 2500
	var now time.Duration
	var written int64
	for written < size {
		now += p.Delay(written, now)
		written += min(int64(p.Chunk()), size-written)
	}
	// The last chunk goes out at 2.4 s and the body is then complete;
	// 2.5 s is when the next byte would be due.
	if now != 2400*time.Millisecond {
		t.Errorf("last chunk at %v, want 2.4s", now)
	}
	if d := p.Delay(written, now); d != 100*time.Millisecond {
		t.Errorf("after the body Delay = %v, want 100ms", d)
	}
}
