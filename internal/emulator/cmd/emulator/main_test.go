package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunServesFixtureAndWritesURL(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(t.Context())
	var stdout bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, "127.0.0.1:0", "../../testdata/huaweicloud.json", urlFile, &stdout) }()

	url := waitForURL(t, urlFile, done)
	resp, err := http.Get(url + "/_emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	state, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(state), `"srv-1"`) {
		t.Fatalf("state: %d %s", resp.StatusCode, state)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "emulator listening on "+url+"\n"; got != want {
		t.Fatalf("stdout = %q, want %q", got, want)
	}
	if _, err := http.Get(url + "/_emulator/health"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

// waitForURL polls for the URL file that run writes once it listens.
func waitForURL(t *testing.T, path string, done <-chan error) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if raw, err := os.ReadFile(path); err == nil {
			return strings.TrimSpace(string(raw))
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v", err)
		case <-deadline:
			t.Fatal("url file never appeared")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestRunRejectsBadState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(`{"huaweicloud":{"servers":[{"id":"s","project_id":"missing"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), "127.0.0.1:0", path, "", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "unknown project_id") {
		t.Fatalf("err = %v", err)
	}
}

// The demo's fixtures hold every emulated cloud; they must keep loading as
// the clouds' state formats grow.
func TestRunLoadsTheDemoFixturesOfEveryCloud(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, "127.0.0.1:0", "../../../../examples/demo/fixtures.json", urlFile, io.Discard)
	}()
	url := waitForURL(t, urlFile, done)
	resp, err := http.Get(url + "/_emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]map[string]json.RawMessage
	err = json.NewDecoder(resp.Body).Decode(&state)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clouds() {
		if len(state[c.Name()]["credentials"]) < len(`[{}]`) {
			t.Errorf("the demo fixtures give %s no credentials", c.Name())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
