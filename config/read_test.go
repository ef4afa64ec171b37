package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadWithin loads path, failing the test if Load does not return within
// a few seconds (reading a device or opening a FIFO used to block forever).
func loadWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(path, LoadOptions{Getenv: mapEnv(nil), Now: testNow})
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Load(%s) still running after 5s", path)
		return nil
	}
}

// wantReadError checks that err is one position-less problem containing msg, with a hint.
func wantReadError(t *testing.T, err error, path, msg string) {
	t.Helper()
	var errs *Errors
	if !errors.As(err, &errs) || len(errs.List) != 1 {
		t.Fatalf("Load(%s) = %v; want one problem", path, err)
	}
	e := errs.List[0]
	if e.File != path || !strings.Contains(e.Msg, msg) || e.Hint == "" {
		t.Errorf("Load(%s) = %q (hint %q); want %q with a hint", path, e.Msg, e.Hint, msg)
	}
}

func TestLoadRefusesSpecialAndHugeFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	big := fn + "# " + strings.Repeat("x", MaxFileSize) + "\n"
	must(t, os.WriteFile(huge, []byte(big), 0o644))
	cases := []struct{ name, path, msg string }{
		{"directory", dir, "it is a directory, not a regular file"},
		{"over 1 MiB", huge, fmt.Sprintf("project file is %d bytes; lambdev reads at most 1048576 bytes (1 MiB)", len(big))},
	}
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err == nil {
			cases = append(cases, struct{ name, path, msg string }{dev, dev, "it is a character device, not a regular file"})
			link := filepath.Join(dir, filepath.Base(dev)+".yaml")
			must(t, os.Symlink(dev, link))
			cases = append(cases, struct{ name, path, msg string }{"symlink to " + dev, link, "it is a character device"})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantReadError(t, loadWithin(t, tc.path), tc.path, tc.msg)
		})
	}
}

func TestLoadFollowsSymlinkToRegularFile(t *testing.T) {
	file := writeProject(t, fn, "app.py")
	link := filepath.Join(filepath.Dir(file), "link.yaml")
	must(t, os.Symlink(DefaultFile, link))
	if err := loadWithin(t, link); err != nil {
		t.Fatalf("Load via symlink: %v", err)
	}
}
