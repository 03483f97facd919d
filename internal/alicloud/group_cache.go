package alicloud

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
)

// groupCache holds each security group's rules as one
// DescribeSecurityGroupAttribute returned them, so that a refresh of N rules
// in G groups costs G calls rather than N. Concurrent reads of one group share
// one call; the answer is kept for the provider process (the Client's life);
// every write to a group drops its entry, before and after the write.
//
// Each entry carries a generation: a describe that started before a write
// (and so may not show it) neither lands in the cache nor is joined by a read
// that starts after the write. The zero value is ready to use.
type groupCache struct {
	mu      sync.Mutex
	entries map[groupKey]groupEntry
	gens    map[groupKey]uint64
	flight  singleflight.Group
}

// groupKey names a group: the service ("ecs", "ens"), the region and its ID.
type groupKey struct{ service, region, group string }

type groupEntry struct {
	rules *groupRules
	err   error // a NotFound error: a missing group is an answer too
}

// groupRules is what a describe says about a group. Shared between callers:
// read only.
type groupRules struct {
	// Total counts every rule of the group, both directions: the cloud's
	// per-group limit counts them all.
	Total  int
	Egress []EgressRule
}

// get returns the group's rules from the cache, or from fetch, which at most
// one caller per group and generation runs at a time.
func (gc *groupCache) get(ctx context.Context, k groupKey, fetch func(context.Context) (*groupRules, error)) (*groupRules, error) {
	gc.mu.Lock()
	if e, ok := gc.entries[k]; ok {
		gc.mu.Unlock()
		return e.rules, e.err
	}
	gen := gc.gens[k]
	gc.mu.Unlock()

	v, err, _ := gc.flight.Do(fmt.Sprintf("%s\x00%s\x00%s\x00%d", k.service, k.region, k.group, gen), func() (any, error) {
		gc.mu.Lock()
		if e, ok := gc.entries[k]; ok && gc.gens[k] == gen {
			// Stored by the flight that ended between our miss and this one.
			gc.mu.Unlock()
			return e.rules, e.err
		}
		gc.mu.Unlock()
		rules, err := fetch(ctx)
		if err == nil || apierr.IsNotFound(err) {
			gc.mu.Lock()
			if gc.gens[k] == gen {
				if gc.entries == nil {
					gc.entries = map[groupKey]groupEntry{}
				}
				gc.entries[k] = groupEntry{rules: rules, err: err}
			}
			gc.mu.Unlock()
		}
		return rules, err
	})
	rules, _ := v.(*groupRules)
	return rules, err
}

// invalidate drops the group's entry and makes describes already under way
// stale.
func (gc *groupCache) invalidate(k groupKey) {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	delete(gc.entries, k)
	if gc.gens == nil {
		gc.gens = map[groupKey]uint64{}
	}
	gc.gens[k]++
}
