package huaweicloud

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// The Huawei SDK has no call function of ours in between (resources call the
// SDK clients directly), so every call must go through Client.DoPaced to wait
// for its service's rate limit: this test refuses the unpaced Client.Do,
// recognised by its context first argument.
func TestEveryCallIsPaced(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Do" {
				return true
			}
			if arg, ok := call.Args[0].(*ast.Ident); ok && arg.Name == "ctx" {
				t.Errorf("%s: an unpaced Do(ctx, ...): use DoPaced(ctx, <service>, ...) so the call waits for the service's rate limit", fset.Position(call.Pos()))
			}
			return true
		})
	}
}
