package drift

import (
	"bytes"
	"compress/flate"
	"debug/elf"
	"encoding/binary"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// limits bound a code-directory scan so a huge node_modules cannot stall a check.
type limits struct {
	maxFiles    int   // files visited; past it the scan is marked truncated
	maxELF      int   // ELF files parsed
	maxELFSize  int64 // larger ELF files are counted but not parsed
	sampleBytes int64 // bytes per file compressed for the zipped-size estimate
}

var defaultLimits = limits{maxFiles: 50000, maxELF: 2000, maxELFSize: 512 << 20, sampleBytes: 64 << 10}

// scan is what a walk of one code directory found.
type scan struct {
	dir       string
	elves     []elfInfo
	foreign   []foreignBin // Mach-O / PE binaries
	files     []fileSize
	total     int64 // unzipped bytes of regular files
	truncated bool  // maxFiles reached: totals and findings are partial
}

type fileSize struct {
	rel  string
	size int64
}

// elfInfo is one ELF file and what it needs.
type elfInfo struct {
	rel     string // path relative to the code dir, slash-separated
	machine elf.Machine
	glibc   string // highest GLIBC_x.y version needed, "" when none
	symbol  string // an imported symbol carrying that version
}

// foreignBin is a native binary for another OS.
type foreignBin struct {
	rel, kind string
}

// skipDirs are never part of a package.
var skipDirs = map[string]bool{".git": true, "__pycache__": true}

// scanDir walks dir, reading only the first bytes of each regular file unless it is ELF.
func scanDir(dir string, lim limits) *scan {
	sc := &scan{dir: dir}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable entries are skipped, not fatal
		}
		if d.IsDir() {
			if path != dir && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if len(sc.files) >= lim.maxFiles {
			sc.truncated = true
			return filepath.SkipAll
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		sc.files = append(sc.files, fileSize{rel, info.Size()})
		sc.total += info.Size()
		sc.classify(path, rel, info.Size(), lim)
		return nil
	})
	return sc
}

// classify reads the magic bytes of a file and records native binaries.
func (sc *scan) classify(path, rel string, size int64, lim limits) {
	if size < 4 {
		return
	}
	fh, err := os.Open(path)
	if err != nil {
		return
	}
	defer fh.Close()
	var magic [4]byte
	if _, err := io.ReadFull(fh, magic[:]); err != nil {
		return
	}
	if string(magic[:]) == elf.ELFMAG {
		if len(sc.elves) < lim.maxELF && size <= lim.maxELFSize {
			if e, ok := readELF(fh, rel); ok {
				sc.elves = append(sc.elves, e)
			}
		}
		return
	}
	if kind := foreignKind(magic, rel); kind != "" {
		sc.foreign = append(sc.foreign, foreignBin{rel, kind})
	}
}

// readELF extracts the machine and the highest GLIBC version need.
func readELF(r io.ReaderAt, rel string) (elfInfo, bool) {
	f, err := elf.NewFile(r)
	if err != nil {
		return elfInfo{}, false
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return elfInfo{}, false // objects and core files are never loaded
	}
	e := elfInfo{rel: rel, machine: f.Machine}
	needs, _ := f.DynamicVersionNeeds() // static binaries have none
	for _, n := range needs {
		for _, d := range n.Needs {
			if v, ok := glibcVersion(d.Dep); ok && (e.glibc == "" || compareVersion(v, e.glibc) > 0) {
				e.glibc = v
			}
		}
	}
	if e.glibc != "" {
		e.symbol = symbolFor(f, "GLIBC_"+e.glibc)
	}
	return e, true
}

// symbolFor returns the alphabetically first imported symbol bound to version.
func symbolFor(f *elf.File, version string) string {
	syms, err := f.ImportedSymbols()
	if err != nil {
		return ""
	}
	var names []string
	for _, s := range syms {
		if s.Version == version {
			names = append(names, s.Name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// foreignKind recognises Mach-O (any extension) and PE (native-module extensions).
func foreignKind(m [4]byte, rel string) string {
	be, le := binary.BigEndian.Uint32(m[:]), binary.LittleEndian.Uint32(m[:])
	ext := strings.ToLower(filepath.Ext(rel))
	nativeExt := ext == ".so" || ext == ".dylib" || ext == ".node" || ext == ".pyd" || ext == ".dll"
	switch {
	case le == 0xfeedface || le == 0xfeedfacf || be == 0xfeedface || be == 0xfeedfacf:
		return "Mach-O (macOS)"
	case be == 0xcafebabe && nativeExt: // also Java's class magic: only trust it on native extensions
		return "Mach-O universal (macOS)"
	case m[0] == 'M' && m[1] == 'Z' && nativeExt:
		return "PE (Windows)"
	}
	return ""
}

// glibcVersion parses "GLIBC_2.34" into "2.34"; GLIBC_PRIVATE and GLIBCXX_* are not versions.
func glibcVersion(name string) (string, bool) {
	v, ok := strings.CutPrefix(name, "GLIBC_")
	if !ok || v == "" || v[0] < '0' || v[0] > '9' {
		return "", false
	}
	return v, true
}

// compareVersion compares dotted numeric versions: "2.9" < "2.26" < "2.34".
func compareVersion(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		x, y := part(as, i), part(bs, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func part(ps []string, i int) int {
	if i >= len(ps) {
		return 0
	}
	n, _ := strconv.Atoi(ps[i])
	return n
}

// zippedEstimate extrapolates a deflate ratio measured on the first
// sampleBytes of each file; it is an estimate, not the size deploy will upload.
func (sc *scan) zippedEstimate(lim limits) int64 {
	var est float64
	var buf bytes.Buffer
	for _, f := range sc.files {
		if f.size == 0 {
			continue
		}
		ratio := sampleRatio(filepath.Join(sc.dir, filepath.FromSlash(f.rel)), lim.sampleBytes, &buf)
		est += float64(f.size)*ratio + 100 // ~local + central directory header per entry
	}
	return int64(est)
}

// sampleRatio is compressed/original for a file's head (1 when unreadable).
func sampleRatio(path string, n int64, buf *bytes.Buffer) float64 {
	fh, err := os.Open(path)
	if err != nil {
		return 1
	}
	defer fh.Close()
	buf.Reset()
	w, _ := flate.NewWriter(buf, flate.BestSpeed)
	read, err := io.Copy(w, io.LimitReader(fh, n))
	_ = w.Close()
	if err != nil || read == 0 {
		return 1
	}
	return min(1, float64(buf.Len())/float64(read))
}
