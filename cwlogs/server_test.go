package cwlogs_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
)

func messages(evs []types.OutputLogEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, aws.ToString(e.Message))
	}
	return out
}

// TestPutThenGet: events come back in order with their ingestion time;
// the forward token at the end is the one passed in, and later events
// arrive through it, as the awslogs driver and `aws logs tail` rely on.
func TestPutThenGet(t *testing.T) {
	t.Parallel()
	c, ctx := serve(t), t.Context()
	mustStream(t, c, "/ecs/app", "ecs/app/task1")
	put, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/app"),
		LogStreamName: aws.String("ecs/app/task1"), LogEvents: events(3, now), SequenceToken: aws.String("ignored")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.NextSequenceToken) == "" || put.RejectedLogEventsInfo != nil {
		t.Fatalf("PutLogEvents = %+v", put)
	}
	in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("ecs/app/task1"), StartFromHead: aws.Bool(true)}
	got, err := c.GetLogEvents(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if m := messages(got.Events); !slices.Equal(m, []string{"m0", "m1", "m2"}) {
		t.Fatalf("events %q", m)
	}
	if e := got.Events[2]; aws.ToInt64(e.Timestamp) != now.UnixMilli() || aws.ToInt64(e.IngestionTime) != now.UnixMilli() {
		t.Fatalf("event %+v", e)
	}
	end := got.NextForwardToken
	again, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: in.LogGroupName, LogStreamName: in.LogStreamName, NextToken: end})
	if err != nil || len(again.Events) != 0 || aws.ToString(again.NextForwardToken) != aws.ToString(end) {
		t.Fatalf("at the end: %+v %v, want no events and the same token", again, err)
	}
	later := []types.InputLogEvent{{Timestamp: aws.Int64(now.UnixMilli() + 1), Message: aws.String("m3")}}
	if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: in.LogGroupName, LogStreamName: in.LogStreamName, LogEvents: later}); err != nil {
		t.Fatal(err)
	}
	next, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: in.LogGroupName, LogStreamName: in.LogStreamName, NextToken: end})
	if err != nil || !slices.Equal(messages(next.Events), []string{"m3"}) {
		t.Fatalf("after more events: %+v %v", next, err)
	}
	back, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: in.LogGroupName, LogStreamName: in.LogStreamName, NextToken: next.NextBackwardToken})
	if err != nil || !slices.Equal(messages(back.Events), []string{"m0", "m1", "m2"}) {
		t.Fatalf("backward: %+v %v", back, err)
	}
}

// TestGetPages: without a token the newest events come; the SDK's
// paginator walks a stream from the head and, told to stop on a repeated
// token (it never stops otherwise, against AWS too), stops at the end.
func TestGetPages(t *testing.T) {
	t.Parallel()
	c, ctx := serve(t), t.Context()
	mustStream(t, c, "g", "s")
	if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: events(5, now)}); err != nil {
		t.Fatal(err)
	}
	tail, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(2)})
	if err != nil || !slices.Equal(messages(tail.Events), []string{"m3", "m4"}) {
		t.Fatalf("tail: %+v %v", tail, err)
	}
	p := cloudwatchlogs.NewGetLogEventsPaginator(c, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"),
		LogStreamName: aws.String("s"), Limit: aws.Int32(2), StartFromHead: aws.Bool(true)},
		func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	var all []string
	for pages := 0; p.HasMorePages(); pages++ {
		if pages > 5 {
			t.Fatal("the paginator does not stop")
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, messages(page.Events)...)
	}
	if !slices.Equal(all, []string{"m0", "m1", "m2", "m3", "m4"}) {
		t.Fatalf("pages: %q", all)
	}
	window, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		StartTime: aws.Int64(now.Add(-3 * time.Second).UnixMilli()), EndTime: aws.Int64(now.Add(-time.Second).UnixMilli()), StartFromHead: aws.Bool(true)})
	if err != nil || !slices.Equal(messages(window.Events), []string{"m1", "m2"}) {
		t.Fatalf("[start, end): %+v %v", window, err)
	}
}

// TestRejectedEvents: events too old or too new are dropped and named in
// rejectedLogEventsInfo; the rest are stored.
func TestRejectedEvents(t *testing.T) {
	t.Parallel()
	c, ctx := serve(t), t.Context()
	mustStream(t, c, "g", "s")
	ts := []time.Time{now.Add(-14*24*time.Hour - 2*time.Hour), now.Add(-14*24*time.Hour - time.Minute), now, now.Add(3 * time.Hour)}
	// A batch may span at most a day, so the old and the new go apart.
	old := []types.InputLogEvent{{Timestamp: aws.Int64(ts[0].UnixMilli()), Message: aws.String("old0")},
		{Timestamp: aws.Int64(ts[1].UnixMilli()), Message: aws.String("old1")}, {Timestamp: aws.Int64(ts[1].UnixMilli() + 120_000), Message: aws.String("ok")}}
	out, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: old})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 1 || r.TooNewLogEventStartIndex != nil {
		t.Fatalf("rejected %+v", r)
	}
	fresh := []types.InputLogEvent{{Timestamp: aws.Int64(ts[2].UnixMilli()), Message: aws.String("now")}, {Timestamp: aws.Int64(ts[3].UnixMilli()), Message: aws.String("new")}}
	out, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: fresh})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 1 || r.TooOldLogEventEndIndex != nil {
		t.Fatalf("rejected %+v", r)
	}
	got, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if err != nil || !slices.Equal(messages(got.Events), []string{"ok", "now"}) {
		t.Fatalf("stored: %+v %v", got, err)
	}
}

// TestDescribe: prefixes, patterns, order and pagination as AWS answers.
func TestDescribe(t *testing.T) {
	t.Parallel()
	c, ctx := serve(t), t.Context()
	for _, g := range []string{"/ecs/b", "/ecs/a", "/other", "/ecs/c"} {
		if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/"), Limit: aws.Int32(2)})
	if err != nil || len(first.LogGroups) != 2 || first.NextToken == nil {
		t.Fatalf("first page: %+v %v", first, err)
	}
	g := first.LogGroups[0]
	if aws.ToString(g.LogGroupName) != "/ecs/a" || aws.ToString(g.Arn) != "arn:aws:logs:us-east-1:"+account+":log-group:/ecs/a:*" ||
		aws.ToString(g.LogGroupArn) != "arn:aws:logs:us-east-1:"+account+":log-group:/ecs/a" || aws.ToInt64(g.CreationTime) != now.UnixMilli() || g.LogGroupClass != types.LogGroupClassStandard {
		t.Fatalf("group %+v", g)
	}
	second, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/"), Limit: aws.Int32(2), NextToken: first.NextToken})
	if err != nil || len(second.LogGroups) != 1 || aws.ToString(second.LogGroups[0].LogGroupName) != "/ecs/c" || second.NextToken != nil {
		t.Fatalf("second page: %+v %v", second, err)
	}
	var names []string
	for p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("ECS"), Limit: aws.Int32(1)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
	}
	if !slices.Equal(names, []string{"/ecs/a", "/ecs/b", "/ecs/c"}) {
		t.Fatalf("pattern, paginated: %q", names)
	}
	describeStreams(t, c)
}

func describeStreams(t *testing.T, c *cloudwatchlogs.Client) {
	ctx := t.Context()
	for i, s := range []string{"web/2", "web/1", "worker/1"} {
		if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/a"), LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
		ev := []types.InputLogEvent{{Timestamp: aws.Int64(now.UnixMilli() - int64(i)), Message: aws.String("x")}}
		if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/a"), LogStreamName: aws.String(s), LogEvents: ev}); err != nil {
			t.Fatal(err)
		}
	}
	web, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/ecs/a"), LogStreamNamePrefix: aws.String("web/")})
	if err != nil || len(web.LogStreams) != 2 || aws.ToString(web.LogStreams[0].LogStreamName) != "web/1" || web.NextToken != nil {
		t.Fatalf("prefix: %+v %v", web, err)
	}
	s := web.LogStreams[0]
	if aws.ToString(s.Arn) != "arn:aws:logs:us-east-1:"+account+":log-group:/ecs/a:log-stream:web/1" || aws.ToInt64(s.LastEventTimestamp) != now.UnixMilli()-1 ||
		aws.ToInt64(s.LastIngestionTime) != now.UnixMilli() || aws.ToString(s.UploadSequenceToken) == "" || aws.ToInt64(s.StoredBytes) != 0 {
		t.Fatalf("stream %+v", s)
	}
	var order []string
	for p := cloudwatchlogs.NewDescribeLogStreamsPaginator(c, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:" + account + ":log-group:/ecs/a"),
		OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(2)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.LogStreams {
			order = append(order, aws.ToString(s.LogStreamName))
		}
	}
	if !slices.Equal(order, []string{"web/2", "web/1", "worker/1"}) {
		t.Fatalf("by last event, descending: %q", order)
	}
}

// TestErrors: each error arrives as the SDK's typed exception, with AWS's
// text.
func TestErrors(t *testing.T) {
	t.Parallel()
	c := serve(t)
	mustStream(t, c, "g", "s")
	ev := events(1, now)
	tests := []struct {
		name string
		call func() error
		want any
		msg  string
	}{
		{"group exists", func() error {
			_, err := c.CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")})
			return err
		}, new(*types.ResourceAlreadyExistsException), "The specified log group already exists"},
		{"stream exists", func() error {
			_, err := c.CreateLogStream(t.Context(), &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
			return err
		}, new(*types.ResourceAlreadyExistsException), "The specified log stream already exists"},
		{"stream in no group", func() error {
			_, err := c.CreateLogStream(t.Context(), &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
			return err
		}, new(*types.ResourceNotFoundException), "The specified log group does not exist."},
		{"put to no stream", func() error {
			_, err := c.PutLogEvents(t.Context(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope"), LogEvents: ev})
			return err
		}, new(*types.ResourceNotFoundException), "The specified log stream does not exist."},
		{"get from no group", func() error {
			_, err := c.GetLogEvents(t.Context(), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
			return err
		}, new(*types.ResourceNotFoundException), "The specified log group does not exist."},
		{"describe no group", func() error {
			_, err := c.DescribeLogStreams(t.Context(), &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("nope")})
			return err
		}, new(*types.ResourceNotFoundException), "The specified log group does not exist."},
		{"bad group name", func() error {
			_, err := c.CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("a b")})
			return err
		}, new(*types.InvalidParameterException), `1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`},
		{"group name too long", func() error {
			_, err := c.CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(strings.Repeat("a", 513))})
			return err
		}, new(*types.InvalidParameterException), "Member must have length less than or equal to 512"},
		{"stream name with a colon", func() error {
			_, err := c.CreateLogStream(t.Context(), &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a:b")})
			return err
		}, new(*types.InvalidParameterException), "Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"},
		{"unordered", func() error {
			bad := []types.InputLogEvent{ev[0], {Timestamp: aws.Int64(aws.ToInt64(ev[0].Timestamp) - 1), Message: aws.String("x")}}
			_, err := c.PutLogEvents(t.Context(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: bad})
			return err
		}, new(*types.InvalidParameterException), "Log events in a single PutLogEvents request must be in chronological order."},
		{"spans more than a day", func() error {
			bad := []types.InputLogEvent{{Timestamp: aws.Int64(now.Add(-25 * time.Hour).UnixMilli()), Message: aws.String("x")}, ev[0]}
			_, err := c.PutLogEvents(t.Context(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: bad})
			return err
		}, new(*types.InvalidParameterException), "cannot span more than 24 hours"},
		{"too many events", func() error {
			_, err := c.PutLogEvents(t.Context(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: events(10001, now)})
			return err
		}, new(*types.InvalidParameterException), "at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000"},
		{"upload too large", func() error {
			big := []types.InputLogEvent{{Timestamp: aws.Int64(now.UnixMilli()), Message: aws.String(strings.Repeat("x", 1048576-25))}}
			_, err := c.PutLogEvents(t.Context(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: big})
			return err
		}, new(*types.InvalidParameterException), "Upload too large: 1048577 bytes exceeds limit of 1048576"},
		{"empty message", func() error {
			bad := []types.InputLogEvent{{Timestamp: aws.Int64(now.UnixMilli()), Message: aws.String("")}}
			_, err := c.PutLogEvents(t.Context(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: bad})
			return err
		}, new(*types.InvalidParameterException), "at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"bad token", func() error {
			_, err := c.GetLogEvents(t.Context(), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), NextToken: aws.String("f/nope")})
			return err
		}, new(*types.InvalidParameterException), "The specified nextToken is invalid."},
		{"limit too large", func() error {
			_, err := c.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(51)})
			return err
		}, new(*types.InvalidParameterException), "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"},
		{"order by last event with a prefix", func() error {
			_, err := c.DescribeLogStreams(t.Context(), &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("s")})
			return err
		}, new(*types.InvalidParameterException), "Cannot order by LastEventTime with a logStreamNamePrefix."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.As(err, tc.want) {
				t.Fatalf("got %v, want %T", err, tc.want)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || !strings.Contains(ae.ErrorMessage(), tc.msg) {
				t.Fatalf("message %q, want it to contain %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
}
