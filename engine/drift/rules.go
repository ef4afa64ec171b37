package drift

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/lambdev/lambdev/config"
)

// Rule ids. They are stable: users list them under drift.ignore.
//
//	id                   severity             modes            fires when
//	runtime-swap         warning | info       cloud-dev, live  the bridge (provided.al2023, AL2023) serves a function
//	                                                           declared on AL2/AL1 (warning) or another AL2023 runtime (info)
//	interpreter-version  warning              local, live      launched interpreter major[.minor] ≠ declared
//	architecture         info | warning       local, live      host CPU ≠ declared architecture (warning with native code)
//	native-glibc         error                all              an ELF needs GLIBC_x.y newer than the declared runtime's OS
//	native-arch          error | info         all              an ELF is built for another CPU (info: a per-arch prebuild
//	                                                           in a directory named for its own arch, never loaded)
//	native-os            error                all              a Mach-O or Windows binary is in the package
//	runtime-lifecycle    info|warning|error   all              preview; deprecated or blocks within 90 days (warning);
//	                                                           create/update already blocked or runtime retired (error)
//	package-size         error                all              code dir over 250 MB unzipped or ~50 MB zipped (estimate)
//	env-shell-only       warning              local, live      the worker inherited AWS_PROFILE, PYTHONPATH… from the shell
//	env-secret           warning              all              a declared env value looks like a committed secret
//	deployed-config      warning              given Deployed   a deployed setting ≠ what lambdev.yaml declares
//	timeout-near         warning              Observe          duration > 80 % of the timeout
//	memory-near          warning              Observe          peak memory > 80 % of the memory size
//	response-size        error | info|warning Observe          response > 6 MiB (the synchronous limit: error);
//	                                                           streamed > 6 MB (Lambda's bandwidth cap after it: info,
//	                                                           warning when the cap would pass the timeout)
//	url-invoke-mode      warning              Observe          a streamed function URL response (HttpResponseStream,
//	                                                           LambdaFunctionURLStreamingResponse) from a function whose
//	                                                           URL is BUFFERED
//
// "live" means functions whose code runs on this machine: all of them in local
// mode, those with dev: true in cloud-dev mode; deploy mode runs nothing locally.
const (
	RuleRuntimeSwap        = "runtime-swap"
	RuleInterpreterVersion = "interpreter-version"
	RuleArchitecture       = "architecture"
	RuleNativeGlibc        = "native-glibc"
	RuleNativeArch         = "native-arch"
	RuleNativeOS           = "native-os"
	RuleRuntimeLifecycle   = "runtime-lifecycle"
	RulePackageSize        = "package-size"
	RuleEnvShellOnly       = "env-shell-only"
	RuleEnvSecret          = "env-secret"
	RuleDeployedConfig     = "deployed-config"
	RuleTimeoutNear        = "timeout-near"
	RuleMemoryNear         = "memory-near"
	RuleResponseSize       = "response-size"
	RuleURLInvokeMode      = "url-invoke-mode"
)

// Rules lists every rule id, in the order of the table above.
var Rules = []string{
	RuleRuntimeSwap, RuleInterpreterVersion, RuleArchitecture, RuleNativeGlibc,
	RuleNativeArch, RuleNativeOS, RuleRuntimeLifecycle, RulePackageSize,
	RuleEnvShellOnly, RuleEnvSecret, RuleDeployedConfig, RuleTimeoutNear,
	RuleMemoryNear, RuleResponseSize, RuleURLInvokeMode,
}

// KnownRule reports whether id names a rule, for validating drift.ignore.
func KnownRule(id string) bool {
	for _, r := range Rules {
		if r == id {
			return true
		}
	}
	return false
}

// lifecycleHorizon is how far ahead a block date turns into a warning.
const lifecycleHorizon = 90 * 24 * time.Hour

// runtimeSwap reports the bridge replacing a live function's declared runtime.
func runtimeSwap(f *config.Function) []Warning {
	rt, ok := config.LookupRuntime(f.Runtime)
	if !ok || f.Runtime == config.BridgeRuntime {
		return nil
	}
	bridge, _ := config.LookupRuntime(config.BridgeRuntime)
	w := Warning{
		Rule: RuleRuntimeSwap,
		Dev: fmt.Sprintf("Lambda runs the relay bridge on %s (%s, glibc %s)",
			config.BridgeRuntime, bridge.OS, bridge.Glibc),
		Prod: fmt.Sprintf("declared %s (%s, glibc %s)", f.Runtime, rt.OS, rt.Glibc),
		Hint: "set `dev: false` to test it on its real runtime",
	}
	if rt.OS == bridge.OS {
		w.Severity = SeverityInfo
		w.Hint = "only the runtime id differs; set `dev: false` to run the real one"
	} else {
		w.Severity = SeverityWarning
	}
	return []Warning{w}
}

// interpreterVersion compares the launched interpreter with the declared version,
// on as many components as the declared version has ("3.11" → major.minor).
func interpreterVersion(f *config.Function, launched string) []Warning {
	if f.Kind != config.FamilyPython && f.Kind != config.FamilyNode {
		return nil
	}
	want := declaredVersion(f.Runtime)
	got := versionRE.FindString(launched)
	if want == "" || got == "" {
		return nil
	}
	n := len(strings.Split(want, "."))
	gotParts := strings.Split(got, ".")
	if len(gotParts) > n {
		gotParts = gotParts[:n]
	}
	if strings.Join(gotParts, ".") == want {
		return nil
	}
	return []Warning{{
		Rule:     RuleInterpreterVersion,
		Severity: SeverityWarning,
		Dev:      fmt.Sprintf("%s %s runs the code", f.Kind, strings.TrimPrefix(launched, "v")),
		Prod:     fmt.Sprintf("%s is %s %s", f.Runtime, f.Kind, want),
		Hint:     fmt.Sprintf("install %s %s locally (%s) or change runtime", f.Kind, want, versionManagers[f.Kind]),
	}}
}

// versionManagers are the usual ways to install a given interpreter version.
var versionManagers = map[string]string{config.FamilyPython: "uv python install, pyenv", config.FamilyNode: "fnm, nvm"}

var versionRE = regexp.MustCompile(`\d+(\.\d+)*`)

// declaredVersion is the catalog's language version, or digits parsed from the id.
func declaredVersion(id string) string {
	if rt, ok := config.LookupRuntime(id); ok && rt.Version != "" {
		return rt.Version
	}
	return versionRE.FindString(id)
}

// architecture compares the host CPU with the declared architecture.
func architecture(f *config.Function, h Host, native bool) []Warning {
	if h.Arch == "" || f.Architecture == "" || h.Arch == f.Architecture {
		return nil
	}
	w := Warning{
		Rule:     RuleArchitecture,
		Severity: SeverityInfo,
		Dev:      "code runs on " + hostName(h),
		Prod:     "declared " + f.Architecture,
		Hint:     "pure-language code is unaffected; install native dependencies for " + f.Architecture,
	}
	if native {
		w.Severity = SeverityWarning
		w.Dev += " and the package holds native code"
		w.Hint = "native code tested here is not what runs in Lambda; build it for " + f.Architecture + " (or set `architecture: " + h.Arch + "`)"
	}
	return []Warning{w}
}

// hostName is "arm64" or "arm64 darwin" when the OS is known and not Linux.
func hostName(h Host) string {
	if h.OS == "" || h.OS == "linux" {
		return h.Arch
	}
	return h.Arch + " " + h.OS
}

// runtimeLifecycle reports preview, deprecated, soon-blocked and blocked runtimes.
func runtimeLifecycle(f *config.Function, now time.Time) []Warning {
	rt, ok := config.LookupRuntime(f.Runtime)
	if !ok {
		return nil
	}
	w := Warning{Rule: RuleRuntimeLifecycle, Dev: "today is " + date(now), Hint: upgradeHint(rt, now)}
	soon := func(t time.Time) bool { return !t.IsZero() && now.Before(t) && t.Sub(now) <= lifecycleHorizon }
	passed := func(t time.Time) bool { return !t.IsZero() && !now.Before(t) }
	switch {
	case passed(rt.BlockUpdate):
		w.Severity, w.Prod = SeverityError, fmt.Sprintf("%s: updates blocked since %s", rt.ID, date(rt.BlockUpdate))
	case passed(rt.BlockCreate) || rt.Retired:
		w.Severity, w.Prod = SeverityError, fmt.Sprintf("%s: creating functions blocked%s%s", rt.ID, since(rt.BlockCreate), updateNote(rt))
	case soon(rt.BlockCreate):
		w.Severity, w.Prod = SeverityWarning, fmt.Sprintf("%s: creating functions blocked from %s%s", rt.ID, date(rt.BlockCreate), updateNote(rt))
	case soon(rt.BlockUpdate):
		w.Severity, w.Prod = SeverityWarning, fmt.Sprintf("%s: updates blocked from %s", rt.ID, date(rt.BlockUpdate))
	case passed(rt.Deprecated) || soon(rt.Deprecated):
		w.Severity, w.Prod = SeverityWarning, fmt.Sprintf("%s: deprecated %s (no more patches)%s", rt.ID, date(rt.Deprecated), updateNote(rt))
	case rt.Preview:
		w.Severity, w.Prod = SeverityInfo, rt.ID+" is in public preview"
		w.Hint = "fine for trying; pin a generally available runtime for production"
	default:
		return nil
	}
	return []Warning{w}
}

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func since(t time.Time) string {
	if t.IsZero() {
		return " (retired)"
	}
	return " since " + date(t)
}

// updateNote names the block-update date when one is scheduled.
func updateNote(rt config.Runtime) string {
	if rt.BlockUpdate.IsZero() {
		return ""
	}
	return "; updates blocked from " + date(rt.BlockUpdate)
}

// upgradeHint suggests the newest supported, generally available runtime of
// the same family that is newer than rt.
func upgradeHint(rt config.Runtime, now time.Time) string {
	family := rt.Family
	if family == config.FamilyGo {
		family = config.FamilyProvided
	}
	if family == config.FamilyProvided { // ids carry no version to order by
		if rt.ID == config.BridgeRuntime {
			return "move to a supported runtime"
		}
		return "move to " + config.BridgeRuntime
	}
	for _, c := range config.Runtimes() { // newest first within a family
		if c.ID == rt.ID {
			break
		}
		if c.Family == family && !c.Preview && c.Lifecycle(now).State == config.Supported {
			return "move to " + c.ID
		}
	}
	return "move to a supported runtime"
}
