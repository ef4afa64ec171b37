package deploy

import (
	"github.com/lambdev/lambdev/config"
)

// Action is what a deploy or remove did to one function.
type Action string

// Actions reported per function.
const (
	ActionCreate       Action = "create"        // the function did not exist and was created
	ActionUpdate       Action = "update"        // both code and configuration were updated
	ActionUpdateCode   Action = "update-code"   // only the code (or architecture) was updated
	ActionUpdateConfig Action = "update-config" // only the configuration was updated
	ActionUpdateURL    Action = "update-url"    // only the function URL or its permissions changed
	ActionUnchanged    Action = "unchanged"     // nothing differed; no mutating call was made
	ActionRemove       Action = "remove"        // the function was deleted
	ActionAbsent       Action = "absent"        // remove found nothing to delete
	ActionUndeclared   Action = "undeclared"    // deployed in the stage, no longer declared, left in place
	ActionFailed       Action = "failed"        // see Result.Error
)

// Target is one function to deploy and how: the declared function plus the
// overrides cloud dev needs to deploy the relay bridge in its place.
type Target struct {
	// Function is the declared function; its name, memory, timeout, architecture,
	// description, role, tenancy, logging and URL are deployed as declared.
	Function *config.Function
	// Runtime is the effective runtime; empty means Function.Runtime.
	Runtime string
	// Handler is the Lambda handler; empty means Function.LambdaHandler().
	Handler string
	// Environment is merged over Function.Environment (it wins on conflicts).
	Environment map[string]string
	// Artifact returns the zip to upload; nil means Package(p, Function, Options.Package).
	Artifact func() (*Artifact, error)
}

// Plan returns a Target per function of p, deployed exactly as declared
// (what `lambdev deploy` and --ci do).
func Plan(p *config.Project) []Target {
	out := make([]Target, len(p.Functions))
	for i, f := range p.Functions {
		out[i] = Target{Function: f}
	}
	return out
}

// Result is the outcome for one function.
type Result struct {
	// Function is the name in the project file; Name the deployed Lambda name.
	Function string `json:"function"`
	Name     string `json:"name"`
	Action   Action `json:"action"`
	// Changes lists what differed: "code", "runtime", "memory", "logging", "url", ….
	Changes    []string `json:"changes,omitempty"`
	ARN        string   `json:"arn,omitempty"`
	URL        string   `json:"url,omitempty"`
	Runtime    string   `json:"runtime,omitempty"`
	CodeSha256 string   `json:"codeSha256,omitempty"`
	// Error is the failure as text (for JSON); Err keeps the error value.
	Error string `json:"error,omitempty"`
	Hint  string `json:"hint,omitempty"`
	Err   error  `json:"-"`
}

// Report is the outcome of a Deploy or Remove.
type Report struct {
	App    string `json:"app"`
	Stage  string `json:"stage"`
	Region string `json:"region"`
	// Role is the ARN of the execution role lambdev manages for the stage, if any
	// (its name when creating it failed), and RoleAction what happened to it:
	// "create", "unchanged", "remove", "failed" or "".
	Role       string   `json:"role,omitempty"`
	RoleAction Action   `json:"roleAction,omitempty"`
	Results    []Result `json:"functions"`
	// Notes say what was not done and why, e.g. undeclared functions not
	// looked for because listing the account's functions was refused.
	Notes []string `json:"notes,omitempty"`
}

// Failed counts the functions that failed.
func (r *Report) Failed() int {
	n := 0
	for _, res := range r.Results {
		if res.Action == ActionFailed {
			n++
		}
	}
	return n
}

func (r *Report) failure(op string) error {
	var errs []error
	for _, res := range r.Results {
		if res.Action == ActionFailed {
			errs = append(errs, res.Err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &FailedError{Op: op, Failed: len(errs), Total: len(r.Results), Errs: errs}
}

// Step names a stage of deploying one function, for progress lines.
type Step string

// Steps reported through Progress.
const (
	StepRole       Step = "role"
	StepPackage    Step = "package"
	StepCreate     Step = "create"
	StepUpdateCode Step = "update-code"
	StepUpdateConf Step = "update-config"
	StepWait       Step = "wait"
	StepURL        Step = "url"
	StepPermission Step = "permission"
	StepRemove     Step = "remove"
	StepDone       Step = "done"
	StepFailed     Step = "failed"
)

// Progress is one progress event. Function is empty for stage-wide steps (the role).
type Progress struct {
	Function string
	Step     Step
	Message  string
}
