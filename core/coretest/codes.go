package coretest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/ruralhealth/ncms/core"
)

// DeclaredCodes returns the values of the code constants declared in the Go file at
// path (of type Code in the core, core.Code elsewhere), so that a test checks a new
// code without it being listed there.
func DeclaredCodes(t testing.TB, path string) []core.Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []core.Code
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		switch ty := vs.Type.(type) {
		case *ast.Ident:
			if ty.Name != "Code" {
				return true
			}
		case *ast.SelectorExpr:
			if ty.Sel.Name != "Code" {
				return true
			}
		default:
			return true
		}
		for _, v := range vs.Values {
			lit, ok := v.(*ast.BasicLit)
			if !ok {
				t.Fatalf("code %v is not a literal", v)
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, core.Code(s))
		}
		return true
	})
	return out
}
