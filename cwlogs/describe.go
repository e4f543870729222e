package cwlogs

import (
	"cmp"
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Describe operations return at most 50 items a page, 50 by default.
const maxDescribe = 50

var groupPatternRE = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]*$`)

type describeLogGroupsInput struct {
	LogGroupNamePrefix  *string `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string `json:"logGroupNamePattern"`
	LogGroupClass       *string `json:"logGroupClass"`
	NextToken           *string `json:"nextToken"`
	Limit               *int32  `json:"limit"`
	// accountIdentifiers, includeLinkedAccounts and logGroupIdentifiers
	// (cross-account observability) are not served: one account here.
}

func (in *describeLogGroupsInput) validate() error {
	var v violations
	checkGroupName(&v, "logGroupNamePrefix", in.LogGroupNamePrefix, false)
	if p := in.LogGroupNamePattern; p != nil {
		checkLength(&v, "logGroupNamePattern", *p, 0, maxNameLen)
		if !groupPatternRE.MatchString(*p) {
			v.add(*p, "logGroupNamePattern", `satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]*`)
		}
	}
	checkClass(&v, in.LogGroupClass)
	checkLimit(&v, in.Limit, maxDescribe)
	if err := v.err(); err != nil {
		return err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return invalidParam("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	return nil
}

// resource: DescribeLogGroups lists, so it is authorized against "*".
func (in *describeLogGroupsInput) resource(scope) string { return "*" }

type logGroupOutput struct {
	LogGroupName              string `json:"logGroupName"`
	CreationTime              int64  `json:"creationTime"`
	MetricFilterCount         int    `json:"metricFilterCount"`
	Arn                       string `json:"arn"` // with the trailing ":*"
	LogGroupArn               string `json:"logGroupArn"`
	StoredBytes               int64  `json:"storedBytes"`
	LogGroupClass             string `json:"logGroupClass"`
	DeletionProtectionEnabled bool   `json:"deletionProtectionEnabled"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroupOutput `json:"logGroups"`
	NextToken *string          `json:"nextToken,omitempty"`
}

func (in *describeLogGroupsInput) serve(st *store, sc scope) (any, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var groups []*group
	for k, g := range st.groups {
		if k.region == sc.region && in.matches(g) {
			groups = append(groups, g)
		}
	}
	page, next, err := paginate(groups, func(g *group) position { return position{name: g.name} }, false, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &describeLogGroupsOutput{LogGroups: make([]logGroupOutput, 0, len(page)), NextToken: next}
	for _, g := range page {
		arn := sc.groupARN(g.name)
		out.LogGroups = append(out.LogGroups, logGroupOutput{LogGroupName: g.name, CreationTime: g.created,
			Arn: arn, LogGroupArn: strings.TrimSuffix(arn, ":*"), StoredBytes: g.bytes, LogGroupClass: g.class})
	}
	return out, nil
}

// matches applies the filters; a pattern matches any part of the name,
// ignoring case, as the API reference has it.
func (in *describeLogGroupsInput) matches(g *group) bool {
	switch {
	case in.LogGroupNamePrefix != nil && !strings.HasPrefix(g.name, *in.LogGroupNamePrefix):
		return false
	case in.LogGroupNamePattern != nil && !strings.Contains(strings.ToLower(g.name), strings.ToLower(*in.LogGroupNamePattern)):
		return false
	case in.LogGroupClass != nil && g.class != *in.LogGroupClass:
		return false
	}
	return true
}

type describeLogStreamsInput struct {
	groupRef
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          *bool   `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int32  `json:"limit"`
}

func (in *describeLogStreamsInput) validate() error {
	var v violations
	in.check(&v)
	checkStreamName(&v, "logStreamNamePrefix", in.LogStreamNamePrefix, false)
	if o := in.OrderBy; o != nil && *o != "LogStreamName" && *o != "LastEventTime" {
		v.add(*o, "orderBy", "satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	checkLimit(&v, in.Limit, maxDescribe)
	if err := v.err(); err != nil {
		return err
	}
	if in.byLastEvent() && in.LogStreamNamePrefix != nil {
		return invalidParam(msgOrderAndPrefix)
	}
	return in.exclusive()
}

func (in *describeLogStreamsInput) byLastEvent() bool {
	return in.OrderBy != nil && *in.OrderBy == "LastEventTime"
}

func (in *describeLogStreamsInput) resource(sc scope) string { return in.arn(sc) + ":*" }

type logStreamOutput struct {
	LogStreamName       string  `json:"logStreamName"`
	CreationTime        int64   `json:"creationTime"`
	FirstEventTimestamp *int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64  `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken *string `json:"uploadSequenceToken,omitempty"`
	Arn                 string  `json:"arn"`
	// StoredBytes is always zero for streams, as AWS has reported it
	// since June 2019.
	StoredBytes int64 `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStreamOutput `json:"logStreams"`
	NextToken  *string           `json:"nextToken,omitempty"`
}

func (in *describeLogStreamsInput) serve(st *store, sc scope) (any, error) {
	name, ok := in.name(sc)
	if !ok {
		return nil, errNoGroup
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.groups[groupKey{sc.region, name}]
	if !ok {
		return nil, errNoGroup
	}
	var streams []*stream
	for _, s := range g.streams {
		if in.LogStreamNamePrefix == nil || strings.HasPrefix(s.name, *in.LogStreamNamePrefix) {
			streams = append(streams, s)
		}
	}
	at := func(s *stream) position { return position{name: s.name} }
	if in.byLastEvent() {
		at = func(s *stream) position { return position{ts: s.lastEvent(), name: s.name} }
	}
	page, next, err := paginate(streams, at, in.Descending != nil && *in.Descending, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &describeLogStreamsOutput{LogStreams: make([]logStreamOutput, 0, len(page)), NextToken: next}
	for _, s := range page {
		out.LogStreams = append(out.LogStreams, s.describe(sc))
	}
	return out, nil
}

// lastEvent is the timestamp of the newest event, zero for none.
func (s *stream) lastEvent() int64 {
	if len(s.events) == 0 {
		return 0
	}
	return s.events[len(s.events)-1].key.ts
}

func (s *stream) describe(sc scope) logStreamOutput {
	out := logStreamOutput{LogStreamName: s.name, CreationTime: s.created, Arn: sc.streamARN(s.group.name, s.name)}
	if n := len(s.events); n > 0 {
		first, last, ingest := s.events[0].key.ts, s.events[n-1].key.ts, s.lastIngest
		out.FirstEventTimestamp, out.LastEventTimestamp, out.LastIngestionTime = &first, &last, &ingest
	}
	if s.uploads > 0 {
		tok := sequenceToken(s.uploads)
		out.UploadSequenceToken = &tok
	}
	return out
}

// position is an item's place in a listing's order; a nextToken names
// the last item returned, so a page stays right while items come and go.
type position struct {
	ts   int64
	name string
}

func (p position) cmp(q position) int {
	if c := cmp.Compare(p.ts, q.ts); c != 0 {
		return c
	}
	return strings.Compare(p.name, q.name)
}

func (p position) token() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(p.ts, 10) + "/" + p.name))
}

func parsePosition(tok string) (position, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	ts, name, ok := strings.Cut(string(raw), "/")
	n, errTS := strconv.ParseInt(ts, 10, 64)
	if err != nil || !ok || errTS != nil {
		return position{}, errBadToken
	}
	return position{n, name}, nil
}

// paginate orders items, starts after the token's position, and returns
// at most limit of them, with a token when more follow.
func paginate[T any](items []T, at func(T) position, desc bool, token *string, limit *int32) ([]T, *string, error) {
	order := func(a, b position) int {
		if desc {
			return b.cmp(a)
		}
		return a.cmp(b)
	}
	slices.SortFunc(items, func(a, b T) int { return order(at(a), at(b)) })
	if token != nil {
		p, err := parsePosition(*token)
		if err != nil {
			return nil, nil, err
		}
		start, _ := slices.BinarySearchFunc(items, p, func(it T, p position) int {
			if order(at(it), p) <= 0 {
				return -1
			}
			return 1
		})
		items = items[start:]
	}
	n := maxDescribe
	if limit != nil {
		n = int(*limit)
	}
	if len(items) <= n {
		return items, nil, nil
	}
	next := at(items[n-1]).token()
	return items[:n], &next, nil
}
