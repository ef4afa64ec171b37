package drift

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// sparse creates a file of size bytes whose first len(head) bytes are head;
// the rest is a hole, so large fixtures cost no disk or time.
func sparse(t *testing.T, path string, head []byte, size int64) {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.Write(head); err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func TestPackageSize(t *testing.T) {
	random := make([]byte, 64<<10)
	if _, err := rand.Read(random); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		head []byte
		size int64
		want bool
		subs []string
	}{
		{"small", nil, 10 << 20, false, nil},
		{"big but compressible", nil, 60 << 20, false, nil},
		{"big and incompressible", random, 60 << 20, true, []string{"estimate", "60.0 MB unzipped", "50 MB zipped"}},
		{"over unzipped limit", nil, 251 << 20, true, []string{"251.0 MB unzipped", "250 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sparse(t, filepath.Join(dir, "blob.bin"), tt.head, tt.size)
			f := fn("f", "python3.12", "x86_64")
			ws := only(Check(Input{Project: project(dir, f), Mode: ModeDeploy}), RulePackageSize)
			if !tt.want {
				wantNone(t, ws)
				return
			}
			wantOne(t, ws, SeverityError, tt.subs...)
		})
	}
}

func TestScanLimits(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a", "b", "c", "d"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("data"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	lim := defaultLimits
	lim.maxFiles = 2
	sc := scanDir(dir, lim)
	if !sc.truncated || len(sc.files) != 2 || sc.total != 8 {
		t.Errorf("capped scan = truncated %v, %d files, %d bytes", sc.truncated, len(sc.files), sc.total)
	}
	sc = scanDir(dir, defaultLimits)
	if sc.truncated || len(sc.files) != 4 {
		t.Errorf("full scan = truncated %v, %d files (symlinks must be skipped)", sc.truncated, len(sc.files))
	}
	if sc := scanDir(filepath.Join(dir, "missing"), defaultLimits); len(sc.files) != 0 {
		t.Error("missing dir should scan empty")
	}
}

func TestCompareVersion(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2.34", "2.26", 1}, {"2.9", "2.26", -1}, {"2.2.5", "2.2", 1}, {"2.34", "2.34", 0},
	}
	for _, tt := range tests {
		if got := compareVersion(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersion(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	for name, ok := range map[string]bool{"GLIBC_2.34": true, "GLIBC_PRIVATE": false, "GLIBCXX_3.4.29": false, "GCC_3.0": false} {
		if _, got := glibcVersion(name); got != ok {
			t.Errorf("glibcVersion(%s) ok = %v", name, got)
		}
	}
}

func TestDetectHost(t *testing.T) {
	h := DetectHost()
	if h.Arch != LambdaArch(runtime.GOARCH) || h.OS != runtime.GOOS {
		t.Errorf("DetectHost = %+v", h)
	}
	if runtime.GOOS != "linux" {
		return
	}
	if ldd := lddVersion(); ldd != "" && h.Glibc != ldd {
		t.Errorf("glibc from libc.so.6 = %q, ldd says %q", h.Glibc, ldd)
	}
	if h.Glibc == "" && os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
		t.Error("no glibc detected on linux")
	}
}
