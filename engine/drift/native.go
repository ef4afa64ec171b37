package drift

import (
	"debug/elf"
	"fmt"
	"regexp"

	"github.com/lambdev/lambdev/config"
)

// Lambda package quotas (lambda-spec.md §3); Lambda's MB are MiB.
const (
	MaxZipped   = 50 << 20  // direct-upload zip
	MaxUnzipped = 250 << 20 // unzipped, layers included
)

// elfArch names an ELF machine as Lambda names architectures.
func elfArch(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return config.ArchX86
	case elf.EM_AARCH64:
		return config.ArchARM
	}
	return m.String()
}

// nativeGlibc reports ELF files needing a newer glibc than the declared
// runtime's OS (production's, even when cloud dev serves the bridge).
func nativeGlibc(f *config.Function, sc *scan, h Host) []Warning {
	rt, ok := config.LookupRuntime(f.Runtime)
	if !ok || rt.Glibc == "" {
		return nil
	}
	var ws []Warning
	for _, e := range sc.elves {
		if e.glibc == "" || compareVersion(e.glibc, rt.Glibc) <= 0 || elfArch(e.machine) != f.Architecture {
			continue // wrong-arch files are native-arch's business
		}
		need := "GLIBC_" + e.glibc
		if e.symbol != "" {
			need = e.symbol + "@GLIBC_" + e.glibc
		}
		dev := fmt.Sprintf("%s needs %s (%s has %s)", e.rel, need, rt.OS, rt.Glibc)
		if h.Glibc != "" {
			dev += fmt.Sprintf("; loads here on glibc %s", h.Glibc)
		}
		ws = append(ws, Warning{
			Rule:     RuleNativeGlibc,
			Severity: SeverityError,
			File:     e.rel,
			Dev:      dev,
			Prod:     fmt.Sprintf("%s runs on %s, glibc %s", rt.ID, config.OSName(rt.OS), rt.Glibc),
			Hint:     glibcHint(f, rt),
		})
	}
	return ws
}

// glibcHint says how to get a build old enough for the target glibc.
func glibcHint(f *config.Function, rt config.Runtime) string {
	arch := "x86_64"
	if f.Architecture == config.ArchARM {
		arch = "aarch64"
	}
	switch f.Kind {
	case config.FamilyPython:
		tag := "manylinux2014_" + arch // glibc 2.17: loads on AL1, AL2 and AL2023
		if rt.OS == config.OSAL2023 {
			tag = "manylinux_2_34_" + arch
		}
		return fmt.Sprintf("pip install --platform %s --only-binary=:all: -t <dir>, or build in public.ecr.aws/lambda/python:%s", tag, rt.Version)
	case config.FamilyNode:
		return fmt.Sprintf("npm ci inside public.ecr.aws/lambda/nodejs:%s so native modules build against glibc %s", rt.Version, rt.Glibc)
	}
	return fmt.Sprintf("build it against glibc ≤ %s (e.g. in the Lambda base image for %s)", rt.Glibc, rt.ID)
}

// archDirRE finds a path element naming an architecture (prebuilds/linux-arm64/…).
var archDirRE = map[string]*regexp.Regexp{
	config.ArchX86: regexp.MustCompile(`(?i)(^|[/._-])(x64|x86_64|x86-64|amd64)($|[/._-])`),
	config.ArchARM: regexp.MustCompile(`(?i)(^|[/._-])(arm64|aarch64)($|[/._-])`),
}

// nativeArch reports ELF files built for another CPU than declared. A file whose
// path names its own architecture is one of several per-arch prebuilds a loader
// picks from: it ships but never loads, so it is only info.
func nativeArch(f *config.Function, sc *scan) []Warning {
	var ws []Warning
	for _, e := range sc.elves {
		arch := elfArch(e.machine)
		if arch == f.Architecture || f.Architecture == "" {
			continue
		}
		w := Warning{
			Rule:     RuleNativeArch,
			Severity: SeverityError,
			File:     e.rel,
			Dev:      fmt.Sprintf("%s is built for %s", e.rel, arch),
			Prod:     "function is declared " + f.Architecture,
			Hint:     "install or build it for " + f.Architecture + ", or change `architecture`",
		}
		if re := archDirRE[arch]; re != nil && re.MatchString(e.rel) {
			w.Severity = SeverityInfo
			w.Hint = "an unused prebuild for " + arch + "; exclude it to shrink the package"
		}
		ws = append(ws, w)
	}
	return ws
}

// nativeOS reports macOS and Windows binaries, which Lambda cannot load.
func nativeOS(_ *config.Function, sc *scan) []Warning {
	var ws []Warning
	for _, b := range sc.foreign {
		ws = append(ws, Warning{
			Rule:     RuleNativeOS,
			Severity: SeverityError,
			File:     b.rel,
			Dev:      fmt.Sprintf("%s is a %s binary", b.rel, b.kind),
			Prod:     "Lambda loads Linux ELF binaries only",
			Hint:     "reinstall the dependency for Linux (pip --platform manylinux…, npm --os=linux --cpu=…)",
		})
	}
	return ws
}

// packageSize reports a code directory over the Lambda zip quotas.
func packageSize(_ *config.Function, sc *scan) []Warning {
	atLeast := ""
	if sc.truncated {
		atLeast = "at least "
	}
	w := Warning{
		Rule:     RulePackageSize,
		Severity: SeverityError,
		Hint:     "exclude tests and dev dependencies (ignore globs), or use a container image (10 GB)",
	}
	switch {
	case sc.total > MaxUnzipped:
		w.Dev = fmt.Sprintf("code dir holds %s%s unzipped in %d files", atLeast, mb(sc.total), len(sc.files))
		w.Prod = "Lambda allows 250 MB unzipped (layers included)"
	case sc.total > MaxZipped:
		z := sc.zippedEstimate(defaultLimits)
		if z <= MaxZipped {
			return nil
		}
		w.Dev = fmt.Sprintf("code dir zips to about %s%s (estimate; %s unzipped)", atLeast, mb(z), mb(sc.total))
		w.Prod = "Lambda allows 50 MB zipped for direct upload"
	default:
		return nil
	}
	return []Warning{w}
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
