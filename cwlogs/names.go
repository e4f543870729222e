package cwlogs

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The model's constraints on names (CreateLogGroup, CreateLogStream).
const (
	maxNameLen       = 512
	groupPattern     = `[\.\-_/#A-Za-z0-9]+`
	streamPattern    = `[^:*]*`
	identifierPatten = `[\w#+=/:,.@-]*`
	maxIdentifierLen = 2048
)

var (
	groupRE      = regexp.MustCompile(`^` + groupPattern + `$`)
	identifierRE = regexp.MustCompile(`^` + identifierPatten + `$`)
)

// checkLength records a string member outside [lo, hi] characters; the
// model counts characters, not bytes.
func checkLength(v *violations, path, s string, lo, hi int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n < lo:
		v.add(s, path, "have length greater than or equal to "+strconv.Itoa(lo))
	case n > hi:
		v.add(s, path, "have length less than or equal to "+strconv.Itoa(hi))
	}
}

// checkGroupName validates a log group name member; a nil one is missing,
// which only a required member must not be.
func checkGroupName(v *violations, path string, name *string, required bool) {
	if name == nil {
		if required {
			v.add(nil, path, "not be null")
		}
		return
	}
	checkLength(v, path, *name, 1, maxNameLen)
	if *name != "" && !groupRE.MatchString(*name) {
		v.add(*name, path, "satisfy regular expression pattern: "+groupPattern)
	}
}

// checkStreamName validates a log stream name member (or prefix, which
// shares its shape).
func checkStreamName(v *violations, path string, name *string, required bool) {
	if name == nil {
		if required {
			v.add(nil, path, "not be null")
		}
		return
	}
	checkLength(v, path, *name, 1, maxNameLen)
	if strings.ContainsAny(*name, ":*") {
		v.add(*name, path, "satisfy regular expression pattern: "+streamPattern)
	}
}

// checkLimit validates an optional limit member.
func checkLimit(v *violations, limit *int32, hi int32) {
	switch {
	case limit == nil:
	case *limit < 1:
		v.add(*limit, "limit", "have value greater than or equal to 1")
	case *limit > hi:
		v.add(*limit, "limit", "have value less than or equal to "+strconv.Itoa(int(hi)))
	}
}

// groupRef is how an operation names its log group: logGroupName, or
// logGroupIdentifier (a name or an ARN), never both.
type groupRef struct {
	Name       *string `json:"logGroupName"`
	Identifier *string `json:"logGroupIdentifier"`
}

func (g *groupRef) check(v *violations) {
	checkGroupName(v, "logGroupName", g.Name, false)
	if g.Identifier != nil {
		checkLength(v, "logGroupIdentifier", *g.Identifier, 1, maxIdentifierLen)
		if !identifierRE.MatchString(*g.Identifier) {
			v.add(*g.Identifier, "logGroupIdentifier", "satisfy regular expression pattern: "+identifierPatten)
		}
	}
}

// exclusive is the check the model cannot state: exactly one of the two.
// The texts are ecrlink's; AWS's own wording was not found.
func (g *groupRef) exclusive() error {
	switch {
	case g.Name != nil && g.Identifier != nil:
		return invalidParam("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case g.Name == nil && g.Identifier == nil:
		return invalidParam("Should provide either name or arn of the log group.")
	}
	return nil
}

// name returns the group named in sc; ok is false for an ARN of another
// account or region, whose group is never found here.
func (g *groupRef) name(sc scope) (name string, ok bool) {
	if g.Name != nil {
		return *g.Name, true
	}
	id := *g.Identifier
	rest, isARN := strings.CutPrefix(id, "arn:")
	if !isARN {
		return id, true
	}
	// arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*]
	parts := strings.SplitN(rest, ":", 6)
	if len(parts) != 6 || parts[1] != "logs" || parts[4] != "log-group" {
		return "", false
	}
	name = strings.TrimSuffix(parts[5], ":*")
	return name, parts[0] == sc.partition && parts[2] == sc.region && parts[3] == sc.account && groupRE.MatchString(name)
}

// arn is the ARN of the group named, without the trailing ":*": the
// identifier itself when it is an ARN, so that a foreign group is
// authorized as what it names.
func (g *groupRef) arn(sc scope) string {
	if g.Name == nil && strings.HasPrefix(*g.Identifier, "arn:") {
		return strings.TrimSuffix(*g.Identifier, ":*")
	}
	name, _ := g.name(sc)
	return strings.TrimSuffix(sc.groupARN(name), ":*")
}
