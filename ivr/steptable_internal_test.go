package ivr

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// checkSteps lists what the table lacks: a row for every declared step,
// no row for an undeclared one, a prompt for each, an input for every step
// that is not final, and for a list step a header in every catalog, a fill
// and a choice. These are the parts whose absence used to do nothing.
func checkSteps(table map[Step]stepDef, declared []Step, cats map[string]map[string]string) []string {
	var out []string
	bad := func(s Step, format string, args ...any) {
		out = append(out, fmt.Sprintf("step %q: ", s)+fmt.Sprintf(format, args...))
	}
	known := map[Step]bool{}
	for _, s := range declared {
		known[s] = true
		if _, ok := table[s]; !ok {
			bad(s, "declared but has no row")
		}
	}
	for s, d := range table {
		if !known[s] {
			bad(s, "has a row but is not a declared constant")
		}
		if d.prompt == nil {
			bad(s, "no prompt")
		}
		switch {
		case d.final && d.input != nil:
			bad(s, "final but takes input")
		case !d.final && d.input == nil:
			bad(s, "no input and not final")
		case d.final && d.list != nil:
			bad(s, "final but has a list")
		}
		if d.list != nil {
			out = append(out, checkList(s, d.list, cats)...)
		}
	}
	return out
}

func checkList(s Step, l *listDef, cats map[string]map[string]string) []string {
	var out []string
	if l.header == "" {
		out = append(out, fmt.Sprintf("step %q: list without a header (noHeader if none is read)", s))
	} else if l.header != noHeader {
		for lang, cat := range cats {
			if _, ok := cat[l.header]; !ok {
				out = append(out, fmt.Sprintf("step %q: header %q not in the %s prompts", s, l.header, lang))
			}
		}
	}
	if l.fill == nil {
		out = append(out, fmt.Sprintf("step %q: list without a fill", s))
	}
	if l.choose == nil {
		out = append(out, fmt.Sprintf("step %q: list without a choice", s))
	}
	return out
}

// declaredSteps reads the Step constants from the package's source, so a
// constant added without a row in the table fails the test.
func declaredSteps(t *testing.T) []Step {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Step
	for _, f := range pkgs["ivr"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || vs.Type == nil || fmt.Sprint(vs.Type) != "Step" {
				return true
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok {
					t.Fatalf("a Step constant that is not a string literal: %#v", v)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, Step(s))
			}
			return true
		})
	}
	if len(out) < 20 { // the parser found the constants at all
		t.Fatalf("found %d Step constants in the source: %v", len(out), out)
	}
	return out
}

func TestStepsComplete(t *testing.T) {
	for _, p := range checkSteps(steps, declaredSteps(t), catalogs) {
		t.Error(p)
	}
}

// TestStepsCheckerCatchesGaps breaks a copy of the table in every way the
// checker is meant to catch: a checker that passed this would pass anything.
func TestStepsCheckerCatchesGaps(t *testing.T) {
	broken := stepTable()
	delete(broken, StepDate)
	broken[StepCode] = stepDef{prompt: broken[StepCode].prompt}
	broken[StepGoodbye] = stepDef{final: true, input: (*call).onMenu}
	broken[StepMenu] = stepDef{input: (*call).onMenu}
	broken[StepBusiness] = listStep("", (*call).fillBusinesses, nil)
	broken[StepDistrict] = listStep("pick_nowhere", nil, (*call).chooseDistrict)
	broken[Step("typo")] = broken[StepOffice]
	got := strings.Join(checkSteps(broken, declaredSteps(t), catalogs), "\n")
	for _, want := range []string{
		`step "date": declared but has no row`,
		`step "code": no input and not final`,
		`step "goodbye": final but takes input`,
		`step "menu": no prompt`,
		`step "business": list without a header`,
		`step "business": list without a choice`,
		`step "district": header "pick_nowhere" not in the zh prompts`,
		`step "district": header "pick_nowhere" not in the en prompts`,
		`step "district": list without a fill`,
		`step "typo": has a row but is not a declared constant`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the checker missed %s; it said:\n%s", want, got)
		}
	}
}

func TestStepsListsTheTable(t *testing.T) {
	if got := Steps(); len(got) != len(steps) || got[0] != StepBusiness {
		t.Fatalf("Steps() = %v", got)
	}
}
