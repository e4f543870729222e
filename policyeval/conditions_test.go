package policyeval

import (
	"testing"
	"time"
)

// absent marks a condition key the request does not carry.
var absent []string

// condRow evaluates one Allow statement with one Condition block (in a
// repository policy naming everyone) against
// a request whose context is ctx; want says whether the statement applies.
type condRow struct {
	name    string
	block   string     // the Condition element's value
	ctx     [][]string // each: key, values... (a key with no values is present and empty)
	version string     // "" means 2012-10-17; "none" means no Version element
	now     time.Time
	want    bool
}

func runCondRows(t *testing.T, rows []condRow) {
	t.Helper()
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			version := tc.version
			switch version {
			case "":
				version = version2012
			case "none":
				version = ""
			}
			// A repository policy, since identity policies need 2012-10-17.
			p := mustParse(t, docV(version, st(allow(), anyone(), act("ecr:*"), cond(tc.block))), KindRepository)
			req := &Request{Principal: userA, Action: "ecr:BatchGetImage", Resource: repoApp, Context: ctxOf(tc.ctx), Now: tc.now}
			got := Evaluate(req, &Set{Resource: p}).Allowed()
			if got != tc.want {
				t.Errorf("condition %s with %v = %v, want %v", tc.block, tc.ctx, got, tc.want)
			}
		})
	}
}

func kv(key string, values ...string) [][]string { return [][]string{append([]string{key}, values...)} }

// TestConditionOperators holds POLICY-FACTS §4, one family at a time.
func TestConditionOperators(t *testing.T) {
	t.Parallel()
	runCondRows(t, []condRow{
		// String: Equals exact and case-sensitive, * literal
		{"StringEquals equal", `{"StringEquals": {"aws:SourceVpce": "vpce-1"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, true},
		{"StringEquals case differs", `{"StringEquals": {"aws:SourceVpce": "VPCE-1"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, false},
		{"StringEquals star is literal", `{"StringEquals": {"aws:SourceVpce": "vpce-*"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, false},
		{"StringEquals star literal matches a star", `{"StringEquals": {"aws:SourceVpce": "vpce-*"}}`, kv("aws:SourceVpce", "vpce-*"), "", time.Time{}, true},
		{"StringEquals one of values", `{"StringEquals": {"aws:SourceVpce": ["vpce-2", "vpce-1"]}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, true},
		{"StringEquals absent", `{"StringEquals": {"aws:SourceVpce": "vpce-1"}}`, nil, "", time.Time{}, false},
		{"StringEquals empty value", `{"StringEquals": {"aws:SourceVpce": ""}}`, kv("aws:SourceVpce", ""), "", time.Time{}, true},
		{"StringNotEquals differs", `{"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}`, kv("aws:SourceVpce", "vpce-2"), "", time.Time{}, true},
		{"StringNotEquals equal", `{"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, false},
		{"StringNotEquals absent is true", `{"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}`, nil, "", time.Time{}, true},
		{"StringNotEquals several values: none may match", `{"StringNotEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}`, kv("aws:SourceVpce", "vpce-2"), "", time.Time{}, false},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase": {"aws:UserAgent": "Docker"}}`, kv("aws:UserAgent", "DOCKER"), "", time.Time{}, true},
		{"StringEqualsIgnoreCase unicode", `{"StringEqualsIgnoreCase": {"aws:UserAgent": "ÉCR"}}`, kv("aws:UserAgent", "écr"), "", time.Time{}, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase": {"aws:UserAgent": "Docker"}}`, kv("aws:UserAgent", "docker"), "", time.Time{}, false},
		{"StringLike star", `{"StringLike": {"aws:SourceVpce": "vpce-*"}}`, kv("aws:SourceVpce", "vpce-0abc"), "", time.Time{}, true},
		{"StringLike is case-sensitive", `{"StringLike": {"aws:SourceVpce": "VPCE-*"}}`, kv("aws:SourceVpce", "vpce-0abc"), "", time.Time{}, false},
		{"StringLike question mark", `{"StringLike": {"aws:SourceVpce": "vpce-?"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, true},
		{"StringLike star anywhere", `{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*-ci"}}`, kv("aws:PrincipalArn", "arn:aws:iam::111111111111:role/app-ci"), "", time.Time{}, true},
		{"StringLike absent", `{"StringLike": {"aws:SourceVpce": "*"}}`, nil, "", time.Time{}, false},
		{"StringNotLike absent is true", `{"StringNotLike": {"aws:SourceVpce": "vpce-*"}}`, nil, "", time.Time{}, true},
		{"StringNotLike matching", `{"StringNotLike": {"aws:SourceVpce": "vpce-*"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, false},
		// Numeric
		{"NumericEquals integer", `{"NumericEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), "", time.Time{}, true},
		{"NumericEquals decimal", `{"NumericEquals": {"s3:max-keys": "10.0"}}`, kv("s3:max-keys", "10"), "", time.Time{}, true},
		{"NumericEquals JSON number", `{"NumericEquals": {"s3:max-keys": 10}}`, kv("s3:max-keys", "10"), "", time.Time{}, true},
		{"NumericLessThan negative", `{"NumericLessThan": {"s3:max-keys": "0"}}`, kv("s3:max-keys", "-1"), "", time.Time{}, true},
		{"NumericGreaterThan decimal", `{"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600.5"}}`, kv("aws:MultiFactorAuthAge", "3601"), "", time.Time{}, true},
		{"NumericLessThanEquals bound", `{"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}`, kv("aws:MultiFactorAuthAge", "3600"), "", time.Time{}, true},
		{"Numeric request not a number", `{"NumericLessThan": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "ten"), "", time.Time{}, false},
		{"Numeric policy not a number", `{"NumericEquals": {"s3:max-keys": "ten"}}`, kv("s3:max-keys", "10"), "", time.Time{}, false},
		{"NumericNotEquals absent is true", `{"NumericNotEquals": {"s3:max-keys": "10"}}`, nil, "", time.Time{}, true},
		{"Numeric variable is literal", `{"NumericEquals": {"s3:max-keys": "${aws:username}"}}`, [][]string{{"s3:max-keys", "7"}, {"aws:username", "7"}}, "", time.Time{}, false},
		// Date
		{"DateLessThan ISO", `{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}`, kv("aws:CurrentTime", "2025-06-01T12:00:00Z"), "", time.Time{}, true},
		{"DateGreaterThan ISO", `{"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}`, kv("aws:CurrentTime", "2025-06-01T12:00:00Z"), "", time.Time{}, false},
		{"DateEquals across zones", `{"DateEquals": {"aws:TokenIssueTime": "2025-06-01T14:00:00+02:00"}}`, kv("aws:TokenIssueTime", "2025-06-01T12:00:00Z"), "", time.Time{}, true},
		{"DateEquals date only", `{"DateEquals": {"aws:TokenIssueTime": "2025-06-01"}}`, kv("aws:TokenIssueTime", "2025-06-01T00:00:00Z"), "", time.Time{}, true},
		{"DateGreaterThanEquals epoch seconds", `{"DateGreaterThanEquals": {"aws:EpochTime": "1748779200"}}`, kv("aws:EpochTime", "1748779200"), "", time.Time{}, true},
		{"Date epoch against ISO", `{"DateLessThan": {"aws:CurrentTime": "1748779201"}}`, kv("aws:CurrentTime", "2025-06-01T12:00:00Z"), "", time.Time{}, true},
		{"Date from the request clock", `{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}`, nil, "", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), true},
		{"Date without a clock is absent", `{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}`, nil, "", time.Time{}, false},
		{"Date wildcards are not patterns", `{"DateEquals": {"aws:TokenIssueTime": "2025-06-01T12:00:00Z"}}`, kv("aws:TokenIssueTime", "2025-06-01T12:*"), "", time.Time{}, false},
		{"DateNotEquals absent is true", `{"DateNotEquals": {"aws:TokenIssueTime": "2025-06-01T12:00:00Z"}}`, nil, "", time.Time{}, true},
		// Bool
		{"Bool true", `{"Bool": {"aws:SecureTransport": "true"}}`, kv("aws:SecureTransport", "true"), "", time.Time{}, true},
		{"Bool JSON boolean", `{"Bool": {"aws:SecureTransport": true}}`, kv("aws:SecureTransport", "true"), "", time.Time{}, true},
		{"Bool case-insensitive", `{"Bool": {"aws:SecureTransport": "True"}}`, kv("aws:SecureTransport", "true"), "", time.Time{}, true},
		{"Bool false vs true", `{"Bool": {"aws:SecureTransport": "false"}}`, kv("aws:SecureTransport", "true"), "", time.Time{}, false},
		{"Bool absent", `{"Bool": {"aws:SecureTransport": "false"}}`, nil, "", time.Time{}, false},
		{"BoolIfExists absent", `{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}`, nil, "", time.Time{}, true},
		{"Bool with variable", `{"Bool": {"aws:SecureTransport": "${aws:PrincipalTag/secure}"}}`, [][]string{{"aws:SecureTransport", "true"}, {"aws:PrincipalTag/secure", "true"}}, "", time.Time{}, true},
		// Binary
		{"BinaryEquals", `{"BinaryEquals": {"ecr:ImageTag": "bGF0ZXN0"}}`, kv("ecr:ImageTag", "latest"), "", time.Time{}, true},
		{"BinaryEquals differs", `{"BinaryEquals": {"ecr:ImageTag": "bGF0ZXN0"}}`, kv("ecr:ImageTag", "stable"), "", time.Time{}, false},
		{"BinaryEquals not base64", `{"BinaryEquals": {"ecr:ImageTag": "%%%"}}`, kv("ecr:ImageTag", "%%%"), "", time.Time{}, false},
		// IP
		{"IpAddress v4 network", `{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`, kv("aws:SourceIp", "10.1.2.3"), "", time.Time{}, true},
		{"IpAddress v4 outside", `{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`, kv("aws:SourceIp", "11.1.2.3"), "", time.Time{}, false},
		{"IpAddress unmasked network", `{"IpAddress": {"aws:SourceIp": "10.1.2.3/8"}}`, kv("aws:SourceIp", "10.200.0.1"), "", time.Time{}, true},
		{"IpAddress v6 default /128", `{"IpAddress": {"aws:SourceIp": "2001:db8::1"}}`, kv("aws:SourceIp", "2001:DB8:0:0::1"), "", time.Time{}, true},
		{"IpAddress v6 default /128 neighbour", `{"IpAddress": {"aws:SourceIp": "2001:db8::1"}}`, kv("aws:SourceIp", "2001:db8::2"), "", time.Time{}, false},
		{"IpAddress v4 never matches v6", `{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}`, kv("aws:SourceIp", "2001:db8::1"), "", time.Time{}, false},
		{"IpAddress v6 never matches v4", `{"IpAddress": {"aws:SourceIp": "::/0"}}`, kv("aws:SourceIp", "192.0.2.1"), "", time.Time{}, false},
		{"IpAddress absent", `{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}`, nil, "", time.Time{}, false},
		{"NotIpAddress absent is true", `{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`, nil, "", time.Time{}, true},
		{"NotIpAddress inside", `{"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "10.0.0.0/8"]}}`, kv("aws:SourceIp", "10.9.9.9"), "", time.Time{}, false},
		{"IpAddress VPC source IP", `{"IpAddress": {"aws:VpcSourceIp": "10.0.1.0/24"}}`, kv("aws:VpcSourceIp", "10.0.1.25"), "", time.Time{}, true},
		// ARN
		{"ArnEquals with wildcard", `{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/*"}}`, kv("aws:PrincipalArn", roleR), "", time.Time{}, true},
		{"ArnLike", `{"ArnLike": {"aws:SourceArn": "arn:aws:ecs:*:111111111111:task/*"}}`, kv("aws:SourceArn", "arn:aws:ecs:us-east-1:111111111111:task/c/1"), "", time.Time{}, true},
		{"ArnLike other account", `{"ArnLike": {"aws:SourceArn": "arn:aws:ecs:*:111111111111:task/*"}}`, kv("aws:SourceArn", "arn:aws:ecs:us-east-1:222222222222:task/c/1"), "", time.Time{}, false},
		{"ArnNotLike absent is true", `{"ArnNotLike": {"aws:SourceArn": "arn:aws:ecs:*:*:*"}}`, nil, "", time.Time{}, true},
		{"ArnNotEquals matching", `{"ArnNotEquals": {"aws:PrincipalArn": "` + roleR + `"}}`, kv("aws:PrincipalArn", roleR), "", time.Time{}, false},
		{"ArnLike not an ARN", `{"ArnLike": {"aws:SourceArn": "arn:aws:ecs:*:*:*"}}`, kv("aws:SourceArn", "ecs"), "", time.Time{}, false},
		{"ArnEquals derived PrincipalArn of a user", `{"ArnEquals": {"aws:PrincipalArn": "` + userA + `"}}`, nil, "", time.Time{}, true},
		// Null
		{"Null true on absent key", `{"Null": {"aws:SourceVpce": "true"}}`, nil, "", time.Time{}, true},
		{"Null true on present key", `{"Null": {"aws:SourceVpce": "true"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, false},
		{"Null false on present key", `{"Null": {"aws:SourceVpce": "false"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, true},
		{"Null false on absent key", `{"Null": {"aws:SourceVpce": "false"}}`, nil, "", time.Time{}, false},
		{"Null JSON boolean", `{"Null": {"aws:SourceVpce": true}}`, nil, "", time.Time{}, true},
		{"Null nonsense value", `{"Null": {"aws:SourceVpce": "maybe"}}`, nil, "", time.Time{}, false},
		// IfExists
		{"IfExists absent is true", `{"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}`, nil, "", time.Time{}, true},
		{"IfExists present is evaluated", `{"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}`, kv("aws:SourceVpce", "vpce-2"), "", time.Time{}, false},
		{"NumericIfExists absent", `{"NumericLessThanIfExists": {"s3:max-keys": "5"}}`, nil, "", time.Time{}, true},
		{"IpAddressIfExists absent", `{"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}`, nil, "", time.Time{}, true},
		{"ArnLikeIfExists present", `{"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:ecs:*:111111111111:*"}}`, kv("aws:SourceArn", "arn:aws:ecs:us-east-1:111111111111:task/x"), "", time.Time{}, true},
		// several keys and operators: AND; several values: OR
		{"two keys both hold", `{"StringEquals": {"aws:SourceVpce": "vpce-1", "aws:SourceVpc": "vpc-1"}}`, [][]string{{"aws:SourceVpce", "vpce-1"}, {"aws:SourceVpc", "vpc-1"}}, "", time.Time{}, true},
		{"two keys one fails", `{"StringEquals": {"aws:SourceVpce": "vpce-1", "aws:SourceVpc": "vpc-1"}}`, [][]string{{"aws:SourceVpce", "vpce-1"}, {"aws:SourceVpc", "vpc-2"}}, "", time.Time{}, false},
		{"two operators both hold", `{"StringEquals": {"aws:SourceVpce": "vpce-1"}, "Bool": {"aws:SecureTransport": "true"}}`, [][]string{{"aws:SourceVpce", "vpce-1"}, {"aws:SecureTransport", "true"}}, "", time.Time{}, true},
		{"two operators one fails", `{"StringEquals": {"aws:SourceVpce": "vpce-1"}, "Bool": {"aws:SecureTransport": "true"}}`, [][]string{{"aws:SourceVpce", "vpce-1"}, {"aws:SecureTransport", "false"}}, "", time.Time{}, false},
		{"empty policy value list matches nothing", `{"StringEquals": {"aws:SourceVpce": []}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, false},
		// key names are case-insensitive, tag key part included
		{"key name case", `{"StringEquals": {"AWS:SOURCEVPCE": "vpce-1"}}`, kv("aws:SourceVpce", "vpce-1"), "", time.Time{}, true},
		{"tag key case", `{"StringEquals": {"aws:PrincipalTag/TagKey1": "x"}}`, kv("aws:principaltag/tagkey1", "x"), "", time.Time{}, true},
		{"tag value case still matters", `{"StringEquals": {"aws:PrincipalTag/team": "Blue"}}`, kv("aws:PrincipalTag/team", "blue"), "", time.Time{}, false},
		// derived keys
		{"derived PrincipalAccount", `{"StringEquals": {"aws:PrincipalAccount": "111111111111"}}`, nil, "", time.Time{}, true},
		{"derived PrincipalType", `{"StringEquals": {"aws:PrincipalType": "User"}}`, nil, "", time.Time{}, true},
		{"derived username", `{"StringEquals": {"aws:username": "alice"}}`, nil, "", time.Time{}, true},
		{"derived ResourceAccount", `{"StringEquals": {"aws:ResourceAccount": "111111111111"}}`, nil, "", time.Time{}, true},
		{"context overrides a derived key", `{"StringEquals": {"aws:PrincipalAccount": "111111111111"}}`, kv("aws:PrincipalAccount", "999999999999"), "", time.Time{}, false},
	})
}

// TestSetOperators holds the ForAllValues/ForAnyValue rules of
// POLICY-FACTS §4.
func TestSetOperators(t *testing.T) {
	t.Parallel()
	runCondRows(t, []condRow{
		{"ForAllValues all listed", `{"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}`, kv("aws:TagKeys", "team", "env"), "", time.Time{}, true},
		{"ForAllValues one unlisted", `{"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}`, kv("aws:TagKeys", "team", "owner"), "", time.Time{}, false},
		{"ForAllValues absent", `{"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}`, nil, "", time.Time{}, true},
		{"ForAllValues empty set", `{"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}`, kv("aws:TagKeys"), "", time.Time{}, true},
		{"ForAllValues empty string", `{"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}`, kv("aws:TagKeys", ""), "", time.Time{}, true},
		{"ForAnyValue one listed", `{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}`, kv("aws:TagKeys", "owner", "env"), "", time.Time{}, true},
		{"ForAnyValue none listed", `{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}`, kv("aws:TagKeys", "owner"), "", time.Time{}, false},
		{"ForAnyValue absent", `{"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}`, nil, "", time.Time{}, false},
		{"ForAnyValue empty set", `{"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}`, kv("aws:TagKeys"), "", time.Time{}, false},
		{"ForAnyValue empty string", `{"ForAnyValue:StringEquals": {"aws:TagKeys": ""}}`, kv("aws:TagKeys", ""), "", time.Time{}, false},
		{"ForAnyValue IfExists absent", `{"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "team"}}`, nil, "", time.Time{}, true},
		{"ForAllValues StringNotEquals every value differs", `{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret", "admin"]}}`, kv("aws:TagKeys", "team", "env"), "", time.Time{}, true},
		{"ForAllValues StringNotEquals one value listed", `{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret", "admin"]}}`, kv("aws:TagKeys", "team", "admin"), "", time.Time{}, false},
		{"ForAnyValue StringNotEquals one value differs", `{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}}`, kv("aws:TagKeys", "team", "env"), "", time.Time{}, true},
		{"ForAnyValue StringNotEquals all listed", `{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team", "env"]}}`, kv("aws:TagKeys", "team", "env"), "", time.Time{}, false},
		{"ForAllValues StringLike", `{"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-a/r-b/ou-c/*"}}`, kv("aws:PrincipalOrgPaths", "o-a/r-b/ou-c/ou-d/", "o-a/r-b/ou-c/"), "", time.Time{}, true},
		{"ForAnyValue StringLike", `{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a/r-b/ou-x/*"}}`, kv("aws:PrincipalOrgPaths", "o-a/r-b/ou-c/", "o-a/r-b/ou-x/ou-y/"), "", time.Time{}, true},
		{"ForAnyValue numeric", `{"ForAnyValue:NumericGreaterThan": {"ecr:Count": "10"}}`, kv("ecr:Count", "3", "11"), "", time.Time{}, true},
		{"ForAllValues IP", `{"ForAllValues:IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`, kv("aws:SourceIp", "10.0.0.1", "10.2.0.1"), "", time.Time{}, true},
		{"plain operator on a multivalued key: any value", `{"StringEquals": {"aws:TagKeys": "env"}}`, kv("aws:TagKeys", "team", "env"), "", time.Time{}, true},
		{"plain negated operator on a multivalued key: no value", `{"StringNotEquals": {"aws:TagKeys": "env"}}`, kv("aws:TagKeys", "team", "env"), "", time.Time{}, false},
	})
}

// TestPolicyVariables holds POLICY-FACTS §5.
func TestPolicyVariables(t *testing.T) {
	t.Parallel()
	runCondRows(t, []condRow{
		{"variable substituted", `{"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}`, kv("aws:PrincipalTag/team", "alice"), "", time.Time{}, true},
		{"variable name case-insensitive", `{"StringEquals": {"aws:PrincipalTag/team": "${AWS:UserName}"}}`, kv("aws:PrincipalTag/team", "alice"), "", time.Time{}, true},
		{"variable inside text", `{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}`, kv("s3:prefix", "home/alice/photos"), "", time.Time{}, true},
		{"variable value is literal, not a pattern", `{"StringLike": {"s3:prefix": "home/${aws:PrincipalTag/dir}"}}`, [][]string{{"s3:prefix", "home/anything"}, {"aws:PrincipalTag/dir", "*"}}, "", time.Time{}, false},
		{"variable value star matches a star", `{"StringLike": {"s3:prefix": "home/${aws:PrincipalTag/dir}"}}`, [][]string{{"s3:prefix", "home/*"}, {"aws:PrincipalTag/dir", "*"}}, "", time.Time{}, true},
		{"variable default", `{"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/default, 'company-wide'}"}}`, kv("aws:PrincipalTag/team", "company-wide"), "", time.Time{}, true},
		{"variable default not used when set", `{"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/default,'company-wide'}"}}`, [][]string{{"aws:PrincipalTag/team", "company-wide"}, {"aws:PrincipalTag/default", "blue"}}, "", time.Time{}, false},
		{"variable without value: StringEquals does not match", `{"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/missing}"}}`, kv("aws:PrincipalTag/team", ""), "", time.Time{}, false},
		{"variable without value: StringNotEquals matches", `{"StringNotEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/missing}"}}`, kv("aws:PrincipalTag/team", "blue"), "", time.Time{}, true},
		{"variable without value: StringNotLike matches", `{"StringNotLike": {"aws:PrincipalTag/team": "${aws:PrincipalTag/missing}*"}}`, kv("aws:PrincipalTag/team", "blue"), "", time.Time{}, true},
		{"multivalued key is no variable", `{"StringEquals": {"aws:PrincipalTag/team": "${aws:TagKeys}"}}`, [][]string{{"aws:PrincipalTag/team", "a"}, {"aws:TagKeys", "a", "b"}}, "", time.Time{}, false},
		{"literal escapes", `{"StringEquals": {"s3:prefix": "${*}${?}${$}"}}`, kv("s3:prefix", "*?$"), "", time.Time{}, true},
		{"version 2008 keeps variables literal", `{"StringEquals": {"s3:prefix": "${aws:username}"}}`, [][]string{{"s3:prefix", "${aws:username}"}, {"aws:username", "alice"}}, "2008-10-17", time.Time{}, true},
		{"no version keeps variables literal", `{"StringEquals": {"s3:prefix": "${aws:username}"}}`, [][]string{{"s3:prefix", "alice"}}, "none", time.Time{}, false},
		{"no version keeps escapes literal", `{"StringEquals": {"s3:prefix": "${*}"}}`, kv("s3:prefix", "${*}"), "none", time.Time{}, true},
		{"unterminated variable is text", `{"StringEquals": {"s3:prefix": "a${aws:username"}}`, kv("s3:prefix", "a${aws:username"), "", time.Time{}, true},
		{"empty variable is text", `{"StringEquals": {"s3:prefix": "${}"}}`, kv("s3:prefix", "${}"), "", time.Time{}, true},
		{"variable in ArnLike", `{"ArnLike": {"aws:SourceArn": "arn:aws:iam::*:user/${aws:username}"}}`, kv("aws:SourceArn", userA), "", time.Time{}, true},
		{"derived PrincipalArn as a variable", `{"StringEquals": {"aws:PrincipalTag/role": "${aws:PrincipalArn}"}}`, kv("aws:PrincipalTag/role", userA), "", time.Time{}, true},
	})
	// Resource variables: the resource field only, Version 2012-10-17 only.
	user := func(version, resource string) []string {
		return []string{docV(version, st(allow(), act("ecr:*"), res(resource)))}
	}
	tagged := [][]string{{"aws:PrincipalTag/team", "blue"}}
	runEvalRows(t, []evalRow{
		{name: "resource variable", principal: userA, identity: user(version2012, "arn:aws:ecr:us-east-1:111111111111:repository/${aws:username}/*"), resource: "arn:aws:ecr:us-east-1:111111111111:repository/alice/app", want: Allowed},
		{name: "resource variable for someone else", principal: userA, identity: user(version2012, "arn:aws:ecr:us-east-1:111111111111:repository/${aws:username}/*"), resource: "arn:aws:ecr:us-east-1:111111111111:repository/bob/app", want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "resource tag variable", identity: user(version2012, "arn:aws:ecr:us-east-1:111111111111:repository/${aws:PrincipalTag/team}-*"), resource: "arn:aws:ecr:us-east-1:111111111111:repository/blue-app", ctx: tagged, want: Allowed},
		{name: "resource variable without value matches nothing", identity: user(version2012, "arn:aws:ecr:us-east-1:111111111111:repository/${aws:PrincipalTag/team}*"), resource: "arn:aws:ecr:us-east-1:111111111111:repository/app", want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "resource variable default", identity: user(version2012, "arn:aws:ecr:us-east-1:111111111111:repository/${aws:PrincipalTag/team, 'shared'}/*"), resource: "arn:aws:ecr:us-east-1:111111111111:repository/shared/app", want: Allowed},
		{name: "resource variable under 2008 is literal", principal: userA, repo: docV(version2008, st(allow(), aws(userA), act("ecr:*"), res("arn:aws:ecr:us-east-1:111111111111:repository/${aws:username}/*"))), resource: "arn:aws:ecr:us-east-1:111111111111:repository/alice/app", want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "resource variable text under 2008 matches literally", principal: userA, repo: docV(version2008, st(allow(), aws(userA), act("ecr:*"), res("arn:aws:ecr:us-east-1:111111111111:repository/${aws:username}/*"))), resource: "arn:aws:ecr:us-east-1:111111111111:repository/${aws:username}/app", want: Allowed},
		{name: "resource variable without Version is literal", principal: userA, repo: docV("", st(allow(), aws(userA), act("ecr:*"), res("arn:aws:ecr:us-east-1:111111111111:repository/${aws:username}/*"))), resource: "arn:aws:ecr:us-east-1:111111111111:repository/alice/app", want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "resource variable before the fifth colon is literal", principal: userA, identity: user(version2012, "arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/app"), want: ImplicitlyDenied, deniedBy: PolicyIdentity},
		{name: "NotResource variable without value excludes nothing", identity: []string{doc(st(allow(), act("ecr:*"), notRes("arn:aws:ecr:us-east-1:111111111111:repository/${aws:PrincipalTag/team}")))}, want: Allowed},
	})
}
