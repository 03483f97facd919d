// Package readcache keeps what a describe call said about one cloud object (a
// security group's rules, a server's groups, a port, an instance) for the
// provider process, so that a refresh of N resources on G objects costs G
// calls rather than N. Terraform starts a provider process per command (plan,
// apply, refresh), so the cache is a snapshot per command: a change made out
// of band between two commands is seen by the second.
//
// Concurrent reads of one object share one call. Every write to an object
// invalidates its entry before the write (so no read joins a describe that
// predates it) and after (so the next read sees it). A read whose answer
// decides a write (the re-read under the object's lock) invalidates first.
package readcache

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
)

// Cache maps an object's key (cloud, region, ID: strings and numbers, so
// that %#v spells distinct keys distinctly) to what a describe of it
// answered. A value is shared by every caller: read only. An
// *apierr.NotFoundError is kept too, since a missing object is an answer;
// other errors are not. The zero value is ready to use.
//
// Each key carries a generation, and the cache an epoch: a describe that
// started before an invalidation (and so may not show the write that caused
// it) neither lands in the cache nor is joined by a read that starts after.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]entry[V]
	gens    map[K]uint64
	epoch   uint64
	flight  singleflight.Group
}

type entry[V any] struct {
	value V
	err   error // an *apierr.NotFoundError
}

type generation struct{ epoch, key uint64 }

// gen is the key's current generation; c.mu must be held.
func (c *Cache[K, V]) gen(key K) generation {
	return generation{c.epoch, c.gens[key]}
}

// Get returns the key's answer from the cache, or from fetch, which at most
// one caller per key and generation runs at a time; the others wait for its
// answer.
func (c *Cache[K, V]) Get(ctx context.Context, key K, fetch func(context.Context) (V, error)) (V, error) {
	for {
		c.mu.Lock()
		if e, ok := c.entries[key]; ok {
			c.mu.Unlock()
			return e.value, e.err
		}
		g := c.gen(key)
		c.mu.Unlock()

		v, err, shared := c.flight.Do(fmt.Sprintf("%d\x00%d\x00%#v", g.epoch, g.key, key), func() (any, error) {
			return c.fetch(ctx, key, g, fetch)
		})
		// The fetch ran with the context of the caller that started it: when
		// that one gave up, a caller that still has time asks again.
		if shared && err != nil && ctx.Err() == nil &&
			(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			continue
		}
		value, _ := v.(V)
		return value, err
	}
}

func (c *Cache[K, V]) fetch(ctx context.Context, key K, g generation, fetch func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && c.gen(key) == g {
		// Stored by the flight that ended between the caller's miss and this one.
		c.mu.Unlock()
		return e.value, e.err
	}
	c.mu.Unlock()
	value, err := fetch(ctx)
	if err == nil || apierr.IsNotFound(err) {
		c.mu.Lock()
		if c.gen(key) == g {
			if c.entries == nil {
				c.entries = map[K]entry[V]{}
			}
			c.entries[key] = entry[V]{value: value, err: err}
		}
		c.mu.Unlock()
	}
	return value, err
}

// Invalidate drops the key's entry and makes the describes of it already
// under way stale.
func (c *Cache[K, V]) Invalidate(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
	if c.gens == nil {
		c.gens = map[K]uint64{}
	}
	c.gens[key]++
}

// InvalidateAll drops every entry and makes every describe under way stale:
// for a write that may change objects the writer cannot name (a server's
// action changes all of its ports).
func (c *Cache[K, V]) InvalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.epoch++
}
