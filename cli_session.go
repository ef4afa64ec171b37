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

func writeSessionFile(p *config.Project, endpoint string) error {
	path := sessionPath(p)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	b, _ := json.Marshal(sessionInfo{PID: os.Getpid(), Endpoint: endpoint, Project: p.File, Stage: p.Stage})
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	return os.Rename(tmp, path)
}

// removeSessionFile removes the file only if it is still this session's.
func removeSessionFile(p *config.Project, endpoint string) {
	if s, ok := readSession(p); ok && s.PID == os.Getpid() && s.Endpoint == endpoint {
		os.Remove(sessionPath(p))
	}
}

// readSession returns the running dev session of p, if its process is alive.
func readSession(p *config.Project) (sessionInfo, bool) {
	var s sessionInfo
	b, err := os.ReadFile(sessionPath(p))
	if err != nil || json.Unmarshal(b, &s) != nil || s.PID <= 0 || s.Endpoint == "" {
		return s, false
	}
	if err := syscall.Kill(s.PID, 0); err != nil && err != syscall.EPERM {
		return s, false
	}
	return s, true
}
