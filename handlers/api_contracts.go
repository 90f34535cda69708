package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
)

// apiContractGet answers the port's contract as ODCS v3.1.0: YAML unless
// the client accepts JSON (or asks ?format=json).
func (s *Server) apiContractGet(c echo.Context) error {
	v, err := s.store.PortContract(c.Request().Context(), c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	if v.Doc == nil {
		return models.Errorf(models.ENOTFOUND, "Port %s has no contract.", v.Port.Name)
	}
	if wantsJSON(c) {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, v.Doc.JSON())
	}
	return c.Blob(http.StatusOK, "application/yaml", v.Doc.YAML())
}

func wantsJSON(c echo.Context) bool {
	return c.QueryParam("format") == "json" ||
		strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON) && c.QueryParam("format") != "yaml"
}

// apiContractPut makes the body (ODCS YAML with Content-Type
// application/yaml, or JSON) the port's contract.
func (s *Server) apiContractPut(c echo.Context) error {
	data, err := readContractBody(c)
	if err != nil {
		return err
	}
	doc, err := models.ParseContract(data)
	if err != nil {
		return err
	}
	saved, err := s.store.SaveContract(c.Request().Context(), principal(c), c.Param("domain"), c.Param("product"), c.Param("port"), doc)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if saved.Created {
		status = http.StatusCreated
	}
	return c.JSON(status, contractSavedJSON(saved))
}

// readContractBody reads a YAML or JSON body of at most odcs.MaxBytes.
func readContractBody(c echo.Context) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch mt {
	case "application/yaml", "application/x-yaml", "text/yaml", "application/json":
	default:
		return nil, models.Errorf(models.EBADREQUEST, "Send ODCS YAML with \"Content-Type: application/yaml\", or JSON with \"Content-Type: application/json\".")
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, odcs.MaxBytes+1))
	var tooLarge *http.MaxBytesError
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &tooLarge), errors.As(err, &httpErr) && httpErr.Code == http.StatusRequestEntityTooLarge:
		return nil, models.Errorf(models.ETOOLARGE, "The document is too large: at most 2 MB.")
	case err != nil:
		return nil, models.Errorf(models.EBADREQUEST, "The request body could not be read.")
	case len(body) > odcs.MaxBytes:
		return nil, models.Errorf(models.ETOOLARGE, "The document is too large: at most 2 MB.")
	}
	return body, nil
}

type contractVersionJSON struct {
	Version   string   `json:"version"`
	Status    string   `json:"status"`
	Breaking  bool     `json:"breaking"`
	Changes   []string `json:"changes"`
	CreatedBy string   `json:"created_by"`
	CreatedAt string   `json:"created_at"`
}

func toContractVersionJSON(v *models.ContractVersion) contractVersionJSON {
	changes := []string(v.Changes)
	if changes == nil {
		changes = []string{}
	}
	return contractVersionJSON{Version: v.Version, Status: v.Status, Breaking: v.Breaking, Changes: changes,
		CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")}
}

func contractSavedJSON(saved *models.ContractSaved) map[string]any {
	body := map[string]any{"id": saved.Contract.DocumentID, "version": saved.Contract.Version, "status": saved.Contract.Status,
		"changed": saved.Version != nil, "amended": saved.Amended}
	if saved.Version != nil {
		body["saved"] = toContractVersionJSON(saved.Version)
	}
	return body
}

func (s *Server) apiContractDelete(c echo.Context) error {
	if err := s.store.DeleteContract(c.Request().Context(), principal(c), c.Param("domain"), c.Param("product"), c.Param("port")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiContractVersions(c echo.Context) error {
	versions, err := s.store.ContractVersions(c.Request().Context(), c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	items := make([]contractVersionJSON, len(versions))
	for i := range versions {
		items[i] = toContractVersionJSON(&versions[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// apiChecksRun runs the port's quality checks now and answers their
// results.
func (s *Server) apiChecksRun(c echo.Context) error {
	results, err := s.runPortChecks(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": checkResultsJSON(results)})
}

// apiChecksGet answers the latest result of each rule.
func (s *Server) apiChecksGet(c echo.Context) error {
	v, err := s.store.PortContract(c.Request().Context(), c.Param("domain"), c.Param("product"), c.Param("port"))
	if err != nil {
		return err
	}
	if v.Contract == nil {
		return models.Errorf(models.ENOTFOUND, "Port %s has no contract.", v.Port.Name)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": checkResultsJSON(v.Checks)})
}

func checkResultsJSON(results []models.CheckResult) []models.CheckResult {
	if results == nil {
		return []models.CheckResult{}
	}
	return results
}
