package sqlstore

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migration is one embedded numbered SQL file. Each engine has its own
// files (their types differ for good reason) and applies them its own way;
// the naming rule is shared: a number, an optional engine letter (0005p_…
// sorts beside the number it follows), an underscore, a name.
type Migration struct {
	Name    string // the file name, e.g. 0001_core.sql
	Version int
	Body    string
}

// Migrations lists the *.sql files in dir of fsys in file-name order.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Migration, 0, len(names))
	for _, name := range names {
		base := strings.TrimPrefix(name, dir+"/")
		num := strings.TrimRight(strings.SplitN(base, "_", 2)[0], "abcdefghijklmnopqrstuvwxyz")
		version, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Name: base, Version: version, Body: string(body)})
	}
	return out, nil
}
