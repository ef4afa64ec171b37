package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad checks that no input makes Load panic and that every failure is
// an *Errors whose problems carry the file name.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "broken", "*.yaml"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		must(f, err)
		f.Add(data)
	}
	f.Add([]byte(sampleYAML))
	f.Add([]byte(fn + "    <<: *x\n"))
	f.Add([]byte("x-a: &a {memory: 256, <<: *a}\napp: a\nfunctions: {f: *a}\n"))
	f.Add([]byte("app: ${env:A, b}\nfunctions:\n  f: {handler: \"$${x}\", runtime: provided.al2023, url: {cors: {maxAge: 0x10}}}\n"))
	f.Add([]byte(fn + "    url: {auth: iam, invokeMode: RESPONSE_STREAM}\n"))
	env := mapEnv(map[string]string{"A": "app", "MEM": "256", StageEnv: "fuzz"})
	// One file per worker process, rewritten for every input: inputs run one
	// at a time within a worker, and a fresh directory each time is slow.
	file := filepath.Join(f.TempDir(), DefaultFile)
	f.Fuzz(func(t *testing.T, data []byte) {
		must(t, os.WriteFile(file, data, 0o644))
		p, err := Load(file, LoadOptions{Getenv: env, Now: testNow})
		if err == nil {
			if p == nil {
				t.Fatal("nil project and nil error")
			}
			return
		}
		var errs *Errors
		if !errors.As(err, &errs) {
			t.Fatalf("error %T is not *Errors: %v", err, err)
		}
		if p != nil || !errs.HasErrors() {
			t.Fatalf("failed Load returned project %v or only warnings: %v", p, err)
		}
		for _, e := range errs.List {
			if e.File != file || e.Msg == "" {
				t.Fatalf("problem without file or message: %#v", e)
			}
		}
	})
}
