package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/lambdev/lambdev/config"
)

// sessionInfo is written while `lambdev dev` runs so `lambdev invoke` finds it.
type sessionInfo struct {
	PID      int    `json:"pid"`
	Endpoint string `json:"endpoint"`
	Project  string `json:"project"`
	Stage    string `json:"stage"`
}

// sessionPath is per project file and stage, in the user's cache directory.
func sessionPath(p *config.Project) string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	sum := sha256.Sum256([]byte(p.File + "\x00" + p.Stage))
	return filepath.Join(base, "lambdev", "sessions", hex.EncodeToString(sum[:8])+".json")
}

// writeSessionFile records this session for `lambdev invoke`. It returns
// the session it displaces, if that one is still running, so the file can be
// handed back to it when this one stops.
func writeSessionFile(p *config.Project, endpoint string) (displaced *sessionInfo, err error) {
	if prev, ok := readSession(p); ok && prev.PID != os.Getpid() {
		displaced = &prev
	}
	return displaced, saveSession(p, sessionInfo{PID: os.Getpid(), Endpoint: endpoint, Project: p.File, Stage: p.Stage})
}

// saveSession writes s as p's session file, atomically.
func saveSession(p *config.Project, s sessionInfo) error {
	path := sessionPath(p)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	b, _ := json.Marshal(s)
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	return os.Rename(tmp, path)
}

// removeSessionFile removes the file only if it is still this session's,
// or gives it back to the session this one displaced if that still runs.
func removeSessionFile(p *config.Project, endpoint string, displaced *sessionInfo) {
	s, ok := readSession(p)
	if !ok || s.PID != os.Getpid() || s.Endpoint != endpoint {
		return
	}
	if displaced != nil && alive(displaced.PID) && saveSession(p, *displaced) == nil {
		return
	}
	os.Remove(sessionPath(p))
}

// alive reports whether a process with pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// readSession returns the running dev session of p, if its process is alive.
func readSession(p *config.Project) (sessionInfo, bool) {
	var s sessionInfo
	b, err := os.ReadFile(sessionPath(p))
	if err != nil || json.Unmarshal(b, &s) != nil || s.PID <= 0 || s.Endpoint == "" {
		return s, false
	}
	return s, alive(s.PID)
}
