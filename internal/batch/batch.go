// Package batch turns concurrent calls about single objects into one call
// about many: the batch APIs (Huawei ECS ListServersDetails with server_id,
// VPC ListPorts with id, Alibaba DescribeInstances with InstanceIds, Tencent
// DescribeInstances, AssociateSecurityGroups ...) take up to 100 IDs, so a
// fleet of N members costs about N/100 calls instead of N.
//
// Calls of one kind (a group: cloud, service, region, API and whatever else
// the call shares, such as the security group of a write) are collected for
// a short window, or until the batch is full, then sent as one call; each
// caller gets its own key's answer. A lone call waits at most MaxWait before
// it goes out; while an earlier batch of its kind is still under way (paced
// by the rate limit, or retried), the next one keeps collecting up to that
// bound, so batches grow exactly when calls queue.
//
// readcache sits on top: a member read once per process stays one read, and
// a batch only sees the cache's misses.
package batch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Defaults of a Batcher's zero fields.
const (
	DefaultWindow  = 5 * time.Millisecond
	DefaultMaxWait = 20 * time.Millisecond
	DefaultMaxSize = 100
)

// Batcher collects calls by group G and key K and answers each with V.
// Set Fetch (and Missing) before the first Do; the zero value of the other
// fields takes the defaults.
type Batcher[G, K comparable, V any] struct {
	// Fetch makes one call for keys (distinct, at most MaxSize) of group g
	// and returns each key's answer. A key left out of the map gets
	// Missing's error (a batch read answers nothing for an ID that does not
	// exist). An error fails every key of the call, unless Split says it
	// may be one member's, or it is an Errors: then the keys it names get
	// their own error and the others their values.
	Fetch func(ctx context.Context, g G, keys []K) (map[K]V, error)
	// Missing is the error for a key Fetch left out: a not-found error
	// naming the object.
	Missing func(g G, k K) error
	// Split reports whether an error of a call of several keys may be the
	// fault of one of them (Tencent fails a whole AssociateSecurityGroups
	// for one unknown instance): the keys are then sent again in halves,
	// down to one key per call, so each caller gets its own answer. Nil
	// never splits.
	Split func(err error) bool
	// Ready, when set, waits until a call of group g could go out now (its
	// service's rate limit has a token free). A batch keeps taking callers
	// while it waits, so that calls queued behind the rate limit go out
	// together rather than one by one.
	Ready func(ctx context.Context, g G) error
	// Call names group g's API call ("tencentcloud CVM DescribeInstances")
	// in the error of a caller whose context ends before the answer: the
	// timeout or the interrupt stopped it during that call.
	Call func(g G) string
	// Writes marks a batcher of writes: a caller that stops waiting once its
	// batch went out may have had its write carried out
	// (retry.MayHaveLanded).
	Writes bool

	Window  time.Duration // collecting time when nothing of the group is under way
	MaxWait time.Duration // the longest a call waits for its batch to go out
	MaxSize int           // keys per call
	// FillWindow, when longer than Window, lets a batch go on collecting
	// past Window, up to FillWindow, while it holds fewer callers than the
	// group has ever had in Do at once, or its callers are still coming
	// (the last joined less than half a Window ago). Writes of a fleet whose
	// terraform hands them out a few at a time between other work then fill
	// their batches, while a lone call, and a fleet that holds every one of
	// terraform's slots (its callers all join at once, as many as ever), still
	// go out at Window.
	FillWindow time.Duration

	mu       sync.Mutex
	open     map[G]*pending[K, V]
	inflight map[G]int
	active   map[G]int // callers in Do, by group
	peak     map[G]int // the most callers the group has had in Do at once
}

// pending is one batch: collecting, then started (waiting for Ready, still
// collecting), then sent (no longer in Batcher.open), then done.
type pending[K comparable, V any] struct {
	keys    []K
	callers []context.Context
	waiting int // callers still waiting for the answer
	born    time.Time
	ready   bool      // the window has passed: send when the group's earlier batch ends
	joined  time.Time // when the last caller joined
	timer   *time.Timer
	started bool               // waiting for Ready, still taking callers unless full
	cancel  context.CancelFunc // of the call's context, once sent

	done    chan struct{}
	values  map[K]V
	errs    map[K]error
	callErr error
}

func (b *Batcher[G, K, V]) window() time.Duration {
	if b.Window > 0 {
		return b.Window
	}
	return DefaultWindow
}

func (b *Batcher[G, K, V]) maxWait() time.Duration {
	if b.MaxWait > 0 {
		return b.MaxWait
	}
	return DefaultMaxWait
}

func (b *Batcher[G, K, V]) maxSize() int {
	if b.MaxSize > 0 {
		return b.MaxSize
	}
	return DefaultMaxSize
}

// Do returns key's answer from the next batch of group g. When ctx ends
// first it returns ctx's error; the batch goes on for the other callers.
func (b *Batcher[G, K, V]) Do(ctx context.Context, g G, key K) (V, error) {
	b.mu.Lock()
	if b.open == nil {
		b.open = map[G]*pending[K, V]{}
		b.inflight = map[G]int{}
		b.active = map[G]int{}
		b.peak = map[G]int{}
	}
	b.active[g]++
	b.peak[g] = max(b.peak[g], b.active[g])
	defer func() {
		b.mu.Lock()
		b.active[g]--
		b.mu.Unlock()
	}()
	p := b.open[g]
	if p == nil {
		p = &pending[K, V]{born: time.Now(), done: make(chan struct{})}
		b.open[g] = p
		p.timer = time.AfterFunc(b.window(), func() { b.windowEnded(g, p) })
	}
	isNew := true
	for _, k := range p.keys {
		if k == key {
			isNew = false
			break
		}
	}
	if isNew {
		p.keys = append(p.keys, key)
	}
	p.callers = append(p.callers, ctx)
	p.joined = time.Now()
	p.waiting++
	if len(p.keys) >= b.maxSize() {
		b.sendLocked(g, p)
		if b.open[g] == p {
			delete(b.open, g) // full: the next caller starts a new batch
		}
	}
	b.mu.Unlock()

	select {
	case <-p.done:
		var zero V
		if p.callErr != nil {
			return zero, p.callErr
		}
		if err, ok := p.errs[key]; ok {
			return zero, err
		}
		if v, ok := p.values[key]; ok {
			return v, nil
		}
		if b.Missing == nil {
			return zero, fmt.Errorf("the batch call's answer left out %v", key)
		}
		return zero, b.Missing(g, key)
	case <-ctx.Done():
		b.mu.Lock()
		sent := p.cancel != nil
		p.waiting--
		if p.waiting == 0 && sent {
			p.cancel() // nobody waits for this batch any more
		}
		b.mu.Unlock()
		var zero V
		err := ctx.Err()
		if b.Call != nil {
			err = &stoppedCall{call: b.Call(g), err: err}
		}
		err = retry.Stopped(ctx, err)
		if b.Writes && sent {
			err = retry.Landed(err)
		}
		return zero, err
	}
}

// Errors, returned by Fetch as its error, answers the keys it names with
// their own error, and the others from Fetch's values: for a call that
// decides per key, such as a check before a write that leaves out the keys
// it found already done.
type Errors[K comparable] map[K]error

func (e Errors[K]) Error() string {
	for k, err := range e {
		if len(e) == 1 {
			return fmt.Sprintf("%v: %v", k, err)
		}
		return fmt.Sprintf("%v: %v (and %d more)", k, err, len(e)-1)
	}
	return "no key failed"
}

// stoppedCall is a batch call its caller stopped waiting for: a
// retry.Caller without an answer, so the stop's message names the call
// and the cause, not the context's bare error.
type stoppedCall struct {
	call string
	err  error
}

func (e *stoppedCall) Error() string  { return e.call + ": " + e.err.Error() }
func (e *stoppedCall) Call() string   { return e.call }
func (e *stoppedCall) Answered() bool { return false }
func (e *stoppedCall) Unwrap() error  { return e.err }

// windowEnded sends p, unless it may fill further (FillWindow), or an
// earlier batch of g is under way and p may still wait: then p goes out
// when that one ends, or at MaxWait.
func (b *Batcher[G, K, V]) windowEnded(g G, p *pending[K, V]) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p.started {
		return
	}
	if fill := b.FillWindow - time.Since(p.born); fill > 0 {
		arriving := time.Since(p.joined) < b.window()/2
		if arriving || len(p.callers) < b.peak[g] {
			// More may come: look again half a window later (so the batch
			// goes out half a window to a window after its last caller), or
			// at FillWindow.
			p.timer = time.AfterFunc(min(b.window()/2, fill), func() { b.windowEnded(g, p) })
			return
		}
	}
	left := b.maxWait() - time.Since(p.born)
	if b.inflight[g] > 0 && left > 0 {
		p.ready = true
		p.timer = time.AfterFunc(left, func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.sendLocked(g, p)
		})
		return
	}
	b.sendLocked(g, p)
}

// sendLocked starts p's call: after Ready (while p still takes callers),
// p is closed and Fetch runs. b.mu is held.
func (b *Batcher[G, K, V]) sendLocked(g G, p *pending[K, V]) {
	if p.started {
		return
	}
	p.started = true
	p.timer.Stop()
	b.inflight[g]++
	readyCtx, readyCancel := callContext(p.callers)
	go func() {
		if b.Ready != nil {
			_ = b.Ready(readyCtx, g) // a context that ended fails the call below
		}
		readyCancel()
		b.mu.Lock()
		if b.open[g] == p {
			delete(b.open, g)
		}
		ctx, cancel := callContext(p.callers)
		p.cancel = cancel
		if p.waiting == 0 {
			cancel()
		}
		keys := p.keys
		b.mu.Unlock()

		p.values, p.errs, p.callErr = b.call(ctx, g, keys)
		cancel()
		close(p.done)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.inflight[g]--
		if next := b.open[g]; next != nil && next.ready {
			b.sendLocked(g, next)
		}
	}()
}

// call runs Fetch for keys, splitting the keys in halves when Split says
// the error may be one of theirs. The errors it returns per key are those
// of the calls that held that key alone or with others that all failed.
func (b *Batcher[G, K, V]) call(ctx context.Context, g G, keys []K) (map[K]V, map[K]error, error) {
	values, err := b.Fetch(ctx, g, keys)
	if err == nil {
		return values, nil, nil
	}
	var own Errors[K]
	if errors.As(err, &own) {
		return values, own, nil
	}
	if len(keys) == 1 || b.Split == nil || !b.Split(err) || ctx.Err() != nil {
		return nil, nil, err
	}
	values, errs := map[K]V{}, map[K]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	half := len(keys) / 2
	for _, part := range [][]K{keys[:half], keys[half:]} {
		wg.Go(func() {
			v, e, callErr := b.call(ctx, g, part)
			mu.Lock()
			defer mu.Unlock()
			for k, x := range v {
				values[k] = x
			}
			for k, x := range e {
				errs[k] = x
			}
			if callErr != nil {
				for _, k := range part {
					errs[k] = callErr
				}
			}
		})
	}
	wg.Wait()
	return values, errs, nil
}

// callContext is the context of a call made for several callers: it keeps
// the first caller's values (the log's fields), lasts as long as the latest
// of their deadlines, and is cancelled when the last of them stops waiting.
func callContext(callers []context.Context) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(callers[0])
	var latest time.Time
	for _, c := range callers {
		dl, ok := c.Deadline()
		if !ok {
			return context.WithCancel(base)
		}
		if dl.After(latest) {
			latest = dl
		}
	}
	return context.WithDeadline(base, latest)
}
