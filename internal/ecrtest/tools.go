package ecrtest

import (
	"os/exec"
	"strings"
)

// AWSCLIv2 is the path of an AWS CLI v2 by scripts/install-deps.sh's
// rule, `aws` on PATH if it is v2, else Debian's /usr/bin/aws; "" if
// neither is (a pip-installed v1 on PATH is common).
func AWSCLIv2() string {
	candidates := []string{"/usr/bin/aws"}
	if p, err := exec.LookPath("aws"); err == nil {
		candidates = append([]string{p}, candidates...)
	}
	for _, c := range candidates {
		out, err := exec.Command(c, "--version").CombinedOutput()
		if err == nil && strings.HasPrefix(string(out), "aws-cli/2") {
			return c
		}
	}
	return ""
}
