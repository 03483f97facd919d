package main

import "runtime/debug"

// buildCommit is the commit the release build stamped, else the one go build
// recorded from the work tree (vcs.revision, "-dirty" when it had changes),
// else "unknown" (go build outside a git checkout, or -buildvcs=false).
func buildCommit(stamped string) string {
	if stamped != "" {
		return stamped
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return commitFromSettings(info.Settings)
}

func commitFromSettings(settings []debug.BuildSetting) string {
	var rev, dirty string
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "unknown"
	}
	return rev + dirty
}
