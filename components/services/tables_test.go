package services

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serviceConstants maps config's service-name constants to their values.
func serviceConstants(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../config/catalog.go", nil, 0)
	require.NoError(t, err)
	known := map[string]bool{}
	for name := range Catalog() {
		known[name] = true
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if v, ok := n.(*ast.ValueSpec); ok && len(v.Values) == len(v.Names) {
			for i, id := range v.Names {
				if lit, ok := v.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, _ := strconv.Unquote(lit.Value); known[s] {
						out[id.Name] = s
					}
				}
			}
		}
		return true
	})
	require.NotEmpty(t, out)
	return out
}

// No table outside the records is keyed by a service-name constant: a
// service's port, job, volume or order lives in its record, not in a second
// map someone has to keep in step.
func TestNoServiceKeyedTableOutsideTheRecords(t *testing.T) {
	consts := serviceConstants(t)
	serviceKey := func(e ast.Expr) (string, bool) {
		switch k := e.(type) {
		case *ast.SelectorExpr:
			if x, ok := k.X.(*ast.Ident); ok && x.Name == "config" {
				s, found := consts[k.Sel.Name]
				return s, found
			}
		case *ast.Ident:
			s, found := consts[k.Name]
			return s, found
		}
		return "", false
	}
	var found []string
	for _, root := range []string{"..", "../../policy", "../../main.go"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				strings.HasPrefix(filepath.ToSlash(path), "../services/") {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				if _, isMap := lit.Type.(*ast.MapType); !isMap {
					return true
				}
				for _, el := range lit.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if s, hit := serviceKey(kv.Key); hit {
							found = append(found, fset.Position(kv.Pos()).String()+": "+s)
						}
					}
				}
				return true
			})
			return nil
		})
		require.NoError(t, err)
	}
	assert.Empty(t, found, "service-keyed tables outside components/services")
}
