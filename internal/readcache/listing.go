package readcache

import "sync"

// ListAfter is how many members of one group a process reads one by one
// before a membership's refresh asks the group's listing instead. Terraform
// reads at most -parallelism (10 by default) resources at once, so member
// reads batch at most that many per call: past one such batch, one listing
// (a call per page of 100 or more members) is cheaper than the next batches.
// A configuration with a few memberships of a large group (an account's
// default group holding thousands of instances) never pays for its listing.
const ListAfter = 10

// Listings keeps, per group key, the group's member listing (a Cache: one
// listing per group and process, dropped by every write to a membership of
// the group) and decides when a membership's refresh should use it: a fleet
// of members of one group is answered by one paged listing, whatever its
// size, and a few members of a group by their own (batched, cached) reads.
// The zero value is ready to use.
type Listings[K comparable, V any] struct {
	Cache[K, V]

	mu     sync.Mutex
	misses map[K]int
}

// Use reports whether a membership of the group key should be answered from
// the group's listing: when the process already has it, or when more than
// ListAfter members of the group had to be read one by one (memberCached
// says whether this member's own read is in the process's cache: such a read
// costs nothing, so it does not count).
func (l *Listings[K, V]) Use(key K, memberCached bool) bool {
	if l.Cached(key) {
		return true
	}
	if memberCached {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.misses == nil {
		l.misses = map[K]int{}
	}
	l.misses[key]++
	return l.misses[key] > ListAfter
}

// Cached reports whether the key's answer is in the cache.
func (c *Cache[K, V]) Cached(key K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[key]
	return ok
}
