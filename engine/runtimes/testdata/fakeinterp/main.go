// Command fakeinterp stands in for an interpreter binary in the probe cache
// tests: like lambdev's probe programs it prints its executable and a
// version (FAKE_VERSION, else 9.9.9) then one extra line, and it appends a
// line to the file named by FAKE_LOG each time it runs, so a test can count
// the probes that really started it.
package main

import (
	"fmt"
	"os"
)

func main() {
	if log := os.Getenv("FAKE_LOG"); log != "" {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, "ran")
			f.Close()
		}
	}
	v := os.Getenv("FAKE_VERSION")
	if v == "" {
		v = "9.9.9"
	}
	exe, _ := os.Executable()
	fmt.Printf("%s\n%s\nextra\n", exe, v)
}
