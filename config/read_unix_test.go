//go:build unix

package config

import (
	"path/filepath"
	"syscall"
	"testing"
)

func TestLoadRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "lambdev.yaml")
	must(t, syscall.Mkfifo(fifo, 0o644))
	wantReadError(t, loadWithin(t, fifo), fifo, "it is a named pipe (FIFO), not a regular file")
}
