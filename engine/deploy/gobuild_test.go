package deploy

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"io"
	"path/filepath"
	"testing"

	"github.com/lambdev/lambdev/config"
)

// goProject returns a project whose Go function is testdata/gofn.
func goProject(t *testing.T, arch string) (*config.Project, *config.Function) {
	t.Helper()
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	f := &config.Function{Name: "gofn", Handler: "gofn", Runtime: "provided.al2023",
		Kind: config.FamilyGo, Architecture: arch, Memory: 128}
	return &config.Project{Dir: dir, App: "demo", Stage: "test", Functions: []*config.Function{f}}, f
}

func TestGoCrossBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles Go")
	}
	for _, c := range []struct {
		arch string
		want elf.Machine
	}{{config.ArchX86, elf.EM_X86_64}, {config.ArchARM, elf.EM_AARCH64}} {
		t.Run(c.arch, func(t *testing.T) {
			t.Parallel()
			p, f := goProject(t, c.arch)
			a := mustPackage(t, p, f)
			zr, err := zip.NewReader(bytes.NewReader(a.Zip), int64(len(a.Zip)))
			if err != nil || len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
				t.Fatalf("zip: %v %v", err, zipNames(t, a))
			}
			if zr.File[0].Mode().Perm() != 0o755 {
				t.Fatalf("bootstrap mode %v", zr.File[0].Mode())
			}
			rc, _ := zr.File[0].Open()
			bin, _ := io.ReadAll(rc)
			rc.Close()
			ef, err := elf.NewFile(bytes.NewReader(bin))
			if err != nil {
				t.Fatal(err)
			}
			if ef.Machine != c.want || ef.OSABI != elf.ELFOSABI_NONE && ef.OSABI != elf.ELFOSABI_LINUX {
				t.Fatalf("machine %v osabi %v, want %v", ef.Machine, ef.OSABI, c.want)
			}
			// Reproducibility is checked end to end by TestDeployGo's second deploy.
		})
	}
}

func TestGoBuildError(t *testing.T) {
	p, f := goProject(t, config.ArchX86)
	f.Handler = "missing"
	if _, err := Package(p, f, PackageOptions{}); err == nil {
		t.Fatal("building a missing package succeeded")
	}
	f.Handler, f.Architecture = "gofn", "sparc"
	if _, err := Package(p, f, PackageOptions{}); err == nil {
		t.Fatal("unknown architecture accepted")
	}
}
