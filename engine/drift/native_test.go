package drift

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// C sources whose shared objects need a known GLIBC version on glibc ≥ 2.36
// (objdump -T libc.so.6: pthread_detach@GLIBC_2.34, open_tree@GLIBC_2.36).
const (
	src234  = "#include <pthread.h>\nint f(pthread_t t) { return pthread_detach(t); }\n"
	src236  = "extern int open_tree(int, const char *, unsigned int);\nint g(void) { return open_tree(0, \"\", 0); }\n"
	srcMain = "int main(void) { return 0; }\n" // __libc_start_main@GLIBC_2.34
	srcPure = "int h(int x) { return x + 1; }\n"
)

// needGCC skips without gcc unless LAMBDEV_REQUIRE_ALL=1.
func needGCC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
			t.Fatal("gcc not found and LAMBDEV_REQUIRE_ALL=1")
		}
		t.Skip("gcc not found")
	}
	if h := DetectHost(); h.Arch != "x86_64" || compareVersion(h.Glibc, "2.36") < 0 {
		t.Skipf("fixtures assume an x86_64 glibc ≥ 2.36 host, have %+v", h)
	}
}

// gcc compiles src into dir/rel; shared builds a .so, otherwise an executable.
func gcc(t *testing.T, dir, rel, src string, shared bool) string {
	t.Helper()
	out := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(t.TempDir(), "src.c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-o", out, c}
	if shared {
		args = append([]string{"-shared", "-fPIC"}, args...)
	}
	if b, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", rel, err, b)
	}
	return out
}

// setMachine rewrites e_machine, turning an x86_64 ELF into another arch's
// (enough for debug/elf; the file is never executed).
func setMachine(t *testing.T, path string, m elf.Machine) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint16(b[18:], uint16(m))
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

func nativeWarnings(t *testing.T, dir, runtime, arch, rule string) []Warning {
	t.Helper()
	f := fn("f", runtime, arch)
	return only(Check(Input{Project: project(dir, f), Mode: ModeDeploy}), rule)
}

func TestNativeGlibc234(t *testing.T) {
	needGCC(t)
	dir := t.TempDir()
	gcc(t, dir, "libfoo.so", src234, true)
	w := wantOne(t, nativeWarnings(t, dir, "python3.11", "x86_64", RuleNativeGlibc), SeverityError,
		"libfoo.so needs pthread_detach@GLIBC_2.34 (AL2 has 2.26)", "Amazon Linux 2", "manylinux2014_x86_64")
	if w.File != "libfoo.so" {
		t.Errorf("File = %q", w.File)
	}
	wantNone(t, nativeWarnings(t, dir, "python3.12", "x86_64", RuleNativeGlibc))
}

func TestNativeGlibcNewerThanAL2023(t *testing.T) {
	needGCC(t)
	dir := t.TempDir()
	gcc(t, dir, "python/lib/python3.12/site-packages/pkg/_x.cpython-312-x86_64-linux-gnu.so", src236, true)
	for _, rt := range []string{"python3.11", "python3.12"} {
		wantOne(t, nativeWarnings(t, dir, rt, "x86_64", RuleNativeGlibc), SeverityError, "open_tree@GLIBC_2.36")
	}
}

func TestNativeGlibcExecutablesAndVendoredDirs(t *testing.T) {
	needGCC(t)
	dir := t.TempDir()
	gcc(t, dir, "bootstrap", srcMain, false)
	gcc(t, dir, "node_modules/foo/build/Release/foo.node", src234, true)
	gcc(t, dir, ".git/objects/ignored.so", src236, true)
	gcc(t, dir, "libpure.so", srcPure, true) // only GLIBC_2.2.5 (__cxa_finalize)
	ws := nativeWarnings(t, dir, "provided.al2", "x86_64", RuleNativeGlibc)
	var files []string
	for _, w := range ws {
		files = append(files, w.File)
	}
	if got := strings.Join(files, ","); got != "bootstrap,node_modules/foo/build/Release/foo.node" {
		t.Errorf("flagged %s", got)
	}
	if !strings.Contains(ws[0].Dev, "__libc_start_main@GLIBC_2.34") {
		t.Errorf("bootstrap fact: %s", ws[0].Dev)
	}
	wantNone(t, nativeWarnings(t, dir, "provided.al2023", "x86_64", RuleNativeGlibc))
}

func TestNativeArch(t *testing.T) {
	needGCC(t)
	dir := t.TempDir()
	arm := gcc(t, dir, "lib/libarm.so", src234, true)
	setMachine(t, arm, elf.EM_AARCH64)
	gcc(t, dir, "lib/libx86.so", srcPure, true)
	w := wantOne(t, nativeWarnings(t, dir, "python3.12", "x86_64", RuleNativeArch), SeverityError, "lib/libarm.so is built for arm64")
	if w.File != "lib/libarm.so" {
		t.Errorf("File = %q", w.File)
	}
	// On an arm64 function the x86_64 library is the foreign one.
	wantOne(t, nativeWarnings(t, dir, "python3.12", "arm64", RuleNativeArch), SeverityError, "lib/libx86.so is built for x86_64")
	// A wrong-arch file is not also judged on glibc: it never loads.
	wantNone(t, nativeWarnings(t, dir, "python3.11", "x86_64", RuleNativeGlibc))
}

func TestNativeArchPrebuildIsInfo(t *testing.T) {
	needGCC(t)
	dir := t.TempDir()
	arm := gcc(t, dir, "node_modules/sharp/prebuilds/linux-arm64/sharp.node", srcPure, true)
	setMachine(t, arm, elf.EM_AARCH64)
	wantOne(t, nativeWarnings(t, dir, "nodejs22.x", "x86_64", RuleNativeArch), SeverityInfo, "unused prebuild")
}

// TestNativeArchGoBuilt uses a real arm64 binary from the Go toolchain. A cold
// cross-build of the runtime takes ~25 s, so it runs only when asked.
func TestNativeArchGoBuilt(t *testing.T) {
	if os.Getenv("LAMBDEV_REQUIRE_ALL") != "1" && os.Getenv("LAMBDEV_SLOW_TESTS") != "1" {
		t.Skip("set LAMBDEV_SLOW_TESTS=1 to cross-build an arm64 Go binary")
	}
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "bootstrap"), src)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	wantOne(t, nativeWarnings(t, dir, "provided.al2023", "x86_64", RuleNativeArch), SeverityError, "bootstrap is built for arm64")
	wantNone(t, nativeWarnings(t, dir, "provided.al2023", "arm64", RuleNativeArch))
	wantNone(t, nativeWarnings(t, dir, "provided.al2", "arm64", RuleNativeGlibc)) // static: no needs
}

func TestArchitectureRaisedByNativeCode(t *testing.T) {
	needGCC(t)
	dir := t.TempDir()
	gcc(t, dir, "libx86.so", srcPure, true)
	f := fn("f", "python3.12", "x86_64")
	in := Input{Project: project(dir, f), Mode: ModeLocal, Host: Host{Arch: "arm64"}}
	wantOne(t, only(Check(in), RuleArchitecture), SeverityWarning, "native code")
}

func TestNonELFAndForeignBinaries(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("fake.so", []byte("not an ELF at all"))
	write("tiny.so", []byte("\x7fEL"))
	write("truncated.so", []byte("\x7fELF\x02\x01"))
	write("Main.class", []byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52})
	write("pkg/_speedups.cpython-311-darwin.so", []byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1})
	write("pkg/_win.pyd", []byte("MZ\x90\x00rest"))
	f := fn("f", "python3.11", "x86_64")
	ws := Check(Input{Project: project(dir, f), Mode: ModeDeploy})
	var files []string
	for _, w := range ws {
		if w.Rule != RuleNativeOS {
			t.Errorf("unexpected %v", w)
		}
		files = append(files, w.File)
	}
	if got := strings.Join(files, ","); got != "pkg/_speedups.cpython-311-darwin.so,pkg/_win.pyd" {
		t.Errorf("native-os flagged %q", got)
	}
}
