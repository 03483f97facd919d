package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// The release build sets these (-ldflags "-X main.version=... -X main.commit=...",
// see .goreleaser.yml and GNUmakefile); a plain go build keeps "dev" and takes
// the commit from the VCS stamp Go embeds.
var (
	version = "dev"
	commit  = ""
)

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the provider's version and commit and exit")
	flag.Parse()
	build := provider.Build{Version: version, Commit: buildCommit(commit)}
	if showVersion {
		fmt.Printf("terraform-provider-secgroup %s (commit %s)\n", build.Version, build.Commit)
		return
	}
	if err := restartWithoutSDKDebug(); err != nil {
		log.Fatal(err.Error())
	}
	if err := quietSDKLogsFromEnv(); err != nil {
		log.Fatal(err.Error())
	}

	err := providerserver.Serve(context.Background(), provider.NewBuild(build), providerserver.ServeOpts{
		Address: "registry.terraform.io/secgroup/secgroup",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
