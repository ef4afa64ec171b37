package engine

import (
	"fmt"
	"regexp"

	"github.com/lambdev/lambdev/config"
)

// Tenant isolation (tenancy: PER_TENANT). Every invocation of such a
// function names its tenant, and a worker, once it has served a tenant,
// serves no other: Lambda never shares an execution environment between
// tenants, and code keeping state across invocations must be developed
// under the same rule. A warm worker no tenant has used yet goes to the
// first that needs one.

// tenantPattern is Lambda's TenantId: 1–256 of these characters.
var tenantPattern = regexp.MustCompile(`^[a-zA-Z0-9._:/=+\-@ ]{1,256}$`)

// CheckTenant says why tenant cannot invoke f, if it cannot (ErrTenant).
func CheckTenant(f *config.Function, tenant string) error {
	switch {
	case f.PerTenant() && tenant == "":
		return fmt.Errorf("%w: function %s has tenant isolation (tenancy: %s): every invocation must name a tenant (X-Amz-Tenant-Id, --tenant-id)",
			ErrTenant, f.Name, f.Tenancy)
	case !f.PerTenant() && tenant != "":
		return fmt.Errorf("%w: function %s does not have tenant isolation, so an invocation must not name a tenant (got %q)", ErrTenant, f.Name, tenant)
	case tenant != "" && !tenantPattern.MatchString(tenant):
		return fmt.Errorf("%w: %q must be 1 to 256 letters, digits, spaces or ._:/=+-@", ErrTenant, tenant)
	}
	return nil
}

// takeIdleLocked removes and returns the most recently used idle worker of
// generation gen that tenant may use: its own, or else one no tenant has
// used yet (which becomes its own). Dead and stale workers it passes are
// retired. nil when there is none.
func (fn *function) takeIdleLocked(gen *generation, tenant string) *worker {
	unclaimed := -1
	for i := len(fn.idle) - 1; i >= 0; i-- {
		w := fn.idle[i]
		if !w.alive() || w.gen != gen {
			fn.idle = append(fn.idle[:i], fn.idle[i+1:]...)
			w.kill()
			if unclaimed > i {
				unclaimed--
			}
			continue
		}
		if w.tenant == tenant {
			fn.idle = append(fn.idle[:i], fn.idle[i+1:]...)
			return w
		}
		if w.tenant == "" && unclaimed < 0 {
			unclaimed = i
		}
	}
	if unclaimed < 0 {
		return nil
	}
	w := fn.idle[unclaimed]
	fn.idle = append(fn.idle[:unclaimed], fn.idle[unclaimed+1:]...)
	w.tenant = tenant
	return w
}

// evictOtherTenantLocked retires the idle worker used longest ago, which
// belongs to another tenant, so that tenant can have a worker within the
// concurrency limit. It reports whether there was one to retire.
func (fn *function) evictOtherTenantLocked() bool {
	if len(fn.idle) == 0 {
		return false
	}
	w := fn.idle[0]
	fn.idle = fn.idle[1:]
	w.kill()
	return true
}
