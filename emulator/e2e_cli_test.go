package emulator_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrlink/ecrlink/internal/ecrtest"
)

// TestE2ECLI runs scripts/e2e-cli.sh: a real `ecrlink serve` driven by the
// AWS CLI v2 and skopeo. Without those tools it skips, except in CI
// (CI=true), where a missing tool is a failure: CI installs them through
// scripts/test.sh.
func TestE2ECLI(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the AWS CLI + skopeo end-to-end script")
	}
	var missing []string
	if ecrtest.AWSCLIv2() == "" {
		missing = append(missing, "the AWS CLI v2")
	}
	for _, tool := range []string{"skopeo", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		msg := "missing " + strings.Join(missing, ", ") + "; run scripts/install-deps.sh"
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal(msg + " (CI=true: not skipping)")
		}
		t.Skip(msg)
	}

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "e2e-cli.sh"))
	cmd.Dir = root
	cmd.Stdout = t.Output()
	cmd.Stderr = t.Output()
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/e2e-cli.sh: %v (its output is above)", err)
	}
}
