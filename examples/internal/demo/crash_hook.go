//go:build sandogh_crashtest

package demo

import (
	"os"
)

// This file is built only into the binaries of the crash tests (tag
// sandogh_crashtest; examples/election's and examples/council's tests):
// SANDOGH_DEMO_CRASH=<step> kills the process (SIGKILL, as kill -9) at that
// step of OutDir.Commit ("staged", "moved-old", "swapped", "removing"),
// and SANDOGH_DEMO_NO_EXCHANGE=1 takes the path of systems that cannot
// exchange two folders in one step.

func crashPoint(step string) {
	if os.Getenv("SANDOGH_DEMO_CRASH") == step {
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		select {}
	}
}

var noExchange = os.Getenv("SANDOGH_DEMO_NO_EXCHANGE") != ""
