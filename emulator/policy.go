package emulator

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/ecrlink/ecrlink/policyeval"
)

// maxPolicyInput bounds what `ecrlink policy` reads: the simulator's own
// bound, which is far above any single policy's AWS limit.
const maxPolicyInput = policyeval.MaxSimulateInput

// PolicyError is a policy AWS would reject, with AWS's text and the
// position of the fault (see policyeval.ValidationError); ValidatePolicy's
// errors wrap one.
type PolicyError = policyeval.ValidationError

// InputError is bad input to the policy commands: unreadable, too large,
// not the expected JSON, or a policy AWS would reject. The command line
// tells it apart from a failure to write its output with errors.As.
type InputError struct {
	Err error
}

func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the cause, a *policyeval.ValidationError for a rejected
// policy.
func (e *InputError) Unwrap() error { return e.Err }

// SimulatePolicy reads a simulation document (see policyeval.Simulate) from
// in and writes the decision to out as indented JSON. Bad input is an
// *InputError; a failure to write is returned wrapped.
func SimulatePolicy(in io.Reader, out io.Writer) error {
	input, err := readBounded(in)
	if err != nil {
		return err
	}
	res, err := policyeval.Simulate(input)
	if err != nil {
		return &InputError{Err: err}
	}
	body, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("policy simulate: encode result: %w", err)
	}
	if _, err := out.Write(append(body, '\n')); err != nil {
		return fmt.Errorf("policy simulate: write result: %w", err)
	}
	return nil
}

// ValidatePolicy reads one policy document from in and validates it as the
// named kind (identity, repository, registry, endpoint or s3-gateway). A
// policy AWS would reject is an *InputError wrapping the
// *policyeval.ValidationError with AWS's text and the position.
func ValidatePolicy(kind string, in io.Reader) error {
	k, err := policyeval.ParseKind(kind)
	if err != nil {
		return &InputError{Err: err}
	}
	doc, err := readBounded(in)
	if err != nil {
		return err
	}
	if _, err := policyeval.Parse(doc, k); err != nil {
		return &InputError{Err: fmt.Errorf("invalid %s policy: %w", k, err)}
	}
	return nil
}

// readBounded reads all of in, refusing more than maxPolicyInput bytes.
func readBounded(in io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(in, maxPolicyInput+1))
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("read input: %w", err)}
	}
	if len(b) > maxPolicyInput {
		return nil, &InputError{Err: fmt.Errorf("input larger than %d bytes", maxPolicyInput)}
	}
	return b, nil
}
