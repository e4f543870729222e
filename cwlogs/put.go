package cwlogs

import (
	"fmt"
	"strconv"
	"time"
)

// PutLogEvents's limits (API reference, PutLogEvents).
const (
	maxBatchBytes  = 1048576 // messages in UTF-8, plus eventOverhead each
	maxBatchEvents = 10000
	maxBatchSpan   = 24 * time.Hour
	maxFuture      = 2 * time.Hour
	maxPast        = 14 * 24 * time.Hour
	// maxListed bounds the violations a message lists, so that a batch of
	// 10,000 bad events is not answered with a megabyte of text.
	maxListed = 10
)

type putLogEventsInput struct {
	LogGroupName  *string      `json:"logGroupName"`
	LogStreamName *string      `json:"logStreamName"`
	LogEvents     []inputEvent `json:"logEvents"`
	// sequenceToken is ignored, as AWS has ignored it since 2023.
}

type inputEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

func (in *putLogEventsInput) validate() error {
	var v violations
	checkGroupName(&v, "logGroupName", in.LogGroupName, true)
	checkStreamName(&v, "logStreamName", in.LogStreamName, true)
	switch n := len(in.LogEvents); {
	case in.LogEvents == nil:
		v.add(nil, "logEvents", "not be null")
	case n == 0:
		v.add("[]", "logEvents", "have length greater than or equal to 1")
	case n > maxBatchEvents:
		v.add(fmt.Sprintf("[%d events]", n), "logEvents", "have length less than or equal to "+strconv.Itoa(maxBatchEvents))
	}
	for i, e := range in.LogEvents {
		if len(v) >= maxListed {
			break
		}
		path := "logEvents." + strconv.Itoa(i+1) + ".member."
		if e.Timestamp == nil {
			v.add(nil, path+"timestamp", "not be null")
		}
		if e.Message == nil {
			v.add(nil, path+"message", "not be null")
		} else if *e.Message == "" {
			v.add("", path+"message", "have length greater than or equal to 1")
		}
	}
	return v.err()
}

func (in *putLogEventsInput) resource(sc scope) string {
	return sc.streamARN(*in.LogGroupName, *in.LogStreamName)
}

type putLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

type rejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
}

func (in *putLogEventsInput) serve(st *store, sc scope) (any, error) {
	if err := checkBatch(in.LogEvents); err != nil {
		return nil, err
	}
	oldEnd, newStart := rejected(in.LogEvents, sc.now)
	uploads, err := st.put(sc.region, *in.LogGroupName, *in.LogStreamName, in.LogEvents[oldEnd+1:newStart], sc.now.UnixMilli())
	if err != nil {
		return nil, err
	}
	out := &putLogEventsOutput{NextSequenceToken: sequenceToken(uploads)}
	if oldEnd >= 0 || newStart < len(in.LogEvents) {
		out.RejectedLogEventsInfo = &rejectedLogEventsInfo{}
		if oldEnd >= 0 {
			out.RejectedLogEventsInfo.TooOldLogEventEndIndex = &oldEnd
		}
		if newStart < len(in.LogEvents) {
			out.RejectedLogEventsInfo.TooNewLogEventStartIndex = &newStart
		}
	}
	return out, nil
}

// checkBatch refuses, whole, a batch AWS refuses: too large, out of
// chronological order, or spanning more than a day.
func checkBatch(events []inputEvent) error {
	size := 0
	for i, e := range events {
		size += len(*e.Message) + eventOverhead
		if i > 0 && *e.Timestamp < *events[i-1].Timestamp {
			return invalidParam(msgUnordered)
		}
	}
	if size > maxBatchBytes {
		return invalidParam("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	// As unsigned, last-first cannot overflow: the batch is ordered.
	if first, last := *events[0].Timestamp, *events[len(events)-1].Timestamp; uint64(last)-uint64(first) > uint64(maxBatchSpan.Milliseconds()) {
		return invalidParam(msgSpan)
	}
	return nil
}

// rejected finds the events AWS drops rather than refusing the batch: in
// a chronological batch the too old are a prefix (ending at oldEnd, -1 if
// none) and the too new a suffix (starting at newStart, len if none).
func rejected(events []inputEvent, now time.Time) (oldEnd, newStart int) {
	oldest, newest := now.Add(-maxPast).UnixMilli(), now.Add(maxFuture).UnixMilli()
	oldEnd, newStart = -1, len(events)
	for i, e := range events {
		if *e.Timestamp < oldest {
			oldEnd = i
		}
	}
	for newStart > oldEnd+1 && *events[newStart-1].Timestamp > newest {
		newStart--
	}
	return oldEnd, newStart
}

// sequenceToken renders the n-th upload's token as AWS's look: a long
// string of digits. PutLogEvents ignores tokens, but still returns one.
func sequenceToken(n uint64) string { return fmt.Sprintf("%056d", n) }
