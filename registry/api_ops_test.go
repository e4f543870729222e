package registry

import (
	"testing"

	"github.com/ecrlink/ecrlink/reqinfo"
)

// TestServedOperationsAreClassified: every operation the API serves is one
// reqinfo classifies, so each is authorized as the action the journal and
// explain will name.
func TestServedOperationsAreClassified(t *testing.T) {
	t.Parallel()
	for name := range operations {
		if c := reqinfo.ClassifyAPI(reqinfo.TargetPrefix + name); c.Operation != name || c.Action != "ecr:"+name {
			t.Errorf("served operation %s is classified as %+v", name, c)
		}
	}
}
