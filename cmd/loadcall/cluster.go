package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// cluster is N yuyue nodes on one fresh PostgreSQL database behind a
// round-robin balancer.
type cluster struct {
	nodes  []*server
	pprof  string // node 1's pprof address
	lb     *balancer
	admin  *sql.DB
	dbName string
	dsn    string
}

// startCluster creates a database, starts n nodes on it (the first alone,
// so it runs the migrations) and the balancer in front of them.
func startCluster(ctx context.Context, o options, dir, fakeURL, catalogYAML string, n int) (*cluster, error) {
	admin, err := sql.Open("pgx", o.postgres)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 5)
	rand.Read(b)
	c := &cluster{admin: admin, dbName: "loadcall_" + hex.EncodeToString(b)}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+c.dbName); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(o.postgres)
	if err != nil {
		c.stop()
		return nil, err
	}
	u.Path = "/" + c.dbName
	c.dsn = u.String()
	// the balancer's address is every node's public_url, so it listens first
	lb, err := newBalancer(nil, o.contention+slices.Max(append(o.pgCallers, o.tputCallers)))
	if err != nil {
		c.stop()
		return nil, err
	}
	c.lb = lb
	for i := range n {
		ndir := filepath.Join(dir, fmt.Sprintf("node%d", i+1))
		os.MkdirAll(ndir, 0o755)
		pp := ""
		if i == 0 {
			pp, _ = freeAddr()
			c.pprof = pp
		}
		srv, err := spawnNode(ctx, o.yuyue, ndir, fakeURL, catalogYAML, pp, c.dsn, lb.base, o.nodeProcs)
		if err != nil {
			c.stop()
			return nil, err
		}
		c.nodes = append(c.nodes, srv)
		lb.backends = append(lb.backends, srv.base)
	}
	return c, nil
}

// stop stops the nodes and the balancer and drops the database.
func (c *cluster) stop() {
	for _, s := range c.nodes {
		s.stop()
	}
	if c.lb != nil {
		c.lb.close()
	}
	c.admin.Exec("DROP DATABASE IF EXISTS " + c.dbName + " WITH (FORCE)")
	c.admin.Close()
}

// count runs a count query on the cluster's database.
func (c *cluster) count(query string, args ...any) (int, error) {
	db, err := sql.Open("pgx", c.dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(query, args...).Scan(&n)
	return n, err
}
