package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Log formats: Lambda's LoggingConfig.LogFormat values.
const (
	LogFormatText = "Text"
	LogFormatJSON = "JSON"
)

// LoggingConfig is a function's logging: Lambda's LoggingConfig. The log
// levels filter only JSON logs, as in Lambda; empty means Lambda's default.
type LoggingConfig struct {
	Format           string // LogFormatText or LogFormatJSON
	ApplicationLevel string // TRACE, DEBUG, INFO, WARN, ERROR or FATAL
	SystemLevel      string // DEBUG, INFO or WARN
	LogGroup         string // the CloudWatch log group; empty: /aws/lambda/<name>
}

// JSON reports whether the function logs in JSON (nil-safe).
func (l *LoggingConfig) JSON() bool { return l != nil && l.Format == LogFormatJSON }

var (
	loggingKeys       = []string{"format", "applicationLogLevel", "systemLogLevel", "logGroup"}
	applicationLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
	systemLevels      = []string{"DEBUG", "INFO", "WARN"}
	// logGroupPattern is CreateFunction's LoggingConfig.LogGroup.
	logGroupPattern = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)
)

// logging reads `logging: {format, applicationLogLevel, systemLogLevel, logGroup}`.
func (d *decoder) logging(n *yaml.Node) (*LoggingConfig, bool) {
	pairs, ok := d.mapping(n, "logging", loggingKeys)
	l := &LoggingConfig{Format: LogFormatText}
	var levelAt []pair
	for _, p := range pairs {
		v, good := d.str(p.v, "logging."+p.key)
		if !good {
			ok = false
			continue
		}
		switch p.key {
		case "format":
			f, good := d.logFormat(p.v, v)
			ok = ok && good
			l.Format = f
		case "applicationLogLevel":
			ok = d.logLevel(p.v, p.key, v, applicationLevels) && ok
			l.ApplicationLevel, levelAt = strings.ToUpper(v), append(levelAt, p)
		case "systemLogLevel":
			ok = d.logLevel(p.v, p.key, v, systemLevels) && ok
			l.SystemLevel, levelAt = strings.ToUpper(v), append(levelAt, p)
		case "logGroup":
			if !logGroupPattern.MatchString(v) {
				d.hintf(pos(p.v), "1 to 512 letters, digits and . - _ / #, e.g. /aws/lambda/shared",
					"logging.logGroup %q is not a CloudWatch log group name", v)
				ok = false
			}
			l.LogGroup = v
		}
	}
	if l.Format != LogFormatJSON {
		for _, p := range levelAt {
			d.hintf(pos(p.k), "add format: JSON, or drop "+p.key,
				"logging.%s needs format: JSON: Lambda filters log levels only in JSON logs", p.key)
			ok = false
		}
	}
	return l, ok
}

func (d *decoder) logFormat(n *yaml.Node, v string) (string, bool) {
	switch v {
	case LogFormatText, LogFormatJSON:
		return v, true
	}
	hint := "Text: plain lines; JSON: one JSON object per log record"
	for _, f := range []string{LogFormatText, LogFormatJSON} {
		if strings.EqualFold(v, f) {
			hint = fmt.Sprintf("did you mean `%s`?", f)
		}
	}
	d.hintf(pos(n), hint, "logging.format must be Text or JSON, got %q", v)
	return LogFormatText, false
}

func (d *decoder) logLevel(n *yaml.Node, key, v string, levels []string) bool {
	for _, l := range levels {
		if strings.EqualFold(v, l) {
			return true
		}
	}
	d.errorf(pos(n), "logging.%s must be one of %s, got %q", key, strings.Join(levels, ", "), v)
	return false
}
