// Command devdb runs an embedded MongoDB-compatible server (FerretDB v1 over SQLite)
// on 127.0.0.1 for development and tests. It is never used in production: there,
// MONGODB_URI names a real MongoDB.
//
// Usage: devdb --port 27017 --data ./data
//
// It prints one line "devdb ready mongodb://127.0.0.1:PORT/" on stdout once it accepts
// connections, and exits when stdin closes (so a crashed parent never leaves it behind)
// or on SIGTERM/SIGINT.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

func main() {
	port := flag.Int("port", 27017, "TCP port on 127.0.0.1")
	data := flag.String("data", "./data", "directory for the SQLite files")
	watchStdin := flag.Bool("watch-stdin", false, "exit when stdin reaches EOF (parent died)")
	sqliteParams := flag.String("sqlite-params", "", "query parameters appended to the SQLite URL (e.g. _pragma=synchronous(normal))")
	flag.Parse()

	dir, err := filepath.Abs(*data)
	if err != nil {
		fail("data directory: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail("create data directory: %v", err)
	}

	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/" + sqliteQuery(*sqliteParams),
	})
	if err != nil {
		fail("start: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if *watchStdin {
		// The parent holds our stdin open; EOF means it is gone, so we go too.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	if err := waitForPort(addr, 30*time.Second, done); err != nil {
		fail("not ready: %v", err)
	}
	fmt.Printf("devdb ready mongodb://%s/\n", addr)
	go indexIDs(ctx, dir)

	if err := <-done; err != nil && ctx.Err() == nil {
		fail("stopped: %v", err)
	}
}

func waitForPort(addr string, limit time.Duration, done <-chan error) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			return fmt.Errorf("exited early: %v", err)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("timed out after %s", limit)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "devdb: "+format+"\n", args...)
	os.Exit(1)
}

// sqliteQuery turns extra SQLite URL parameters into a query string ("" when none).
func sqliteQuery(params string) string {
	if params == "" {
		return ""
	}
	return "?" + params
}

// indexIDs gives every collection table an SQLite index on the exact expression FerretDB
// v1 uses when it looks a document up by _id (`_ferretdb_sjson->'$._id'`). FerretDB's own
// _id index is built on a different spelling of that path (`->"_id"`), which SQLite does
// not match, so without this every find, update or delete by _id reads the whole table
// (measured: about 10 s per case write with 1,000,000 cases). New collections are picked
// up within a second. The index is not unique: FerretDB's own index enforces uniqueness.
//
// Which tables have it is read from sqlite_master on every pass, not remembered: a
// collection dropped and created again keeps its table name but loses the index with the
// old table, and must get it again.
func indexIDs(ctx context.Context, dir string) {
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			_ = db.Close()
		}
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			db := dbs[file]
			if db == nil {
				var err error
				if db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)"); err != nil {
					continue
				}
				db.SetMaxOpenConns(1)
				dbs[file] = db
			}
			tables, err := collectionTables(ctx, db)
			if err != nil {
				continue
			}
			have, err := indexNames(ctx, db)
			if err != nil {
				continue
			}
			for _, t := range tables {
				if have[t+"_id_lookup"] {
					continue
				}
				q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_id_lookup", t)
				_, _ = db.ExecContext(ctx, q) // a table dropped meanwhile: the next pass sees the new list
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// indexNames lists the SQLite indexes that exist now.
func indexNames(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}

// collectionTables lists the SQLite tables FerretDB keeps collections in.
func collectionTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
