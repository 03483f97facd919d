package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
)

// The Alibaba Cloud SDK prints every request it sends to stdout when the
// DEBUG environment variable lists "sdk": the URL, which holds the signature
// and the STS token, and the answers. terraform copies a provider's output
// into its log. The SDK reads DEBUG once, while its packages are initialized,
// before main runs, so the only way to silence it is to start again without
// "sdk" in DEBUG.
const aliSDKDebugFlag = "sdk"

// withoutSDKDebug returns env with "sdk" taken out of DEBUG, and whether it
// was there.
func withoutSDKDebug(env []string) ([]string, bool) {
	out := make([]string, 0, len(env))
	found := false
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if name != "DEBUG" {
			out = append(out, kv)
			continue
		}
		flags := strings.Split(value, ",")
		kept := slices.DeleteFunc(slices.Clone(flags), func(f string) bool { return f == aliSDKDebugFlag })
		if len(kept) == len(flags) {
			out = append(out, kv)
			continue
		}
		found = true
		if len(kept) > 0 {
			out = append(out, "DEBUG="+strings.Join(kept, ","))
		}
	}
	return out, found
}

// restartWithoutSDKDebug replaces the process with itself, started without
// "sdk" in DEBUG, when it is there. Where the process cannot be replaced
// (Windows), it refuses to run rather than print credentials.
func restartWithoutSDKDebug() error {
	env, found := withoutSDKDebug(os.Environ())
	if !found {
		return nil
	}
	exe, err := os.Executable()
	if err == nil {
		err = syscall.Exec(exe, os.Args, env) // returns only on failure
	}
	return fmt.Errorf("DEBUG lists %q, which makes the Alibaba Cloud SDK print signed requests and security tokens into terraform's log, and restarting without it failed (%w): remove %q from DEBUG; use TF_LOG=debug for the provider's own request log",
		aliSDKDebugFlag, err, aliSDKDebugFlag)
}
