package deploy

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// writeTree creates files (slash paths → contents) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func pyProject(t *testing.T, files map[string]string) (*config.Project, *config.Function) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	f := &config.Function{Name: "api", Handler: "src/app.handler", Runtime: "python3.12",
		Kind: config.FamilyPython, Architecture: config.ArchX86}
	return &config.Project{Dir: dir, App: "demo", Stage: "test", Functions: []*config.Function{f}}, f
}

func zipNames(t *testing.T, a *Artifact) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(a.Zip), int64(len(a.Zip)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

func mustPackage(t *testing.T, p *config.Project, f *config.Function) *Artifact {
	t.Helper()
	a, err := Package(p, f, PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPackageDeterministic(t *testing.T) {
	p, f := pyProject(t, map[string]string{
		"src/app.py": "def handler(e, c):\n    return 1\n", "src/lib/util.py": "X = 1\n",
	})
	a1, a2 := mustPackage(t, p, f), mustPackage(t, p, f)
	if !bytes.Equal(a1.Zip, a2.Zip) || a1.Sha256 != a2.Sha256 {
		t.Fatal("two packages of the same tree differ")
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(p.Dir, "src/app.py"), later, later); err != nil {
		t.Fatal(err)
	}
	if a3 := mustPackage(t, p, f); a3.Sha256 != a1.Sha256 {
		t.Fatal("touching a file changed the package")
	}
	writeTree(t, p.Dir, map[string]string{"src/app.py": "def handler(e, c):\n    return 2\n"})
	if a4 := mustPackage(t, p, f); a4.Sha256 == a1.Sha256 {
		t.Fatal("content change did not change the package")
	}
	if a1.Files != 2 || a1.UnzippedSize == 0 {
		t.Fatalf("files=%d size=%d", a1.Files, a1.UnzippedSize)
	}
}

func TestPackageZipHeaders(t *testing.T) {
	p, f := pyProject(t, map[string]string{"src/app.py": "x", "src/run.sh": "#!/bin/sh\n"})
	if err := os.Chmod(filepath.Join(p.Dir, "src/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	a := mustPackage(t, p, f)
	zr, _ := zip.NewReader(bytes.NewReader(a.Zip), int64(len(a.Zip)))
	want := map[string]os.FileMode{"app.py": 0o644, "run.sh": 0o755}
	for _, zf := range zr.File {
		if got := zf.Mode().Perm(); got != want[zf.Name] {
			t.Errorf("%s mode %v, want %v", zf.Name, got, want[zf.Name])
		}
		if !zf.Modified.Equal(zipEpoch) {
			t.Errorf("%s modified %v", zf.Name, zf.Modified)
		}
	}
}

func TestPackageIgnore(t *testing.T) {
	p, f := pyProject(t, map[string]string{
		"src/app.py": "x", "src/__pycache__/app.cpython-312.pyc": "x", "src/old.pyc": "x",
		"src/.venv/bin/python": "x", "src/.git/HEAD": "x", "src/tests/test_app.py": "x",
		"src/data/big.bin": "x", "src/data/keep.json": "x", "src/node_modules/.cache/x": "x",
		"src/node_modules/dep/index.js": "x", "src/deep/a/b/notes.md": "x",
	})
	f.Ignore = []string{"src/tests", "data/*.bin", "**/*.md"}
	got := zipNames(t, mustPackage(t, p, f))
	want := []string{"app.py", "data/keep.json", "node_modules/dep/index.js"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("entries %v, want %v", got, want)
	}
	if !sort.StringsAreSorted(got) {
		t.Fatalf("entries not sorted: %v", got)
	}
}

func TestPackageSymlinks(t *testing.T) {
	p, f := pyProject(t, map[string]string{"src/app.py": "x", "shared/lib.py": "y"})
	if err := os.Symlink(filepath.Join(p.Dir, "shared"), filepath.Join(p.Dir, "src/shared")); err != nil {
		t.Fatal(err)
	}
	got := zipNames(t, mustPackage(t, p, f))
	if strings.Join(got, ",") != "app.py,shared/lib.py" {
		t.Fatalf("inside symlink not followed: %v", got)
	}
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret.py": "z"})
	if err := os.Symlink(filepath.Join(outside, "secret.py"), filepath.Join(p.Dir, "src/secret.py")); err != nil {
		t.Fatal(err)
	}
	_, err := Package(p, f, PackageOptions{})
	if err == nil || !strings.Contains(err.Error(), "outside the project directory") {
		t.Fatalf("symlink outside the project: err = %v", err)
	}
}

func TestPackageSizeLimits(t *testing.T) {
	p, f := pyProject(t, map[string]string{"src/app.py": strings.Repeat("a", 4096)})
	_, err := Package(p, f, PackageOptions{MaxUnzipped: 1000})
	var se *SizeError
	if !errors.As(err, &se) || !se.Unzipped || !errors.Is(err, ErrTooLarge) || Hint(err) == "" {
		t.Fatalf("unzipped limit: err = %v", err)
	}
	_, err = Package(p, f, PackageOptions{MaxZipped: 10})
	if !errors.As(err, &se) || se.Unzipped || se.Limit != 10 {
		t.Fatalf("zipped limit: err = %v", err)
	}
}

func TestPackageProvided(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"bin/run": "#!/bin/sh\n", "bin/data.txt": "d"})
	f := &config.Function{Name: "sh", Handler: "bin/run", Runtime: "provided.al2023", Kind: config.FamilyProvided}
	p := &config.Project{Dir: dir, App: "demo", Stage: "test", Functions: []*config.Function{f}}
	a := mustPackage(t, p, f)
	zr, _ := zip.NewReader(bytes.NewReader(a.Zip), int64(len(a.Zip)))
	if len(zr.File) != 2 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Fatalf("provided zip: %v", zipNames(t, a))
	}
}

func TestMatchGlob(t *testing.T) {
	cases := []struct {
		glob, name string
		want       bool
	}{
		{"*.pyc", "a/b/c.pyc", true},
		{".venv", "src/.venv/bin/python", true},
		{"src/tests", "src/tests/x.py", true},
		{"src/tests", "tests/x.py", false},
		{"**/*.md", "a/b/c.md", true},
		{"**/*.md", "c.md", true},
		{"node_modules/.cache", "node_modules/.cache/x/y", true},
		{"node_modules/.cache", "node_modules/dep/x", false},
		{"./dist/", "dist/a.js", true},
	}
	for _, c := range cases {
		if got := matchGlob(c.glob, c.name); got != c.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", c.glob, c.name, got, c.want)
		}
	}
}
