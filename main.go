package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()
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
	newServer := provider.NewProtocol6Server(version)
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
