package bench

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// Machine is what the numbers were measured on.
type Machine struct {
	CPU       string
	Cores     int
	OS        string
	Go        string
	Terraform string
	// LoadAvg is /proc/loadavg at the start: other work sharing the CPU.
	LoadAvg string
	Date    time.Time
}

// ReadMachine describes this machine; what it cannot find stays empty.
func ReadMachine() Machine {
	m := Machine{
		Cores: runtime.NumCPU(),
		OS:    runtime.GOOS + "/" + runtime.GOARCH,
		Go:    runtime.Version(),
		Date:  time.Now().UTC(),
		CPU:   cpuModel(),
	}
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(raw)); len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	if tf, err := tfcli.Terraform(); err == nil {
		cmd := exec.Command(tf, "version")
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
		if out, err := cmd.Output(); err == nil {
			m.Terraform, _, _ = strings.Cut(string(out), "\n")
		}
	}
	return m
}

// cpuModel is the first "model name" of /proc/cpuinfo (Linux).
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
