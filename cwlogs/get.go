package cwlogs

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// GetLogEvents returns at most 10,000 events, and no more than fit in
// 1 MB (API reference, GetLogEvents).
const (
	maxGetEvents = 10000
	maxGetBytes  = 1 << 20
)

type getLogEventsInput struct {
	groupRef
	LogStreamName *string `json:"logStreamName"`
	StartTime     *int64  `json:"startTime"`
	EndTime       *int64  `json:"endTime"`
	NextToken     *string `json:"nextToken"`
	Limit         *int32  `json:"limit"`
	StartFromHead *bool   `json:"startFromHead"`
}

func (in *getLogEventsInput) validate() error {
	var v violations
	in.check(&v)
	checkStreamName(&v, "logStreamName", in.LogStreamName, true)
	checkLimit(&v, in.Limit, maxGetEvents)
	if in.NextToken != nil {
		checkLength(&v, "nextToken", *in.NextToken, 1, math.MaxInt)
	}
	if err := v.err(); err != nil {
		return err
	}
	return in.exclusive()
}

func (in *getLogEventsInput) resource(sc scope) string {
	return in.arn(sc) + ":log-stream:" + *in.LogStreamName
}

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

func (in *getLogEventsInput) serve(st *store, sc scope) (any, error) {
	name, ok := in.name(sc)
	if !ok {
		return nil, errNoGroup
	}
	q, err := in.query()
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s, err := st.lookup(sc.region, name, *in.LogStreamName)
	if err != nil {
		return nil, err
	}
	return s.page(q), nil
}

// query is one GetLogEvents page asked for: from a bound (exclusive),
// forward or backward, within [start, end).
type query struct {
	from       key
	backward   bool
	limit      int
	start, end int64
}

// Bounds beyond every event: the head and the tail of a stream.
var (
	minKey = key{math.MinInt64, 0}
	maxKey = key{math.MaxInt64, math.MaxUint64}
)

func (in *getLogEventsInput) query() (query, error) {
	q := query{limit: maxGetEvents, start: math.MinInt64, end: math.MaxInt64}
	if in.Limit != nil {
		q.limit = int(*in.Limit)
	}
	if in.StartTime != nil {
		q.start = *in.StartTime
	}
	if in.EndTime != nil {
		q.end = *in.EndTime
	}
	switch {
	case in.NextToken != nil:
		var err error
		q.from, q.backward, err = parseEventToken(*in.NextToken)
		return q, err
	case in.StartFromHead != nil && *in.StartFromHead:
		q.from = minKey
	default: // the newest events, as AWS answers without a token
		q.from, q.backward = maxKey, true
	}
	return q, nil
}

// page reads one page. Tokens name a position between events, so they stay
// valid while events arrive and the oldest are dropped; at the end of the
// stream the forward token is the one passed in, which is how clients
// know they have caught up.
func (s *stream) page(q query) *getLogEventsOutput {
	ev := s.events
	loT := sort.Search(len(ev), func(i int) bool { return ev[i].key.ts >= q.start })
	hiT := sort.Search(len(ev), func(i int) bool { return ev[i].key.ts >= q.end })
	after := sort.Search(len(ev), func(i int) bool { return ev[i].key.cmp(q.from) > 0 })
	from := sort.Search(len(ev), func(i int) bool { return ev[i].key.cmp(q.from) >= 0 })
	var a, b int
	var fwd, bwd key
	if q.backward {
		b = min(hiT, from)
		a = b
		for size := 0; a > loT && b-a < q.limit && (a == b || size+int(ev[a-1].size()) <= maxGetBytes); a-- {
			size += int(ev[a-1].size())
		}
		fwd, bwd = minKey, q.from
		if from > 0 {
			fwd = ev[from-1].key
		}
	} else {
		a = max(loT, after)
		b = a
		for size := 0; b < hiT && b-a < q.limit && (a == b || size+int(ev[b].size()) <= maxGetBytes); b++ {
			size += int(ev[b].size())
		}
		fwd, bwd = q.from, q.from.next()
	}
	out := &getLogEventsOutput{Events: make([]outputEvent, 0, b-a)}
	for _, e := range ev[a:b] {
		out.Events = append(out.Events, outputEvent{Timestamp: e.key.ts, Message: e.message, IngestionTime: e.ingest})
	}
	if b > a {
		fwd, bwd = ev[b-1].key, ev[a].key
	}
	out.NextForwardToken, out.NextBackwardToken = eventToken("f", fwd), eventToken("b", bwd)
	return out
}

// next is the bound just past k: before it lie the events up to k itself.
func (k key) next() key {
	if k.seq == math.MaxUint64 {
		return k
	}
	return key{k.ts, k.seq + 1}
}

// eventToken renders a bound in AWS's shape, f/ or b/, digits, /s. The
// timestamp is offset so that its digits sort as it does.
func eventToken(dir string, k key) string {
	return fmt.Sprintf("%s/%020d%020d/s", dir, uint64(k.ts)^(1<<63), k.seq)
}

func parseEventToken(tok string) (k key, backward bool, err error) {
	dir, rest, _ := strings.Cut(tok, "/")
	digits, ok := strings.CutSuffix(rest, "/s")
	if (dir != "f" && dir != "b") || !ok || len(digits) != 40 {
		return key{}, false, errBadToken
	}
	ts, err1 := strconv.ParseUint(digits[:20], 10, 64)
	seq, err2 := strconv.ParseUint(digits[20:], 10, 64)
	if err1 != nil || err2 != nil {
		return key{}, false, errBadToken
	}
	return key{int64(ts ^ (1 << 63)), seq}, dir == "b", nil
}
