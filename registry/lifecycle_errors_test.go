package registry

import (
	"errors"
	"strings"
	"testing"
)

// TestParseLifecyclePolicyAnswers checks that lifecycle's rejections reach
// the API as ECR's InvalidParameterException with the text unchanged.
func TestParseLifecyclePolicyAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, want string
	}{
		{"too short", "{}", "Invalid parameter at 'lifecyclePolicyText' failed to satisfy constraint: 'Member must have length greater than or equal to 100'"},
		{"not JSON", "x" + strings.Repeat(" ", 100), "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: Could not map policyString into LifecyclePolicy.'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseLifecyclePolicy(tc.text)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Type != "InvalidParameterException" || ae.Message != tc.want {
				t.Fatalf("got %v, want InvalidParameterException: %s", err, tc.want)
			}
		})
	}
}
