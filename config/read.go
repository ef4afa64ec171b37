package config

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxFileSize is the largest project file Load reads, in bytes (1 MiB); a
// real lambdev.yaml is a few KB.
const MaxFileSize = 1 << 20

// readHint is the hint for a path that is not a readable project file.
const readHint = "point lambdev at a lambdev.yaml project file (a regular file of a few KB)"

// readFile reads the project file at path. It refuses anything that is not
// a regular file after following symlinks — reading a device such as
// /dev/zero never ends and opening a FIFO blocks — so it checks before it
// opens, checks the opened file again, and never reads more than
// MaxFileSize+1 bytes.
func readFile(path string) ([]byte, *Error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read project file: %v", err), Err: err}
	}
	if e := checkFileInfo(path, st); e != nil {
		return nil, e
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read project file: %v", err), Err: err}
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read project file: %v", err), Err: err}
	}
	if e := checkFileInfo(path, opened); e != nil {
		return nil, e
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read project file: %v", err), Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, tooBig(path, int64(len(data)))
	}
	return data, nil
}

// checkFileInfo refuses non-regular files and files over MaxFileSize.
func checkFileInfo(path string, st fs.FileInfo) *Error {
	if !st.Mode().IsRegular() {
		return &Error{File: path, Hint: readHint,
			Msg: fmt.Sprintf("cannot read project file: it is %s, not a regular file", fileKind(st.Mode()))}
	}
	if st.Size() > MaxFileSize {
		return tooBig(path, st.Size())
	}
	return nil
}

func tooBig(path string, size int64) *Error {
	return &Error{File: path, Hint: readHint,
		Msg: fmt.Sprintf("project file is %d bytes; lambdev reads at most %d bytes (1 MiB)", size, MaxFileSize)}
}

// fileKind names a non-regular file type for messages.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
