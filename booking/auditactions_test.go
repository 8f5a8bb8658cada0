package booking

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAuditActionsListed reads the package's source: every action an audit
// call writes (s.audit, auditLogin, an AuditEntry's Action) is a string
// literal, an Act… constant or WaitEndAction, and is in AuditActions; and
// every listed action is written somewhere (operator.* come from the
// console through Operators.Change).
func TestAuditActionsListed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	written := map[string]bool{}
	add := func(e ast.Expr) {
		pos := fset.Position(e.Pos())
		switch x := e.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(x.Value)
			if err != nil {
				t.Fatalf("%s: %v", pos, err)
			}
			written[s] = true
			return
		case *ast.Ident:
			switch x.Name {
			case "ActWaitJoin":
				written[ActWaitJoin] = true
				return
			case "ActWaitOffer":
				written[ActWaitOffer] = true
				return
			case "ActWaitRequeue":
				written[ActWaitRequeue] = true
				return
			case "action": // Operators.Change's and auditLogin's parameter
				return
			}
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "WaitEndAction" {
				for _, a := range waitEndActions() {
					written[a] = true
				}
				return
			}
		}
		t.Errorf("%s: an audit action this test cannot read; use a literal or an Act… constant", pos)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				var name string
				switch fn := x.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				if (name == "audit" && len(x.Args) > 2) || (name == "auditLogin" && len(x.Args) > 2) {
					add(x.Args[2])
				}
			case *ast.CompositeLit:
				if id, ok := x.Type.(*ast.Ident); ok && id.Name == "AuditEntry" {
					for _, el := range x.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Action" {
								add(kv.Value)
							}
						}
					}
				}
			}
			return true
		})
	}
	if len(written) < 30 {
		t.Fatalf("found only %d audit actions in the source: is the test reading it?", len(written))
	}
	for a := range written {
		if !slices.Contains(AuditActions, a) {
			t.Errorf("audit action %q is written but not in AuditActions", a)
		}
	}
	for _, a := range AuditActions {
		if !written[a] && !strings.HasPrefix(a, "operator.") {
			t.Errorf("AuditActions lists %q, which nothing writes", a)
		}
	}
}
