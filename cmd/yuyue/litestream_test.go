package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"yuyue/booking"
	"yuyue/store/storetest"
)

const litestreamCatalog = `
businesses: [{code: newborn, name: 新生儿入户}]
districts: [{code: futian, name: 福田区}]
offices:
  - code: FT01
    name: 福田派出所户政室
    district: futian
    periods: [{start: "09:00", end: "10:00", capacity: 1000}]
`

// TestLitestreamReplicatesUnderBookingLoad (issue 22, item 16): Litestream
// with deploy/litestream.yml itself (its replica pointed at a directory,
// everything else kept) replicates a database taking bookings; the restore
// runbook in docs/operations.md, run as written, brings back every booking
// confirmed before the cut-off, and integrity_check is ok.
func TestLitestreamReplicatesUnderBookingLoad(t *testing.T) {
	bin, err := exec.LookPath("litestream")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("litestream not installed (CI installs it: .ci/run); skipped outside CI only")
		}
		t.Fatal("litestream not installed: .ci/run must install it")
	}
	st := storetest.OpenSQLite(t)
	e := storetest.NewEnvOn(t, st, litestreamCatalog)
	dir := t.TempDir()
	cfg := litestreamConfig(t, st.Path, filepath.Join(dir, "replica"), filepath.Join(dir, "litestream.yml"))
	repl := exec.Command(bin, "replicate", "-config", cfg)
	logs := &syncBuffer{}
	repl.Stdout, repl.Stderr = logs, logs
	if err := repl.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { repl.Process.Signal(os.Interrupt); repl.Wait() }()

	before, stop := bookUnderLoad(t, e)
	restored := filepath.Join(filepath.Dir(st.Path), "restored.db")
	runbook := runbookCommands(t, cfg, st.Path, restored)
	// The replica trails by up to sync-interval: restore until the cut-off's
	// bookings are in, or give up.
	var missing []string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		os.Remove(restored)
		out, err := exec.Command(bin, runbook[0][1:]...).CombinedOutput()
		if err == nil {
			if missing = missingBookings(t, restored, before); len(missing) == 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("restore: %v %s; %d of %d bookings missing\nlitestream:\n%s", err, out, len(missing), len(before), logs)
		}
	}
	<-stop
	st.Close()
	repl.Process.Signal(os.Interrupt)
	repl.Wait()
	env := testEnv(t, map[string]string{"YUYUE_DATABASE": st.Path, "YUYUE_SECRET_KEY": storetest.Secret})
	if err := run(context.Background(), runbook[1][1:], env); err != nil {
		t.Fatalf("%v: %v", runbook[1], err)
	}
	if m := missingBookings(t, st.Path, before); len(m) != 0 {
		t.Fatalf("after yuyue restore %d bookings confirmed before the cut-off are missing", len(m))
	}
	var ok string
	if err := rawDB(t, st.Path).QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	t.Logf("%d bookings confirmed before the cut-off, all restored", len(before))
}

// litestreamConfig writes deploy/litestream.yml with the database at db and
// its replica a directory: the S3 settings go, the rest stays.
func litestreamConfig(t *testing.T, db, replica, out string) string {
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(read(t, "deploy/litestream.yml")), &cfg); err != nil {
		t.Fatal(err)
	}
	d := cfg["dbs"].([]any)[0].(map[string]any)
	d["path"] = db
	r := d["replicas"].([]any)[0].(map[string]any)
	for _, k := range []string{"bucket", "endpoint", "region", "access-key-id", "secret-access-key"} {
		delete(r, k)
	}
	r["type"], r["path"] = "file", replica
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// bookUnderLoad books for citizens from several goroutines; half-way it
// takes the cut-off: the references confirmed by then. The load goes on
// after it; stop is closed when it is over.
func bookUnderLoad(t *testing.T, e *storetest.Env) (before []string, stop chan struct{}) {
	const n, workers = 120, 4
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	citizens := make([]booking.Citizen, n)
	for i := range citizens {
		citizens[i] = e.Citizen(t, i+1)
		e.Verify(t, citizens[i])
	}
	var mu sync.Mutex
	var refs []string
	cut := make(chan []string, 1)
	stop = make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				h, err := e.Svc.Hold(context.Background(), storetest.Actor, citizens[i].ID, p.ID)
				if err != nil {
					t.Errorf("hold: %v", err)
					return
				}
				b, err := e.Svc.Confirm(context.Background(), storetest.Actor, h.ID)
				if err != nil {
					t.Errorf("confirm: %v", err)
					return
				}
				mu.Lock()
				if refs = append(refs, b.Reference); len(refs) == n/2 {
					cut <- append([]string(nil), refs...)
				}
				mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(stop) }()
	select {
	case before = <-cut:
	case <-stop:
		t.Fatal("the load ended before the cut-off")
	}
	return before, stop
}

// runbookCommands reads the restore runbook's commands from
// docs/operations.md with the test's paths in place of the production ones.
func runbookCommands(t *testing.T, cfg, db, restored string) [][]string {
	f, err := os.Open(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := strings.NewReplacer("/etc/litestream.yml", cfg, "/var/lib/yuyue/yuyue.db", db, "/var/lib/yuyue/restored.db", restored)
	var cmds [][]string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "litestream restore ") || strings.HasPrefix(line, "yuyue restore ") {
			cmds = append(cmds, strings.Fields(r.Replace(line)))
		}
	}
	if len(cmds) != 2 || cmds[0][0] != "litestream" || cmds[1][0] != "yuyue" {
		t.Fatalf("docs/operations.md's Litestream runbook: %v, want litestream restore then yuyue restore", cmds)
	}
	return cmds
}

// missingBookings lists the references not booked in the database at path.
func missingBookings(t *testing.T, path string, refs []string) []string {
	db := rawDB(t, path)
	defer db.Close()
	var missing []string
	for _, ref := range refs {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM bookings WHERE reference = ? AND status = 'booked'`, ref).Scan(&n); err != nil || n != 1 {
			missing = append(missing, fmt.Sprintf("%s (%v)", ref, err))
		}
	}
	return missing
}
