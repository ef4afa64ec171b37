package config

import (
	"sort"
	"strings"
	"time"
)

// Runtime families: how a runtime's code is run. FamilyGo is also the Kind of an
// OS-only function whose handler is a directory of Go code.
const (
	FamilyPython   = "python"
	FamilyNode     = "node"
	FamilyGo       = "go"
	FamilyProvided = "provided"
	FamilyJava     = "java"
	FamilyDotnet   = "dotnet"
	FamilyRuby     = "ruby"
)

// Operating systems a Lambda runtime is built on (short catalog ids).
const (
	OSAL1    = "AL1"
	OSAL2    = "AL2"
	OSAL2023 = "AL2023"
)

// Instruction set architectures as Lambda names them.
const (
	ArchX86 = "x86_64"
	ArchARM = "arm64"
)

// BridgeRuntime is the runtime the cloud-dev relay bridge is deployed on.
const BridgeRuntime = "provided.al2023"

// OSName returns the display name of an OS id ("Amazon Linux 2"), or the id itself
// when it is unknown.
func OSName(os string) string {
	switch os {
	case OSAL1:
		return "Amazon Linux"
	case OSAL2:
		return "Amazon Linux 2"
	case OSAL2023:
		return "Amazon Linux 2023"
	}
	return os
}

// OSGlibc returns the glibc version of an OS id ("2.26"), or "" when unknown.
func OSGlibc(os string) string {
	switch os {
	case OSAL1:
		return "2.17"
	case OSAL2:
		return "2.26"
	case OSAL2023:
		return "2.34"
	}
	return ""
}

// Runtime is one Lambda runtime identifier and its lifecycle.
type Runtime struct {
	// ID is the Lambda identifier, e.g. python3.12 or provided.al2023.
	ID string
	// Family is one of the Family* constants.
	Family string
	// Version is the language version ("3.11", "22"); empty for OS-only runtimes.
	Version string
	// OS is the catalog OS id (OSAL1, OSAL2, OSAL2023); Glibc is its glibc version.
	OS, Glibc string
	// Archs lists the supported architectures.
	Archs []string
	// Deprecated, BlockCreate and BlockUpdate are lifecycle dates (UTC);
	// the zero time means not scheduled or not known.
	Deprecated, BlockCreate, BlockUpdate time.Time
	// Preview is true for runtimes in public preview.
	Preview bool
	// Retired is true for runtimes removed from AWS's tables: function
	// creation is blocked whether or not the dates are known.
	Retired bool
}

// SupportsArch reports whether the runtime can run on arch.
func (r Runtime) SupportsArch(arch string) bool {
	for _, a := range r.Archs {
		if a == arch {
			return true
		}
	}
	return false
}

// LifecycleState is where a runtime stands in AWS's deprecation policy.
type LifecycleState int

// Lifecycle states, in the order a runtime passes through them.
const (
	Supported LifecycleState = iota
	Deprecated
	CreateBlocked
	UpdateBlocked
)

// String returns the state's name: supported, deprecated, create-blocked or update-blocked.
func (s LifecycleState) String() string {
	switch s {
	case Supported:
		return "supported"
	case Deprecated:
		return "deprecated"
	case CreateBlocked:
		return "create-blocked"
	case UpdateBlocked:
		return "update-blocked"
	}
	return "unknown"
}

// Lifecycle is a runtime's state at a moment.
type Lifecycle struct {
	State LifecycleState
	// Since is when the state began; zero for Supported or when AWS's date is unknown.
	Since time.Time
	// Next is the date of the next scheduled state change, zero when none is known.
	Next time.Time
}

// Lifecycle returns the runtime's lifecycle state at now.
// Invocations are never blocked; only creating and updating functions are.
func (r Runtime) Lifecycle(now time.Time) Lifecycle {
	passed := func(t time.Time) bool { return !t.IsZero() && !now.Before(t) }
	switch {
	case passed(r.BlockUpdate) || (r.Retired && r.BlockUpdate.IsZero()):
		return Lifecycle{State: UpdateBlocked, Since: r.BlockUpdate}
	case passed(r.BlockCreate) || r.Retired:
		return Lifecycle{State: CreateBlocked, Since: r.BlockCreate, Next: r.BlockUpdate}
	case passed(r.Deprecated):
		return Lifecycle{State: Deprecated, Since: r.Deprecated, Next: firstSet(r.BlockCreate, r.BlockUpdate)}
	}
	return Lifecycle{State: Supported, Next: firstSet(r.Deprecated, r.BlockCreate, r.BlockUpdate)}
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// catalogIndex maps ids to entries; catalogSorted is the same entries in Runtimes order.
var catalogIndex, catalogSorted = func() (map[string]Runtime, []Runtime) {
	m := make(map[string]Runtime, len(catalog))
	sorted := make([]Runtime, 0, len(catalog))
	for _, r := range catalog {
		r.Glibc = OSGlibc(r.OS)
		if r.OS == OSAL1 {
			r.Archs = []string{ArchX86}
		}
		if r.Archs == nil {
			r.Archs = []string{ArchX86, ArchARM}
		}
		m[r.ID] = r
		sorted = append(sorted, r)
	}
	sort.Slice(sorted, func(i, j int) bool { return runtimeLess(sorted[i], sorted[j]) })
	return m, sorted
}()

// LookupRuntime returns the catalog entry for a Lambda runtime identifier.
func LookupRuntime(id string) (Runtime, bool) {
	r, ok := catalogIndex[id]
	if ok {
		r.Archs = append([]string(nil), r.Archs...)
	}
	return r, ok
}

// Runtimes returns every catalog entry sorted by family, then newest version first.
func Runtimes() []Runtime {
	out := make([]Runtime, len(catalogSorted))
	for i, r := range catalogSorted {
		r.Archs = append([]string(nil), r.Archs...)
		out[i] = r
	}
	return out
}

// RuntimeIDs returns every catalog identifier in Runtimes order.
func RuntimeIDs() []string {
	rs := Runtimes()
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func runtimeLess(a, b Runtime) bool {
	if a.Family != b.Family {
		return a.Family < b.Family
	}
	if c := compareVersions(a.Version, b.Version); c != 0 {
		return c > 0
	}
	return a.ID < b.ID
}

// compareVersions compares dotted numeric versions ("3.9" < "3.12").
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		x, y := versionPart(as, i), versionPart(bs, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func versionPart(parts []string, i int) int {
	if i >= len(parts) {
		return -1
	}
	n := 0
	for _, c := range parts[i] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
