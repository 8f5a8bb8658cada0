package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

const (
	accountSID = "ACloadtest000000000000000000000000"
	authToken  = "loadtesttoken0123456789abcdef0123"
	secretKey  = "169bb54d1a8f951e000a43993aa079b208ef282f"
)

// server is a yuyue (or baseline) process under test.
type server struct {
	cmd   *exec.Cmd
	base  string
	admin string // yuyue's admin listener (/metrics); empty for the baseline
	dir   string
	log   *os.File
	// uncap removes the process's CPU cgroup (limit) after it exits.
	uncap func()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// smsConcurrency is the --sms-concurrency every node is started with.
var smsConcurrency = 64

// spawnYuyue starts `yuyue serve` on a fresh SQLite database in production
// mode, its SMS going to the fake Twilio API at fakeURL.
func spawnYuyue(ctx context.Context, bin, dir, fakeURL, catalogYAML, pprofAddr string) (*server, error) {
	return spawnNode(ctx, bin, dir, fakeURL, catalogYAML, pprofAddr, filepath.Join(dir, "yuyue.db"), "", 0)
}

// spawnNode starts `yuyue serve` on database; public is the URL Twilio
// (here: the callers) signs against — a load balancer's in front of nodes,
// else the node's own; procs, when above 0, is the node's GOMAXPROCS.
func spawnNode(ctx context.Context, bin, dir, fakeURL, catalogYAML, pprofAddr, database, public string, procs int) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if public == "" {
		public = "http://" + addr // publicOf makes it the https URL yuyue requires
	}
	admin, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cat := filepath.Join(dir, "catalog.yaml")
	if err := os.WriteFile(cat, []byte(catalogYAML), 0o600); err != nil {
		return nil, err
	}
	env := map[string]string{
		"YUYUE_HTTP_ADDR": addr, "YUYUE_HTTP_ADMIN_ADDR": admin, "YUYUE_PUBLIC_URL": publicOf(public), "YUYUE_DATABASE": database,
		"YUYUE_CATALOG": cat, "YUYUE_TWILIO_ACCOUNT_SID": accountSID, "YUYUE_TWILIO_AUTH_TOKEN": authToken,
		"YUYUE_TWILIO_SMS_FROM": "+14155550100", "YUYUE_TWILIO_API_URL": fakeURL, "YUYUE_SECRET_KEY": secretKey,
		"YUYUE_LOG_LEVEL": "warn", "YUYUE_JOBS_ENABLED": "false", "YUYUE_SMS_SEND_RATE": "5000", "YUYUE_SMS_CONCURRENCY": strconv.Itoa(smsConcurrency),
		"YUYUE_SMS_POLL_INTERVAL": "50ms", "YUYUE_DEBUG_PPROF_ADDR": pprofAddr,
		// every simulated caller registers a new number
		"YUYUE_SMS_UNVERIFIED_PER_HOUR": "1000000",
	}
	if procs > 0 {
		env["GOMAXPROCS"] = strconv.Itoa(procs)
	}
	s, err := start(ctx, dir, bin, []string{"serve"}, env, "http://"+addr)
	if err != nil {
		return nil, err
	}
	s.admin = "http://" + admin
	return s, nil
}

// spawnEmpty starts this binary as the empty-handler baseline server.
func spawnEmpty(ctx context.Context, dir string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return start(ctx, dir, self, []string{"--empty-server", addr}, nil, "http://"+addr)
}

func start(ctx context.Context, dir, bin string, args []string, env map[string]string, base string) (*server, error) {
	logf, err := os.Create(filepath.Join(dir, filepath.Base(bin)+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: base, dir: dir, log: logf}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s did not become healthy; see %s", bin, logf.Name())
}

func (s *server) stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	}
	if s.uncap != nil {
		s.uncap()
	}
	s.log.Close()
}
