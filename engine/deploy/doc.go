// Package deploy packages lambdev functions into deterministic Lambda zips and
// deploys them with aws-sdk-go-v2: an execution role per app-stage, functions
// created or updated only when their code or configuration differ, function
// URLs with the permissions AWS requires, and removal of a stage.
//
// The package never prints: progress is reported through Options.Progress and
// outcomes through a Report. It imports only config, the standard library and
// the AWS SDK.
package deploy
