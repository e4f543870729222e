// Evaluation cases ported from scality/Arsenal (Apache License 2.0,
// Copyright Scality): tests/unit/policyEvaluator.spec.js (commit
// 0359f7d4b42e6638c9482838ac8783e0d5ab96a3) with the policies of
// tests/utils/samplePolicies.json (commit 121ced658f7699f771d29613dbb33ef2c215ca6b),
// and tests/unit/policy/test_principalEvaluator.spec.js (commit
// 73729c7bdbebb3eb9f457a903eecdda5e858a609). See testdata/ATTRIBUTION.md.
//
// Arsenal's S3 request contexts are re-expressed as IAM requests: its API
// methods become actions (bucketGet = s3:ListBucket, objectPut =
// s3:PutObject, ...), its bucket and object the resource ARN, its headers
// and query parameters the condition keys they feed (user-agent =
// aws:UserAgent, max-keys = s3:max-keys, ...). Its results map as Allow =
// Allowed, Neutral = ImplicitlyDenied, Deny = ExplicitlyDenied. Scality's
// own extensions (utapi ARNs, BinaryNotEquals, an operator-less condition,
// variables left in place) are expressed as AWS treats them.

package policyeval

import (
	"errors"
	"testing"
	"time"
)

// Arsenal's sample policies.
const (
	arsenalS3FullAccess = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`
	arsenalS3ReadOnly   = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}`
	arsenalDenyBucket   = `{"Version": "2012-10-17", "Statement": [{"Sid": "Stmt1466620739001", "Effect": "Deny", "Action": ["s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy"], "Resource": ["arn:aws:s3:::my_favorite_bucket"]}]}`
	arsenalVariable     = `{"Version": "2012-10-17", "Statement": [{"Sid": "Stmt1466620739005", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": ["arn:aws:s3:::personalbucket/${aws:username}"]}]}`
	arsenalMulti        = `{"Version": "2012-10-17", "Statement": [
		{"Sid": "Stmt1466625337000", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::notVeryPrivate/*"]},
		{"Sid": "Stmt1466625416000", "Effect": "Allow", "Action": ["s3:GetObjectAcl"], "Resource": ["arn:aws:s3:::notVeryPrivate/*"]},
		{"Sid": "Stmt1466625455000", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::notVeryPrivate"]}]}`
	arsenalNotResource = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::mybucket/CompanySecretInfo", "arn:aws:s3:::mybucket/CompanySecretInfo/*"]}}`
	arsenalNotAction   = `{"Version":"2012-10-17", "Statement":[
		{"Effect":"Allow", "Action":"s3:PutObject", "Resource":"arn:aws:s3:::my_corporate_bucket/uploads/widgetco/*"},
		{"Effect":"Deny", "NotAction":"s3:PutObject", "Resource":"arn:aws:s3:::my_corporate_bucket/uploads/widgetco/*"},
		{"Effect":"Deny", "Action":"s3:*", "NotResource":"arn:aws:s3:::my_corporate_bucket/uploads/widgetco/*"}]}`
	arsenalLowercaseAction = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:createbucket", "Resource": "*"}]}`
)

// arsenalSimple is Arsenal's "Simple Bucket Policy" with the statement's
// Action, Resource and Condition replaced as each test does.
func arsenalSimple(action, resource, condition string) string {
	doc := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "` + action + `", "Resource": "` + resource + `"`
	if condition != "" {
		doc += `, "Condition": ` + condition
	}
	return doc + `}}`
}

const (
	arsenalBucket = "arn:aws:s3:::bucket"
	arsenalPut    = "s3:PutObject"
	arsenalList   = "s3:ListBucket"
	arsenalUser   = "arn:aws:iam::123456789012:user/Pete"
)

// Arsenal's fake clock for the aws:EpochTime cases, and a present-day clock
// for aws:CurrentTime.
var (
	arsenalEpochNow = time.UnixMilli(1467315743431).UTC()
	arsenalToday    = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

type arsenalCase struct {
	name     string
	policies []string
	action   string
	resource string
	ctx      [][]string // each entry: key, values...
	now      time.Time
	want     Effect
}

func ctxOf(kvs [][]string) Context {
	var c Context
	for _, kv := range kvs {
		c.Set(kv[0], kv[1:]...)
	}
	return c
}

func one(p string) []string { return []string{p} }

var arsenalCases = []arsenalCase{
	// describe('with basic checks')
	{"full access permits", one(arsenalS3FullAccess), arsenalList, "arn:aws:s3:::superbucket", nil, time.Time{}, Allowed},
	{"read only permits list", one(arsenalS3ReadOnly), arsenalList, "arn:aws:s3:::superbucket", nil, time.Time{}, Allowed},
	{"multi statement neutral when resource not in policy", one(arsenalMulti), arsenalPut, "arn:aws:s3:::superbucket", nil, time.Time{}, ImplicitlyDenied},
	{"multi statement grants matching action and resource", one(arsenalMulti), "s3:GetObject", "arn:aws:s3:::notVeryPrivate/object", nil, time.Time{}, Allowed},
	{"multi statement neutral when action not in policy", one(arsenalMulti), "s3:DeleteObject", "arn:aws:s3:::notVeryPrivate", nil, time.Time{}, ImplicitlyDenied},
	{"variable in resource allows", one(arsenalVariable), arsenalPut, "arn:aws:s3:::personalbucket/Peggy", [][]string{{"aws:username", "Peggy"}}, time.Time{}, Allowed},
	{"action check is case insensitive", one(arsenalLowercaseAction), "s3:CreateBucket", "arn:aws:s3:::random", nil, time.Time{}, Allowed},
	{"variable value does not match", one(arsenalVariable), arsenalPut, "arn:aws:s3:::personalbucket/Joan", [][]string{{"aws:username", "Peggy"}}, time.Time{}, ImplicitlyDenied},
	{"variable value not supplied", one(arsenalVariable), arsenalPut, "arn:aws:s3:::personalbucket/Joan", nil, time.Time{}, ImplicitlyDenied},

	// describe('with NotAction and NotResource')
	{"deny any action other than NotAction", one(arsenalNotAction), "s3:GetObject", "arn:aws:s3:::my_corporate_bucket/uploads/widgetco/obj", nil, time.Time{}, ExplicitlyDenied},
	{"allow action excluded by NotAction deny", one(arsenalNotAction), arsenalPut, "arn:aws:s3:::my_corporate_bucket/uploads/widgetco/obj", nil, time.Time{}, Allowed},
	{"deny resource outside NotResource", one(arsenalNotAction), arsenalPut, "arn:aws:s3:::someotherresource", nil, time.Time{}, ExplicitlyDenied},
	{"neutral on resource named in NotResource", one(arsenalNotResource), arsenalPut, "arn:aws:s3:::mybucket/CompanySecretInfo", nil, time.Time{}, ImplicitlyDenied},
	{"allow resource not named in NotResource", one(arsenalNotResource), arsenalPut, "arn:aws:s3:::someotherresource/notIt", nil, time.Time{}, Allowed},

	// describe('with conditions')
	{"StringEquals passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEquals": {"aws:UserAgent": "CyberSquaw"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "CyberSquaw"}}, time.Time{}, Allowed},
	{"StringEquals fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEquals": {"aws:UserAgent": "CyberSquaw"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "s3cmd"}}, time.Time{}, ImplicitlyDenied},
	{"StringEquals one of many passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEquals": {"aws:UserAgent": ["CyberSquaw", "s3Sergeant", "jetSetter"]}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "s3Sergeant"}}, time.Time{}, Allowed},
	{"StringEquals none of many", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEquals": {"aws:UserAgent": ["CyberSquaw", "s3Sergeant", "jetSetter"]}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "secretagent"}}, time.Time{}, ImplicitlyDenied},
	{"StringEquals wildcards literal and variables", one(arsenalSimple(arsenalList, arsenalBucket, `{"StringEquals": {"s3:prefix": ["home/${aws:username}/*${?}${*}${$}${}?", "home/"]}}`)), arsenalList, arsenalBucket, [][]string{{"s3:prefix", "home/Roger/*?*$${}?"}, {"aws:username", "Roger"}}, time.Time{}, Allowed},
	{"IfExists with key absent", one(arsenalSimple(arsenalPut, "*", `{"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}`)), arsenalPut, arsenalBucket, nil, time.Time{}, Allowed},
	{"StringLike variables and wildcards", one(arsenalSimple(arsenalList, "*", `{"StringLike": {"s3:prefix": ["home/${aws:username}/?/*", "home/"]}}`)), arsenalList, arsenalBucket, [][]string{{"s3:prefix", "home/Pete/a/something"}, {"aws:username", "Pete"}}, time.Time{}, Allowed},
	{"StringLike question mark is one character", one(arsenalSimple(arsenalList, "*", `{"StringLike": {"s3:prefix": ["home/${aws:username}/?/*", "home/"]}}`)), arsenalList, arsenalBucket, [][]string{{"s3:prefix", "home/Pete/ab/something"}, {"aws:username", "Pete"}}, time.Time{}, ImplicitlyDenied},
	{"StringNotLike passes", one(arsenalSimple(arsenalList, "*", `{"StringNotLike": {"s3:prefix": ["home/${aws:username}/?/*", "home/"]}}`)), arsenalList, arsenalBucket, [][]string{{"s3:prefix", "home/Pete/ab/something"}, {"aws:username", "Pete"}}, time.Time{}, Allowed},
	{"StringNotLike key absent", one(arsenalSimple(arsenalList, "*", `{"StringNotLike": {"s3:prefix": ["home/${aws:username}/?/*", "home/"]}}`)), arsenalList, arsenalBucket, [][]string{{"aws:username", "Pete"}}, time.Time{}, Allowed},
	{"StringNotLike fails", one(arsenalSimple(arsenalList, "*", `{"StringNotLike": {"s3:prefix": ["home/${aws:username}/?/*", "home/"]}}`)), arsenalList, arsenalBucket, [][]string{{"s3:prefix", "home/Pete/a/something"}, {"aws:username", "Pete"}}, time.Time{}, ImplicitlyDenied},
	{"StringNotEquals fails", one(arsenalSimple(arsenalPut, "arn:aws:s3:::bucket/*", `{"StringNotEquals": {"s3:x-amz-acl": ["public-read", "public-read-write"]}}`)), arsenalPut, "arn:aws:s3:::bucket/obj", [][]string{{"s3:x-amz-acl", "public-read-write"}}, time.Time{}, ImplicitlyDenied},
	{"StringNotEquals passes", one(arsenalSimple(arsenalPut, "arn:aws:s3:::bucket/*", `{"StringNotEquals": {"s3:x-amz-acl": ["public-read", "public-read-write"]}}`)), arsenalPut, "arn:aws:s3:::bucket/obj", [][]string{{"s3:x-amz-acl", "private"}}, time.Time{}, Allowed},
	{"StringNotEquals key absent", one(arsenalSimple(arsenalPut, "arn:aws:s3:::bucket/*", `{"StringNotEquals": {"s3:x-amz-acl": ["public-read", "public-read-write"]}}`)), arsenalPut, "arn:aws:s3:::bucket/obj", nil, time.Time{}, Allowed},
	{"StringEqualsIgnoreCase fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEqualsIgnoreCase": {"aws:UserAgent": ["CyberSquaw", "s3Sergeant", "jetSetter"]}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "builtMyOwn"}}, time.Time{}, ImplicitlyDenied},
	{"StringEqualsIgnoreCase passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEqualsIgnoreCase": {"aws:UserAgent": ["CyberSquaw", "s3Sergeant", "jetSetter"]}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "CYBERSQUAW"}}, time.Time{}, Allowed},
	{"StringNotEqualsIgnoreCase fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringNotEqualsIgnoreCase": {"aws:UserAgent": ["CyberSquaw", "s3Sergeant", "jetSetter"]}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "cybersquaw"}}, time.Time{}, ImplicitlyDenied},
	{"StringNotEqualsIgnoreCase passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringNotEqualsIgnoreCase": {"aws:UserAgent": ["CyberSquaw", "s3Sergeant", "jetSetter"]}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:UserAgent", "builtMyOwn"}}, time.Time{}, Allowed},
	{"StringNotEqualsIgnoreCase key absent", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringNotEqualsIgnoreCase": {"aws:UserAgent": ["CyberSquaw", "s3Sergeant", "jetSetter"]}}`)), arsenalPut, arsenalBucket, nil, time.Time{}, Allowed},
	{"NumericEquals fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "101"}}, time.Time{}, ImplicitlyDenied},
	{"NumericEquals passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "100"}}, time.Time{}, Allowed},
	{"NumericNotEquals fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericNotEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "100"}}, time.Time{}, ImplicitlyDenied},
	{"NumericNotEquals passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericNotEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "101"}}, time.Time{}, Allowed},
	{"NumericNotEquals key absent", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericNotEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, nil, time.Time{}, Allowed},
	{"NumericLessThan multi-valued fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericLessThan": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "100", "200", "300"}}, time.Time{}, ImplicitlyDenied},
	{"NumericLessThan passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericLessThan": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "99"}}, time.Time{}, Allowed},
	{"NumericLessThanEquals fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericLessThanEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "101"}}, time.Time{}, ImplicitlyDenied},
	{"NumericLessThanEquals equal passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericLessThanEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "100"}}, time.Time{}, Allowed},
	{"NumericLessThanEquals less passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericLessThanEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "99"}}, time.Time{}, Allowed},
	{"NumericGreaterThan fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericGreaterThan": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "100"}}, time.Time{}, ImplicitlyDenied},
	{"NumericGreaterThan passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericGreaterThan": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "101"}}, time.Time{}, Allowed},
	{"NumericGreaterThanEquals fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericGreaterThanEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "99"}}, time.Time{}, ImplicitlyDenied},
	{"NumericGreaterThanEquals equal passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericGreaterThanEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "100"}}, time.Time{}, Allowed},
	{"NumericGreaterThanEquals greater passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NumericGreaterThanEquals": {"s3:max-keys": "100"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:max-keys", "101"}}, time.Time{}, Allowed},
	{"DateEquals ISO fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.531Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.431Z"}}, time.Time{}, ImplicitlyDenied},
	{"DateEquals ISO against epoch fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.531Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "1467315743431"}}, time.Time{}, ImplicitlyDenied},
	{"DateEquals ISO passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.431Z"}}, time.Time{}, Allowed},
	{"DateEquals ISO against epoch passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "1467315743431"}}, time.Time{}, Allowed},
	{"DateEquals epoch time passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateEquals": {"aws:EpochTime": "1467315743431"}}`)), arsenalPut, arsenalBucket, nil, arsenalEpochNow, Allowed},
	{"DateNotEquals ISO fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateNotEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.431Z"}}, time.Time{}, ImplicitlyDenied},
	{"DateNotEquals ISO against epoch fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateNotEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "1467315743431"}}, time.Time{}, ImplicitlyDenied},
	{"DateNotEquals epoch time fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateNotEquals": {"aws:EpochTime": "1467315743431"}}`)), arsenalPut, arsenalBucket, nil, arsenalEpochNow, ImplicitlyDenied},
	{"DateNotEquals ISO passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateNotEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.531Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.431Z"}}, time.Time{}, Allowed},
	{"DateNotEquals ISO against epoch passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateNotEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.531Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "1467315743431"}}, time.Time{}, Allowed},
	{"DateNotEquals epoch time passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateNotEquals": {"aws:EpochTime": "1467315743531"}}`)), arsenalPut, arsenalBucket, nil, arsenalEpochNow, Allowed},
	{"DateLessThan token ISO fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThan": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.531Z"}}, time.Time{}, ImplicitlyDenied},
	{"DateLessThan token epoch fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThan": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "1467315743531"}}, time.Time{}, ImplicitlyDenied},
	{"DateLessThan current time fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThan": {"aws:CurrentTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, ImplicitlyDenied},
	{"DateLessThan epoch time fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThan": {"aws:EpochTime": "1467315743431"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, ImplicitlyDenied},
	{"DateLessThan token one of many passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThan": {"aws:TokenIssueTime": ["2016-06-30T19:42:23.431Z", "2017-06-30T19:42:23.431Z", "2018-06-30T19:42:23.431Z"]}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.331Z"}}, time.Time{}, Allowed},
	{"DateLessThan current time passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThan": {"aws:CurrentTime": "2099-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, Allowed},
	{"DateLessThan epoch current time passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThan": {"aws:EpochTime": "4086531743431"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, Allowed},
	{"DateLessThanEquals token fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThanEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.531Z"}}, time.Time{}, ImplicitlyDenied},
	{"DateLessThanEquals current time fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThanEquals": {"aws:CurrentTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, ImplicitlyDenied},
	{"DateLessThanEquals token passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThanEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.431Z"}}, time.Time{}, Allowed},
	{"DateLessThanEquals current time passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateLessThanEquals": {"aws:CurrentTime": "2099-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, Allowed},
	{"DateGreaterThan token fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThan": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.331Z"}}, time.Time{}, ImplicitlyDenied},
	{"DateGreaterThan current time fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThan": {"aws:CurrentTime": "2099-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, ImplicitlyDenied},
	{"DateGreaterThan token passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThan": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.531Z"}}, time.Time{}, Allowed},
	{"DateGreaterThan current time passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThan": {"aws:CurrentTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, Allowed},
	{"DateGreaterThanEquals token fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThanEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.331Z"}}, time.Time{}, ImplicitlyDenied},
	{"DateGreaterThanEquals current time fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThanEquals": {"aws:CurrentTime": "2099-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, ImplicitlyDenied},
	{"DateGreaterThanEquals token passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThanEquals": {"aws:TokenIssueTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T19:42:23.431Z"}}, time.Time{}, Allowed},
	{"DateGreaterThanEquals current time passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"DateGreaterThanEquals": {"aws:CurrentTime": "2016-06-30T19:42:23.431Z"}}`)), arsenalPut, arsenalBucket, nil, arsenalToday, Allowed},
	{"Bool fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"Bool": {"aws:SecureTransport": "true"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SecureTransport", "false"}}, time.Time{}, ImplicitlyDenied},
	{"Bool passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"Bool": {"aws:SecureTransport": "true"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SecureTransport", "true"}}, time.Time{}, Allowed},
	{"BinaryEquals fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"BinaryEquals": {"s3:x-amz-copy-source": "ZnVja2V0L29iamVjdA=="}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:x-amz-copy-source", "bucket/object"}}, time.Time{}, ImplicitlyDenied},
	{"BinaryEquals passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"BinaryEquals": {"s3:x-amz-copy-source": "YnVja2V0L29iamVjdA=="}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:x-amz-copy-source", "bucket/object"}}, time.Time{}, Allowed},
	{"IpAddress fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "203.0.114.255"}}, time.Time{}, ImplicitlyDenied},
	{"IpAddress passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "203.0.113.254"}}, time.Time{}, Allowed},
	{"IpAddress mapped fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "::ffff:203.0.114.255"}}, time.Time{}, ImplicitlyDenied},
	{"IpAddress mapped passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "::ffff:203.0.113.254"}}, time.Time{}, Allowed},
	{"IpAddress nonsense in request", one(arsenalSimple(arsenalPut, arsenalBucket, `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "nonsense"}}, time.Time{}, ImplicitlyDenied},
	{"IpAddress nonsense in policy", one(arsenalSimple(arsenalPut, arsenalBucket, `{"IpAddress": {"aws:SourceIp": "nonsense"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "203.0.113.254"}}, time.Time{}, ImplicitlyDenied},
	{"NotIpAddress fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "203.0.113.0"}}, time.Time{}, ImplicitlyDenied},
	{"NotIpAddress passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "203.0.112.254"}}, time.Time{}, Allowed},
	{"NotIpAddress mapped fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "::ffff:203.0.113.254"}}, time.Time{}, ImplicitlyDenied},
	{"NotIpAddress mapped passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:SourceIp", "::ffff:203.0.112.254"}}, time.Time{}, Allowed},
	{"Null fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"Null": {"aws:TokenIssueTime": "true"}}`)), arsenalPut, arsenalBucket, [][]string{{"aws:TokenIssueTime", "2016-06-30T23:26:36.642Z"}}, time.Time{}, ImplicitlyDenied},
	{"Null passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"Null": {"aws:TokenIssueTime": "true"}}`)), arsenalPut, arsenalBucket, nil, time.Time{}, Allowed},
	{"ArnLike policy arn passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"ArnLike": {"iam:PolicyArn": ["arn:aws:iam::012345678901:policy/dev/*"]}}`)), arsenalPut, arsenalBucket, [][]string{{"iam:PolicyArn", "arn:aws:iam::012345678901:policy/dev/devMachine1"}}, time.Time{}, Allowed},
	{"ArnLike policy arn fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"ArnLike": {"iam:PolicyArn": ["arn:aws:iam::012345678901:policy/dev/*"]}}`)), arsenalPut, arsenalBucket, [][]string{{"iam:PolicyArn", "arn:aws:iam::012345678901:policy/admin/deleteUser"}}, time.Time{}, ImplicitlyDenied},
	{"several operators and keys pass", one(arsenalSimple(arsenalList, arsenalBucket, `{"StringLike": {"s3:prefix": "home/${aws:username}", "aws:UserAgent": ["Cyber*", "s3*"]}, "StringNotLike": {"s3:delimiter": ["/", "a", "x"]}, "NumericLessThanEquals": {"s3:max-keys": "10"}}`)), arsenalList, arsenalBucket, [][]string{{"aws:username", "Pete"}, {"s3:prefix", "home/Pete"}, {"s3:delimiter", "ok"}, {"s3:max-keys", "9"}, {"aws:UserAgent", "CyberSquaw"}}, time.Time{}, Allowed},
	{"several operators and keys one fails", one(arsenalSimple(arsenalList, arsenalBucket, `{"StringLike": {"s3:prefix": "home/${aws:username}", "aws:UserAgent": ["Cyber*", "s3*"]}, "StringNotLike": {"s3:delimiter": ["/", "a", "x"]}, "NumericLessThanEquals": {"s3:max-keys": "10"}}`)), arsenalList, arsenalBucket, [][]string{{"aws:username", "Pete"}, {"s3:prefix", "home/Pete"}, {"s3:delimiter", "ok"}, {"s3:max-keys", "11"}, {"aws:UserAgent", "CyberSquaw"}}, time.Time{}, ImplicitlyDenied},
	{"StringEquals existing object tag", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEquals": {"s3:ExistingObjectTag/tagKey": "tagValue"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:ExistingObjectTag/tagKey", "tagValue"}}, time.Time{}, Allowed},
	{"StringEquals request object tag", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEquals": {"s3:RequestObjectTagKey/tagKey": "tagValue"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:RequestObjectTagKey/tagKey", "tagValue"}}, time.Time{}, Allowed},
	{"ForAnyValue passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"ForAnyValue:StringLike": {"s3:RequestObjectTagKeys": ["tagOne", "tagTwo"]}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:RequestObjectTagKeys", "tagOne", "tagThree"}}, time.Time{}, Allowed},
	{"ForAllValues passes", one(arsenalSimple(arsenalPut, arsenalBucket, `{"ForAllValues:StringLike": {"s3:RequestObjectTagKeys": ["tagOne", "tagTwo"]}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:RequestObjectTagKeys", "tagOne", "tagTwo"}}, time.Time{}, Allowed},
	{"ForAnyValue fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"ForAnyValue:StringLike": {"s3:RequestObjectTagKeys": ["tagOne", "tagTwo"]}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:RequestObjectTagKeys", "tagThree", "tagFour"}}, time.Time{}, ImplicitlyDenied},
	{"ForAllValues fails", one(arsenalSimple(arsenalPut, arsenalBucket, `{"ForAllValues:StringLike": {"s3:RequestObjectTagKeys": ["tagOne", "tagTwo"]}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:RequestObjectTagKeys", "tagThree", "tagFour"}}, time.Time{}, ImplicitlyDenied},
	{"StringEquals key absent", one(arsenalSimple(arsenalPut, arsenalBucket, `{"StringEquals": {"s3:Foobar/tagKey": "tagValue"}}`)), arsenalPut, arsenalBucket, [][]string{{"s3:RequestObjectTagKey/tagKey", "tagValue"}}, time.Time{}, ImplicitlyDenied},

	// describe('evaluate multiple policies')
	{"any policy denying denies", []string{arsenalS3FullAccess, arsenalDenyBucket}, "s3:DeleteBucket", "arn:aws:s3:::my_favorite_bucket", nil, time.Time{}, ExplicitlyDenied},
	{"action in no policy", []string{arsenalMulti, arsenalVariable}, "s3:DeleteBucket", "arn:aws:s3:::notVeryPrivate", nil, time.Time{}, ImplicitlyDenied},
	{"resource in no policy", []string{arsenalMulti, arsenalVariable}, "s3:GetObject", "arn:aws:s3:::notbucket", nil, time.Time{}, ImplicitlyDenied},
}

func TestArsenalIdentityEvaluation(t *testing.T) {
	t.Parallel()
	for _, tc := range arsenalCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set := &Set{}
			for _, doc := range tc.policies {
				p, err := Parse([]byte(doc), KindIdentity)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				set.Identity = append(set.Identity, p)
			}
			req := &Request{Principal: arsenalUser, Action: tc.action, Resource: tc.resource, Context: ctxOf(tc.ctx), Now: tc.now}
			if got := Evaluate(req, set); got.Effect != tc.want {
				t.Errorf("Evaluate = %v, want %v", got.Effect, tc.want)
			}
		})
	}
}

// Arsenal accepts some conditions AWS rejects; IAM answers them with a
// MalformedPolicyDocument instead of a decision.
func TestArsenalConditionsAWSRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, condition string
	}{
		{"BinaryNotEquals is no AWS operator (fails)", `{"BinaryNotEquals": {"s3:x-amz-copy-source": "YnVja2V0L29iamVjdA=="}}`},
		{"BinaryNotEquals is no AWS operator (passes)", `{"BinaryNotEquals": {"s3:x-amz-copy-source": "ZnVja2V0L29iamVjdA=="}}`},
		{"a condition key where an operator belongs", `{"aws:EpochTime": "1467315743531"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(arsenalSimple(arsenalPut, arsenalBucket, tc.condition)), KindIdentity)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Message != msgSyntaxIAM {
				t.Fatalf("Parse = %v, want %q", err, msgSyntaxIAM)
			}
		})
	}
}

// Principal evaluation (test_principalEvaluator.spec.js): each Arsenal
// statement becomes a repository policy statement for ecr:* on every
// resource; the "valids" become the caller.
const (
	arsAcct        = "123456789012"
	arsOther       = "098765432112"
	arsAcctARN     = "arn:aws:iam::123456789012:root"
	arsOtherARN    = "arn:aws:iam::098765432112:root"
	arsUser        = "arn:aws:iam::123456789012:user/test"
	arsOtherUser   = "arn:aws:iam::098765432112:user/test"
	arsRole        = "arn:aws:iam::123456789012:role/role1"
	arsSession     = "arn:aws:sts::123456789012:assumed-role/role1/session"
	arsSAML        = "arn:aws:iam::123456789012:saml-provider/provider1"
	arsService     = "backbeat.amazonaws.com"
	arsRepoARN     = "arn:aws:ecr:us-east-1:123456789012:repository/app"
	arsPrincipalOn = `"Action": "ecr:*", "Resource": "*"`
)

func arsStatement(effect, principal string) string {
	return `{"Effect": "` + effect + `", ` + principal + `, ` + arsPrincipalOn + `}`
}

var arsenalPrincipalCases = []struct {
	name       string
	statements []string
	caller     string
	ctx        [][]string
	want       outcome
}{
	{"anonymous as Principal Allow grants", []string{arsStatement("Allow", `"Principal": "*"`)}, arsAcctARN, nil, outcome{allow: grantDirect}},
	{"anonymous as Principal Deny denies", []string{arsStatement("Deny", `"Principal": "*"`)}, arsAcctARN, nil, outcome{deny: true}},
	{"account arn in Principal Allow grants", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsAcctARN+`"}`)}, arsAcctARN, nil, outcome{allow: grantDelegated}},
	{"account arn in Principal Deny denies", []string{arsStatement("Deny", `"Principal": {"AWS": ["`+arsAcctARN+`"]}`)}, arsAcctARN, nil, outcome{deny: true}},
	{"account id in Principal Allow grants", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsAcct+`"}`)}, arsAcctARN, nil, outcome{allow: grantDelegated}},
	{"account id in Principal Deny denies", []string{arsStatement("Deny", `"Principal": {"AWS": "`+arsAcct+`"}`)}, arsAcctARN, nil, outcome{deny: true}},
	{"account not in Principal Allow neutral", []string{arsStatement("Allow", `"Principal": {"AWS": ["`+arsOther+`"]}`)}, arsAcctARN, nil, outcome{}},
	{"account not in Principal Deny neutral", []string{arsStatement("Deny", `"Principal": {"AWS": ["`+arsOther+`"]}`)}, arsAcctARN, nil, outcome{}},
	{"several accounts in Principal Allow grants", []string{arsStatement("Allow", `"Principal": {"AWS": ["`+arsOther+`", "`+arsAcct+`"]}`)}, arsAcctARN, nil, outcome{allow: grantDelegated}},
	{"anonymous as NotPrincipal Allow neutral", []string{arsStatement("Allow", `"NotPrincipal": "*"`)}, arsAcctARN, nil, outcome{}},
	{"anonymous as NotPrincipal Deny neutral", []string{arsStatement("Deny", `"NotPrincipal": "*"`)}, arsAcctARN, nil, outcome{}},
	{"account arn in NotPrincipal Allow neutral", []string{arsStatement("Allow", `"NotPrincipal": {"AWS": "`+arsAcctARN+`"}`)}, arsAcctARN, nil, outcome{}},
	{"account arn among NotPrincipal neutral", []string{arsStatement("Allow", `"NotPrincipal": {"AWS": ["`+arsOtherARN+`", "`+arsAcctARN+`"]}`)}, arsAcctARN, nil, outcome{}},
	{"account arn not in NotPrincipal Allow grants", []string{arsStatement("Allow", `"NotPrincipal": {"AWS": "`+arsOtherARN+`"}`)}, arsAcctARN, nil, outcome{allow: grantDirect}},
	{"account arn not in NotPrincipal Deny denies", []string{arsStatement("Deny", `"NotPrincipal": {"AWS": "`+arsOtherARN+`"}`)}, arsAcctARN, nil, outcome{deny: true}},
	{"service principal Allow neutral for an account", []string{arsStatement("Allow", `"Principal": {"Service": "`+arsService+`"}`)}, arsAcctARN, nil, outcome{}},
	{"service principal Deny neutral for an account", []string{arsStatement("Deny", `"Principal": {"Service": "`+arsService+`"}`)}, arsAcctARN, nil, outcome{}},
	{"service principal Allow grants the service", []string{arsStatement("Allow", `"Principal": {"Service": "`+arsService+`"}`)}, arsService, nil, outcome{allow: grantDirect}},
	{"user as principal Allow grants", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsUser+`"}`)}, arsUser, nil, outcome{allow: grantDirect}},
	{"other user not in Principal neutral", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsUser+`"}`)}, "arn:aws:iam::123456789012:user/another/testUser", nil, outcome{}},
	{"role in Principal Allow grants session", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsRole+`"}`)}, arsSession, nil, outcome{allow: grantDirect}},
	{"role in Principal Deny denies session", []string{arsStatement("Deny", `"Principal": {"AWS": "`+arsRole+`"}`)}, arsSession, nil, outcome{deny: true}},
	{"allow with a neutral", []string{arsStatement("Deny", `"Principal": {"AWS": "`+arsOtherARN+`"}`), arsStatement("Allow", `"Principal": {"AWS": "`+arsAcctARN+`"}`)}, arsAcctARN, nil, outcome{allow: grantDelegated}},
	{"deny even with an allow", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsAcctARN+`"}`), arsStatement("Deny", `"Principal": {"AWS": "`+arsAcctARN+`"}`)}, arsAcctARN, nil, outcome{deny: true, allow: grantDelegated}},
	{"no match", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsOtherARN+`"}`)}, arsAcctARN, nil, outcome{}},
	{"user inside the same account", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsUser+`"}`)}, arsUser, nil, outcome{allow: grantDirect}},
	{"another user inside the same account", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsUser+`"}`)}, "arn:aws:iam::123456789012:user/anotherUser", nil, outcome{}},
	{"account denied denies its user", []string{arsStatement("Deny", `"Principal": {"AWS": "`+arsAcct+`"}`), arsStatement("Allow", `"Principal": {"AWS": "`+arsUser+`"}`)}, arsUser, nil, outcome{deny: true, allow: grantDirect}},
	{"role denied denies its session", []string{arsStatement("Deny", `"Principal": {"AWS": "`+arsRole+`"}`), arsStatement("Allow", `"Principal": {"AWS": "`+arsSession+`"}`)}, arsSession, nil, outcome{deny: true, allow: grantDirect}},
	{"user of another account as principal", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsOtherUser+`"}`)}, arsOtherUser, nil, outcome{allow: grantDirect}},
	{"user of an account in principal", []string{arsStatement("Allow", `"Principal": {"AWS": "`+arsOtherARN+`"}`)}, arsOtherUser, nil, outcome{allow: grantDelegated}},
	{"federated provider", []string{arsStatement("Allow", `"Principal": {"Federated": "`+arsSAML+`"}`)}, arsSAML, nil, outcome{allow: grantDirect}},
	{"external id not matching", []string{`{"Effect": "Allow", "Principal": {"AWS": "` + arsOther + `"}, ` + arsPrincipalOn + `, "Condition": {"StringEquals": {"sts:ExternalId": "12345"}}}`}, arsOtherUser, [][]string{{"sts:ExternalId", "4321"}}, outcome{}},
	{"external id matching", []string{`{"Effect": "Allow", "Principal": {"AWS": "` + arsOther + `"}, ` + arsPrincipalOn + `, "Condition": {"StringEquals": {"sts:ExternalId": "4321"}}}`}, arsOtherUser, [][]string{{"sts:ExternalId", "4321"}}, outcome{allow: grantDelegated}},
}

func TestArsenalPrincipalEvaluation(t *testing.T) {
	t.Parallel()
	for _, tc := range arsenalPrincipalCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := `{"Version": "2012-10-17", "Statement": [`
			for i, s := range tc.statements {
				if i > 0 {
					doc += ", "
				}
				doc += s
			}
			p, err := Parse([]byte(doc+`]}`), KindRepository)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			req := &Request{Principal: tc.caller, Action: "ecr:BatchGetImage", Resource: arsRepoARN, Context: ctxOf(tc.ctx)}
			var e evalCtx
			e.init(req)
			var d Decision
			if got := e.evalPolicy(p, PolicyResource, 0, &d); got != tc.want {
				t.Errorf("evalPolicy = %+v, want %+v", got, tc.want)
			}
		})
	}
}
