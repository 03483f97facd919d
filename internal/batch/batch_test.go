package batch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

var errNotFound = errors.New("not found")

// fake is a fetcher that answers key*10 for every key it knows, records the
// batches it got, and fails a whole call when it holds a bad key.
type fake struct {
	mu      sync.Mutex
	batches [][]int
	known   func(k int) bool
	bad     func(k int) bool // a key that fails the whole call
	delay   time.Duration
	slowKey int   // a call holding it takes a second
	err     error // fails every call
}

func (f *fake) fetch(_ context.Context, _ string, keys []int) (map[int]int, error) {
	f.mu.Lock()
	f.batches = append(f.batches, slices.Clone(keys))
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if f.slowKey != 0 && slices.Contains(keys, f.slowKey) {
		time.Sleep(time.Second)
	}
	if f.err != nil {
		return nil, f.err
	}
	out := map[int]int{}
	for _, k := range keys {
		if f.bad != nil && f.bad(k) {
			return nil, fmt.Errorf("InvalidInstanceId.NotFound: %d", k)
		}
		if f.known == nil || f.known(k) {
			out[k] = k * 10
		}
	}
	return out, nil
}

func (f *fake) sizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s []int
	for _, b := range f.batches {
		s = append(s, len(b))
	}
	return s
}

func newBatcher(f *fake) *Batcher[string, int, int] {
	return &Batcher[string, int, int]{
		Fetch:   f.fetch,
		Missing: func(_ string, k int) error { return fmt.Errorf("%d: %w", k, errNotFound) },
	}
}

// run calls Do for keys at once (in a synctest bubble or not) and returns
// each key's answer and error.
func run(b *Batcher[string, int, int], group string, keys []int) ([]int, []error) {
	vals, errs := make([]int, len(keys)), make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() { vals[i], errs[i] = b.Do(context.Background(), group, k) })
	}
	wg.Wait()
	return vals, errs
}

func seq(from, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = from + i
	}
	return s
}

// TestBatchesConcurrentCalls: 250 concurrent calls of one group go out as
// calls of at most 100 keys (three of them), each caller getting its own
// key's answer.
func TestBatchesConcurrentCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{}
		b := newBatcher(f)
		keys := seq(1, 250)
		vals, errs := run(b, "g", keys)
		for i, k := range keys {
			if errs[i] != nil || vals[i] != k*10 {
				t.Fatalf("key %d: %d, %v; want %d", k, vals[i], errs[i], k*10)
			}
		}
		sizes := f.sizes()
		slices.Sort(sizes)
		if !slices.Equal(sizes, []int{50, 100, 100}) {
			t.Fatalf("batch sizes %v, want [50 100 100]", sizes)
		}
	})
}

// TestGroupsAreSeparate: calls of two groups never share a call.
func TestGroupsAreSeparate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{}
		b := newBatcher(f)
		var wg sync.WaitGroup
		wg.Go(func() { run(b, "a", seq(1, 5)) })
		wg.Go(func() { run(b, "b", seq(100, 5)) })
		wg.Wait()
		if s := f.sizes(); !slices.Equal(s, []int{5, 5}) {
			t.Fatalf("batch sizes %v, want [5 5]", s)
		}
		for _, batch := range f.batches {
			if (batch[0] < 100) != (batch[len(batch)-1] < 100) {
				t.Fatalf("a call mixed the groups: %v", batch)
			}
		}
	})
}

// TestLoneCallLatency: a lone call goes out after the window, and never
// later than MaxWait even while an earlier batch of its group is slow.
func TestLoneCallLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{}
		b := newBatcher(f)
		start := time.Now()
		if _, err := b.Do(context.Background(), "g", 1); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != DefaultWindow {
			t.Fatalf("a lone call waited %v, want the window %v", d, DefaultWindow)
		}

		f.slowKey = 2 // its batch stays under way
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = b.Do(context.Background(), "g", 2) })
		time.Sleep(DefaultWindow + time.Millisecond)
		start = time.Now()
		if _, err := b.Do(context.Background(), "g", 3); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != DefaultMaxWait {
			t.Fatalf("a call behind a slow batch waited %v, want MaxWait %v", d, DefaultMaxWait)
		}
		wg.Wait()
	})
}

// TestCollectsWhileUnderWay: calls arriving while a batch is under way go
// out together as soon as it ends (within MaxWait), not one by one.
func TestCollectsWhileUnderWay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{delay: 10 * time.Millisecond}
		b := newBatcher(f)
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = b.Do(context.Background(), "g", 0) })
		time.Sleep(DefaultWindow + time.Millisecond) // the first batch is under way
		for i := 1; i <= 9; i++ {
			wg.Go(func() { _, _ = b.Do(context.Background(), "g", i) })
			time.Sleep(time.Millisecond)
		}
		wg.Wait()
		if s := f.sizes(); !slices.Equal(s, []int{1, 9}) {
			t.Fatalf("batch sizes %v, want [1 9]", s)
		}
	})
}

// TestMissingKeyIsItsOwn: a key the answer leaves out is not found for its
// caller only.
func TestMissingKeyIsItsOwn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{known: func(k int) bool { return k != 3 }}
		b := newBatcher(f)
		keys := seq(1, 5)
		vals, errs := run(b, "g", keys)
		for i, k := range keys {
			if k == 3 {
				if !errors.Is(errs[i], errNotFound) {
					t.Fatalf("missing key: %v, want not found", errs[i])
				}
				continue
			}
			if errs[i] != nil || vals[i] != k*10 {
				t.Fatalf("key %d: %d, %v", k, vals[i], errs[i])
			}
		}
		if len(f.batches) != 1 {
			t.Fatalf("%d calls, want 1", len(f.batches))
		}
	})
}

// TestErrorFansOut: a call's error reaches every caller of the batch.
func TestErrorFansOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("HTTP 500")
		f := &fake{err: boom}
		b := newBatcher(f)
		_, errs := run(b, "g", seq(1, 7))
		for _, err := range errs {
			if !errors.Is(err, boom) {
				t.Fatalf("a caller got %v, want the call's error", err)
			}
		}
		if len(f.batches) != 1 {
			t.Fatalf("%d calls, want 1 (no split without Split)", len(f.batches))
		}
	})
}

// TestFillWindow: a batch whose callers are still coming at Window keeps
// collecting while they come (each within half a Window of the last), and
// while it holds fewer than the group's peak (the most callers it has had
// at once), up to FillWindow; a lone first call, and as many callers as the
// peak that all came at once, still go at Window.
func TestFillWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{}
		b := newBatcher(f)
		b.Window, b.FillWindow = 20*time.Millisecond, 100*time.Millisecond
		timed := func(do func()) time.Duration {
			start := time.Now()
			do()
			return time.Since(start)
		}
		if d := timed(func() { _, _ = b.Do(context.Background(), "g", 0) }); d != b.Window {
			t.Fatalf("a lone call waited %v, want Window", d)
		}
		if d := timed(func() { run(b, "g", seq(1, 6)) }); d != b.Window {
			t.Fatalf("6 callers at once waited %v, want Window", d)
		}
		trickle := func(from, n int) {
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { _, _ = b.Do(context.Background(), "g", from+i) })
				time.Sleep(8 * time.Millisecond)
			}
			wg.Wait()
		}
		// 6 callers 8 ms apart (the last at 40 ms): one batch, sent once they
		// stopped for 10 ms.
		trickle(10, 6)
		// 20 callers 8 ms apart: the first 13 (0 to 96 ms) go at FillWindow.
		trickle(100, 20)
		// 2 callers at once, fewer than the peak of 6: FillWindow.
		if d := timed(func() { run(b, "g", []int{200, 201}) }); d != b.FillWindow {
			t.Fatalf("2 callers below the peak waited %v, want FillWindow", d)
		}
		if s := f.sizes(); !slices.Equal(s, []int{1, 6, 6, 13, 7, 2}) {
			t.Fatalf("batch sizes %v, want [1 6 6 13 7 2]", s)
		}
	})
}

// TestKeyErrorsAreTheirOwn: a Fetch that answers some keys with their own
// error (Errors) gives those callers that error and the others their
// values, from one call, even with Split set: the call decided per key.
func TestKeyErrorsAreTheirOwn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		done := errors.New("already done")
		calls := 0
		var mu sync.Mutex
		b := &Batcher[string, int, int]{
			Fetch: func(_ context.Context, _ string, keys []int) (map[int]int, error) {
				mu.Lock()
				calls++
				mu.Unlock()
				out, own := map[int]int{}, Errors[int]{}
				for _, k := range keys {
					if k%3 == 0 {
						own[k] = fmt.Errorf("%d: %w", k, done)
						continue
					}
					out[k] = k * 10
				}
				return out, own
			},
			Split: func(error) bool { return true },
		}
		keys := seq(1, 7)
		vals, errs := run(b, "g", keys)
		for i, k := range keys {
			if k%3 == 0 {
				if !errors.Is(errs[i], done) || !strings.Contains(errs[i].Error(), strconv.Itoa(k)) {
					t.Fatalf("key %d: %v, want its own error", k, errs[i])
				}
				continue
			}
			if errs[i] != nil || vals[i] != k*10 {
				t.Fatalf("key %d: %d, %v; want %d", k, vals[i], errs[i], k*10)
			}
		}
		if calls != 1 {
			t.Fatalf("%d calls, want 1: per-key errors are not split", calls)
		}
	})
}

// TestSplitGivesEachItsOwnAnswer: a call failed by one bad key is split
// until the bad key is alone; the others succeed, and only the bad key's
// caller sees the error.
func TestSplitGivesEachItsOwnAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{bad: func(k int) bool { return k == 5 }}
		b := newBatcher(f)
		b.Split = func(err error) bool { return err != nil }
		keys := seq(1, 8)
		vals, errs := run(b, "g", keys)
		for i, k := range keys {
			if k == 5 {
				if errs[i] == nil {
					t.Fatal("the bad key's caller got no error")
				}
				continue
			}
			if errs[i] != nil || vals[i] != k*10 {
				t.Fatalf("key %d: %d, %v; one bad key must not fail the others", k, vals[i], errs[i])
			}
		}
		// 8 → 4+4 → 2+2 → 1+1: the bad key ends alone.
		if n := len(f.batches); n != 7 {
			t.Fatalf("%d calls (%v), want 7", n, f.batches)
		}
	})
}

// TestCallerGivesUp: a caller whose context ends returns at once; the
// others still get the answer, and a batch nobody waits for is cancelled.
func TestCallerGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{}
		var seen []error
		var mu sync.Mutex
		b := newBatcher(f)
		b.Fetch = func(ctx context.Context, g string, keys []int) (map[int]int, error) {
			<-ctx.Done()
			mu.Lock()
			seen = append(seen, ctx.Err())
			mu.Unlock()
			return nil, ctx.Err()
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := b.Do(ctx, "g", 1)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want the caller's deadline", err)
		}
		synctest.Wait()
		if len(seen) != 1 {
			t.Fatalf("the abandoned call was not cancelled: %v", seen)
		}
	})
}

// TestDuplicateKeysShareOneSlot: two callers of one key in one batch get
// the same answer and the call holds the key once.
func TestDuplicateKeysShareOneSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{}
		b := newBatcher(f)
		vals, _ := run(b, "g", []int{4, 4, 5})
		if vals[0] != 40 || vals[1] != 40 || vals[2] != 50 {
			t.Fatalf("answers %v", vals)
		}
		if s := f.sizes(); !slices.Equal(s, []int{2}) {
			t.Fatalf("batch sizes %v, want [2]", s)
		}
	})
}

// TestReadyKeepsCollecting: while a batch waits for Ready (its rate limit's
// next free token), callers keep joining it, so calls queued behind the
// limit go out as one.
func TestReadyKeepsCollecting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{}
		b := newBatcher(f)
		b.Ready = func(context.Context, string) error {
			time.Sleep(time.Second) // the limit's next token
			return nil
		}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() { _, _ = b.Do(context.Background(), "g", i) })
			time.Sleep(100 * time.Millisecond)
		}
		wg.Wait()
		if s := f.sizes(); !slices.Equal(s, []int{8}) {
			t.Fatalf("batch sizes %v, want one batch of 8", s)
		}
	})
}

// A caller whose timeout ends while its batch is under way gets a stop that
// names the call, and, for a batch of writes already sent, a mark that its
// write may have landed; a read's stop has no such mark.
func TestStoppedCallerNamesTheCallAndMayHaveLanded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, writes := range []bool{false, true} {
			f := &fake{known: func(int) bool { return true }, delay: time.Second}
			b := Batcher[string, int, int]{Fetch: f.fetch, Writes: writes, Call: func(string) string { return "cloud SVC Bind" }}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			_, err := b.Do(ctx, "g", 1)
			cancel()
			var c interface{ Call() string }
			if !errors.As(err, &c) || c.Call() != "cloud SVC Bind" || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("writes=%v: got %v, want a stop during the call", writes, err)
			}
			if got := retry.MayHaveLanded(err); got != writes {
				t.Errorf("writes=%v: MayHaveLanded = %v", writes, got)
			}
			synctest.Wait()
			time.Sleep(2 * time.Second) // let the fake call end
		}
	})
}
