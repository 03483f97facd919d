// Package tfcli runs the real terraform (or tofu) binary against the provider built as
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
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// ProviderSource is the provider's registry address, as main.go serves it.
const ProviderSource = "registry.terraform.io/secgroup/secgroup"

var (
	buildMu sync.Mutex
	builds  = map[string]*build{}
)

type build struct {
	once sync.Once
	dir  string
	err  error
}

// BuildProvider builds the provider binary once per process and returns the
// directory that holds it. The directory lives for the process (test
// binaries share one build across tests).
func BuildProvider() (string, error) {
	return BuildPlugin(".", "terraform-provider-secgroup")
}

// BuildPlugin builds the main package pkg (relative to the module root) as
// binary name, once per process and package, and returns the directory that
// holds it.
func BuildPlugin(pkg, name string) (string, error) {
	buildMu.Lock()
	b := builds[pkg]
	if b == nil {
		b = &build{}
		builds[pkg] = b
	}
	buildMu.Unlock()
	b.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			b.err = err
			return
		}
		dir, err := os.MkdirTemp("", name+"-")
		if err != nil {
			b.err = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build of %s: %w\n%s", pkg, err, out)
			return
		}
		b.dir = dir
	})
	return b.dir, b.err
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
	return NewWorkdirOverrides(dir, map[string]string{ProviderSource: providerDir}, extraEnv...)
}

// NewWorkdirOverrides is NewWorkdir for several providers: overrides maps a
// provider's registry address to the directory of its binary.
func NewWorkdirOverrides(dir string, overrides map[string]string, extraEnv ...string) (*Workdir, error) {
	tf, err := Terraform()
	if err != nil {
		return nil, fmt.Errorf("terraform binary: %w", err)
	}
	var lines strings.Builder
	overrides = withOpenTofuHost(overrides)
	for _, source := range slices.Sorted(maps.Keys(overrides)) {
		fmt.Fprintf(&lines, "    %q = %q\n", source, overrides[source])
	}
	cliConfig := filepath.Join(dir, ".terraformrc")
	rc := "provider_installation {\n  dev_overrides {\n" + lines.String() + "  }\n  direct {}\n}\n"
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

// withOpenTofuHost adds, for every override at registry.terraform.io, the
// same override at registry.opentofu.org: a source without a host
// ("secgroup/secgroup") is Terraform's registry to terraform and OpenTofu's to
// tofu, and dev_overrides match the full address. Each CLI ignores the other's
// entry, so one CLI configuration serves both.
func withOpenTofuHost(overrides map[string]string) map[string]string {
	out := maps.Clone(overrides)
	for source, dir := range overrides {
		if rest, ok := strings.CutPrefix(source, terraformHost+"/"); ok {
			if _, set := out[openTofuHost+"/"+rest]; !set {
				out[openTofuHost+"/"+rest] = dir
			}
		}
	}
	return out
}

const (
	terraformHost = "registry.terraform.io"
	openTofuHost  = "registry.opentofu.org"
)

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
	r := w.command(ctx, env, args)
	return r.wait(r.cmd.Run())
}

// Start starts terraform as Run does and returns at once, so the caller can
// interrupt the run (Ctrl-C) and then Wait for it.
func (w *Workdir) Start(env []string, args ...string) (*Running, error) {
	r := w.command(context.Background(), env, args)
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	return r, nil
}

// Running is a terraform run in progress.
type Running struct {
	cmd            *exec.Cmd
	args           []string
	stdout, stderr bytes.Buffer
	start          time.Time
}

func (w *Workdir) command(ctx context.Context, env []string, args []string) *Running {
	full := append([]string{}, args...)
	if len(full) > 0 && full[0] != "version" {
		full = append(full[:1:1], append([]string{"-no-color"}, full[1:]...)...)
	}
	r := &Running{cmd: exec.CommandContext(ctx, w.terraform, full...), args: full, start: time.Now()}
	r.cmd.Dir = w.Dir
	r.cmd.Env = append(append([]string{}, w.env...), env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	return r
}

// Interrupt sends terraform SIGINT, as Ctrl-C in a terminal does: terraform
// asks the provider to stop, waits for the operations under way and saves
// the state.
func (r *Running) Interrupt() error { return r.cmd.Process.Signal(os.Interrupt) }

// Wait waits for the run to end.
func (r *Running) Wait() Result { return r.wait(r.cmd.Wait()) }

func (r *Running) wait(err error) Result {
	res := Result{Args: r.args, Stdout: r.stdout.String(), Stderr: r.stderr.String(), Elapsed: time.Since(r.start)}
	if err != nil {
		res.Err = fmt.Errorf("terraform %s: %w\n%s%s", strings.Join(r.args, " "), err, res.Stdout, res.Stderr)
	}
	return res
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
