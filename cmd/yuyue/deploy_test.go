package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const repo = "../.."

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every yuyue_* metric the alerts and the dashboard use is defined in the
// code: a renamed metric would otherwise silently never alert.
func TestAlertsAndDashboardUseMetricsTheCodeDefines(t *testing.T) {
	var defined bytes.Buffer
	filepath.WalkDir(repo, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			b, _ := os.ReadFile(p)
			defined.Write(b)
		}
		return nil
	})
	var alerts struct {
		Groups []struct {
			Rules []struct {
				Alert, Expr string
			}
		}
	}
	if err := yaml.Unmarshal([]byte(read(t, "deploy/alerts.yaml")), &alerts); err != nil || len(alerts.Groups) == 0 {
		t.Fatalf("alerts.yaml: %v", err)
	}
	var exprs []string
	for _, r := range alerts.Groups[0].Rules {
		if r.Alert == "" || r.Expr == "" {
			t.Errorf("rule without alert or expr: %+v", r)
		}
		exprs = append(exprs, r.Expr)
	}
	var dash struct {
		Panels []struct{ Targets []struct{ Expr string } }
	}
	if err := json.Unmarshal([]byte(read(t, "deploy/grafana-dashboard.json")), &dash); err != nil || len(dash.Panels) == 0 {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	names := regexp.MustCompile(`yuyue_[a-z0-9_]+`)
	suffix := regexp.MustCompile(`_(bucket|count|sum)$`)
	for _, e := range exprs {
		for _, n := range names.FindAllString(e, -1) {
			n = suffix.ReplaceAllString(n, "")
			if !strings.Contains(defined.String(), `"`+n+`"`) {
				t.Errorf("metric %s (in %q) is defined nowhere in the code", n, e)
			}
		}
	}
	for _, want := range []string{"yuyue_outbox_oldest_pending_age_seconds", `outcome="unknown"`, "yuyue_job_last_success_timestamp_seconds", "yuyue_ready"} {
		if !strings.Contains(strings.Join(exprs, "\n"), want) {
			t.Errorf("no alert or panel on %s", want)
		}
	}
}

// The image, the unit and Litestream agree on where the database lives,
// and the image builds with scripts/build.sh and runs serve as non-root.
func TestDeployFilesAgree(t *testing.T) {
	const db = "/var/lib/yuyue/yuyue.db"
	docker := read(t, "deploy/Dockerfile")
	for _, want := range []string{"scripts/build.sh", "FROM debian:bookworm-slim", "USER yuyue", `CMD ["serve"]`, "YUYUE_DATABASE=" + db, "VOLUME /var/lib/yuyue"} {
		if !strings.Contains(docker, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	unit := read(t, "deploy/yuyue.service")
	for _, want := range []string{"User=yuyue", "serve\n", "YUYUE_DATABASE=" + db, "NoNewPrivileges=yes", "ProtectSystem=strict"} {
		if !strings.Contains(unit, want) {
			t.Errorf("yuyue.service lacks %q", want)
		}
	}
	var ls struct {
		DBs []struct {
			Path     string `yaml:"path"`
			Replicas []struct {
				Name               string        `yaml:"name"`
				Type               string        `yaml:"type"`
				Bucket             string        `yaml:"bucket"`
				Path               string        `yaml:"path"`
				Endpoint           string        `yaml:"endpoint"`
				Region             string        `yaml:"region"`
				AccessKeyID        string        `yaml:"access-key-id"`
				SecretAccessKey    string        `yaml:"secret-access-key"`
				SyncInterval       time.Duration `yaml:"sync-interval"`
				SnapshotInterval   time.Duration `yaml:"snapshot-interval"`
				Retention          time.Duration `yaml:"retention"`
				ValidationInterval time.Duration `yaml:"validation-interval"`
			} `yaml:"replicas"`
		} `yaml:"dbs"`
	}
	dec := yaml.NewDecoder(strings.NewReader(read(t, "deploy/litestream.yml")))
	dec.KnownFields(true)
	if err := dec.Decode(&ls); err != nil {
		t.Fatalf("litestream.yml: %v", err)
	}
	if len(ls.DBs) != 1 || ls.DBs[0].Path != db || len(ls.DBs[0].Replicas) == 0 {
		t.Fatalf("litestream.yml replicates %+v, want %s", ls.DBs, db)
	}
	if r := ls.DBs[0].Replicas[0]; r.Type != "s3" || r.SyncInterval <= 0 || r.SyncInterval > 10*time.Second || r.Retention < 24*time.Hour {
		t.Errorf("litestream replica %+v: want s3, sync within 10s, a day of retention", r)
	}
}

// scripts/build.sh stamps the binary: `yuyue version` shows the commit.
func TestBuildScriptStampsTheCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	head, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("no git checkout")
	}
	bin := filepath.Join(t.TempDir(), "yuyue")
	out, err := exec.Command(filepath.Join(repo, "scripts/build.sh"), bin).CombinedOutput()
	if err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	v, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.Contains(string(v), "commit "+strings.TrimSpace(string(head))) {
		t.Fatalf("yuyue version = %q (%v), want commit %s", v, err, head)
	}
}
