package readcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
)

type key struct{ region, id string }

// counter is a fetch that counts its calls and answers the count; it blocks
// until release is closed, and says on started that a call began.
type counter struct {
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
}

func newCounter() *counter {
	return &counter{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (f *counter) fetch(context.Context) (int, error) {
	n := f.calls.Add(1)
	f.started <- struct{}{}
	<-f.release
	return int(n), nil
}

// TestCoalescesAndKeeps: concurrent reads of a key share one fetch, and the
// answer is kept.
func TestCoalescesAndKeeps(t *testing.T) {
	var c Cache[key, int]
	k := key{"r", "a"}
	f := newCounter()
	var wg sync.WaitGroup
	results := make([]int, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = c.Get(context.Background(), k, f.fetch)
		}()
	}
	// Readers that arrive while the fetch is blocked must join it (a second
	// fetch would count); later ones find the answer in the cache.
	<-f.started
	close(f.release)
	wg.Wait()
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("%d fetches for 20 concurrent reads, want 1", n)
	}
	for _, r := range results {
		if r != 1 {
			t.Fatalf("a reader got %d, want 1", r)
		}
	}
	if r, _ := c.Get(context.Background(), k, f.fetch); r != 1 || f.calls.Load() != 1 {
		t.Fatalf("cached read fetched again")
	}
	// Another key is another object.
	if r, _ := c.Get(context.Background(), key{"r", "b"}, f.fetch); r != 2 {
		t.Fatalf("another key got %d, want its own fetch", r)
	}
}

// TestInvalidate: after a write's invalidation the next read fetches again,
// and a fetch that started before it is neither kept nor joined.
func TestInvalidate(t *testing.T) {
	var c Cache[key, int]
	k := key{"r", "a"}
	f := newCounter()
	close(f.release)
	if r, _ := c.Get(context.Background(), k, f.fetch); r != 1 {
		t.Fatal(r)
	}
	c.Invalidate(k)
	if r, _ := c.Get(context.Background(), k, f.fetch); r != 2 {
		t.Fatalf("after a write: %d, want a fresh fetch", r)
	}

	// A fetch that straddles a write is answered but not kept, and a read
	// that starts after the write does not join it.
	c.Invalidate(k)
	old := newCounter()
	done := make(chan int)
	go func() {
		r, _ := c.Get(context.Background(), k, func(ctx context.Context) (int, error) {
			_, _ = old.fetch(ctx)
			return -1, nil
		})
		done <- r
	}()
	<-old.started
	c.Invalidate(k)
	if r, _ := c.Get(context.Background(), k, f.fetch); r != 3 {
		t.Fatalf("a read after the write got %d, want its own fetch (3)", r)
	}
	close(old.release)
	if r := <-done; r != -1 {
		t.Fatalf("the straddling read got %d, want its own answer", r)
	}
	if r, _ := c.Get(context.Background(), k, f.fetch); r != 3 {
		t.Fatalf("got %d: the describe from before the write replaced the one after", r)
	}
}

// TestInvalidateAll drops every key and makes every fetch under way stale.
func TestInvalidateAll(t *testing.T) {
	var c Cache[key, int]
	f := newCounter()
	close(f.release)
	a, b := key{"r", "a"}, key{"r", "b"}
	_, _ = c.Get(context.Background(), a, f.fetch)
	_, _ = c.Get(context.Background(), b, f.fetch)

	old := newCounter()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.Get(context.Background(), key{"r", "c"}, func(ctx context.Context) (int, error) {
			_, _ = old.fetch(ctx)
			return -1, nil
		})
	}()
	<-old.started
	c.InvalidateAll()
	close(old.release)
	<-done
	for _, k := range []key{a, b, {"r", "c"}} {
		if r, _ := c.Get(context.Background(), k, f.fetch); r == -1 || r <= 2 {
			t.Fatalf("%v after InvalidateAll: %d, want a fresh fetch", k, r)
		}
	}
	if n := f.calls.Load(); n != 5 {
		t.Fatalf("%d fetches, want 5", n)
	}
}

// TestErrors: a missing object is an answer worth keeping; other errors are
// not.
func TestErrors(t *testing.T) {
	var c Cache[key, int]
	gone := &apierr.NotFoundError{Message: "gone"}
	calls := 0
	for range 2 {
		_, err := c.Get(context.Background(), key{"r", "gone"}, func(context.Context) (int, error) { calls++; return 0, gone })
		if !errors.Is(err, gone) {
			t.Fatal(err)
		}
	}
	boom := errors.New("boom")
	for range 2 {
		if _, err := c.Get(context.Background(), key{"r", "boom"}, func(context.Context) (int, error) { calls++; return 0, boom }); !errors.Is(err, boom) {
			t.Fatal(err)
		}
	}
	if calls != 3 {
		t.Fatalf("%d fetches, want 1 for the missing object (kept) and 2 for the failing one (not kept)", calls)
	}
}

// TestStarterGivesUp: when the reader whose context runs the fetch gives up,
// a reader that joined it and still has time fetches again rather than
// failing with the other's cancellation.
func TestStarterGivesUp(t *testing.T) {
	var c Cache[key, int]
	k := key{"r", "a"}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	first := make(chan error)
	go func() {
		_, err := c.Get(ctx, k, func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done()
			return 0, ctx.Err()
		})
		first <- err
	}()
	<-started
	second := make(chan int)
	var fetched atomic.Bool
	go func() {
		r, err := c.Get(context.Background(), k, func(context.Context) (int, error) { fetched.Store(true); return 7, nil })
		if err != nil {
			t.Error(err)
		}
		second <- r
	}()
	// The second reader either joined the blocked fetch or, if it arrives
	// after the cancellation, starts its own: either way it must get 7.
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("the reader that gave up got %v", err)
	}
	if r := <-second; r != 7 || !fetched.Load() {
		t.Fatalf("the reader with time left got %d (fetched: %v), want its own fetch's 7", r, fetched.Load())
	}
}
