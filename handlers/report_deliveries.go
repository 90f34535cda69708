package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/reports"
)

// reportDeliveries is the admins' delivery page: queued, sent and failed
// reports with the server's answer, and retry.
func (s *Server) reportDeliveries(c echo.Context) error {
	data, err := s.deliveriesData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, reports.Deliveries(data))
}

func (s *Server) deliveriesData(c echo.Context) (reports.DeliveriesData, error) {
	if p := principal(c); !p.Admin {
		return reports.DeliveriesData{}, models.Errorf(models.EFORBIDDEN, "Only admins see report deliveries.")
	}
	status := c.QueryParam("status")
	msgs, counts, err := s.store.ListOutbox(c.Request().Context(), models.OutboxFilter{Status: status})
	if err != nil {
		return reports.DeliveriesData{}, err
	}
	return reports.DeliveriesData{Page: s.page(c, "Report deliveries", "deliveries"), Messages: msgs, Counts: counts,
		Status: status, SMTP: s.cfg.Reports != nil && s.cfg.Reports.SMTPConfigured()}, nil
}
