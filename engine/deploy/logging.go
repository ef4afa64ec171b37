package deploy

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// defaultLogLevel is the application and system log level Lambda gives a
// JSON-logging function that names none (GetFunction reports INFO for both).
const defaultLogLevel = "INFO"

// defaultLogGroup is the log group Lambda gives a function that names none.
func defaultLogGroup(name string) string { return "/aws/lambda/" + name }

// newLogging is the LoggingConfig the function called name should have:
// what l declares, with Lambda's defaults written out, so that it can be
// sent as a whole and compared with what GetFunction reports. A nil l is
// Lambda's default: Text logs in /aws/lambda/<name>. Levels are set only for
// JSON, the only format Lambda accepts them with.
func newLogging(l *config.LoggingConfig, name string) types.LoggingConfig {
	out := types.LoggingConfig{LogFormat: types.LogFormatText, LogGroup: aws.String(defaultLogGroup(name))}
	if l == nil {
		return out
	}
	if l.LogGroup != "" {
		out.LogGroup = aws.String(l.LogGroup)
	}
	if l.JSON() {
		out.LogFormat = types.LogFormatJson
		out.ApplicationLogLevel = types.ApplicationLogLevel(orDefault(l.ApplicationLevel, defaultLogLevel))
		out.SystemLogLevel = types.SystemLogLevel(orDefault(l.SystemLevel, defaultLogLevel))
	}
	return out
}

// deployedLogging is cur, as GetFunction reports it, with Lambda's defaults
// filled in where it says nothing (a nil cur is a default function's).
func deployedLogging(cur *types.LoggingConfig, name string) types.LoggingConfig {
	var out types.LoggingConfig
	if cur != nil {
		out = *cur
	}
	if out.LogFormat == "" {
		out.LogFormat = types.LogFormatText
	}
	if aws.ToString(out.LogGroup) == "" {
		out.LogGroup = aws.String(defaultLogGroup(name))
	}
	if out.LogFormat == types.LogFormatJson {
		out.ApplicationLogLevel = types.ApplicationLogLevel(orDefault(string(out.ApplicationLogLevel), defaultLogLevel))
		out.SystemLogLevel = types.SystemLogLevel(orDefault(string(out.SystemLogLevel), defaultLogLevel))
	}
	return out
}

// loggingChanged reports whether the deployed logging cur differs from s's:
// in format, log group or, for JSON logs, either level. Levels a Text
// function may still report are ignored: Lambda filters only JSON logs.
func (s spec) loggingChanged(cur *types.LoggingConfig) bool {
	got, want := deployedLogging(cur, s.name), s.logging
	if got.LogFormat != want.LogFormat || aws.ToString(got.LogGroup) != aws.ToString(want.LogGroup) {
		return true
	}
	return want.LogFormat == types.LogFormatJson &&
		(got.ApplicationLogLevel != want.ApplicationLogLevel || got.SystemLogLevel != want.SystemLogLevel)
}

// loggingInput is s's logging as a request field.
func (s spec) loggingInput() *types.LoggingConfig {
	l := s.logging
	return &l
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
