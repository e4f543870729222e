package cwlogs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func batch(n int, ts0 int64, msg string) []inputEvent {
	out := make([]inputEvent, n)
	for i := range out {
		ts, m := ts0+int64(i), fmt.Sprintf("%s%05d", msg, i)
		out[i] = inputEvent{Timestamp: &ts, Message: &m}
	}
	return out
}

// checkBytes holds the budget's books to what the streams hold.
func checkBytes(t *testing.T, st *store) {
	t.Helper()
	var total int64
	for _, g := range st.groups {
		var msgs int64
		for _, s := range g.streams {
			for i := range s.events {
				total += s.events[i].size()
				msgs += int64(len(s.events[i].message))
			}
			if (len(s.events) > 0) != (s.elem != nil) {
				t.Fatalf("stream %s: %d events, on the written list: %v", s.name, len(s.events), s.elem != nil)
			}
		}
		if msgs != g.bytes {
			t.Fatalf("group %s: %d message bytes held, %d counted", g.name, msgs, g.bytes)
		}
	}
	if total != st.bytes || st.bytes > st.maxBytes {
		t.Fatalf("%d bytes held, %d counted, budget %d", total, st.bytes, st.maxBytes)
	}
}

func TestGroupAndStreamLimits(t *testing.T) {
	t.Parallel()
	st := newStore(DefaultMaxBytes)
	for i := range maxGroups {
		if err := st.createGroup("us-east-1", "g"+strconv.Itoa(i), "STANDARD", 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.createGroup("us-east-1", "one-more", "STANDARD", 0); !errors.Is(err, errLimit) {
		t.Fatalf("group %d: %v, want LimitExceededException", maxGroups+1, err)
	}
	for i := range maxStreamsPerGroup {
		if err := st.createStream("us-east-1", "g0", "s"+strconv.Itoa(i), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.createStream("us-east-1", "g0", "one-more", 0); !errors.Is(err, errLimit) {
		t.Fatalf("stream %d: %v, want LimitExceededException", maxStreamsPerGroup+1, err)
	}
}

// TestStreamRing: a stream keeps its newest maxEventsPerStream events.
func TestStreamRing(t *testing.T) {
	t.Parallel()
	st := newStore(DefaultMaxBytes)
	_ = st.createGroup("r", "g", "STANDARD", 0)
	_ = st.createStream("r", "g", "s", 0)
	if _, err := st.put("r", "g", "s", batch(maxEventsPerStream, 1000, "a"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.put("r", "g", "s", batch(5, 1000+maxEventsPerStream, "b"), 2); err != nil {
		t.Fatal(err)
	}
	s := st.groups[groupKey{"r", "g"}].streams["s"]
	if len(s.events) != maxEventsPerStream || s.events[0].message != "a00005" || s.events[len(s.events)-1].message != "b00004" {
		t.Fatalf("%d events, %q … %q", len(s.events), s.events[0].message, s.events[len(s.events)-1].message)
	}
	checkBytes(t, st)
	// A batch from before the stream's last event is placed by time.
	if _, err := st.put("r", "g", "s", batch(1, 1000+maxEventsPerStream/2, "late"), 3); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(s.events); i++ {
		if s.events[i].key.cmp(s.events[i-1].key) <= 0 {
			t.Fatalf("events %d and %d out of order", i-1, i)
		}
	}
	checkBytes(t, st)
}

// TestByteBudget: past the budget the oldest events of the stream
// written longest ago go first; the stream being written keeps its own.
func TestByteBudget(t *testing.T) {
	t.Parallel()
	const msg = 100 - eventOverhead // 100 bytes an event, as counted
	st := newStore(1000)
	_ = st.createGroup("r", "g", "STANDARD", 0)
	for _, s := range []string{"old", "new"} {
		_ = st.createStream("r", "g", s, 0)
	}
	long := strings.Repeat("x", msg-5) // plus five digits
	if _, err := st.put("r", "g", "old", batch(6, 0, long), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.put("r", "g", "new", batch(6, 0, long), 2); err != nil {
		t.Fatal(err)
	}
	g := st.groups[groupKey{"r", "g"}]
	if o, n := len(g.streams["old"].events), len(g.streams["new"].events); o != 4 || n != 6 {
		t.Fatalf("old keeps %d, new %d; want 4 and 6", o, n)
	}
	checkBytes(t, st)
	if _, err := st.put("r", "g", "new", batch(6, 10, long), 3); err != nil {
		t.Fatal(err)
	}
	if o, n := len(g.streams["old"].events), len(g.streams["new"].events); o != 0 || n != 10 {
		t.Fatalf("old keeps %d, new %d; want 0 and 10", o, n)
	}
	checkBytes(t, st)
	// A batch larger than the whole budget keeps what fits of its newest.
	if _, err := st.put("r", "g", "old", batch(20, 100, long), 4); err != nil {
		t.Fatal(err)
	}
	if o, n := len(g.streams["old"].events), len(g.streams["new"].events); o != 10 || n != 0 {
		t.Fatalf("old keeps %d, new %d; want 10 and 0", o, n)
	}
	checkBytes(t, st)
}
