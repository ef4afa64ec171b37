package watch

import (
	"io"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/lambdev/lambdev/config"
)

// maxSource bounds how much of a source file is scanned for imports.
const maxSource = 1 << 20

// fileCache holds each parsed file's imports, valid while its modification
// time and size are unchanged.
type fileCache struct {
	mu sync.Mutex
	m  map[string]cachedFile
}

type cachedFile struct {
	mod     time.Time
	size    int64
	imports []string
}

// session is one Affected call: it memoises stats and directory listings, so
// 200 functions importing the same shared code stat it once.
type session struct {
	ix    *Index
	p     *config.Project
	stats map[string]fs.FileInfo // nil value: missing
	lists map[string][]fs.DirEntry
}

func newSession(ix *Index, p *config.Project) *session {
	return &session{ix: ix, p: p, stats: map[string]fs.FileInfo{}, lists: map[string][]fs.DirEntry{}}
}

// stat returns path's info, or nil when it does not exist.
func (s *session) stat(path string) fs.FileInfo {
	if fi, ok := s.stats[path]; ok {
		return fi
	}
	fi, err := os.Stat(path)
	if err != nil {
		fi = nil
	}
	s.stats[path] = fi
	return fi
}

// isFile reports whether path is an existing regular file.
func (s *session) isFile(path string) bool {
	fi := s.stat(path)
	return fi != nil && fi.Mode().IsRegular()
}

// list returns a directory's entries (nil when it cannot be read).
func (s *session) list(dir string) []fs.DirEntry {
	if l, ok := s.lists[dir]; ok {
		return l
	}
	l, _ := os.ReadDir(dir)
	s.lists[dir] = l
	return l
}

// imports returns the import specifiers of an existing file, parsing it with
// parse unless the cached result is still valid.
func (s *session) imports(path string, parse func(path string, src []byte) []string) []string {
	fi := s.stat(path)
	if fi == nil || !fi.Mode().IsRegular() {
		return nil
	}
	c := &s.ix.files
	c.mu.Lock()
	e, ok := c.m[path]
	c.mu.Unlock()
	if ok && e.mod.Equal(fi.ModTime()) && e.size == fi.Size() {
		return e.imports
	}
	src, err := readHead(path)
	if err != nil {
		return nil
	}
	e = cachedFile{mod: fi.ModTime(), size: fi.Size(), imports: parse(path, src)}
	c.mu.Lock()
	c.m[path] = e
	c.mu.Unlock()
	return e.imports
}

// readHead reads up to maxSource bytes of a file.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxSource))
}
