package watch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// guard bounds every wait; it is a failure timeout, never synchronisation.
const guard = 10 * time.Second

// start watches root with opts and closes the watcher when the test ends.
func start(t testing.TB, root string, opts Options) *Watcher {
	t.Helper()
	w, err := New(root, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

// next waits for the next batch.
func next(t testing.TB, w *Watcher) Batch {
	t.Helper()
	select {
	case b, ok := <-w.Batches():
		if !ok {
			t.Fatal("Batches closed")
		}
		return b
	case err := <-w.Errors():
		t.Fatalf("unexpected error: %v", err)
	case <-time.After(guard):
		t.Fatal("no batch within the guard timeout")
	}
	return Batch{}
}

// expect waits for the next batch and checks its paths exactly.
func expect(t testing.TB, w *Watcher, want ...string) Batch {
	t.Helper()
	b := next(t, w)
	slices.Sort(want)
	if !slices.Equal(b.Paths, want) {
		t.Fatalf("batch paths:\n got %q\nwant %q", b.Paths, want)
	}
	return b
}

// sentinel writes root/sentinel-<name> and expects a batch with only it,
// proving nothing else was pending before it.
func sentinel(t testing.TB, w *Watcher, root, name string) {
	t.Helper()
	p := filepath.Join(root, "sentinel-"+name)
	write(t, p, "s")
	expect(t, w, p)
}

// write creates or truncates path (and its parents) with content.
func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// noErrors fails if an error is waiting on Errors.
func noErrors(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case err := <-w.Errors():
		t.Fatalf("unexpected error: %v", err)
	default:
	}
}

// tempRoot is a project root with symlinks resolved, plus a helper joining
// slash paths under it.
func tempRoot(t testing.TB) (string, func(string) string) {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return root, func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
}
