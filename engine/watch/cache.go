package watch

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	names map[string]map[string]fs.DirEntry // dir → name → entry
}

func newSession(ix *Index, p *config.Project) *session {
	return &session{ix: ix, p: p, stats: map[string]fs.FileInfo{},
		lists: map[string][]fs.DirEntry{}, names: map[string]map[string]fs.DirEntry{}}
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

// isFile reports whether path is an existing regular file. It reads the
// parent directory once instead of stating each candidate import, since most
// candidates (stdlib modules, extension guesses) do not exist.
func (s *session) isFile(path string) bool {
	e := s.entry(path)
	switch {
	case e == nil:
		return false
	case e.Type()&fs.ModeSymlink != 0:
		fi := s.stat(path)
		return fi != nil && fi.Mode().IsRegular()
	}
	return e.Type().IsRegular()
}

// entry returns path's directory entry, or nil when it does not exist.
// Inside the project a directory is only read when its parent lists it, so
// guesses like codedir/json/__init__.py cost no system call.
func (s *session) entry(path string) fs.DirEntry {
	dir, name := filepath.Split(path)
	dir = filepath.Clean(dir)
	m, ok := s.names[dir]
	if !ok {
		m = map[string]fs.DirEntry{}
		if dir == s.p.Dir || !within(dir, s.p.Dir) || s.isDir(dir) {
			for _, e := range s.list(dir) {
				m[e.Name()] = e
			}
		}
		s.names[dir] = m
	}
	return m[name]
}

// isDir reports whether path is a directory (or a symlink to one).
func (s *session) isDir(path string) bool {
	e := s.entry(path)
	if e != nil && e.Type()&fs.ModeSymlink != 0 {
		fi := s.stat(path)
		return fi != nil && fi.IsDir()
	}
	return e != nil && e.IsDir()
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
