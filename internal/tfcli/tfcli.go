// Package tfcli runs the real terraform binary against the provider built as
// a real plugin binary, the way users run it: terraform starts the provider
// as a child process (through a dev_overrides CLI configuration, so nothing
// is installed or downloaded). terraform-plugin-testing serves the provider
// inside the test process instead; tests that must see what terraform and
// the provider process print (TF_LOG), or that time whole terraform commands
// (make bench), use this package.
package tfcli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ProviderSource is the provider's registry address, as main.go serves it.
const ProviderSource = "registry.terraform.io/secgroup/secgroup"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// BuildProvider builds the provider binary once per process and returns the
// directory that holds it. The directory lives for the process (test
// binaries share one build across tests).
func BuildProvider() (string, error) {
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "secgroup-provider-")
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-secgroup"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build of the provider: %w\n%s", err, out)
			return
		}
		buildDir = dir
	})
	return buildDir, buildErr
}

// moduleRoot is the directory of go.mod, found from this source file.
func moduleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the module root")
	}
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", filepath.Dir(file))
		}
		dir = parent
	}
}

// Terraform finds the binary tests use: TF_ACC_TERRAFORM_PATH (as the Makefile
// sets it for terraform-plugin-testing), else terraform on PATH.
func Terraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	return exec.LookPath("terraform")
}

// Workdir is one terraform working directory wired to the built provider.
type Workdir struct {
	Dir       string
	terraform string
	env       []string
}

// NewWorkdir makes dir a working directory whose terraform runs use the
// provider binary in providerDir. extraEnv (KEY=VALUE) is added to every run.
func NewWorkdir(dir, providerDir string, extraEnv ...string) (*Workdir, error) {
	tf, err := Terraform()
	if err != nil {
		return nil, fmt.Errorf("terraform binary: %w", err)
	}
	cliConfig := filepath.Join(dir, ".terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderSource, providerDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return nil, err
	}
	env := append(cleanEnv(os.Environ()),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	return &Workdir{Dir: dir, terraform: tf, env: append(env, extraEnv...)}, nil
}

// cleanEnv drops the variables that would change how terraform runs from
// under the caller: logging, CLI config, and TF_VAR_/TF_CLI_ARGS overrides.
func cleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_LOG"), name == "TF_CLI_CONFIG_FILE",
			strings.HasPrefix(name, "TF_VAR_"), strings.HasPrefix(name, "TF_CLI_ARGS"):
			continue
		}
		out = append(out, kv)
	}
	return out
}

// WriteConfig writes main.tf.
func (w *Workdir) WriteConfig(hcl string) error {
	return os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(hcl), 0o600)
}

// Result is one terraform run.
type Result struct {
	Args           []string
	Stdout, Stderr string
	Elapsed        time.Duration
	Err            error // non-nil when terraform exited non-zero
}

// Run runs terraform with args (and -no-color) in the working directory;
// env (KEY=VALUE) is added for this run only.
func (w *Workdir) Run(ctx context.Context, env []string, args ...string) Result {
	full := append([]string{}, args...)
	if len(full) > 0 && full[0] != "version" {
		full = append(full[:1:1], append([]string{"-no-color"}, full[1:]...)...)
	}
	cmd := exec.CommandContext(ctx, w.terraform, full...)
	cmd.Dir = w.Dir
	cmd.Env = append(append([]string{}, w.env...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := Result{Args: full, Stdout: stdout.String(), Stderr: stderr.String(), Elapsed: time.Since(start)}
	if err != nil {
		r.Err = fmt.Errorf("terraform %s: %w\n%s%s", strings.Join(full, " "), err, r.Stdout, r.Stderr)
	}
	return r
}

// ProviderBlock is the terraform block that selects the provider by its source.
const ProviderBlock = `terraform {
  required_providers {
    secgroup = {
      source = "secgroup/secgroup"
    }
  }
}
`
