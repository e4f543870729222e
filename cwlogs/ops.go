package cwlogs

// input is one operation's request. Each decodes itself from the body,
// validates what the model constrains, names the resource it is authorized
// against, and only then is served.
type input interface {
	validate() error
	resource(sc scope) string
	serve(st *store, sc scope) (any, error)
}

// operations are the operations served, by name; each is authorized as
// logs: and its name.
var operations = map[string]func() input{
	"CreateLogGroup":     func() input { return new(createLogGroupInput) },
	"CreateLogStream":    func() input { return new(createLogStreamInput) },
	"PutLogEvents":       func() input { return new(putLogEventsInput) },
	"GetLogEvents":       func() input { return new(getLogEventsInput) },
	"DescribeLogGroups":  func() input { return new(describeLogGroupsInput) },
	"DescribeLogStreams": func() input { return new(describeLogStreamsInput) },
}

// logGroupClasses are the model's LogGroupClass values; STANDARD is the
// default.
var logGroupClasses = []string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}

func checkClass(v *violations, class *string) {
	if class == nil {
		return
	}
	for _, c := range logGroupClasses {
		if *class == c {
			return
		}
	}
	v.add(*class, "logGroupClass", "satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
}

type createLogGroupInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogGroupClass *string `json:"logGroupClass"`
	// kmsKeyId, tags and deletionProtectionEnabled are accepted and not
	// kept: nothing served reads them back.
}

func (in *createLogGroupInput) validate() error {
	var v violations
	checkGroupName(&v, "logGroupName", in.LogGroupName, true)
	checkClass(&v, in.LogGroupClass)
	return v.err()
}

func (in *createLogGroupInput) resource(sc scope) string { return sc.groupARN(*in.LogGroupName) }

func (in *createLogGroupInput) serve(st *store, sc scope) (any, error) {
	class := "STANDARD"
	if in.LogGroupClass != nil {
		class = *in.LogGroupClass
	}
	return struct{}{}, st.createGroup(sc.region, *in.LogGroupName, class, sc.now.UnixMilli())
}

type createLogStreamInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

func (in *createLogStreamInput) validate() error {
	var v violations
	checkGroupName(&v, "logGroupName", in.LogGroupName, true)
	checkStreamName(&v, "logStreamName", in.LogStreamName, true)
	return v.err()
}

func (in *createLogStreamInput) resource(sc scope) string {
	return sc.streamARN(*in.LogGroupName, *in.LogStreamName)
}

func (in *createLogStreamInput) serve(st *store, sc scope) (any, error) {
	return struct{}{}, st.createStream(sc.region, *in.LogGroupName, *in.LogStreamName, sc.now.UnixMilli())
}
