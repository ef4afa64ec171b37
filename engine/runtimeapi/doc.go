// Package runtimeapi serves the AWS Lambda Runtime API (2018-06-01) for one
// worker sandbox: the runtime process long-polls /next, and answers on
// /response or /error. The engine hands invocations in with Server.Invoke.
package runtimeapi
