package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a project file, at a position.
type Error struct {
	// File is the project file path as passed to Load.
	File string
	// Line and Col are 1-based; zero when the problem has no position
	// (for example a --stage value or an unreadable file).
	Line, Col int
	// Msg says what is wrong; Hint, when set, says what to do about it.
	Msg, Hint string
	// Warning is true for problems that do not fail Load.
	Warning bool
	// Err is the underlying cause, if any (for example an fs error).
	Err error
}

// Error formats the problem as "file:line:col: message" plus an indented hint line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("\n    hint: ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found in one project file, sorted by position.
type Errors struct {
	// File is the project file path as passed to Load.
	File string
	// List holds errors and warnings in file order.
	List []*Error
}

// Error prints one problem per line (hints on their own indented lines).
func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, x := range e.List {
		lines[i] = x.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes every problem to errors.Is and errors.As.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, x := range e.List {
		out[i] = x
	}
	return out
}

// HasErrors reports whether any problem is not a warning.
func (e *Errors) HasErrors() bool {
	for _, x := range e.List {
		if !x.Warning {
			return true
		}
	}
	return false
}

// Warnings returns the problems that are warnings.
func (e *Errors) Warnings() []*Error {
	var out []*Error
	for _, x := range e.List {
		if x.Warning {
			out = append(out, x)
		}
	}
	return out
}

// sort orders problems by position; position-less ones come first.
func (e *Errors) sort() {
	sort.SliceStable(e.List, func(i, j int) bool {
		a, b := e.List[i], e.List[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
