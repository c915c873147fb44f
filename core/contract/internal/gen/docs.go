package gen

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
)

// module is the Go module the types live in; a package's directory is its import
// path under the repository root with this prefix removed.
const module = "github.com/ruralhealth/ncms"

// comments holds the doc comments of the wire types, read from their source with
// go/doc, and the typed constants that are each named type's wire values.
type comments struct {
	root   string
	loaded map[string]bool
	types  map[string]string   // "pkgpath.Type" → doc
	fields map[string]string   // "pkgpath.Type.Field" → doc
	consts map[string][]string // "pkgpath.Type" → the values of its constants, in source order
}

func newComments(root string) *comments {
	return &comments{root: root, loaded: map[string]bool{}, types: map[string]string{},
		fields: map[string]string{}, consts: map[string][]string{}}
}

// load reads the package at import path pkg, once.
func (c *comments) load(pkg string) error {
	if c.loaded[pkg] || !strings.HasPrefix(pkg, module) {
		return nil
	}
	c.loaded[pkg] = true
	dir := filepath.Join(c.root, filepath.FromSlash(strings.TrimPrefix(pkg, module)))
	fset := token.NewFileSet()
	var files []*ast.File
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, pkg)
	if err != nil {
		return err
	}
	for _, t := range p.Types {
		key := pkg + "." + t.Name
		c.types[key] = clean(t.Doc)
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok || ts.Name.Name != t.Name {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, f := range st.Fields.List {
				text := f.Doc.Text()
				if text == "" {
					text = f.Comment.Text()
				}
				for _, n := range f.Names {
					c.fields[key+"."+n.Name] = clean(text)
				}
			}
		}
		for _, v := range t.Consts {
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				for _, val := range vs.Values {
					if lit, ok := val.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, err := strconv.Unquote(lit.Value); err == nil {
							c.consts[key] = append(c.consts[key], s)
						}
					}
				}
			}
		}
	}
	return nil
}

// typeDoc returns the doc comment of t.
func (c *comments) typeDoc(t reflect.Type) string {
	c.load(t.PkgPath())
	return c.types[t.PkgPath()+"."+t.Name()]
}

// fieldDoc returns the doc comment of the field of struct type t.
func (c *comments) fieldDoc(t reflect.Type, field string) string {
	c.load(t.PkgPath())
	return c.fields[t.PkgPath()+"."+t.Name()+"."+field]
}

// enum returns the values of the typed constants of t.
func (c *comments) enum(t reflect.Type) []string {
	c.load(t.PkgPath())
	return c.consts[t.PkgPath()+"."+t.Name()]
}

// clean joins a comment's lines into paragraphs separated by blank lines, and says
// null for Go's nil, which is what the wire carries.
func clean(s string) string {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		words := strings.Fields(p)
		for i, w := range words {
			if strings.TrimRight(w, ".,;:)") == "nil" {
				words[i] = "null" + w[3:]
			}
		}
		if p = strings.Join(words, " "); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}
