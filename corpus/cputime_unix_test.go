//go:build unix

package corpus_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used so far. Timing tests
// measure it rather than the wall clock, which on a shared machine jumps by
// seconds when other processes take the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
