package emulator

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ecrlink/ecrlink/emulator/netmodel"
)

// textWidth is the terminal width the text output fits.
const textWidth = 100

// ANSI colours, used only when the caller says the output is a terminal
// that wants them (cmd/ecrlink: a terminal, and no NO_COLOR).
const (
	colRed   = "\x1b[31m"
	colGreen = "\x1b[32m"
	colBold  = "\x1b[1m"
	colReset = "\x1b[0m"
)

// WriteText writes e for a person: one line per hop, the failing one
// marked, then the failing hop's detail, the verdict, the platform's
// error text and the fix, every line within 100 columns.
func (e *Explanation) WriteText(w io.Writer, color bool) error {
	var b strings.Builder
	paint := func(col, s string) string {
		if !color {
			return s
		}
		return col + s + colReset
	}
	verb := "pull"
	if e.push {
		verb = "push"
	}
	who := e.Client.Kind
	if e.Client.PlatformVersion != "" {
		who += " " + e.Client.PlatformVersion
	}
	line(&b, "", verb+" "+e.image+" as "+who+" from "+e.Client.IP)
	for _, h := range e.Hops {
		mark, summary := paint(colGreen, "ok  "), hopSummary(h)
		if h.Outcome != "allowed" {
			mark = paint(colRed+colBold, "FAIL")
		}
		line(&b, "             ", fmt.Sprintf("%s %-8s %s  %s", mark, h.Step, h.Host, summary))
	}
	if e.Passed() {
		line(&b, "", "verdict: "+paint(colGreen, "pass"))
		for _, a := range e.Assumed {
			line(&b, "  ", "assumed: "+a)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	f := e.Hops[len(e.Hops)-1]
	line(&b, "  ", "")
	line(&b, "           ", "resolved:  "+f.Resolution)
	line(&b, "           ", "route:     "+f.Route.Via+routeDetail(f.Route))
	for _, p := range f.Policies {
		line(&b, "           ", "policy:    "+policyLine(p))
	}
	line(&b, "           ", "verdict:   "+paint(colRed+colBold, "fail at "+*e.FailedStep))
	line(&b, "           ", "error:     "+*e.Error)
	if p := e.PlatformError; p != nil {
		tag := p.ID
		if p.Inferred {
			tag += ", inferred"
		}
		line(&b, "           ", "platform:  ("+tag+") "+p.Text)
	}
	if e.Fix != nil {
		for i, words := range strings.Split(*e.Fix, "\n") {
			label := "fix:       "
			if i > 0 {
				label = "and:       "
			}
			line(&b, "           ", label+words)
		}
		if !e.fixPasses {
			line(&b, "           ", "           (the changes above do not make the walk pass on their own)")
		}
	}
	for _, a := range e.Assumed {
		line(&b, "           ", "assumed:   "+a)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// hopSummary is a hop's route and outcome in a few words.
func hopSummary(h ExplainHop) string {
	switch h.Outcome {
	case "held":
		return "no route: i/o timeout"
	case "nxdomain":
		return "no such host"
	case "denied":
		return "denied"
	}
	s := h.Route.Via
	if h.Route.Endpoint != "" {
		s += " " + h.Route.Endpoint
	}
	return s
}

func routeDetail(r ExplainRoute) string {
	s := ""
	if r.Endpoint != "" {
		s = " " + r.Endpoint
	}
	if r.Reason != "" {
		s += ": " + r.Reason
	}
	return s
}

func policyLine(p netmodel.PolicyTrace) string {
	s := p.Type + " " + p.ID + ": " + p.Decision
	if p.Sid != "" {
		s += " by " + p.Sid
	} else if p.Statement >= 0 {
		s += fmt.Sprintf(" by statement %d", p.Statement)
	}
	return s
}

// line writes s wrapped at textWidth, continuation lines indented.
func line(b *strings.Builder, indent, s string) {
	width := textWidth
	for visibleLen(s) > width {
		cut := breakAt(s, width)
		b.WriteString(strings.TrimRight(s[:cut], " "))
		b.WriteByte('\n')
		s = indent + strings.TrimLeft(s[cut:], " ")
	}
	b.WriteString(s)
	b.WriteByte('\n')
}

// visibleLen is the columns s takes: runes, not counting colour escapes.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			i += escapeLen(s[i:])
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// escapeLen is the length of the colour escape at the start of s.
func escapeLen(s string) int {
	if end := strings.IndexByte(s, 'm'); end >= 0 {
		return end + 1
	}
	return len(s)
}

// breakAt is the byte index to break s at so that the first part fits
// width columns: after the last space that fits, else at width.
func breakAt(s string, width int) int {
	cols, lastSpace, i := 0, -1, 0
	for i < len(s) {
		if s[i] == 0x1b {
			i += escapeLen(s[i:])
			continue
		}
		if cols == width {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == ' ' && cols > 0 {
			lastSpace = i
		}
		i += size
		cols++
	}
	if lastSpace > width/3 {
		return lastSpace
	}
	return i
}
