package mutexkv

import (
	"sync"
	"testing"
)

func TestMutexKV_SerializesOneKey(t *testing.T) {
	var m MutexKV
	var wg sync.WaitGroup
	inside, maxInside := 0, 0
	var mu sync.Mutex
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Lock("server/a")
			mu.Lock()
			inside++
			if inside > maxInside {
				maxInside = inside
			}
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
			m.Unlock("server/a")
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Fatalf("%d holders at once, want 1", maxInside)
	}
	if len(m.locks) != 0 {
		t.Fatalf("%d locks kept after use, want 0", len(m.locks))
	}
}

func TestMutexKV_KeysAreIndependent(t *testing.T) {
	var m MutexKV
	m.Lock("a")
	done := make(chan struct{})
	go func() {
		m.Lock("b") // must not wait for "a"
		m.Unlock("b")
		close(done)
	}()
	<-done
	m.Unlock("a")
}

func TestKey(t *testing.T) {
	if Key("huaweicloud", "server", "x") == Key("huaweicloud", "port", "x") {
		t.Fatal("keys of different kinds collide")
	}
}
