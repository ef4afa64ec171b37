package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestOneSaveIsOneBatch(t *testing.T) {
	root, at := tempRoot(t)
	write(t, at("fn/app.py"), "v1")
	w := start(t, root, Options{})
	write(t, at("fn/app.py"), "v2")
	b := expect(t, w, at("fn/app.py"))
	if b.At.IsZero() || b.Overflow {
		t.Errorf("batch = %+v", b)
	}
	sentinel(t, w, root, "after")
}

func TestEditorSaves(t *testing.T) {
	t.Run("vim backup and 4913 probe", func(t *testing.T) {
		root, at := tempRoot(t)
		app := at("app.py")
		write(t, app, "v1")
		w := start(t, root, Options{})
		write(t, at("4913"), "")
		must(t, os.Remove(at("4913")))
		must(t, os.Rename(app, app+"~"))
		write(t, app, "v2")
		must(t, os.Chmod(app, 0o600))
		must(t, os.Remove(app+"~"))
		expect(t, w, app)
		sentinel(t, w, root, "vim")
	})
	t.Run("write temp then rename over", func(t *testing.T) {
		root, at := tempRoot(t)
		app := at("lib/app.js")
		write(t, app, "v1")
		w := start(t, root, Options{})
		f, err := os.CreateTemp(at("lib"), ".app.js.")
		must(t, err)
		_, err = f.WriteString("v2")
		must(t, err)
		must(t, f.Close())
		must(t, os.Rename(f.Name(), app))
		write(t, at("lib/app.js.tmp"), "x") // a *.tmp sibling is ignored outright
		expect(t, w, app)
		sentinel(t, w, root, "rename")
	})
}

func TestBurstAcrossNewDirsIsOneBatch(t *testing.T) {
	root, at := tempRoot(t)
	w := start(t, root, Options{Quiet: 500 * time.Millisecond, MaxWait: guard})
	var want []string
	var wg sync.WaitGroup
	for d := range 20 { // like a git checkout: many writers, new directories
		for f := range 100 {
			want = append(want, at(fmt.Sprintf("pkg%02d/mod%03d.py", d, f)))
		}
		files := want[len(want)-100:]
		wg.Go(func() {
			for _, p := range files { // created, then written, in a directory made just now
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Error(err)
				}
				if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	expect(t, w, want...)
	if n := len(w.watchedDirs()); n != 21 {
		t.Errorf("watching %d dirs, want 21", n)
	}
	sentinel(t, w, root, "burst") // and nothing was left over for a second batch
}

func TestIgnoredDirsAreNotWatched(t *testing.T) {
	root, at := tempRoot(t)
	write(t, at("node_modules/old/index.js"), "x")
	write(t, at(".venv/lib/site.py"), "x")
	w := start(t, root, Options{Ignore: []string{"build", "docs/**/*.md"}})
	for i := range 100 {
		write(t, at(fmt.Sprintf("node_modules/pkg/f%d.js", i)), "x")
	}
	for _, rel := range []string{
		"node_modules/old/index.js", ".git/objects/ab/cd", "__pycache__/app.cpython-312.pyc",
		"venv/bin/activate", ".idea/workspace.xml", ".DS_Store", "app.py.swp", "app.py.swx",
		"app.py~", ".#app.py", "#app.py#", "x.tmp", "app.py___jb_tmp___", "app.py___jb_old___",
		"build/out.js", "docs/a/b/readme.md", ".mypy_cache/x", ".pytest_cache/y",
	} {
		write(t, at(rel), "x")
	}
	sentinel(t, w, root, "ignored")
	for _, d := range w.watchedDirs() {
		rel, _ := filepath.Rel(root, d)
		if rel != "." && rel != "docs" && rel != "docs/a" && rel != "docs/a/b" {
			t.Errorf("watching ignored dir %s", rel)
		}
	}
	write(t, at("docs/a/b/guide.txt"), "x") // the glob only ignores *.md
	expect(t, w, at("docs/a/b/guide.txt"))
}

func TestNewFolderIsWatched(t *testing.T) {
	root, at := tempRoot(t)
	w := start(t, root, Options{})
	must(t, os.MkdirAll(at("a/b/c"), 0o755))
	write(t, at("a/b/c/deep.py"), "x")
	expect(t, w, at("a/b/c/deep.py"))
	write(t, at("a/top.py"), "y")
	expect(t, w, at("a/top.py"))
	for _, d := range []string{"a", "a/b", "a/b/c"} {
		if !slices.Contains(w.watchedDirs(), at(d)) {
			t.Errorf("%s is not watched", d)
		}
	}
}

func TestRemovedFolderIsDropped(t *testing.T) {
	root, at := tempRoot(t)
	write(t, at("gone/sub/f.py"), "x")
	write(t, at("moved/g.py"), "x")
	w := start(t, root, Options{})
	must(t, os.RemoveAll(at("gone")))
	expect(t, w, at("gone"), at("gone/sub"), at("gone/sub/f.py"))
	for _, d := range w.watchedDirs() {
		if strings.Contains(d, "gone") {
			t.Errorf("still watching %s", d)
		}
	}
	noErrors(t, w)

	must(t, os.Rename(at("moved"), at("renamed")))
	expect(t, w, at("moved"), at("renamed/g.py")) // the old name went, its files came
	write(t, at("renamed/g.py"), "y")             // reported under the new name, not the stale one
	expect(t, w, at("renamed/g.py"))

	write(t, at("gone/again.py"), "x") // same name, new directory
	expect(t, w, at("gone/again.py"))
	noErrors(t, w)
}

func TestSymlinks(t *testing.T) {
	root, at := tempRoot(t)
	outside := t.TempDir()
	write(t, filepath.Join(outside, "shared/util.py"), "x")
	write(t, filepath.Join(outside, "settings.json"), "{}")
	write(t, at("lib/x.py"), "x")
	must(t, os.MkdirAll(at("fn"), 0o755))
	must(t, os.Symlink(filepath.Join(outside, "shared"), at("fn/shared")))
	must(t, os.Symlink(filepath.Join(outside, "settings.json"), at("fn/settings.json")))
	must(t, os.Symlink(at("lib"), at("fn/lib")))
	must(t, os.Symlink(root, at("lib/loop"))) // a cycle must not hang the walk
	w := start(t, root, Options{})

	write(t, filepath.Join(outside, "shared/util.py"), "y")
	expect(t, w, at("fn/shared/util.py"))
	write(t, filepath.Join(outside, "settings.json"), `{"a":1}`)
	expect(t, w, at("fn/settings.json"))
	write(t, at("lib/x.py"), "y")
	expect(t, w, at("lib/x.py"), at("fn/lib/x.py"), at("lib/loop/lib/x.py"))
	write(t, filepath.Join(outside, "shared/new/deep.py"), "x") // a new dir in a link target
	expect(t, w, at("fn/shared/new/deep.py"))

	must(t, os.Remove(at("fn/shared")))
	expect(t, w, at("fn/shared"), at("lib/loop/fn/shared")) // lib/loop aliases the root
	for _, d := range w.watchedDirs() {
		if strings.HasPrefix(d, filepath.Join(outside, "shared")) {
			t.Errorf("still watching %s after its link was removed", d)
		}
	}
	noErrors(t, w)
}

func TestPauseHoldsChangesUntilResume(t *testing.T) {
	root, at := tempRoot(t)
	held := make(chan struct{}, 8)
	w := start(t, root, Options{hook: func(step string) {
		if step == "held" {
			held <- struct{}{}
		}
	}})
	w.Pause()
	if !w.Paused() {
		t.Fatal("Paused() = false after Pause")
	}
	write(t, at("a.py"), "x")
	write(t, at("b.py"), "x")
	select {
	case <-held: // the batch was due while paused
	case <-time.After(guard):
		t.Fatal("batch never became due")
	}
	select {
	case b := <-w.Batches():
		t.Fatalf("batch while paused: %v", b.Paths)
	default:
	}
	w.Resume()
	if w.Paused() {
		t.Fatal("Paused() = true after Resume")
	}
	expect(t, w, at("a.py"), at("b.py"))
	sentinel(t, w, root, "resumed")
}

func TestMaxWaitFlushesEndlessBurst(t *testing.T) {
	root, at := tempRoot(t)
	w := start(t, root, Options{Quiet: guard, MaxWait: 50 * time.Millisecond})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // keeps writing, so the quiet period never elapses
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				_ = os.WriteFile(at("hot.py"), []byte(fmt.Sprint(i)), 0o644)
			}
		}
	}()
	b := next(t, w)
	close(stop)
	<-done
	if !slices.Equal(b.Paths, []string{at("hot.py")}) {
		t.Fatalf("paths = %q", b.Paths)
	}
}

func TestWatchLimitIsReportedAndRestKeepsWorking(t *testing.T) {
	root, at := tempRoot(t)
	for _, d := range []string{"a", "b", "c"} {
		write(t, at(d+"/f.py"), "x")
	}
	allowed := 1 // the root only
	wrap := func(add func(string) error) func(string) error {
		return func(p string) error {
			if allowed == 0 {
				return fmt.Errorf("add %s: %w", p, syscall.ENOSPC)
			}
			allowed--
			return add(p)
		}
	}
	w := start(t, root, Options{wrapAdd: wrap})
	var err error
	select {
	case err = <-w.Errors():
	case <-time.After(guard):
		t.Fatal("no limit error")
	}
	var le *LimitError
	if !errors.Is(err, ErrWatchLimit) || !errors.As(err, &le) || le.Skipped != 3 {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{"fs.inotify.max_user_watches", "sysctl", "3 directories"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	write(t, at("root.py"), "x")
	expect(t, w, at("root.py"))
}

func TestCloseClosesChannels(t *testing.T) {
	root, _ := tempRoot(t)
	w, err := New(root, Options{})
	must(t, err)
	must(t, w.Close())
	must(t, w.Close()) // idempotent
	if _, ok := <-w.Batches(); ok {
		t.Error("Batches open after Close")
	}
	if _, ok := <-w.Errors(); ok {
		t.Error("Errors open after Close")
	}
}

func TestNewRejectsMissingRoot(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "nope"), Options{}); err == nil {
		t.Fatal("New on a missing root succeeded")
	}
	f := filepath.Join(t.TempDir(), "file")
	write(t, f, "x")
	if _, err := New(f, Options{}); !errors.Is(err, errNotDir) {
		t.Fatalf("New on a file: %v", err)
	}
}
