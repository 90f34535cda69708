package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models/odcs"
)

// FuzzContractForm feeds the contract editor's parser any form body: it
// never panics, and whatever it reads either applies to a contract or is
// refused with field errors.
func FuzzContractForm(f *testing.F) {
	f.Add("version=1.0.0&status=draft&object_index=-1&objects%5B0%5D.name=orders&objects%5B0%5D.properties.key=a&objects%5B0%5D.properties.name=id")
	f.Add("object_index=0&object_index=1&objects%5B1%5D.properties.key=x&objects%5B1%5D.properties.required=x")
	f.Add("object_index=zero")
	f.Add("%zz")
	e := echo.New()
	base := odcs.New("fuzz", "Fuzz", "1.0.0")
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
		c := e.NewContext(req, httptest.NewRecorder())
		edit, err := parseContractForm(c)
		if err != nil {
			return
		}
		_ = validateContractEdit(edit)
		_, _, _, _ = judgeContractEdit(base, "1.0.0", edit)
	})
}
