package config

import (
	"sort"
	"testing"
	"time"
)

// specIDs is every identifier in lambda-spec.md §5, retired ones included.
var specIDs = []string{
	"python3.15", "python3.14", "python3.13", "python3.12", "python3.11", "python3.10", "python3.9", "python3.8",
	"nodejs26.x", "nodejs24.x", "nodejs22.x", "nodejs20.x", "nodejs18.x", "nodejs16.x",
	"java25", "java21", "java17.al2023", "java11.al2023", "java8.al2023", "java17", "java11", "java8.al2", "java8",
	"dotnet10", "dotnet9", "dotnet8", "dotnet6",
	"ruby4.0", "ruby3.4", "ruby3.3", "ruby3.2",
	"provided.al2023", "provided.al2", "provided", "go1.x",
	"python2.7", "python3.6", "python3.7",
	"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
	"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet7",
	"ruby2.5", "ruby2.7",
}

func TestCatalogHasEverySpecID(t *testing.T) {
	for _, id := range specIDs {
		r, ok := LookupRuntime(id)
		if !ok {
			t.Errorf("LookupRuntime(%q) missing", id)
			continue
		}
		if r.ID != id || r.Family == "" || r.OS == "" || r.Glibc == "" || len(r.Archs) == 0 {
			t.Errorf("%s: incomplete entry %+v", id, r)
		}
	}
	if got, want := len(RuntimeIDs()), len(specIDs); got != want {
		t.Errorf("catalog has %d ids, spec lists %d", got, want)
	}
}

func TestCatalogOSAndArch(t *testing.T) {
	tests := []struct {
		id, os, osName, glibc, family, version string
		archs                                  int
	}{
		{"python3.11", OSAL2, "Amazon Linux 2", "2.26", FamilyPython, "3.11", 2},
		{"python3.12", OSAL2023, "Amazon Linux 2023", "2.34", FamilyPython, "3.12", 2},
		{"python3.7", OSAL1, "Amazon Linux", "2.17", FamilyPython, "3.7", 1},
		{"nodejs22.x", OSAL2023, "Amazon Linux 2023", "2.34", FamilyNode, "22", 2},
		{"nodejs18.x", OSAL2, "Amazon Linux 2", "2.26", FamilyNode, "18", 2},
		{"provided.al2023", OSAL2023, "Amazon Linux 2023", "2.34", FamilyProvided, "", 2},
		{"provided", OSAL1, "Amazon Linux", "2.17", FamilyProvided, "", 1},
		{"go1.x", OSAL1, "Amazon Linux", "2.17", FamilyGo, "1.x", 1},
		{"java8", OSAL1, "Amazon Linux", "2.17", FamilyJava, "8", 1},
		{"java17.al2023", OSAL2023, "Amazon Linux 2023", "2.34", FamilyJava, "17", 2},
	}
	for _, tt := range tests {
		r, _ := LookupRuntime(tt.id)
		if r.OS != tt.os || OSName(r.OS) != tt.osName || r.Glibc != tt.glibc || r.Family != tt.family ||
			r.Version != tt.version || len(r.Archs) != tt.archs {
			t.Errorf("%s = %+v (%s), want os %s %q glibc %s family %s version %q archs %d",
				tt.id, r, OSName(r.OS), tt.os, tt.osName, tt.glibc, tt.family, tt.version, tt.archs)
		}
		if tt.archs == 1 && (r.SupportsArch(ArchARM) || !r.SupportsArch(ArchX86)) {
			t.Errorf("%s: AL1 runtimes are x86_64 only, got %v", tt.id, r.Archs)
		}
	}
	if OSName("AL9") != "AL9" || OSGlibc("AL9") != "" {
		t.Error("unknown OS ids should pass through with no glibc")
	}
	if r, _ := LookupRuntime(BridgeRuntime); r.OS != OSAL2023 {
		t.Errorf("bridge runtime OS = %s", r.OS)
	}
}

func date(s string) time.Time { return day(s) }

func TestLifecycle(t *testing.T) {
	tests := []struct {
		id, now    string
		state      LifecycleState
		since, nxt string
	}{
		{"python3.12", "2026-10-01", Supported, "", "2028-10-31"},
		{"python3.12", "2028-10-31", Deprecated, "2028-10-31", "2028-11-30"},
		{"python3.12", "2028-11-30", CreateBlocked, "2028-11-30", "2029-01-10"},
		{"python3.12", "2029-01-10", UpdateBlocked, "2029-01-10", ""},
		{"python3.9", "2026-11-25", Deprecated, "2025-12-15", "2027-07-29"},
		{"python3.9", "2027-07-28", Deprecated, "2025-12-15", "2027-07-29"},
		{"python3.7", "2026-11-25", CreateBlocked, "2024-01-09", "2027-08-31"},
		{"python3.7", "2027-09-01", UpdateBlocked, "2027-08-31", ""},
		{"nodejs12.x", "2026-11-25", UpdateBlocked, "", ""},
		{"go1.x", "2026-11-25", CreateBlocked, "2024-02-08", "2027-08-31"},
		{"python3.15", "2026-11-25", Supported, "", ""},
		{"java25", "2029-07-15", Deprecated, "2029-06-30", "2029-08-31"},
		{"dotnet9", "2027-01-01", Deprecated, "2026-11-10", ""},
	}
	for _, tt := range tests {
		r, _ := LookupRuntime(tt.id)
		lc := r.Lifecycle(date(tt.now))
		want := Lifecycle{State: tt.state}
		if tt.since != "" {
			want.Since = date(tt.since)
		}
		if tt.nxt != "" {
			want.Next = date(tt.nxt)
		}
		if lc != want {
			t.Errorf("%s at %s = %v %v %v, want %v %v %v", tt.id, tt.now,
				lc.State, lc.Since, lc.Next, want.State, want.Since, want.Next)
		}
	}
	names := []string{Supported.String(), Deprecated.String(), CreateBlocked.String(), UpdateBlocked.String()}
	if got := names; got[0] != "supported" || got[1] != "deprecated" || got[2] != "create-blocked" || got[3] != "update-blocked" {
		t.Errorf("state names = %v", got)
	}
}

func TestRuntimesSorted(t *testing.T) {
	rs := Runtimes()
	if !sort.SliceIsSorted(rs, func(i, j int) bool { return runtimeLess(rs[i], rs[j]) }) {
		t.Fatal("Runtimes not sorted")
	}
	ids := RuntimeIDs()
	// Within a family, newest first: python3.15 before python3.9 before python2.7.
	idx := map[string]int{}
	for i, id := range ids {
		idx[id] = i
	}
	if !(idx["python3.15"] < idx["python3.9"] && idx["python3.9"] < idx["python2.7"]) {
		t.Errorf("python order wrong: %v", ids)
	}
	// Callers cannot corrupt the catalog through returned slices.
	rs[0].Archs[0] = "mutated"
	if r, _ := LookupRuntime(rs[0].ID); r.Archs[0] == "mutated" {
		t.Error("Runtimes shares Archs with the catalog")
	}
}
