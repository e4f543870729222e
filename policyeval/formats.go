package policyeval

import (
	"fmt"
	"strconv"
	"strings"
)

// AWS texts for element formats. IAM has them (POLICY-FACTS §8.1, mirrored
// by getmoto/moto moto/iam/policy_validation.py); ecrlink uses them for
// every kind, since Access Analyzer has no more precise wording.
const (
	msgSyntaxIAM        = "Syntax errors in policy."
	msgLegacyParsing    = "The policy failed legacy parsing"
	msgVersionTooOld    = "Policy document must be version 2012-10-17 or greater."
	msgMustHaveActions  = "Policy statement must contain actions."
	msgMustHaveResource = "Policy statement must contain resources."
	msgNoVendor         = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon         = "Actions/Condition can contain only one colon."
	msgSidUnique        = "Statement IDs (SID) in a single policy must be unique."
	msgIAMPrincipal     = "Policy document should not specify a principal."
	msgVendorQualified  = "Resource vendor must be fully qualified and cannot contain regexes."
	// IAM's Sid rule: issue aws-cloudformation/cfn-lint#1376 quotes the
	// MalformedPolicyDocument text; the IAM User Guide's Sid page states the
	// character set.
	msgSidAlnum = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
)

// iamPathStarts are the resource-type prefixes IAM accepts in iam ARNs.
var iamPathStarts = []string{
	"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
	"report/", "access-report/",
}

// actionFormatError returns IAM's message for an action string that is not
// vendor:name, or "" when it is well formed.
func actionFormatError(action string) string {
	vendor, _, hasColon := strings.Cut(action, ":")
	if !hasColon {
		if action != "*" {
			return msgNoVendor
		}
		return ""
	}
	if strings.Count(action, ":") > 1 {
		return msgOneColon
	}
	if vendor != "*" && !isVendor(vendor) {
		return fmt.Sprintf("Vendor %s is not valid", vendor)
	}
	return ""
}

func isVendor(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// resourceFormatError returns IAM's message for a Resource value that is
// not an ARN IAM accepts, or "". The rules and their order are IAM's as
// mirrored by moto (`_validate_resource_format`), including the rendering
// of a bad partition with missing fields shown as "*".
func resourceFormatError(r string) string {
	if r == "*" {
		return ""
	}
	_, rest, ok := strings.Cut(r, ":")
	if !ok {
		return fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r)
	}
	partition, after, hasSep := strings.Cut(rest, ":")
	if partition != "aws" {
		return badPartition(partition, after)
	}
	if !hasSep {
		return msgVendorQualified
	}
	service, rest2, _ := strings.Cut(after, ":")
	if (service == "iam" || service == "s3") && !strings.HasPrefix(rest2, ":") && !isS3AccessPoint(service, rest2) {
		if service == "iam" {
			return fmt.Sprintf("IAM resource %s cannot contain region information.", r)
		}
		return fmt.Sprintf("Resource %s can not contain region information.", r)
	}
	_, rest3, _ := strings.Cut(rest2, ":")
	_, path, _ := strings.Cut(rest3, ":")
	if service == "iam" && !hasAnyPrefix(path, iamPathStarts) {
		return "IAM resource path must either be \"*\" or start with " + strings.Join(iamPathStarts, ", ") + "."
	}
	return ""
}

// isS3AccessPoint: S3 access point ARNs carry a region and an account
// (arn:aws:s3:us-west-2:123456789012:accesspoint/name), which IAM accepts.
func isS3AccessPoint(service, rest string) bool {
	if service != "s3" {
		return false
	}
	_, rest, _ = strings.Cut(rest, ":") // region
	_, res, _ := strings.Cut(rest, ":") // account
	return strings.HasPrefix(res, "accesspoint/")
}

func badPartition(partition, after string) string {
	parts := strings.Split(after, ":")
	field := func(i int) string {
		if i < len(parts) && (parts[i] != "" || len(parts) > 1) {
			return parts[i]
		}
		return "*"
	}
	last := "*"
	if len(parts) > 3 {
		last = strings.Join(parts[3:], ":")
	}
	return fmt.Sprintf("Partition %q is not valid for resource \"arn:%s:%s:%s:%s:%s\".",
		partition, partition, field(0), field(1), field(2), last)
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// legacyResourceOK is IAM's older ARN parser: an ARN with an empty field
// ("::") must have all six fields, and the service may not be empty.
func legacyResourceOK(r string) bool {
	if r == "*" {
		return true
	}
	if strings.Count(r, ":") < 5 && strings.Contains(r, "::") {
		return false
	}
	parts := strings.SplitN(r, ":", 4)
	return len(parts) > 2 && parts[2] != ""
}

// legacyDateOK is IAM's check of a Date condition value: an ISO 8601 date
// (recognised by a "t" or "-") or a non-negative epoch integer.
func legacyDateOK(v string) bool {
	lv := strings.ToLower(v)
	if strings.Contains(lv, "t") || strings.Contains(v, "-") {
		return legacyISODateOK(lv)
	}
	n, ok := pyInt(v)
	return ok && n >= 0
}

func legacyISODateOK(s string) bool {
	date, clock, _ := strings.Cut(s, "t")
	neg := strings.HasPrefix(date, "-")
	if neg {
		date = date[1:]
	}
	dp := strings.Split(date, "-")
	year, ok := pyInt(dp[0])
	if neg {
		year = -year
	}
	if !ok || year < -292275054 || year > 292278993 || len(dp) > 3 {
		return false
	}
	if len(dp) > 1 && !inRange(dp[1], 1, 12) || len(dp) > 2 && !inRange(dp[2], 1, 31) {
		return false
	}
	tp := strings.Split(clock, ":")
	if tp[0] != "" && !inRange(tp[0], 0, 23) || len(tp) > 1 && !inRange(tp[1], 0, 59) {
		return false
	}
	if len(tp) > 2 {
		return legacySecondsOK(tp[2])
	}
	return true
}

func legacySecondsOK(s string) bool {
	secs := s
	if before, after, ok := strings.Cut(s, "z"); ok {
		if after != "" {
			return false
		}
		secs = before
	} else if before, zone, ok := strings.Cut(s, "+"); ok {
		secs = before
		hh, mm, hasMin := strings.Cut(zone, ":")
		if len(hh) != 2 || !inRange(hh, 0, 23) || hasMin && (len(mm) != 2 || !inRange(mm, 0, 59)) {
			return false
		}
	}
	whole, frac, hasFrac := strings.Cut(secs, ".")
	return inRange(whole, 0, 59) && (!hasFrac || inRange(frac, 0, 999999999))
}

func inRange(s string, lo, hi int64) bool {
	n, ok := pyInt(s)
	return ok && n >= lo && n <= hi
}

// pyInt parses an integer the way the IAM validator's reference
// implementation does (Python's int(): optional sign, surrounding blanks).
// Values outside int64 fail, which is what every bound above needs.
func pyInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// isSidAlnum reports whether sid matches IAM's [0-9A-Za-z]*.
func isSidAlnum(sid string) bool {
	for i := 0; i < len(sid); i++ {
		c := sid[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
