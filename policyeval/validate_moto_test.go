// Identity-policy validation cases ported from getmoto/moto
// tests/test_iam/test_iam_policies.py (commit 0e80ddb1c433c173fddb07a89758d3a3d06a5d47),
// Copyright 2012 Steve Pulec and the moto contributors, Apache License 2.0.
// Each Python document is re-expressed as JSON text with the message moto
// (mirroring IAM's MalformedPolicyDocument) expects. See testdata/ATTRIBUTION.md.

package policyeval

import (
	"errors"
	"testing"
)

const motoS3 = `"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"`

var motoInvalid = []struct {
	name string
	doc  string
	msg  string
}{
	{"not json", `This is not a json document`, "Syntax errors in policy."},
	{"no version", `{"Statement": {` + motoS3 + `}}`, "Policy document must be version 2012-10-17 or greater."},
	{"version 2008", `{"Version": "2008-10-17", "Statement": {` + motoS3 + `}}`, "Policy document must be version 2012-10-17 or greater."},
	{"version 2013", `{"Version": "2013-10-17", "Statement": {` + motoS3 + `}}`, "Syntax errors in policy."},
	{"no statement", `{"Version": "2012-10-17"}`, "Syntax errors in policy."},
	{"statement of string", `{"Version": "2012-10-17", "Statement": ["afd"]}`, "Syntax errors in policy."},
	{"extra top field", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `}, "Extra field": "value"}`, "Syntax errors in policy."},
	{"extra statement field", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Extra field": "value"}}`, "Syntax errors in policy."},
	{"id array", `{"Version": "2012-10-17", "Id": ["cd3a324d2343d942772346-34234234423404-4c2242343242349d1642ee"], "Statement": {` + motoS3 + `}}`, "Syntax errors in policy."},
	{"id object", `{"Version": "2012-10-17", "Id": {}, "Statement": {` + motoS3 + `}}`, "Syntax errors in policy."},
	{"effect invalid", `{"Version": "2012-10-17", "Statement": {"Effect": "invalid", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`, "Syntax errors in policy."},
	{"action without vendor", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "invalid", "Resource": "arn:aws:s3:::example_bucket"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
	{"empty not action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "", "Resource": "arn:aws:s3:::example_bucket"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
	{"vendor with space", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a a:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`, "Vendor a a is not valid"},
	{"two colons", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:List:Bucket", "Resource": "arn:aws:s3:::example_bucket"}}`, "Actions/Condition can contain only one colon."},
	{"two colons second statement", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3s:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}, {"Effect": "Allow", "Action": "s:3s:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}]}`, "Actions/Condition can contain only one colon."},
	{"resource with space", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "invalid resource"}}`, `Resource invalid resource must be in ARN format or "*".`},
	{"empty resources two statements", `{"Version": "2012-10-17", "Statement": [{"Sid": "EnableDisableHongKong", "Effect": "Allow", "Action": ["account:EnableRegion", "account:DisableRegion"], "Resource": "", "Condition": {"StringEquals": {"account:TargetRegion": "ap-east-1"}}}, {"Sid": "ViewConsole", "Effect": "Allow", "Action": ["aws-portal:ViewAccount", "account:ListRegions"], "Resource": ""}]}`, `Resource  must be in ARN format or "*".`},
	{"resource before action error", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s:3:ListBucket", "Resource": "sdfsadf"}}`, `Resource sdfsadf must be in ARN format or "*".`},
	{"resource array not arn", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["adf"]}}`, `Resource adf must be in ARN format or "*".`},
	{"resource empty", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ""}}`, `Resource  must be in ARN format or "*".`},
	{"partition one field", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:bsdfdsafsad"}}`, `Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".`},
	{"partition two fields", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:cadfsdf"}}`, `Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".`},
	{"partition many fields", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": "a:b:c:d:e:f:g:h"}}`, `Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".`},
	{"arn prefix missing", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "aws:s3:::example_bucket"}}`, `Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".`},
	{"partition error last wins", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"]}}`, `Partition "error" is not valid for resource "arn:error:s3:::example_bucket".`},
	{"statement empty array", `{"Version": "2012-10-17", "Statement": []}`, "Syntax errors in policy."},
	{"no resource", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket"}}`, "Policy statement must contain resources."},
	{"resource empty array", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": []}}`, "Policy statement must contain resources."},
	{"no resource bad action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "invalid"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
	{"no action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "arn:aws:s3:::example_bucket"}}`, "Policy statement must contain actions."},
	{"no effect", `{"Version": "2012-10-17", "Statement": {"Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`, "Syntax errors in policy."},
	{"effect only", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}`, "Policy statement must contain actions."},
	{"action empty array", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": [], "Resource": "arn:aws:s3:::example_bucket"}}`, "Policy statement must contain actions."},
	{"first statement effect only", `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny"}, {` + motoS3 + `}]}`, "Policy statement must contain actions."},
	{"iam resource path", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:iam:::example_bucket"}}`, `IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`},
	{"five field arn legacy", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3::example_bucket"}}`, "The policy failed legacy parsing"},
	{"five field arn no action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "arn:aws:s3::example_bucket"}}`, "The policy failed legacy parsing"},
	{"vendor not qualified", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws"}}`, "Resource vendor must be fully qualified and cannot contain regexes."},
	{"resource object", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"a": "arn:aws:s3:::example_bucket"}}}`, "Syntax errors in policy."},
	{"resource array with object", `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": ["adfdf", {}]}}`, "Syntax errors in policy."},
	{"resource and not resource", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket", "NotResource": []}}`, "Syntax errors in policy."},
	{"action nested array", `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": [[]], "Resource": "arn:aws:s3:::example_bucket"}}`, "Syntax errors in policy."},
	{"action and not action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket", "Action": [], "Resource": "arn:aws:s3:::example_bucket"}}`, "Syntax errors in policy."},
	{"action object", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": {}, "Resource": "arn:aws:s3:::example_bucket"}}`, "Syntax errors in policy."},
	{"condition array", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": []}}`, "Syntax errors in policy."},
	{"condition string", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": "a"}}`, "Syntax errors in policy."},
	{"condition operator string", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"a": "b"}}}`, "Syntax errors in policy."},
	{"condition date string", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": "b"}}}`, "Syntax errors in policy."},
	{"condition date array", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": []}}}`, "Syntax errors in policy."},
	{"condition value object", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": {"a": {}}}}}`, "Syntax errors in policy."},
	{"condition value object no action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "arn:aws:s3:::example_bucket", "Condition": {"DateGreaterThan": {"a": {}}}}}`, "Syntax errors in policy."},
	{"unknown operator", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"x": {"a": "1"}}}}`, "Syntax errors in policy."},
	{"double colon qualifier", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"ForAnyValue::StringEqualsIfExists": {"a": "asf"}}}}`, "Syntax errors in policy."},
	{"condition list of blocks", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": [{"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}]}}`, "Syntax errors in policy."},
	{"iam region", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:iam:us-east-1::example_bucket"}}`, "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."},
	{"s3 region", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:us-east-1::example_bucket"}}`, "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."},
	{"sid object", `{"Version": "2012-10-17", "Statement": {"Sid": {}, ` + motoS3 + `}}`, "Syntax errors in policy."},
	{"sid array", `{"Version": "2012-10-17", "Statement": {"Sid": [], ` + motoS3 + `}}`, "Syntax errors in policy."},
	{"duplicate sid", `{"Version": "2012-10-17", "Statement": [{"Sid": "sdf", ` + motoS3 + `}, {"Sid": "sdf", "Effect": "Allow"}]}`, "Statement IDs (SID) in a single policy must be unique."},
	{"duplicate sid no version", `{"Statement": [{"Sid": "sdf", ` + motoS3 + `}, {"Sid": "sdf", "Effect": "Allow"}]}`, "Policy document must be version 2012-10-17 or greater."},
	{"not action and action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "Action": "iam:dsf", "Resource": "arn:aws:s3:::example_bucket"}}`, "Syntax errors in policy."},
	{"resource and not resource star", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "NotResource": "*"}}`, "Syntax errors in policy."},
	{"effect case", `{"Version": "2012-10-17", "Statement": {"Effect": "denY", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`, "The policy failed legacy parsing"},
	{"date not a date", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}}`, "The policy failed legacy parsing"},
	{"date no version", `{"Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}}`, "Policy document must be version 2012-10-17 or greater."},
	{"effect case no version", `{"Statement": {"Effect": "denY", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`, "Policy document must be version 2012-10-17 or greater."},
	{"date before missing action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}}`, "The policy failed legacy parsing"},
	{"empty arn fields", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": "arn:aws::::example_bucket"}}`, "The policy failed legacy parsing"},
	{"effect lower with region", `{"Version": "2012-10-17", "Statement": {"Effect": "allow", "Resource": "arn:aws:s3:us-east-1::example_bucket"}}`, "The policy failed legacy parsing"},
	{"effect mixed before sid", `{"Version": "2012-10-17", "Statement": [{"Sid": "sdf", "Effect": "aLLow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}, {"Sid": "sdf", "Effect": "Allow"}]}`, "The policy failed legacy parsing"},
	{"not resource five fields", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "NotResource": "arn:aws:s3::example_bucket"}}`, "The policy failed legacy parsing"},
	{"date month 13", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThanEquals": {"a": "234-13"}}}}`, "The policy failed legacy parsing"},
	{"date zone one digit", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+1"}}}}`, "The policy failed legacy parsing"},
	{"date ten fraction digits", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThanEquals": {"a": "2016-12-13t2:00:00.1999999999+10:59"}}}}`, "The policy failed legacy parsing"},
	{"date epoch overflow", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThan": {"a": "9223372036854775808"}}}}`, "The policy failed legacy parsing"},
	{"date before partition", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:error:s3:::example_bucket", "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}}`, "The policy failed legacy parsing"},
	{"empty service", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws::fdsasf"}}`, "The policy failed legacy parsing"},
}

var motoValid = []struct {
	name string
	doc  string
}{
	{"resource array", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::example_bucket"]}}`},
	{"action with spaces", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam: asdf safdsf af ", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"resource and star", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::example_bucket", "*"]}}`},
	{"action star", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"statement array", `{"Version": "2012-10-17", "Statement": [{` + motoS3 + `}]}`},
	{"date conditions", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "service-prefix:action-name", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}}}}`},
	{"other vendor", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "fsx:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"iam user path", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:iam:::user/example_bucket"}}`},
	{"unknown service", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s33:::example_bucket"}}`},
	{"three field arn", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:fdsasf"}}`},
	{"empty condition", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {}}}`},
	{"for all values", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}}}`},
	{"cloudwatch region", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:cloudwatch:us-east-1::example_bucket"}}`},
	{"ec2 region", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:ec2:us-east-1::example_bucket"}}`},
	{"invalid service", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:invalid-service:::example_bucket"}}`},
	{"invalid service region", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:invalid-service:us-east-1::example_bucket"}}`},
	{"date conditions s3", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"}, "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}}}}`},
	{"empty operator body", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": {}}}}`},
	{"empty value array", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": {"a": []}}}}`},
	{"unknown operator empty", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"a": {}}}}`},
	{"sid", `{"Version": "2012-10-17", "Statement": {"Sid": "dsfsdfsdfsdfsdfsadfsd", ` + motoS3 + `}}`},
	{"tag conditions", `{"Version": "2012-10-17", "Statement": [{"Sid": "ConsoleDisplay", "Effect": "Allow", "Action": ["iam:GetRole", "iam:GetUser", "iam:ListRoles", "iam:ListRoleTags", "iam:ListUsers", "iam:ListUserTags"], "Resource": "*"}, {"Sid": "AddTag", "Effect": "Allow", "Action": ["iam:TagUser", "iam:TagRole"], "Resource": "*", "Condition": {"StringEquals": {"aws:RequestTag/CostCenter": ["A-123", "B-456"]}, "ForAllValues:StringEquals": {"aws:TagKeys": "CostCenter"}}}]}`},
	{"not action", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"not resource", `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}}`},
	{"id", `{"Version": "2012-10-17", "Id": "sdfsdfsdf", "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"long vendor", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "aaaaaadsfdsafsadfsadfaaaaa:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"vendor dash", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3-s:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"vendor dot", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3.s:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}}`},
	{"not action not resource", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:ListBucket", "NotResource": "*"}}`},
	{"one sid", `{"Version": "2012-10-17", "Statement": [{"Sid": "sdf", ` + motoS3 + `}, {` + motoS3 + `}]}`},
	{"date 01T", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateGreaterThan": {"a": "01T"}}}}`},
	{"two unknown empty operators", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"x": {}, "y": {}}}}`},
	{"if exists", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"StringEqualsIfExists": {"a": "asf"}}}}`},
	{"for any value if exists", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"ForAnyValue:StringEqualsIfExists": {"a": "asf"}}}}`},
	{"date iso", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThanEquals": {"a": "2019-07-01T13:20:15Z"}}}}`},
	{"date microseconds zone", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThanEquals": {"a": "2016-12-13T21:20:37.593194+00:00"}}}}`},
	{"date short hour zone", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+23"}}}}`},
	{"date negative year", `{"Version": "2012-10-17", "Statement": {` + motoS3 + `, "Condition": {"DateLessThan": {"a": "-292275054"}}}}`},
	{"manage own credentials", `{"Version": "2012-10-17", "Statement": [{"Sid": "AllowViewAccountInfo", "Effect": "Allow", "Action": ["iam:GetAccountPasswordPolicy", "iam:GetAccountSummary", "iam:ListVirtualMFADevices"], "Resource": "*"}, {"Sid": "AllowManageOwnPasswords", "Effect": "Allow", "Action": ["iam:ChangePassword", "iam:GetUser"], "Resource": "arn:aws:iam::*:user/${aws:username}"}, {"Sid": "AllowManageOwnVirtualMFADevice", "Effect": "Allow", "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"], "Resource": "arn:aws:iam::*:mfa/${aws:username}"}, {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}`},
	{"dynamodb", `{"Version": "2012-10-17", "Statement": [{"Sid": "ListAndDescribe", "Effect": "Allow", "Action": ["dynamodb:List*", "dynamodb:DescribeReservedCapacity*", "dynamodb:DescribeLimits", "dynamodb:DescribeTimeToLive"], "Resource": "*"}, {"Sid": "SpecificTable", "Effect": "Allow", "Action": ["dynamodb:BatchGet*", "dynamodb:DescribeStream", "dynamodb:DescribeTable", "dynamodb:Get*", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchWrite*", "dynamodb:CreateTable", "dynamodb:Delete*", "dynamodb:Update*", "dynamodb:PutItem"], "Resource": "arn:aws:dynamodb:*:*:table/MyTable"}]}`},
	{"arn equals", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"], "Resource": ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*:*:instance/*"], "Condition": {"ArnEquals": {"ec2:SourceInstanceARN": "arn:aws:ec2:*:*:instance/instance-id"}}}]}`},
	{"resource tags and variable", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"], "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"StringEquals": {"ec2:ResourceTag/Department": "Development"}}}, {"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"], "Resource": "arn:aws:ec2:*:*:volume/*", "Condition": {"StringEquals": {"ec2:ResourceTag/VolumeUser": "${aws:username}"}}}]}`},
	{"placeholders in arn", `{"Version": "2012-10-17", "Statement": [{"Sid": "StartStopIfTags", "Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances", "ec2:DescribeTags"], "Resource": "arn:aws:ec2:region:account-id:instance/*", "Condition": {"StringEquals": {"ec2:ResourceTag/Project": "DataAnalytics", "aws:PrincipalTag/Department": "Data"}}}]}`},
	{"cognito variables", `{"Version": "2012-10-17", "Statement": [{"Sid": "ListYourObjects", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::bucket-name"], "Condition": {"StringLike": {"s3:prefix": ["cognito/application-name/${cognito-identity.amazonaws.com:sub}"]}}}, {"Sid": "ReadWriteDeleteYourObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::bucket-name/cognito/application-name/${cognito-identity.amazonaws.com:sub}", "arn:aws:s3:::bucket-name/cognito/application-name/${cognito-identity.amazonaws.com:sub}/*"]}]}`},
	{"home directories", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "*"}, {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bucket-name", "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:userid}/*"]}}}, {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::bucket-name/home/${aws:userid}", "arn:aws:s3:::bucket-name/home/${aws:userid}/*"]}]}`},
	{"console access", `{"Version": "2012-10-17", "Statement": [{"Sid": "ConsoleAccess", "Effect": "Allow", "Action": ["s3:GetAccountPublicAccessBlock", "s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketPolicyStatus", "s3:GetBucketPublicAccessBlock", "s3:ListAllMyBuckets"], "Resource": "*"}, {"Sid": "ListObjectsInBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::bucket-name"]}, {"Sid": "AllObjectActions", "Effect": "Allow", "Action": "s3:*Object", "Resource": ["arn:aws:s3:::bucket-name/*"]}]}`},
	{"ec2 region condition", `{"Version": "2012-10-17", "Statement": [{"Action": "ec2:*", "Resource": "*", "Effect": "Allow", "Condition": {"StringEquals": {"ec2:Region": "region"}}}]}`},
	{"rds", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds:*", "Resource": ["arn:aws:rds:region:*:*"]}, {"Effect": "Allow", "Action": ["rds:Describe*"], "Resource": ["*"]}]}`},
	{"empty sids", `{"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": "rds:*", "Resource": ["arn:aws:rds:region:*:*"]}, {"Sid": "", "Effect": "Allow", "Action": ["rds:Describe*"], "Resource": ["*"]}]}`},
	{"access point", `{"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point", "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point/object/*"]}]}`},
}

func TestMotoInvalidIdentityPolicies(t *testing.T) {
	t.Parallel()
	for _, tc := range motoInvalid {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc), KindIdentity)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse: got %v, want *ValidationError %q", err, tc.msg)
			}
			if ve.Message != tc.msg {
				t.Errorf("Message = %q\n want %q (%v)", ve.Message, tc.msg, ve)
			}
		})
	}
}

func TestMotoValidIdentityPolicies(t *testing.T) {
	t.Parallel()
	for _, tc := range motoValid {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Parse([]byte(tc.doc), KindIdentity); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}
