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

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/config"
)

// deps are the parts every command shares.
type deps struct {
	cfg   *config.Config
	log   *slog.Logger
	store database
	svc   *booking.Service
}

// open loads the configuration, the catalog and the database.
func open(ctx context.Context, configPath string, e env) (*deps, error) {
	cfg, err := config.Load(configPath, e.getenv)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger(e.stderr)
	if cfg.Dev() {
		log.Warn("DEVELOPMENT MODE: no Twilio credentials; SMS go to the log and the development inbox, webhook signatures use an empty token")
		if cfg.SecretKey == "" {
			if cfg.SecretKey, err = devSecret(cfg.Database); err != nil {
				return nil, err
			}
			log.Warn("development secret_key in use: do not keep real personal data in this database")
		}
	}
	cat, err := catalog.Load(cfg.Catalog)
	if err != nil {
		return nil, &config.Error{Key: "catalog", Problem: err.Error()}
	}
	st, err := openDatabase(ctx, cfg.Database, cfg.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redactDSN(cfg.Database), err)
	}
	svc := booking.NewService(st, cat, cfg.Rules())
	return &deps{cfg: cfg, log: log, store: st, svc: svc}, nil
}

func (d *deps) Close() error { return d.store.Close() }

// devSecret returns a per-database throwaway key kept beside the database,
// so that a development database stays readable across restarts.
func devSecret(database string) (string, error) {
	path := filepath.Join(filepath.Dir(database), ".dev-secret-key")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= config.MinSecretLen {
		return strings.TrimSpace(string(b)), nil
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
	return key, os.WriteFile(path, []byte(key+"\n"), 0o600)
}

func migrate(ctx context.Context, configPath string, e env) error {
	d, err := open(ctx, configPath, e)
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.store.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database %s at migration %d\n", redactDSN(d.cfg.Database), v)
	return nil
}
