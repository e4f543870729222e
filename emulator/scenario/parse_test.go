package scenario

import (
	"os"
	"testing"
)

func TestParseExample(t *testing.T) {
	b, _ := os.ReadFile("testdata/fargate-healthy.yaml")
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := s.JSON()
	t.Logf("%s", out)
}
