package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/views/contracts"
)

// contractVersion shows one saved version and its YAML against the
// version before.
func (s *Server) contractVersion(c echo.Context) error {
	ctx := c.Request().Context()
	prod, err := s.store.GetProduct(ctx, c.Param("domain"), c.Param("product"))
	if err != nil {
		return err
	}
	versions, err := s.store.ContractVersions(ctx, prod.Domain.Slug, prod.Slug, c.Param("port"))
	if err != nil {
		return err
	}
	for i, v := range versions {
		if v.Version != c.Param("version") {
			continue
		}
		d := contracts.VersionData{Page: s.page(c, "Contract version "+v.Version, "products"), Product: *prod, Port: c.Param("port"), Version: v}
		var before string
		if i+1 < len(versions) {
			d.Before = versions[i+1].Version
			before = yamlOf(versions[i+1].Document)
		}
		d.Diff = lineDiff(before, yamlOf(v.Document))
		return s.render(c, http.StatusOK, contracts.Version(d))
	}
	return models.Errorf(models.ENOTFOUND, "The contract has no version %s.", c.Param("version"))
}

func yamlOf(canonical string) string {
	doc, err := odcs.Parse([]byte(canonical))
	if err != nil {
		return canonical
	}
	return string(doc.YAML())
}

// lineDiff is a line diff by longest common subsequence; contracts are a
// few thousand lines at most, and a version page is rare.
func lineDiff(a, b string) []contracts.DiffLine {
	x, y := splitLines(a), splitLines(b)
	if len(x)*len(y) > 25_000_000 {
		out := make([]contracts.DiffLine, 0, len(y))
		for _, l := range y {
			out = append(out, contracts.DiffLine{Op: "+", Text: l})
		}
		return out
	}
	lcs := make([][]int32, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []contracts.DiffLine
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			out = append(out, contracts.DiffLine{Op: " ", Text: x[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, contracts.DiffLine{Op: "-", Text: x[i]})
			i++
		default:
			out = append(out, contracts.DiffLine{Op: "+", Text: y[j]})
			j++
		}
	}
	for ; i < len(x); i++ {
		out = append(out, contracts.DiffLine{Op: "-", Text: x[i]})
	}
	for ; j < len(y); j++ {
		out = append(out, contracts.DiffLine{Op: "+", Text: y[j]})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
