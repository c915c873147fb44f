// Package coretest holds the checks that the tests of the core and of the server
// share: that every messageZh is Chinese throughout.
package coretest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
)

// term reports whether w is a Latin word a Chinese message may use as it is: one of
// the catalogue's formats, JSON, UTF-8 and YYYY-MM-DD.
func term(w string) bool {
	switch w {
	case "JSON", "UTF", "YYYY", "MM", "DD":
		return true
	}
	return false
}

// LatinWords returns the words of two or more Latin letters in e's messageZh that
// are not a quoted value ("…" or '…'), a JSON pointer (/claim/id), a code or field
// name (snake_case, camelCase, or a token of e's path) or one of the formats the
// catalogue names (JSON, UTF-8, YYYY-MM-DD). Single letters (the ID's X, item
// class A, a size in B) are not words.
func LatinWords(e *core.Error) []string {
	path := map[string]bool{}
	for _, t := range strings.Split(e.Path, "/") {
		path[t] = true
	}
	var out []string
	for _, w := range words(unquote(e.MessageZh)) {
		switch {
		case len(w) < 2, term(w), path[w], strings.Contains(w, "_"), camel(w):
		default:
			out = append(out, w)
		}
	}
	return out
}

// Chinese reports whether a message has no English words: no run of two lowercase
// ASCII letters (code points, hex bytes and UTF-8 are upper case). It is stricter
// than LatinWords, for messages that name no field or code.
func Chinese(s string) bool {
	run := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			if run++; run >= 2 {
				return false
			}
		} else {
			run = 0
		}
	}
	return true
}

// unquote blanks out quoted values and JSON pointers.
func unquote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			// Skip to the closing quote, past backslash escapes.
			for i++; i < len(s) && s[i] != c; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			b.WriteByte(' ')
		case '/':
			for i < len(s) && s[i] != ' ' && s[i] < 0x80 && s[i] != ')' {
				i++
			}
			b.WriteByte(' ')
			i--
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// words splits s into runs of ASCII letters and underscores.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_')
	})
}

// camel reports whether w is a camelCase name such as birthDate.
func camel(w string) bool {
	if w[0] < 'a' || w[0] > 'z' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			return true
		}
	}
	return false
}

// Finding is a call that builds a *core.Error whose messageZh would not be Chinese.
type Finding struct {
	Pos  token.Position
	Text string // the offending words or expression
}

func (f Finding) String() string { return f.Pos.String() + ": " + f.Text }

// zhDetail returns the index of the argument of the named function that messageZh
// shows: NewError(code, path, detail) and Errors.Add show their one detail in both
// languages, NewErrorText and AddText (and the policy checker's say) their fourth.
func zhDetail(name string) (int, bool) {
	switch name {
	case "NewError", "Add", "add":
		return 2, true
	case "NewErrorText", "AddText", "say":
		return 3, true
	}
	return 0, false
}

// ScanCalls parses the Go files (tests excepted) in fsys (a test passes
// os.DirFS(dir)) and returns each call of NewError, NewErrorText, Errors.Add or
// AddText whose Chinese detail has Latin words in a string literal (quoted values in
// the literal excepted, as LatinWords) or is an error's English text (err.Error()).
func ScanCalls(fsys fs.FS) ([]Finding, error) {
	var out []Finding
	fset := token.NewFileSet()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !codeCall(call) {
				return true
			}
			i, _ := zhDetail(funcName(call))
			arg := call.Args[i]
			if text := latin(arg); text != "" {
				out = append(out, Finding{Pos: fset.Position(call.Pos()), Text: text})
			}
			return true
		})
		return nil
	})
	return out, err
}

// codeCall reports whether call builds an error: a function in zhDetail with the
// right number of arguments, the first an error code: core.X, apierr.X (the county
// server's codes, server/apierr), or X in either package.
func codeCall(call *ast.CallExpr) bool {
	i, ok := zhDetail(funcName(call))
	if !ok || len(call.Args) != i+1 {
		return false
	}
	switch c := call.Args[0].(type) {
	case *ast.SelectorExpr:
		x, ok := c.X.(*ast.Ident)
		return ok && (x.Name == "core" || x.Name == "apierr")
	case *ast.Ident:
		return c.Name != "nil"
	}
	return false
}

func funcName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// latin returns the Latin words in the string literals that make up e (joined with
// +, or a fmt.Sprintf format), or the text of an err.Error() call there, or "". The
// arguments of other calls (core.Quote(get("year"))) are values, not text.
func latin(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		if e.Kind != token.STRING || err != nil {
			return ""
		}
		return strings.Join(LatinWords(&core.Error{MessageZh: s}), " ")
	case *ast.ParenExpr:
		return latin(e.X)
	case *ast.BinaryExpr:
		return join(latin(e.X), latin(e.Y))
	case *ast.CallExpr:
		sel, ok := e.Fun.(*ast.SelectorExpr)
		switch {
		case !ok:
		case sel.Sel.Name == "Error" && len(e.Args) == 0:
			return "an error's text (" + exprString(sel.X) + ".Error())"
		case exprString(sel.X) == "fmt" && sel.Sel.Name == "Sprintf" && len(e.Args) > 0:
			return latin(e.Args[0])
		}
	}
	return ""
}

func join(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

func exprString(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "…"
}
