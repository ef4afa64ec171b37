package main

import (
	"fmt"
	"strings"
)

// section is one part of the report: a heading, then tables and notes.
type section struct {
	title string
	body  strings.Builder
}

// table appends a Markdown table.
func (s *section) table(header []string, rows [][]string) {
	s.body.WriteString("| " + strings.Join(header, " | ") + " |\n")
	s.body.WriteString("|" + strings.Repeat("---|", len(header)) + "\n")
	for _, r := range rows {
		s.body.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	s.body.WriteString("\n")
}

// note appends a paragraph.
func (s *section) note(format string, args ...any) {
	fmt.Fprintf(&s.body, format+"\n\n", args...)
}

// verdict is a target from the engine issue and how this run did against it.
type verdict struct {
	Goal, Measured, Status, Why string
}

// Verdict statuses.
const (
	met         = "met"
	missed      = "MISSED"
	notMeasured = "not measured"
)

// report collects the whole run.
type report struct {
	header   []string
	sections []*section
	verdicts []verdict
}

// add starts a new section.
func (r *report) add(title string) *section {
	s := &section{title: title}
	r.sections = append(r.sections, s)
	return s
}

// judge records a verdict; ok decides met or missed unless why is set with
// nothing measured.
func (r *report) judge(goal, measured string, ok bool, why string) {
	st := missed
	if ok {
		st = met
	}
	if measured == "" || measured == "—" {
		st, measured = notMeasured, "—"
	}
	r.verdicts = append(r.verdicts, verdict{Goal: goal, Measured: measured, Status: st, Why: why})
}

// markdown renders the report.
func (r *report) markdown() string {
	var b strings.Builder
	b.WriteString("# lambdev benchmarks\n\n")
	b.WriteString("Written by `go run ./bench` (see `go run ./bench -h`). Every figure is the median of\n" +
		"repeated rounds with (min–max); the peers of a comparison were measured in the same run,\n" +
		"interleaved round-robin, with the same keep-alive Go HTTP client.\n\n")
	for _, h := range r.header {
		b.WriteString("- " + h + "\n")
	}
	b.WriteString("\n")
	if len(r.verdicts) > 0 {
		b.WriteString("## Targets\n\n")
		t := &section{}
		var rows [][]string
		for _, v := range r.verdicts {
			rows = append(rows, []string{v.Goal, v.Measured, v.Status, v.Why})
		}
		t.table([]string{"target", "measured", "status", "why / note"}, rows)
		b.WriteString(t.body.String())
		b.WriteString("The absolute targets come from the engine issue and assume a quiet machine; compare them with " +
			"the load averages above and in each section, and with the loopback floor measured in the same rounds. " +
			"The \"beats\" rows compare peers measured side by side, round by round, so both sides shared the same load.\n\n")
	}
	for _, s := range r.sections {
		b.WriteString("## " + s.title + "\n\n")
		b.WriteString(s.body.String())
	}
	return b.String()
}
