package watch

import (
	"errors"
	"fmt"
	"syscall"
)

// ErrWatchLimit is matched (errors.Is) by a LimitError: the OS refused more
// watches, so part of the project is not watched.
var ErrWatchLimit = errors.New("file watch limit reached")

// LimitError reports that the OS watch limit stopped the watcher from
// watching Dir (and Skipped directories in all so far). What is already
// watched keeps working.
type LimitError struct {
	// Dir is the first directory that could not be watched.
	Dir string
	// Skipped counts the directories left unwatched when the error was sent.
	Skipped int
	// Err is the OS error (ENOSPC from inotify, EMFILE from kqueue).
	Err error
}

// Error names the limit and how to raise it.
func (e *LimitError) Error() string {
	return fmt.Sprintf("watch %s: %v (%d director%s not watched): %s",
		e.Dir, e.Err, e.Skipped, plural(e.Skipped, "y", "ies"), e.Hint())
}

// Hint says how to raise the limit.
func (e *LimitError) Hint() string {
	if errors.Is(e.Err, syscall.EMFILE) {
		return "too many open files; raise the limit with `ulimit -n 65536`, " +
			"or on Linux the inotify instance limit with " +
			"`sudo sysctl fs.inotify.max_user_instances=1024`"
	}
	return "the inotify watch limit fs.inotify.max_user_watches is exhausted; raise it with " +
		"`sudo sysctl fs.inotify.max_user_watches=524288` (persist it in " +
		"/etc/sysctl.d/99-lambdev.conf), or add ignore globs for large folders"
}

// Unwrap returns ErrWatchLimit and the OS error.
func (e *LimitError) Unwrap() []error { return []error{ErrWatchLimit, e.Err} }

// isLimit reports whether err is the OS refusing more watches or descriptors.
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
