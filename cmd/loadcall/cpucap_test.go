package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSpreadOf(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want string
	}{
		{[]float64{900, 700, 800}, "800 (700–900)"},
		{[]float64{1000, 1200}, "1100 (1000–1200)"},
		{[]float64{5}, "5 (5–5)"},
	} {
		if got := spreadOf(c.in).String(); got != c.want {
			t.Errorf("spreadOf(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A process put under the cap is throttled by the kernel: a busy loop
// capped at a fifth of a core runs into its quota within a few periods.
func TestCapCPUThrottlesTheProcess(t *testing.T) {
	busy := exec.Command("sh", "-c", "while :; do :; done")
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	dir, uncap, err := capCPU(busy.Process.Pid, fmt.Sprintf("loadcall-test-%d", os.Getpid()), 0.2)
	if err != nil {
		busy.Process.Kill()
		busy.Wait()
		t.Skipf("no writable CPU cgroup here (loadcall --node-cpu cannot run either): %v", err)
	}
	defer func() { busy.Process.Kill(); busy.Wait(); uncap() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := throttledPeriods(dir)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a busy loop capped at 0.2 cores was never throttled (%s)", dir)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func throttledPeriods(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cpu.stat"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "nr_throttled "); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, fmt.Errorf("%s/cpu.stat has no nr_throttled", dir)
}
