package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// fit truncates s to w cells (with "…") and pads it to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// clip truncates s to w cells without padding.
func clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// rule draws a pane header: "── title ─────" to width w, heavy when focused.
func rule(st Styles, title string, w int, focused bool) string {
	line, ls, ts := "─", st.Rule, st.Header
	if focused {
		line, ls, ts = "━", st.RuleFocused, st.HeaderFocused
	}
	title = clip(title, max(0, w-4))
	rest := max(0, w-3-ansi.StringWidth(title)-1)
	return ls.Render(line+line) + " " + ts.Render(title) + " " + ls.Render(strings.Repeat(line, rest))
}

// duration renders a duration compactly: "850µs", "12ms", "1.24s".
func duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// preview is the first bytes of a payload on one line, control characters
// and runs of whitespace squeezed to single spaces.
func preview(b []byte, n int) string {
	if len(b) > n*4 {
		b = b[:n*4]
	}
	var sb strings.Builder
	space := false
	for len(b) > 0 && sb.Len() < n*2 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r == utf8.RuneError && size == 1 {
			r = '·'
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			if !space && sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		sb.WriteRune(r)
	}
	return strings.TrimSpace(sb.String())
}

// maxDetailBytes caps each section of the detail view so a 6 MiB payload
// cannot stall rendering.
const maxDetailBytes = 64 << 10

// pretty indents JSON; anything else is returned as text, capped.
func pretty(b []byte) string {
	if len(b) == 0 {
		return "(empty)"
	}
	more := 0
	if len(b) > maxDetailBytes {
		more = len(b) - maxDetailBytes
	}
	var out bytes.Buffer
	if more == 0 && json.Valid(b) && json.Indent(&out, b, "", "  ") == nil {
		return out.String()
	}
	s := printable(strings.ToValidUTF8(string(b[:len(b)-more]), "·"))
	if more > 0 {
		s += fmt.Sprintf("\n… %d more bytes", more)
	}
	return s
}

// stackTrace renders a raw stack trace: a JSON array of lines, a JSON
// string, or anything else as sent.
func stackTrace(raw []byte) string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return ""
	}
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, "\n")
		}
		return strings.Join(lines, "\n")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimRight(s, "\n")
	}
	return pretty(raw)
}

// firstLine is the first non-empty line of s.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 1000 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// byteSize renders a byte count for a row: 512 B, 64.0 KiB, 20.0 MiB.
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// printable makes text a function produced safe to draw: escape sequences
// (a logger's colours, or worse: a clear-screen) are dropped, and other
// control characters but newline and tab (a streamed prelude's NULs, a
// binary body) become visible stand-ins, so nothing a handler writes can
// move the cursor or repaint the terminal under the workbench.
func printable(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case !unsafeRune(r):
			return r
		case r < 0x20:
			return 0x2400 + r // ␀ … ␟, Unicode's control pictures
		case r == 0x7f:
			return '␡'
		}
		return '·'
	}, ansi.Strip(s))
}

func unsafeRune(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }
