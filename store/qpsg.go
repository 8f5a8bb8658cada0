package store

// Every SQLite connection of this process runs with the query planner
// stability guarantee (QPSG): a statement's plan never depends on the
// values bound to it, so a prepared statement stays prepared.
//
// Without it, SQLite lets some bound values steer the plan. When the planner
// looks at a "col = ?" that the chosen index does not cover (any join, any
// correlated sub-select), at a partial index, or at LIKE ?, it marks that
// parameter as one whose new value may call for a new plan. go-sqlite3
// clears a statement's bindings before each run, and SQLite treats clearing
// such a parameter as a change: the next step parses and plans the
// statement again. The hold's one read (sqlstore's HoldFacts, a join with
// three correlated sub-selects) was parsed and planned on every run: about
// 100 µs of its 110 µs (scripts/reports/NOTES.md).
//
// The price: a partial index is used only where the query spells out its
// condition with literals (active = 1, seq = 1, status IN ('waiting',
// 'offered')), since the planner may no longer look at a bound value to see
// that it matches. TestSQLitePlansDoNotDependOnBoundValues pins this down.
//
// go-sqlite3 offers no call for sqlite3_db_config, so the setting is made
// by an automatic extension: SQLite runs it as each new connection opens,
// in this process, whoever opens it. The two functions are SQLite's public
// API, linked from the copy of SQLite that go-sqlite3 builds in.

/*
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_api_routines sqlite3_api_routines;
int sqlite3_auto_extension(void (*xEntryPoint)(void));
int sqlite3_db_config(sqlite3 *db, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h.
#define YUYUE_DBCONFIG_ENABLE_QPSG 1007

static int yuyue_qpsg(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
	(void)err;
	(void)api;
	// A failure leaves the connection as SQLite's default has it, which is
	// correct, only slower; the connection must still open.
	sqlite3_db_config(db, YUYUE_DBCONFIG_ENABLE_QPSG, 1, (int *)0);
	return 0;
}

static int yuyue_register_qpsg(void) {
	return sqlite3_auto_extension((void (*)(void))yuyue_qpsg);
}
*/
import "C"

// Where SQLite refuses the automatic extension (a system SQLite built
// without them), the connections keep SQLite's default: correct, only
// slower; the process must still start, on PostgreSQL too, so the result
// is not checked here. TestSQLitePlansDoNotDependOnBoundValues fails on
// such a build.
func init() { C.yuyue_register_qpsg() }
