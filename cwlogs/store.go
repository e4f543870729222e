package cwlogs

import (
	"cmp"
	"container/list"
	"slices"
	"sync"
)

// Bounds on what a Server holds. AWS's own quotas are far higher (a
// million log groups a region, streams without limit); an emulator needs
// only enough for the tasks of one scenario, and must not grow without
// bound whatever its clients send.
const (
	maxGroups          = 1000
	maxStreamsPerGroup = 1000
	maxEventsPerStream = 10000
	// eventOverhead is what AWS counts per event on top of its message,
	// for the batch limit; the byte budget counts the same way.
	eventOverhead = 26
)

// store is every log group of the Server, behind one lock: requests are
// small and few, and one lock keeps the byte budget exact.
type store struct {
	mu       sync.Mutex
	groups   map[groupKey]*group
	maxBytes int64
	bytes    int64 // held by every event, counted as the budget counts
	// written lists the streams that hold events, least recently written
	// first: the budget drops the oldest events of the front one.
	written list.List
}

type groupKey struct{ region, name string }

type group struct {
	name    string
	class   string
	created int64 // epoch milliseconds
	streams map[string]*stream
	bytes   int64 // message bytes held, as LogGroup.storedBytes reports
}

type stream struct {
	name       string
	group      *group
	created    int64
	lastIngest int64
	// events are in the order GetLogEvents returns them: by timestamp,
	// then by arrival.
	events  []event
	seq     uint64 // of the last event stored
	uploads uint64 // PutLogEvents calls, for the sequence token
	elem    *list.Element
}

type event struct {
	key     key
	ingest  int64
	message string
}

// key orders a stream's events, and is what GetLogEvents tokens name.
type key struct {
	ts  int64
	seq uint64
}

func (a key) cmp(b key) int {
	if c := cmp.Compare(a.ts, b.ts); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

func (e *event) size() int64 { return int64(len(e.message)) + eventOverhead }

func newStore(maxBytes int64) *store {
	return &store{groups: map[groupKey]*group{}, maxBytes: maxBytes}
}

func (st *store) createGroup(region, name, class string, now int64) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := groupKey{region, name}
	if _, ok := st.groups[k]; ok {
		return apiErr("ResourceAlreadyExistsException", msgGroupExists)
	}
	if len(st.groups) >= maxGroups {
		return errLimit
	}
	st.groups[k] = &group{name: name, class: class, created: now, streams: map[string]*stream{}}
	return nil
}

func (st *store) createStream(region, groupName, name string, now int64) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.groups[groupKey{region, groupName}]
	if !ok {
		return errNoGroup
	}
	if _, ok := g.streams[name]; ok {
		return apiErr("ResourceAlreadyExistsException", msgStreamExists)
	}
	if len(g.streams) >= maxStreamsPerGroup {
		return errLimit
	}
	g.streams[name] = &stream{name: name, group: g, created: now}
	return nil
}

// lookup returns a stream; the caller holds st.mu.
func (st *store) lookup(region, groupName, name string) (*stream, error) {
	g, ok := st.groups[groupKey{region, groupName}]
	if !ok {
		return nil, errNoGroup
	}
	s, ok := g.streams[name]
	if !ok {
		return nil, errNoStream
	}
	return s, nil
}

// put stores accepted events, already in chronological order, and returns
// the stream's new sequence token; then the stream's ring and the byte
// budget drop what no longer fits.
func (st *store) put(region, groupName, name string, batch []inputEvent, now int64) (uint64, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, err := st.lookup(region, groupName, name)
	if err != nil {
		return 0, err
	}
	s.uploads++
	if len(batch) == 0 {
		return s.uploads, nil
	}
	s.append(batch, now)
	for _, in := range batch {
		st.bytes += int64(len(*in.Message)) + eventOverhead
		s.group.bytes += int64(len(*in.Message))
	}
	if len(s.events) > maxEventsPerStream {
		st.drop(s, len(s.events)-maxEventsPerStream)
	}
	st.markWritten(s)
	st.enforceBudget()
	return s.uploads, nil
}

// append adds batch in key order. A batch is chronological in itself, so
// only one that starts before the stream's last event needs a sort.
func (s *stream) append(batch []inputEvent, now int64) {
	sorted := len(s.events) == 0 || *batch[0].Timestamp >= s.events[len(s.events)-1].key.ts
	for _, in := range batch {
		s.seq++
		s.events = append(s.events, event{key: key{*in.Timestamp, s.seq}, ingest: now, message: *in.Message})
	}
	if !sorted {
		slices.SortFunc(s.events, func(a, b event) int { return a.key.cmp(b.key) })
	}
	s.lastIngest = now
}

// markWritten moves s to the back of the written list.
func (st *store) markWritten(s *stream) {
	if s.elem == nil {
		s.elem = st.written.PushBack(s)
		return
	}
	st.written.MoveToBack(s.elem)
}

// enforceBudget drops the oldest events of the streams written longest
// ago until the events held fit the budget.
func (st *store) enforceBudget() {
	for st.bytes > st.maxBytes && st.written.Len() > 0 {
		s := st.written.Front().Value.(*stream)
		n, freed := 0, int64(0)
		for n < len(s.events) && st.bytes-freed > st.maxBytes {
			freed += s.events[n].size()
			n++
		}
		st.drop(s, n)
	}
}

// drop removes the n oldest events of s.
func (st *store) drop(s *stream, n int) {
	for i := range s.events[:n] {
		st.bytes -= s.events[i].size()
		s.group.bytes -= int64(len(s.events[i].message))
	}
	// Clear what is dropped, so that its messages are freed even while
	// the array behind the slice lives on.
	clear(s.events[:n])
	s.events = s.events[n:]
	if len(s.events) == 0 {
		s.events = nil
		st.written.Remove(s.elem)
		s.elem = nil
	}
}
