package scenario

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse: Parse never panics, every failure is an Errors value, and
// whatever it accepts marshals and parses back to an equal value. The seeds
// are whole scenarios, which the fuzzer is slow to minimise: run it with
// -fuzzminimizetime 0s to keep it executing.
func FuzzParse(f *testing.F) {
	for _, doc := range examples(f) {
		f.Add(doc)
	}
	f.Add([]byte(base))
	f.Add([]byte(base + "registryPolicy: '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:*\",\"Condition\":{\"NumericLessThan\":{\"n\":1e5}}}]}'\n"))
	f.Add([]byte(base + "x: &a [1]\ny: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %T %v is not a non-empty Errors", err, err)
			}
			return
		}
		out, err := s.JSON()
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(JSON(s)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("round trip differs:\n%s", out)
		}
	})
}
