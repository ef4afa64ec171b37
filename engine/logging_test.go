package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

// logging: {format: JSON, applicationLogLevel, logGroup} reaches the worker
// as Lambda passes it (AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL,
// AWS_LAMBDA_LOG_GROUP_NAME), and the invocation's log holds the runtime's
// JSON records, filtered by the level.
func TestJSONLoggingConfig(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	res := invoke(t, e, "jsonlogs", `{}`)
	var got struct{ Group, Format, Level string }
	if err := json.Unmarshal(res.Payload, &got); err != nil || got != (struct{ Group, Format, Level string }{"/custom/group", "JSON", "WARN"}) {
		t.Errorf("the worker saw %+v (%s)", got, res.Payload)
	}
	logs := string(res.Logs)
	if !strings.Contains(logs, `"level": "WARNING", "message": "loud"`) || strings.Contains(logs, "quiet") {
		t.Errorf("logs:\n%s", logs)
	}
}
