package policyeval

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStdlibOnly keeps policyeval standard-library only (DESIGN.md): every
// dependency is a standard package or policyeval itself.
func TestStdlibOnly(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg != "github.com/ecrlink/ecrlink/policyeval" && !strings.HasPrefix(pkg, "github.com/ecrlink/ecrlink/policyeval/") {
			t.Errorf("policyeval depends on %s, which is not in the standard library", pkg)
		}
	}
}
