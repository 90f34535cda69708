package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/meshport/meshport/static"
)

// routes is the one list of everything meshport answers.
func (s *Server) routes(e *echo.Echo, metrics echo.HandlerFunc) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", metrics)
	e.GET("/static/*", s.staticFiles(), s.cacheStatic)
	e.HEAD("/static/*", s.staticFiles(), s.cacheStatic) // caches and proxies ask

	s.signIn.Mount(e, s)
	e.POST("/logout", s.logout)

	// Pages: everyone signed in reads; writes are authorized in the store.
	pages := e.Group("", s.requireSignIn)
	pages.GET("/", s.home)
	pages.GET("/search", s.searchPage)
	pages.GET("/search/suggest", s.searchSuggest)

	pages.GET("/profile", s.profileShow)
	pages.POST("/profile/tokens", s.profileTokenCreate)
	pages.POST("/profile/tokens/:id/revoke", s.profileTokenRevoke)
	pages.POST("/profile/reports", s.profileReportsSave)

	pages.GET("/reports/preview", s.reportPreview)
	pages.GET("/reports/preview/html", s.reportPreviewHTML)
	pages.GET("/reports/deliveries", s.reportDeliveries)
	pages.POST("/reports/deliveries/:id/retry", s.reportRetry)
	pages.POST("/reports/send", s.reportSend)

	pages.GET("/users", s.userList)
	pages.POST("/users/:id/sessions/revoke", s.userSessionsRevoke)

	pages.GET("/domains", s.domainList)
	pages.GET("/domains/new", s.domainNew)
	pages.POST("/domains", s.domainCreate)
	pages.POST("/domains/validate", s.domainValidate)
	pages.GET("/domains/:domain", s.domainShow)
	pages.GET("/domains/:domain/edit", s.domainEdit)
	pages.POST("/domains/:domain", s.domainUpdate)
	pages.POST("/domains/:domain/validate", s.domainValidate)
	pages.POST("/domains/:domain/status", s.domainStatus)
	pages.POST("/domains/:domain/delete", s.domainDelete)

	pages.GET("/products", s.productList)
	pages.GET("/products/new", s.productNew)
	pages.POST("/products", s.productCreate)
	pages.POST("/products/validate", s.productValidate)
	pages.GET("/products/port-row", s.productPortRow)
	pages.GET("/products/:domain/:product", s.productShow)
	pages.GET("/products/:domain/:product/edit", s.productEdit)
	pages.POST("/products/:domain/:product", s.productUpdate)
	pages.POST("/products/:domain/:product/validate", s.productValidate)
	pages.POST("/products/:domain/:product/status", s.productStatus)
	pages.POST("/products/:domain/:product/delete", s.productDelete)
	pages.POST("/products/:domain/:product/waivers", s.waiverRequest)
	pages.POST("/waivers/:id/decide", s.waiverDecide)

	contract := pages.Group("/products/:domain/:product/ports/:port/contract")
	contract.GET("", s.contractShow)
	contract.GET(".yaml", s.contractExportYAML)
	contract.GET(".json", s.contractExportJSON)
	contract.GET("/edit", s.contractEdit)
	contract.GET("/column-row", s.contractColumnRow)
	contract.POST("", s.contractSave)
	contract.POST("/validate", s.contractValidate)
	contract.POST("/generate", s.contractGenerate)
	contract.POST("/upload", s.contractUpload)
	contract.POST("/checks", s.contractChecksRun)
	contract.POST("/delete", s.contractDelete)
	contract.POST("/watch", s.contractWatch)
	contract.GET("/versions/:version", s.contractVersion)

	pages.GET("/governance", s.governance)
	pages.GET("/governance/policies/new", s.policyNew)
	pages.POST("/governance/policies", s.policyCreate)
	pages.POST("/governance/policies/validate", s.policyValidate)
	pages.POST("/governance/policies/dry-run", s.policyDryRun)
	pages.GET("/governance/policies/:id", s.policyShow)
	pages.GET("/governance/policies/:id/edit", s.policyEdit)
	pages.POST("/governance/policies/:id", s.policyUpdate)
	pages.POST("/governance/policies/:id/retire", s.policyRetire)
	pages.POST("/governance/policies/:id/votes", s.policyVote)
	pages.POST("/governance/policies/:id/decide", s.policyDecide)

	pages.GET("/sources", s.sourceList)
	pages.GET("/sources/new", s.sourceNew)
	pages.POST("/sources", s.sourceCreate)
	pages.POST("/sources/validate", s.sourceValidate)
	pages.GET("/sources/connection-fields", s.sourceConnectionFields)
	pages.GET("/sources/asset-options", s.sourceAssetOptions)
	pages.POST("/sources/schedule-preview", s.sourceSchedulePreview)
	pages.POST("/sources/test", s.sourceTestConnection)
	pages.GET("/sources/:source", s.sourceShow)
	pages.GET("/sources/:source/edit", s.sourceEdit)
	pages.GET("/sources/:source/asset", s.assetShow)
	pages.POST("/sources/:source", s.sourceUpdate)
	pages.POST("/sources/:source/validate", s.sourceValidate)
	pages.POST("/sources/:source/test", s.sourceTestConnection)
	pages.POST("/sources/:source/crawl", s.sourceCrawl)
	pages.POST("/sources/:source/delete", s.sourceDelete)

	pages.GET("/findings", s.findingList)
	pages.GET("/findings/:id", s.findingShow)
	pages.POST("/findings/:id/decide", s.findingDecide)

	// JSON API for automation, authenticated with bearer tokens.
	api := e.Group("/api/v1", s.requireToken)
	api.GET("/search", s.apiSearch)
	api.GET("/domains", s.apiDomainList)
	api.POST("/domains", s.apiDomainCreate)
	api.GET("/domains/:domain", s.apiDomainGet)
	api.PATCH("/domains/:domain", s.apiDomainPatch)
	api.DELETE("/domains/:domain", s.apiDomainDelete)
	api.GET("/products", s.apiProductList)
	api.POST("/products", s.apiProductCreate)
	api.GET("/products/:domain/:product", s.apiProductGet)
	api.PATCH("/products/:domain/:product", s.apiProductPatch)
	api.DELETE("/products/:domain/:product", s.apiProductDelete)
	api.GET("/sources", s.apiSourceList)
	api.POST("/sources", s.apiSourceCreate)
	api.GET("/sources/:source", s.apiSourceGet)
	api.PATCH("/sources/:source", s.apiSourcePatch)
	api.DELETE("/sources/:source", s.apiSourceDelete)
	api.POST("/sources/:source/crawl", s.apiSourceCrawl)
	api.GET("/sources/:source/runs", s.apiSourceRuns)
	api.GET("/sources/:source/assets", s.apiSourceAssets)
	api.GET("/runs/:run", s.apiRunGet)
	api.GET("/findings", s.apiFindingList)
	api.GET("/findings/:id", s.apiFindingGet)
	api.POST("/findings/:id/decision", s.apiFindingDecide)
	api.GET("/policies", s.apiPolicyList)
	api.POST("/policies", s.apiPolicyCreate)
	api.POST("/policies/dry-run", s.apiPolicyDryRun)
	api.GET("/policies/:id", s.apiPolicyGet)
	api.PATCH("/policies/:id", s.apiPolicyPatch)
	api.DELETE("/policies/:id", s.apiPolicyDelete)
	api.POST("/policies/:id/votes", s.apiPolicyVote)
	api.GET("/policies/:id/results", s.apiPolicyResults)
	api.GET("/products/:domain/:product/scorecard", s.apiProductScorecard)
	api.GET("/products/:domain/:product/waivers", s.apiWaiverList)
	api.POST("/products/:domain/:product/waivers", s.apiWaiverCreate)
	api.POST("/products/:domain/:product/waivers/:id/decision", s.apiWaiverDecide)
	api.GET("/products/:domain/:product/odps", s.apiProductODPS)
	api.POST("/odps", s.apiODPSApply)
	api.GET("/products/:domain/:product/ports/:port/contract", s.apiContractGet)
	api.PUT("/products/:domain/:product/ports/:port/contract", s.apiContractPut)
	api.DELETE("/products/:domain/:product/ports/:port/contract", s.apiContractDelete)
	api.GET("/products/:domain/:product/ports/:port/contract/versions", s.apiContractVersions)
	api.GET("/products/:domain/:product/ports/:port/checks", s.apiChecksGet)
	api.POST("/products/:domain/:product/ports/:port/checks", s.apiChecksRun)
}

func (s *Server) staticFiles() echo.HandlerFunc {
	return echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(static.Files))))
}

// cacheStatic lets browsers keep a file asked for with its current content
// hash (as pages link it) for a year, and any other request for an hour.
func (s *Server) cacheStatic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		name := strings.TrimPrefix(c.Request().URL.Path, "/static/")
		if v := c.QueryParam("v"); v != "" && v == s.assets[name] {
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		}
		return next(c)
	}
}

// documentRoutes take an ODCS or ODPS document of up to 2 MB; every other
// route has the configured body limit.
var documentRoutes = map[string]bool{
	http.MethodPost + " /products/:domain/:product/ports/:port/contract/upload": true,
	http.MethodPut + " /api/v1/products/:domain/:product/ports/:port/contract":  true,
	http.MethodPost + " /api/v1/odps":                                           true,
}

// bodyLimit caps request bodies by the route matched (the middleware runs
// after routing, so c.Path() is the route's pattern, not what the client
// typed): 3 MB for documents (2 MB and a multipart envelope), limit for
// everything else. It comes before CSRF, which reads forms.
func (s *Server) bodyLimit(limit string) echo.MiddlewareFunc {
	small, large := middleware.BodyLimit(limit), middleware.BodyLimit("3M")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		smallNext, largeNext := small(next), large(next)
		return func(c echo.Context) error {
			if documentRoutes[c.Request().Method+" "+c.Path()] {
				return largeNext(c)
			}
			return smallNext(c)
		}
	}
}
