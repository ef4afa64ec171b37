package deploy

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"time"

	"github.com/lambdev/lambdev/config"
)

// Lambda's package quotas for a direct (non-S3) upload, in bytes.
const (
	MaxZippedSize   int64 = 50 << 20
	MaxUnzippedSize int64 = 250 << 20
)

// zipEpoch is the modification time of every entry, so that unchanged code
// always yields the same bytes and the same CodeSha256.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// DefaultIgnore lists what is never packaged: VCS metadata, Python bytecode and
// caches, and virtualenvs (a .venv holds host-built interpreters and wheels that
// Lambda does not run; vendor dependencies into the code dir with pip install -t).
var DefaultIgnore = []string{
	".git", ".hg", ".svn", ".DS_Store",
	"__pycache__", "*.pyc", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache",
	"node_modules/.cache",
}

// PackageOptions tunes Package. The zero value packages with Lambda's limits.
type PackageOptions struct {
	// MaxZipped and MaxUnzipped override the size limits when > 0.
	MaxZipped, MaxUnzipped int64
	// GoCommand is the go binary used to cross-compile Go functions; "go" when empty.
	GoCommand string
}

func (o PackageOptions) limits() (zipped, unzipped int64) {
	zipped, unzipped = MaxZippedSize, MaxUnzippedSize
	if o.MaxZipped > 0 {
		zipped = o.MaxZipped
	}
	if o.MaxUnzipped > 0 {
		unzipped = o.MaxUnzipped
	}
	return zipped, unzipped
}

// Artifact is a deployable zip.
type Artifact struct {
	// Zip is the archive's bytes.
	Zip []byte
	// Sha256 is the base64 SHA-256 of Zip, as Lambda reports CodeSha256.
	Sha256 string
	// Files is the number of files in the archive.
	Files int
	// UnzippedSize is the sum of the files' sizes.
	UnzippedSize int64
}

// entry is one file to put in the zip: its contents come from src, or data when src is empty.
type entry struct {
	name string // slash path inside the zip
	src  string
	data []byte
	exec bool
	size int64
}

// Package builds the deployment zip of f: the code directory for interpreted
// runtimes, a cross-compiled bootstrap for Go, the bootstrap's directory for
// provided. The same inputs always give the same bytes.
func Package(p *config.Project, f *config.Function, opts PackageOptions) (*Artifact, error) {
	zipped, unzipped := opts.limits()
	var entries []entry
	var err error
	switch f.Family() {
	case config.FamilyGo:
		entries, err = goEntries(p, f, opts)
	case config.FamilyProvided:
		entries, err = providedEntries(p, f, unzipped)
	default:
		entries, err = collect(p, f, unzipped)
	}
	if err != nil {
		return nil, err
	}
	return buildZip(f.Name, entries, zipped, unzipped)
}

// PackageFunc returns an Artifact func for a Target that packages f with opts.
func PackageFunc(p *config.Project, f *config.Function, opts PackageOptions) func() (*Artifact, error) {
	return func() (*Artifact, error) { return Package(p, f, opts) }
}

func buildZip(fn string, entries []entry, maxZipped, maxUnzipped int64) (*Artifact, error) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	var size int64
	for _, e := range entries {
		size += e.size
	}
	if size > maxUnzipped {
		return nil, &SizeError{Function: fn, Unzipped: true, Size: size, Limit: maxUnzipped}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if err := addEntry(zw, e); err != nil {
			return nil, fmt.Errorf("package %s: %w", fn, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("package %s: %w", fn, err)
	}
	if int64(buf.Len()) > maxZipped {
		return nil, &SizeError{Function: fn, Size: int64(buf.Len()), Limit: maxZipped}
	}
	sum := sha256.Sum256(buf.Bytes())
	return &Artifact{
		Zip:          buf.Bytes(),
		Sha256:       base64.StdEncoding.EncodeToString(sum[:]),
		Files:        len(entries),
		UnzippedSize: size,
	}, nil
}

func addEntry(zw *zip.Writer, e entry) error {
	h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: zipEpoch}
	mode := fs.FileMode(0o644)
	if e.exec {
		mode = 0o755
	}
	h.SetMode(mode)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	if e.src == "" {
		_, err = w.Write(e.data)
		return err
	}
	r, err := os.Open(e.src)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return err
}
