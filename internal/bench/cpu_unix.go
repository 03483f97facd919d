//go:build unix

package bench

import (
	"syscall"
	"time"
)

// childrenCPU is the user and system CPU time of this process's finished
// children and their finished descendants: terraform and the provider
// process it started and waited for.
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
