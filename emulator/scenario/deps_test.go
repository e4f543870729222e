package scenario

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the package pure (DESIGN.md: emulator/scenario does no
// I/O): beside the standard library it may import only the YAML parser and
// ecrlink's own name and policy packages.
func TestImports(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	allowed := []string{"github.com/goccy/go-yaml", "github.com/ecrlink/ecrlink/policyeval", "github.com/ecrlink/ecrlink/awsname"}
	for _, imp := range strings.Fields(string(out)) {
		if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
			continue // standard library
		}
		ok := false
		for _, a := range allowed {
			ok = ok || imp == a || strings.HasPrefix(imp, a+"/")
		}
		if !ok {
			t.Errorf("emulator/scenario imports %s", imp)
		}
	}
	for _, banned := range []string{"os", "net", "net/http", "io/fs"} {
		if strings.Contains("\n"+string(out)+"\n", "\n"+banned+"\n") {
			t.Errorf("emulator/scenario imports %s: it must not do I/O", banned)
		}
	}
}
