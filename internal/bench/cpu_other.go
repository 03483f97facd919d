//go:build !unix

package bench

import "time"

// childrenCPU is not measured here.
func childrenCPU() time.Duration { return 0 }
