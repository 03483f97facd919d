package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	newServer := provider.NewProtocol6Server(build)
	server, err := newServer()
	if err != nil {
		log.Fatal(err.Error())
	}
	// tf6server rather than providerserver.Serve: the provider's server wraps
	// the framework's (see provider.NewProtocol6Server).
	err = tf6server.Serve("registry.terraform.io/secgroup/secgroup", func() tfprotov6.ProviderServer { return server }, opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
