package policyeval

import (
	"strconv"
	"strings"
)

// Code classifies a validation finding. The values follow Access Analyzer's
// issue codes where one exists, so callers can switch on them without
// parsing AWS's message text.
type Code string

// Finding codes.
const (
	CodeSyntax              Code = "SYNTAX_ERROR"          // not JSON, or not the grammar's JSON shape
	CodeDuplicateKey        Code = "DUPLICATE_KEY"         // a JSON object names a key twice
	CodeUnknownElement      Code = "UNKNOWN_ELEMENT"       // an element name the grammar does not have
	CodeTypeMismatch        Code = "DATA_TYPE_MISMATCH"    // an element of the wrong JSON type
	CodeTooLarge            Code = "POLICY_SIZE_EXCEEDED"  // over the kind's size limit
	CodeLimit               Code = "LIMIT_EXCEEDED"        // nesting or element count bound
	CodeInvalidVersion      Code = "INVALID_VERSION"       // Version not a known date
	CodeVersionTooOld       Code = "VERSION_TOO_OLD"       // identity policies need 2012-10-17
	CodeMissingStatement    Code = "MISSING_STATEMENT"     // no Statement, or an empty one
	CodeMissingEffect       Code = "MISSING_EFFECT"        // statement without Effect
	CodeInvalidEffect       Code = "INVALID_EFFECT"        // Effect not Allow or Deny
	CodeMissingAction       Code = "MISSING_ACTION"        // no Action/NotAction, or empty
	CodeMissingResource     Code = "MISSING_RESOURCE"      // no Resource/NotResource, or empty
	CodeMissingPrincipal    Code = "MISSING_PRINCIPAL"     // resource/endpoint policy without Principal
	CodeUnsupportedElement  Code = "UNSUPPORTED_ELEMENT"   // Principal in an identity policy
	CodeInvalidPrincipal    Code = "INVALID_PRINCIPAL"     // Principal shape or value not valid
	CodeInvalidPrincipalKey Code = "INVALID_PRINCIPAL_KEY" // Principal map key not AWS/Service/...
	CodeConflictingElements Code = "CONFLICTING_ELEMENTS"  // Action with NotAction, etc.
	CodeDuplicateSid        Code = "DUPLICATE_SID"         // Sid repeated where the kind forbids it
	CodeInvalidSid          Code = "INVALID_SID"           // Sid characters IAM rejects
	CodeInvalidOperator     Code = "INVALID_CONDITION_OPERATOR"
	CodeNullIfExists        Code = "NULL_WITH_IF_EXISTS"
	CodeInvalidAction       Code = "INVALID_ACTION"   // action without vendor, two colons, bad vendor
	CodeInvalidResource     Code = "INVALID_RESOURCE" // resource not an ARN, bad partition, region...
	CodeLegacyParsing       Code = "LEGACY_PARSING"   // IAM's "The policy failed legacy parsing"
	CodeNoWildcard          Code = "NO_WILDCARD"      // endpoint wildcard rules (POLICY-FACTS §9)
)

// ValidationError is a policy document that AWS would reject. Message is
// AWS's own text for the finding, byte for byte (POLICY-FACTS §8): IAM's
// MalformedPolicyDocument texts for identity policies, Access Analyzer's
// finding texts for the other kinds. Detail says, in ecrlink's words, what
// exactly is wrong when Message is one of AWS's generic texts.
type ValidationError struct {
	Kind    Kind   // the kind the document was parsed as
	Code    Code   // finding class
	Message string // AWS's text
	Detail  string // ecrlink's precise reason; may be empty
	Path    string // JSON path of the offending element, e.g. Statement[1].Effect; empty for the document
	Line    int    // 1-based line of the offending token; 0 if unknown
	Column  int    // 1-based column (in bytes) of the offending token; 0 if unknown
}

// Error renders "LINE:COL: PATH: MESSAGE (DETAIL)", leaving out the parts
// that are unknown.
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Detail != "" && e.Detail != e.Message {
		b.WriteString(" (")
		b.WriteString(e.Detail)
		b.WriteByte(')')
	}
	return b.String()
}

// lineCol converts a byte offset in doc to a 1-based line and column.
func lineCol(doc []byte, off int) (line, col int) {
	if off < 0 {
		return 0, 0
	}
	if off > len(doc) {
		off = len(doc)
	}
	line, col = 1, 1
	for _, c := range doc[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
