package retry

import (
	"context"
	"time"
)

// WaitFor polls cond until it reports done, returns an error, or ctx ends
// (a *StoppedError that names the timeout or the interrupt).
// Polling starts fast (the emulator and most calls settle at once) and slows
// down to a few seconds for a real cloud's eventual consistency.
func WaitFor(ctx context.Context, cond func(ctx context.Context) (done bool, err error)) error {
	delay := 100 * time.Millisecond
	for {
		done, err := cond(ctx)
		if err != nil || done {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return Stopped(ctx, ctx.Err())
		case <-t.C:
		}
		if delay < 3*time.Second {
			delay *= 2
		}
	}
}
