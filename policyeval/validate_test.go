package policyeval

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const (
	ecrRepoText     = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'"
	ecrRegistryText = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'"
)

type validationRow struct {
	name string
	kind Kind
	doc  string
	code Code   // "" means the document is valid
	msg  string // AWS's text
	path string // "" to skip
}

func runValidationRows(t *testing.T, rows []validationRow) {
	t.Helper()
	for _, tc := range rows {
		t.Run(tc.kind.String()+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse([]byte(tc.doc), tc.kind)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if p.Kind() != tc.kind {
					t.Errorf("Kind = %v", p.Kind())
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse = %v, want a *ValidationError", err)
			}
			if ve.Code != tc.code || ve.Message != tc.msg {
				t.Errorf("got %s %q\nwant %s %q\n(%v)", ve.Code, ve.Message, tc.code, tc.msg, ve)
			}
			if tc.path != "" && ve.Path != tc.path {
				t.Errorf("Path = %q, want %q", ve.Path, tc.path)
			}
			if ve.Kind != tc.kind || ve.Line == 0 && ve.Code != CodeTooLarge {
				t.Errorf("Kind %v, position %d:%d", ve.Kind, ve.Line, ve.Column)
			}
		})
	}
}

// pullStmt is a valid repository statement, to build documents around.
var pullStmt = st(sid("Pull"), allow(), aws(roleR), act("ecr:BatchGetImage"))

func TestValidateRepository(t *testing.T) {
	t.Parallel()
	k := KindRepository
	runValidationRows(t, []validationRow{
		{"valid 2008 without Resource", k, docV(version2008, pullStmt), "", "", ""},
		{"valid without Version", k, docV("", pullStmt), "", "", ""},
		{"valid with Resource", k, doc(st(allow(), aws(roleR), act("ecr:*"), res(repoApp))), "", "", ""},
		{"valid repeated Sid", k, doc(pullStmt, pullStmt), "", "", ""},
		{"valid single statement object", k, `{"Statement": ` + pullStmt + `}`, "", "", ""},
		{"valid every principal key", k, doc(st(allow(), `"Principal": {"AWS": ["*", "111111111111", "arn:aws:iam::111111111111:user/a", "arn:aws:sts::111111111111:assumed-role/R/s"], "Service": "ecs.amazonaws.com", "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, act("ecr:*"))), "", "", ""},
		{"valid NotPrincipal deny", k, doc(st(deny(), notAWS(roleR, rootA), act("ecr:*"))), "", "", ""},
		{"valid JSON boolean in condition", k, doc(st(deny(), anyone(), act("ecr:*"), cond(`{"Bool": {"aws:SecureTransport": false}}`))), "", "", ""},
		{"not JSON", k, `{"Statement": [`, CodeSyntax, ecrRepoText, ""},
		{"not an object", k, `[` + pullStmt + `]`, CodeTypeMismatch, ecrRepoText, ""},
		{"trailing data", k, doc(pullStmt) + ` {}`, CodeSyntax, ecrRepoText, ""},
		{"duplicate key", k, `{"Statement": [{"Effect": "Allow", "Effect": "Deny", "Principal": "*", "Action": "ecr:*"}]}`, CodeDuplicateKey, ecrRepoText, ""},
		{"unknown top element", k, `{"Version": "2012-10-17", "Conditions": {}, "Statement": [` + pullStmt + `]}`, CodeUnknownElement, ecrRepoText, "Conditions"},
		{"unknown statement element", k, doc(st(allow(), aws(roleR), act("ecr:*"), `"effect": "Allow"`)), CodeUnknownElement, ecrRepoText, "Statement[0].effect"},
		{"element names are case-sensitive", k, doc(st(allow(), aws(roleR), `"action": "ecr:*"`)), CodeUnknownElement, ecrRepoText, "Statement[0].action"},
		{"version not a date", k, `{"Version": "2013-10-17", "Statement": [` + pullStmt + `]}`, CodeInvalidVersion, "The version 2013-10-17 is not valid. Use one of the following versions: 2012-10-17, 2008-10-17", "Version"},
		{"version a number", k, `{"Version": 2012, "Statement": [` + pullStmt + `]}`, CodeTypeMismatch, ecrRepoText, "Version"},
		{"id an object", k, `{"Id": {}, "Statement": [` + pullStmt + `]}`, CodeTypeMismatch, ecrRepoText, "Id"},
		{"no statement", k, `{"Version": "2012-10-17"}`, CodeMissingStatement, "Add a statement to the policy", "Statement"},
		{"empty statement", k, `{"Version": "2012-10-17", "Statement": []}`, CodeMissingStatement, "Add a statement to the policy", "Statement"},
		{"statement a string", k, `{"Statement": "allow"}`, CodeTypeMismatch, ecrRepoText, "Statement"},
		{"statement element a string", k, `{"Statement": ["allow"]}`, CodeTypeMismatch, ecrRepoText, "Statement[0]"},
		{"no effect", k, doc(st(aws(roleR), act("ecr:*"))), CodeMissingEffect, "Add an Effect element to the policy statement with a value of Allow or Deny.", "Statement[0]"},
		{"effect lower case", k, doc(st(`"Effect": "allow"`, aws(roleR), act("ecr:*"))), CodeInvalidEffect, "The effect allow is not valid. Use Allow or Deny.", "Statement[0].Effect"},
		{"effect unknown", k, doc(st(`"Effect": "Permit"`, aws(roleR), act("ecr:*"))), CodeInvalidEffect, "The effect Permit is not valid. Use Allow or Deny.", "Statement[0].Effect"},
		{"effect a number", k, doc(st(`"Effect": 1`, aws(roleR), act("ecr:*"))), CodeTypeMismatch, ecrRepoText, "Statement[0].Effect"},
		{"effect null", k, doc(st(`"Effect": null`, aws(roleR), act("ecr:*"))), CodeTypeMismatch, ecrRepoText, "Statement[0].Effect"},
		{"no principal", k, doc(st(allow(), act("ecr:*"))), CodeMissingPrincipal, "Add a Principal element to the policy statement.", "Statement[0]"},
		{"principal a bare ARN", k, doc(st(allow(), `"Principal": "`+roleR+`"`, act("ecr:*"))), CodeInvalidPrincipal, msgPrincipalContents, "Statement[0].Principal"},
		{"principal an empty map", k, doc(st(allow(), `"Principal": {}`, act("ecr:*"))), CodeInvalidPrincipal, msgPrincipalContents, "Statement[0].Principal"},
		{"principal key case", k, doc(st(allow(), `"Principal": {"aws": "*"}`, act("ecr:*"))), CodeInvalidPrincipalKey, "The principal key aws is not valid.", "Statement[0].Principal.aws"},
		{"principal key unknown", k, doc(st(allow(), `"Principal": {"Account": "111111111111"}`, act("ecr:*"))), CodeInvalidPrincipalKey, "The principal key Account is not valid.", ""},
		{"principal empty list", k, doc(st(allow(), `"Principal": {"AWS": []}`, act("ecr:*"))), CodeInvalidPrincipal, msgPrincipalContents, "Statement[0].Principal.AWS"},
		{"principal wildcard in ARN", k, doc(st(allow(), aws("arn:aws:iam::111111111111:role/ci-*"), act("ecr:*"))), CodeInvalidPrincipal, "Invalid principal in policy", ""},
		{"principal wildcard account", k, doc(st(allow(), aws("arn:aws:iam::*:root"), act("ecr:*"))), CodeInvalidPrincipal, "Invalid principal in policy", ""},
		{"principal short account", k, doc(st(allow(), aws("1111"), act("ecr:*"))), CodeInvalidPrincipal, "Invalid principal in policy", ""},
		{"principal not IAM", k, doc(st(allow(), aws("arn:aws:s3:::bucket"), act("ecr:*"))), CodeInvalidPrincipal, "Invalid principal in policy", ""},
		{"principal a number", k, doc(st(allow(), `"Principal": 5`, act("ecr:*"))), CodeTypeMismatch, ecrRepoText, ""},
		{"principal and not principal", k, doc(st(deny(), anyone(), notAWS(roleR), act("ecr:*"))), CodeConflictingElements, "The policy elements Principal and NotPrincipal can not be used in the same statement. Remove one of these elements.", "Statement[0].NotPrincipal"},
		{"action and not action", k, doc(st(allow(), anyone(), act("ecr:*"), notAct("ecr:Delete*"))), CodeConflictingElements, "The policy elements Action and NotAction can not be used in the same statement. Remove one of these elements.", ""},
		{"resource and not resource", k, doc(st(allow(), anyone(), act("ecr:*"), res("*"), notRes(repoApp))), CodeConflictingElements, "The policy elements Resource and NotResource can not be used in the same statement. Remove one of these elements.", ""},
		{"no action", k, doc(st(allow(), anyone())), CodeMissingAction, "Add an Action or NotAction element to the policy statement.", "Statement[0]"},
		{"empty action", k, doc(st(allow(), anyone(), `"Action": []`)), CodeMissingAction, "Add an Action or NotAction element to the policy statement.", ""},
		{"action without vendor", k, doc(st(allow(), anyone(), act("BatchGetImage"))), CodeInvalidAction, msgNoVendor, "Statement[0].Action"},
		{"action two colons", k, doc(st(allow(), anyone(), act("ecr:Batch:GetImage"))), CodeInvalidAction, msgOneColon, ""},
		{"action bad vendor", k, doc(st(allow(), anyone(), act("ec r:Get"))), CodeInvalidAction, "Vendor ec r is not valid", ""},
		{"action a number", k, doc(st(allow(), anyone(), `"Action": 5`)), CodeTypeMismatch, ecrRepoText, "Statement[0].Action"},
		{"resource not an ARN", k, doc(st(allow(), anyone(), act("ecr:*"), res("app"))), CodeInvalidResource, `Resource app must be in ARN format or "*".`, "Statement[0].Resource"},
		{"resource empty list", k, doc(st(allow(), anyone(), act("ecr:*"), `"Resource": []`)), CodeMissingResource, "Add a Resource or NotResource element to the policy statement.", ""},
		{"resource five fields", k, doc(st(allow(), anyone(), act("ecr:*"), res("arn:aws:ecr::repository/app"))), CodeLegacyParsing, msgLegacyParsing, ""},
		{"unknown operator", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`{"StringEqual": {"aws:SourceVpce": "vpce-1"}}`))), CodeInvalidOperator, "The condition operator StringEqual is not valid. Use a valid condition operator.", "Statement[0].Condition.StringEqual"},
		{"unknown operator empty", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`{"stringEquals": {}}`))), CodeInvalidOperator, "The condition operator stringEquals is not valid. Use a valid condition operator.", ""},
		{"BinaryNotEquals is no operator", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`{"BinaryNotEquals": {"k": "YQ=="}}`))), CodeInvalidOperator, "The condition operator BinaryNotEquals is not valid. Use a valid condition operator.", ""},
		{"Null with IfExists", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`{"NullIfExists": {"aws:SourceVpce": "true"}}`))), CodeNullIfExists, "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.", ""},
		{"date not a date", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`{"DateLessThan": {"aws:CurrentTime": "tomorrow"}}`))), CodeLegacyParsing, msgLegacyParsing, "Statement[0].Condition.DateLessThan.aws:CurrentTime"},
		{"condition value an object", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`{"StringEquals": {"k": {}}}`))), CodeTypeMismatch, ecrRepoText, "Statement[0].Condition.StringEquals.k"},
		{"condition value null", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`{"StringEquals": {"k": [null]}}`))), CodeTypeMismatch, ecrRepoText, ""},
		{"condition a list", k, doc(st(allow(), anyone(), act("ecr:*"), cond(`[]`))), CodeTypeMismatch, ecrRepoText, "Statement[0].Condition"},
		{"too large", k, docV("", st(sid(strings.Repeat("a", 10240)), allow(), anyone(), act("ecr:*"))), CodeTooLarge, "1 validation error detected: Value at 'policyText' failed to satisfy constraint: Member must have length less than or equal to 10240", ""},
		{"limit counts characters, not bytes", k, docV("", st(sid(strings.Repeat("é", 5000)), allow(), anyone(), act("ecr:*"))), "", "", ""},
		{"too deep", k, `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Condition": {"StringEquals": {"k": ` + strings.Repeat("[", 20) + strings.Repeat("]", 20) + `}}}]}`, CodeLimit, ecrRepoText, ""},
	})
}

func TestValidateRegistry(t *testing.T) {
	t.Parallel()
	k := KindRegistry
	rep := st(sid("Replicate"), allow(), aws(rootB), act("ecr:CreateRepository", "ecr:ReplicateImage"), res("arn:aws:ecr:us-east-1:111111111111:repository/*"))
	runValidationRows(t, []validationRow{
		{"valid replication policy", k, doc(rep), "", "", ""},
		{"not JSON", k, `nope`, CodeSyntax, ecrRegistryText, ""},
		{"no resource", k, doc(st(allow(), aws(rootB), act("ecr:ReplicateImage"))), CodeMissingResource, "Add a Resource or NotResource element to the policy statement.", "Statement[0]"},
		{"repeated Sid", k, doc(rep, rep), CodeDuplicateSid, "Duplicate statement IDs are not supported for this policy type. Update the Sid value.", "Statement[1].Sid"},
		{"empty Sids may repeat", k, doc(st(sid(""), allow(), aws(rootB), act("ecr:*"), res("*")), st(sid(""), allow(), aws(rootB), act("ecr:*"), res("*"))), "", "", ""},
		{"no principal", k, doc(st(allow(), act("ecr:*"), res("*"))), CodeMissingPrincipal, "Add a Principal element to the policy statement.", ""},
		{"too large", k, docV("", st(sid(strings.Repeat("a", 10300)), allow(), anyone(), act("ecr:*"), res("*"))), CodeTooLarge, msgECRSize, ""},
	})
}

func TestValidateEndpoint(t *testing.T) {
	t.Parallel()
	k := KindEndpoint
	padded := func(n int) string { // an endpoint policy of exactly n characters
		base := docV("", st(sid(""), allow(), anyone(), act("*"), res("*")))
		return strings.Replace(base, `"Sid": ""`, `"Sid": "`+strings.Repeat("a", n-len(base))+`"`, 1)
	}
	runValidationRows(t, []validationRow{
		{"default endpoint policy", k, defaultEndpointDocument, "", "", ""},
		{"ECR example policy", k, doc(st(sid("AllowPull"), allow(), aws("arn:aws:iam::123456789012:role/role_name"), act("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"), res("*"))), "", "", ""},
		{"exactly 20480 characters", k, padded(20480), "", "", ""},
		{"20481 characters", k, padded(20481), CodeTooLarge, "The size of an endpoint policy cannot exceed 20,480 characters, including white space.", ""},
		{"not JSON, with its position", k, "{\n  \"Statement\": [\n    {\"Effect\" \"Allow\"}\n  ]\n}", CodeSyntax, "The Policy Document is not valid. Syntax error at position (3,15)", ""},
		{"duplicate key, with its position", k, "{\"Statement\": [{\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}]}", CodeDuplicateKey, "The Policy Document is not valid. Syntax error at position (2,2)", ""},
		{"no principal", k, doc(st(allow(), act("*"), res("*"))), CodeMissingPrincipal, "Add a Principal element to the policy statement.", "Statement[0]"},
		{"no resource", k, doc(st(allow(), anyone(), act("*"))), CodeMissingResource, "Add a Resource or NotResource element to the policy statement.", ""},
		{"repeated Sid", k, doc(st(sid("A"), allow(), anyone(), act("*"), res("*")), st(sid("A"), deny(), anyone(), act("ecr:Delete*"), res("*"))), CodeDuplicateSid, msgDuplicateSid, ""},
		{"wildcard on a system key", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"StringLike": {"aws:SourceVpce": "vpce-0abc*"}}`))), CodeNoWildcard, msgNoWildcardSystem, "Statement[0].Condition.StringLike.aws:SourceVpce"},
		{"question mark on a system key", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"StringEquals": {"aws:PrincipalOrgID": "o-??????z???"}}`))), CodeNoWildcard, msgNoWildcardSystem, ""},
		{"numeric operator on a system key", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"NumericEquals": {"aws:PrincipalAccount": "111111111111"}}`))), CodeNoWildcard, msgNoWildcardSystem, ""},
		{"exact system key is fine", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"StringEquals": {"aws:PrincipalAccount": "111111111111"}}`))), "", "", ""},
		{"wildcard with too few characters", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"StringLike": {"aws:PrincipalTag/team": "ab*"}}`))), CodeNoWildcard, msgSixCharacters, ""},
		{"wildcard between short runs", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"StringLike": {"aws:PrincipalTag/team": "team-abcdef*x*y"}}`))), CodeNoWildcard, msgSixCharacters, ""},
		{"wildcards with six characters", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci-*"}}`))), "", "", ""},
		{"account digits and wildcard in Resource", k, doc(st(allow(), anyone(), act("*"), res("arn:aws:ecr:us-east-1:1111*:repository/app"))), CodeNoWildcard, msgARNAccount, "Statement[0].Resource"},
		{"account digits and wildcard in ArnLike", k, doc(st(allow(), anyone(), act("*"), res("*"), cond(`{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::11?111111111:role/x"}}`))), CodeNoWildcard, msgARNAccount, ""},
		{"account wildcard alone is fine", k, doc(st(allow(), anyone(), act("*"), res("arn:aws:ecr:us-east-1:*:repository/*"))), "", "", ""},
	})
}

func TestValidateS3Gateway(t *testing.T) {
	t.Parallel()
	k := KindS3Gateway
	starport := res("arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*")
	runValidationRows(t, []validationRow{
		{"principal star", k, doc(st(allow(), anyone(), act("s3:GetObject"), starport)), "", "", ""},
		{"principal AWS star", k, doc(st(allow(), aws("*"), act("s3:GetObject"), starport)), "", "", ""},
		{"principal AWS star list", k, doc(st(allow(), `"Principal": {"AWS": ["*"]}`, act("s3:GetObject"), starport)), "", "", ""},
		{"principal an account", k, doc(st(allow(), aws(acctA), act("s3:GetObject"), starport)), CodeInvalidPrincipal, msgGatewayPrincipal, "Statement[0].Principal"},
		{"principal a role", k, doc(st(allow(), aws(roleR), act("s3:GetObject"), starport)), CodeInvalidPrincipal, msgGatewayPrincipal, ""},
		{"NotPrincipal", k, doc(st(deny(), notAWS(roleR), act("s3:*"), starport)), CodeInvalidPrincipal, msgGatewayPrincipal, "Statement[0].NotPrincipal"},
		{"PrincipalArn condition instead", k, doc(st(allow(), anyone(), act("s3:GetObject"), starport, cond(`{"ArnEquals": {"aws:PrincipalArn": "`+roleR+`"}}`))), "", "", ""},
		{"not JSON", k, `{`, CodeSyntax, "The Policy Document is not valid. Syntax error at position (1,2)", ""},
	})
}

// TestValidateIdentityBeyondMoto holds the identity-policy texts of
// POLICY-FACTS §8 that moto's corpus does not.
func TestValidateIdentityBeyondMoto(t *testing.T) {
	t.Parallel()
	k := KindIdentity
	allowAll := st(allow(), act("ecr:*"), res("*"))
	runValidationRows(t, []validationRow{
		{"principal", k, doc(st(allow(), anyone(), act("ecr:*"), res("*"))), CodeUnsupportedElement, "Policy document should not specify a principal.", "Statement[0].Principal"},
		{"not principal", k, doc(st(deny(), notAWS(roleR), act("ecr:*"), res("*"))), CodeUnsupportedElement, "Policy document should not specify a principal.", "Statement[0].NotPrincipal"},
		{"duplicate key", k, `{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": [` + allowAll + `]}`, CodeDuplicateKey, msgSyntaxIAM, ""},
		{"trailing data", k, doc(allowAll) + `x`, CodeSyntax, msgSyntaxIAM, ""},
		{"Conditions is no top element", k, `{"Version": "2012-10-17", "Conditions": {}, "Statement": [` + allowAll + `]}`, CodeUnknownElement, msgSyntaxIAM, "Conditions"},
		{"Sid with a dash", k, doc(st(sid("allow-pull"), allow(), act("ecr:*"), res("*"))), CodeInvalidSid, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*", "Statement[0].Sid"},
		{"Sid with a space", k, doc(st(sid("Allow pull"), allow(), act("ecr:*"), res("*"))), CodeInvalidSid, msgSidAlnum, ""},
		{"Null with IfExists", k, doc(st(allow(), act("ecr:*"), res("*"), cond(`{"NullIfExists": {"aws:SourceVpce": "true"}}`))), CodeNullIfExists, msgNullIfExists, ""},
		{"unknown operator detail", k, doc(st(allow(), act("ecr:*"), res("*"), cond(`{"StringEqual": {"a": "b"}}`))), CodeInvalidOperator, msgSyntaxIAM, "Statement[0].Condition.StringEqual"},
		{"too many statements", k, doc(strings.Repeat(allowAll+", ", maxStatements) + allowAll), CodeLimit, msgSyntaxIAM, "Statement"},
		{"too large for ecrlink", k, doc(st(sid(strings.Repeat("a", maxDocumentBytes)), allow(), act("ecr:*"), res("*"))), CodeTooLarge, msgSyntaxIAM, ""},
		{"empty document", k, ``, CodeSyntax, msgSyntaxIAM, ""},
		{"valid boolean and number condition values", k, doc(st(allow(), act("ecr:*"), res("*"), cond(`{"Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"s3:max-keys": [10, "20"]}}`))), "", "", ""},
		{"valid action ecr star", k, idAllowECR, "", "", ""},
	})
}

func TestValidationErrorRendering(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:*\", \"Resource\": \"*\"}\n}"), KindIdentity)
	wrapped := fmt.Errorf("put policy: %w", err)
	var ve *ValidationError
	if !errors.As(wrapped, &ve) {
		t.Fatalf("errors.As through a wrap failed: %v", wrapped)
	}
	if ve.Line != 3 || ve.Column != 36 {
		t.Errorf("position = %d:%d, want 3:36", ve.Line, ve.Column)
	}
	want := "3:36: Statement.Principal: Policy document should not specify a principal. (The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.)"
	if got := ve.Error(); got != want {
		t.Errorf("Error():\n got %s\nwant %s", got, want)
	}
	bare := &ValidationError{Message: "m"}
	if bare.Error() != "m" {
		t.Errorf("bare Error() = %q", bare.Error())
	}
}

func TestParseKind(t *testing.T) {
	t.Parallel()
	for _, k := range []Kind{KindIdentity, KindRepository, KindRegistry, KindEndpoint, KindS3Gateway} {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	for _, bad := range []string{"", "Identity", "gateway", "s3"} {
		if _, err := ParseKind(bad); err == nil {
			t.Errorf("ParseKind(%q) succeeded", bad)
		}
	}
	if Kind(0).String() != "Kind(0)" || PolicyType(9).String() != "PolicyType(9)" {
		t.Error("String of an unknown value")
	}
	if _, err := Parse([]byte(defaultEndpointDocument), Kind(42)); err == nil {
		t.Error("Parse accepted an unknown kind")
	}
}
