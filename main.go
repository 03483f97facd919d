package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

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

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/secgroup/secgroup",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
