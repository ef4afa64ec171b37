package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdev/lambdev/config"
)

// A function's page says how it logs and which levels drop lines, so a
// line missing from an invocation's log is explained where one looks; and
// it says when the function is tenant-isolated.
func TestFunctionPageSaysHowItLogs(t *testing.T) {
	page := func(f *config.Function) string {
		return ansi.Strip(renderFunction(NewStyles(), fnRow{cfg: f}))
	}
	json := page(&config.Function{Name: "api", Tenancy: config.TenancyPerTenant,
		Logging: &config.LoggingConfig{Format: config.LogFormatJSON, ApplicationLevel: "WARN", LogGroup: "/custom/group"}})
	for _, want := range []string{
		"logging      JSON · application WARN · system INFO (records below them are dropped, as in Lambda) · log group /custom/group",
		"tenancy      PER_TENANT",
	} {
		if !strings.Contains(json, want) {
			t.Errorf("page lacks %q:\n%s", want, json)
		}
	}
	text := page(&config.Function{Name: "api", Logging: &config.LoggingConfig{Format: config.LogFormatText}})
	if !strings.HasSuffix(text, "logging      Text") || strings.Contains(text, "application") || strings.Contains(text, "tenancy") {
		t.Errorf("a Text-format function's page:\n%s", text)
	}
	if plain := page(&config.Function{Name: "api"}); strings.Contains(plain, "logging") {
		t.Errorf("a function with Lambda's default logging shows a logging line:\n%s", plain)
	}
}
