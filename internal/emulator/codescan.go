package emulator

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrorCodesIn reads the Go sources of an emulated cloud (dir, tests left
// out) and returns every error code it can answer: the string argument at
// position writers[name] of each call of, or composite literal of, a function
// or type with that name. A code must be a string literal or a constant of
// the package; any other argument is a problem, as is a writer that is never
// found, so that a code cannot reach an answer without the tests seeing it.
// Functions named in skip (the fault rules' code writer) are left out.
func ErrorCodesIn(dir string, writers map[string]int, skip ...string) (codes, problems []string, err error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	var parsed []*ast.File
	consts := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, nil, err
		}
		parsed = append(parsed, f)
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[id.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
			return true
		})
	}
	seen := map[string]bool{}
	note := func(writer string, args []ast.Expr, at token.Pos) {
		i := writers[writer]
		seen[writer] = true
		if i >= len(args) {
			problems = append(problems, fmt.Sprintf("%s: %s has no argument %d", fset.Position(at), writer, i))
			return
		}
		if kv, ok := args[i].(*ast.KeyValueExpr); ok {
			args[i] = kv.Value
		}
		switch a := args[i].(type) {
		case *ast.BasicLit:
			if code, err := strconv.Unquote(a.Value); err == nil {
				codes = append(codes, code)
				return
			}
		case *ast.Ident:
			if code, ok := consts[a.Name]; ok {
				codes = append(codes, code)
				return
			}
		}
		problems = append(problems, fmt.Sprintf("%s: the code given to %s is neither a string literal nor a constant", fset.Position(at), writer))
	}
	for _, f := range parsed {
		imported := importNames(f)
		nameOf := func(e ast.Expr) string {
			switch x := e.(type) {
			case *ast.Ident:
				return x.Name
			case *ast.SelectorExpr:
				// A method (rp.apiError) is a writer; another package's
				// function of the same name (fmt.Errorf) is not.
				if pkg, ok := x.X.(*ast.Ident); ok && imported[pkg.Name] {
					return ""
				}
				return x.Sel.Name
			}
			return ""
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && slices.Contains(skip, fd.Name.Name) {
				continue
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.CallExpr:
					if name := nameOf(x.Fun); name != "" {
						if _, ok := writers[name]; ok {
							note(name, x.Args, x.Pos())
						}
					}
				case *ast.CompositeLit:
					if name := nameOf(x.Type); name != "" {
						if _, ok := writers[name]; ok {
							note(name, slices.Clone(x.Elts), x.Pos())
						}
					}
				}
				return true
			})
		}
	}
	for w := range writers {
		if !seen[w] {
			problems = append(problems, "no call of "+w+" found: the writers list is out of date")
		}
	}
	slices.Sort(codes)
	return slices.Compact(codes), problems, nil
}

// importNames are the names f refers to its imported packages by.
func importNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = true
	}
	return names
}
