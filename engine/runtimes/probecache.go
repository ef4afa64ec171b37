package runtimes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// A probe starts the interpreter (node ~70 ms, python ~30 ms here), and
// every `lambdev invoke` and session start would pay it again. What a real
// executable reports depends on that file only, so its probe is kept on
// disk, keyed by the path, the probe program and the file's identity (size,
// modification time, device and inode of what the path resolves to): an
// upgrade writes a new file, and the next run probes again. A script or a
// version manager's shim (it picks a version from the directory and the
// environment) is probed every run, as before.

// probeCacheVersion changes when the cached record's meaning does.
const probeCacheVersion = "1"

// probeRecord is a cached probe, as stored.
type probeRecord struct {
	Key     string   `json:"key"`
	Path    string   `json:"path"`
	Version string   `json:"version"`
	Extra   []string `json:"extra,omitempty"`
}

// probeCacheKey identifies the probe of path with args, or is "" when its
// result may depend on more than the file (a script, a shim) or the file
// cannot be examined.
func probeCacheKey(path string, args []string) string {
	if !filepath.IsAbs(path) || filepath.Base(filepath.Dir(path)) == "shims" {
		return ""
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	if script, err := isScript(path); err != nil || script {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%d\x00%d\x00%d", probeCacheVersion, path, strings.Join(args, "\x00"),
		fi.Size(), fi.ModTime().UnixNano(), uint64(st.Dev), uint64(st.Ino))
	return hex.EncodeToString(h.Sum(nil))
}

// isScript reports whether path starts with "#!" (an interpreter script).
func isScript(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var head [2]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return false, nil // shorter than two bytes: no shebang
	}
	return head == [2]byte{'#', '!'}, nil
}

// probeCacheDir is where cached probes live, or "" without a cache directory.
func probeCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "lambdev", "probes")
}

// loadProbe returns the cached probe for key. The file is checked like any
// input from disk: a record that does not parse, names another key or lacks
// a path or version is ignored (and replaced by the next probe).
func loadProbe(dir, key string) (probed, bool) {
	if dir == "" || key == "" {
		return probed{}, false
	}
	b, err := os.ReadFile(filepath.Join(dir, key+".json"))
	if err != nil || len(b) > 64<<10 {
		return probed{}, false
	}
	var r probeRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if dec.Decode(&r) != nil || r.Key != key || r.Path == "" || r.Version == "" {
		return probed{}, false
	}
	return probed{in: Interpreter{Path: r.Path, Version: r.Version}, extra: r.Extra}, true
}

// storeProbe records p under key; failing to is not an error (the next
// run probes again).
func storeProbe(dir, key string, p probed) {
	if dir == "" || key == "" {
		return
	}
	if b, err := json.Marshal(probeRecord{Key: key, Path: p.in.Path, Version: p.in.Version, Extra: p.extra}); err == nil {
		_, _ = writeFileAtomic(dir, key+".json", b)
	}
}
