package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/config"
	"yuyue/store"
)

// deps are the parts every command shares.
type deps struct {
	cfg   *config.Config
	log   *slog.Logger
	store database
	svc   *booking.Service
}

// loadConfig loads and checks the configuration (strictly: unknown keys and
// YUYUE_* variables are errors) and builds the logger. It touches no files
// but the config file, so a bad configuration changes nothing.
func loadConfig(g *globals, e env) (*config.Config, *slog.Logger, error) {
	environ := e.environ
	if g.dev {
		environ = append(append([]string(nil), environ...), "YUYUE_DEV=1")
	}
	if g.clock != "" {
		environ = append(append([]string(nil), environ...), "YUYUE_DEV_CLOCK="+g.clock)
	}
	cfg, err := config.LoadEnviron(g.config, environ)
	if err != nil {
		return nil, nil, err
	}
	log := cfg.Logger(e.stderr)
	if cfg.Dev() {
		log.Warn("DEVELOPMENT MODE: SMS go to the log and the development inbox; do not use with real callers")
	}
	return cfg, log, nil
}

// open loads the configuration, the catalog and the database: for commands
// that work beside a running server (they start no worker).
func open(ctx context.Context, g *globals, e env) (*deps, error) {
	cfg, log, err := loadConfig(g, e)
	if err != nil {
		return nil, err
	}
	return openDeps(ctx, cfg, log)
}

// openDeps opens the catalog and the store for a loaded configuration.
func openDeps(ctx context.Context, cfg *config.Config, log *slog.Logger) (*deps, error) {
	if cfg.Dev() && cfg.SecretKey == "" {
		var err error
		if cfg.SecretKey, err = devSecret(cfg.Database); err != nil {
			return nil, fmt.Errorf("database (YUYUE_DATABASE) %s: development key: %w", cfg.Database, err)
		}
		log.Warn("development secret_key in use: do not keep real personal data in this database")
	}
	cat, err := catalog.Load(cfg.Catalog)
	if err != nil {
		return nil, &config.Error{Key: "catalog", Problem: err.Error()}
	}
	st, err := openDatabase(ctx, cfg.Database, cfg.SecretKey)
	if errors.Is(err, store.ErrWrongKey) {
		return nil, &config.Error{Key: "secret_key", Problem: err.Error()}
	}
	if err != nil {
		return nil, &config.Error{Key: "database", Problem: fmt.Sprintf("%s: %v", redactDSN(cfg.Database), err)}
	}
	if err := checkProductionMark(ctx, cfg, st); err != nil {
		st.Close()
		return nil, err
	}
	svc := booking.NewService(st, cat, cfg.Rules())
	if start, ok := cfg.StartClock(); ok { // development mode only (Validate)
		svc.Now = devClock(start, time.Now)
		log.Warn("development clock: the service's time starts at "+start.Format(time.RFC3339), "dev_clock", cfg.DevClock)
	}
	return &deps{cfg: cfg, log: log, store: st, svc: svc}, nil
}

func (d *deps) Close() error { return d.store.Close() }

// devSecret returns a per-database throwaway key kept beside the database,
// so that a development database stays readable across restarts. The file
// is kept 0600 whatever the umask, one an older version left readable too.
func devSecret(database string) (string, error) {
	path := filepath.Join(filepath.Dir(database), ".dev-secret-key")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= config.MinSecretLen {
		return strings.TrimSpace(string(b)), os.Chmod(path, 0o600)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	key := hex.EncodeToString(buf)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", err
	}
	return key, os.Chmod(path, 0o600)
}

// checkProductionMark refuses development mode on a database a production
// server has run on: its real callers' codes would appear in /dev/inbox
// and the throwaway key would replace the real one.
func checkProductionMark(ctx context.Context, cfg *config.Config, st database) error {
	if !cfg.Dev() {
		return nil
	}
	since, ran, err := st.RanInProduction(ctx)
	if err != nil {
		return &config.Error{Key: "database", Problem: fmt.Sprintf("%s: read the production mark: %v", redactDSN(cfg.Database), err)}
	}
	if ran {
		return &config.Error{Key: "database", Problem: fmt.Sprintf("%s has run in production since %s: development mode is refused on it; "+
			"configure the credentials, public_url and secret_key it runs with", redactDSN(cfg.Database), since.UTC().Format(time.RFC3339))}
	}
	return nil
}

// devClock is a clock that reads start when it is made and ticks on from
// there at the pace of real.
func devClock(start time.Time, real func() time.Time) func() time.Time {
	base := real()
	return func() time.Time { return start.Add(real().Sub(base)) }
}
