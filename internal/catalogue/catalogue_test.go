package catalogue

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseHeader(t *testing.T) {
	t.Parallel()
	const good = "# symptom: A2: text\n# image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1\n" +
		"# reproduce: docker pull 127.0.0.1:5000/app:1\n# expect: fail at auth\n#\n# what: not a header line\naccount: \"111122223333\"\n"
	tests := []struct {
		name, doc, err string
		want           Header
	}{
		{name: "good", doc: good, want: Header{Symptom: "A2: text", Image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1",
			Reproduce: []string{"docker pull 127.0.0.1:5000/app:1"}, Step: "auth", Action: "pull", Seed: true}},
		{name: "action and seed", doc: strings.Replace(good, "#\n", "# action: push\n# seed: no\n#\n", 1), want: Header{Symptom: "A2: text",
			Image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1", Reproduce: []string{"docker pull 127.0.0.1:5000/app:1"}, Step: "auth", Action: "push"}},
		{name: "no header", doc: "account: \"111122223333\"\n", err: `no "symptom" line`},
		{name: "no expect", doc: strings.Replace(good, "# expect: fail at auth\n", "", 1), err: `no "expect" line`},
		{name: "expect typo", doc: strings.Replace(good, "# expect:", "# expct:", 1), err: `no "expect" line`},
		{name: "unknown step", doc: strings.Replace(good, "fail at auth", "fail at pull", 1), err: `expect "fail at pull"`},
		{name: "expect words", doc: strings.Replace(good, "fail at auth", "fails", 1), err: `expect "fails"`},
		{name: "bad image", doc: strings.Replace(good, "/app:1", "/App::1", 1), err: "image"},
		{name: "empty symptom", doc: strings.Replace(good, "A2: text", "", 1), err: `"symptom" is empty`},
		{name: "twice", doc: strings.Replace(good, "# expect: fail at auth\n", "# expect: pass\n# expect: fail at auth\n", 1), err: "given twice"},
		{name: "bad action", doc: strings.Replace(good, "#\n", "# action: explain\n#\n", 1), err: `action "explain"`},
		{name: "bad seed", doc: strings.Replace(good, "#\n", "# seed: yes\n#\n", 1), err: `seed "yes"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHeader([]byte(tc.doc))
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("err %v, want %q", err, tc.err)
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err == "" && fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want):
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
