// Command emulator serves the emulated clouds on a local address until it
// receives SIGINT or SIGTERM.
//
//	go run ./internal/emulator/cmd/emulator -listen 127.0.0.1:0 \
//	    -state internal/emulator/testdata/huaweicloud.json -url-file /tmp/emulator.url
//
// The state file is the whole-state document ({"huaweicloud": {...}}) that
// PUT /_emulator/state also accepts.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

// clouds are the emulated clouds, in the order they are offered requests.
func clouds() []emulator.Cloud {
	return []emulator.Cloud{
		huaweicloud.New(),
		alicloud.New(),
		tencentcloud.New(),
	}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on; port 0 picks a free port")
	statePath := flag.String("state", "", "whole-state JSON file to load at start")
	urlFile := flag.String("url-file", "", "file to write the server's URL to once it listens")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *listen, *statePath, *urlFile, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, listen, statePath, urlFile string, stdout io.Writer) error {
	srv := emulator.New(clouds()...)
	if statePath != "" {
		raw, err := os.ReadFile(statePath)
		if err != nil {
			return err
		}
		if err := srv.LoadState(raw); err != nil {
			return fmt.Errorf("%s: %w", statePath, err)
		}
	}
	if err := srv.Start(listen); err != nil {
		return err
	}
	defer srv.Close()

	if urlFile != "" {
		if err := writeFileAtomic(urlFile, srv.URL()+"\n"); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "emulator listening on %s\n", srv.URL())
	<-ctx.Done()
	return nil
}

// writeFileAtomic writes through a temporary file and a rename, so that a
// script polling for the file never reads it half written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
