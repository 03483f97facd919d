// Package mutexkv serializes writes to one cloud object (a server, a port, an
// instance) across all resources of the provider process. Terraform applies
// resources in parallel; two associations on one server must not interleave
// their read-modify-write.
package mutexkv

import "sync"

// MutexKV is a set of mutexes keyed by string. The zero value is ready to use.
type MutexKV struct {
	mu    sync.Mutex
	locks map[string]*entry
}

type entry struct {
	mu   sync.Mutex
	refs int
}

// Lock locks the mutex for key, creating it on first use.
func (m *MutexKV) Lock(key string) {
	m.mu.Lock()
	if m.locks == nil {
		m.locks = map[string]*entry{}
	}
	e, ok := m.locks[key]
	if !ok {
		e = &entry{}
		m.locks[key] = e
	}
	e.refs++
	m.mu.Unlock()
	e.mu.Lock()
}

// Unlock unlocks the mutex for key and forgets it when nobody else waits.
func (m *MutexKV) Unlock(key string) {
	m.mu.Lock()
	e, ok := m.locks[key]
	if !ok {
		m.mu.Unlock()
		panic("mutexkv: unlock of unlocked key " + key)
	}
	e.refs--
	if e.refs == 0 {
		delete(m.locks, key)
	}
	m.mu.Unlock()
	e.mu.Unlock()
}

// Global is shared by every resource of every cloud, so a server or port
// written by two resource types is still written by one at a time.
var Global = &MutexKV{}

// Key builds a lock key that cannot collide across clouds and object kinds.
func Key(cloud, kind, id string) string { return cloud + "/" + kind + "/" + id }
