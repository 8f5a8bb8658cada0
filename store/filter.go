package store

import "strings"

// where builds a filter as SQL conditions and their arguments (house style:
// raw SQL, filters as where/args slices).
type where struct {
	conds []string
	args  []any
}

// add appends a condition with its arguments.
func (w *where) add(cond string, args ...any) {
	w.conds, w.args = append(w.conds, cond), append(w.args, args...)
}

// in appends "col IN (?, …)" for the values.
func (w *where) in(col string, vals []any) {
	w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")", vals...)
}

// sql returns " WHERE …" (or "") and the arguments.
func (w *where) sql() (string, []any) {
	if len(w.conds) == 0 {
		return "", w.args
	}
	return " WHERE " + strings.Join(w.conds, " AND "), w.args
}
