# Build: docker build -t meshport .
# Run:   docker run --rm -p 8080:8080 -e MESHPORT_SECRET_KEY=... -e MESHPORT_DATABASE_URL=postgres://... meshport
# Serving outside a container's loopback needs single sign-on (OpenID
# Connect, the SSO issue); until then the image refuses to start with a
# message saying so, because the development sign-in is loopback-only.

# ---- build stage ----
FROM golang:1.26-bookworm AS build
WORKDIR /src

# Dependencies first so this layer is cached until go.mod/go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# templ is pinned as a Go tool in go.mod; regenerate so the image never relies
# on stale or missing *_templ.go files.
RUN go tool templ generate
# Pure-Go SQLite driver, so a fully static binary for the distroless image.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/meshport ./cmd/meshport

# ---- runtime stage ----
# Static binary only: no shell, no package manager, runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/meshport /meshport
# The nonroot user's home is writable, so relative paths (e.g. a SQLite file)
# resolve somewhere the process can write. Mount a volume here to keep data.
WORKDIR /home/nonroot
EXPOSE 8080
ENV MESHPORT_ADDR=0.0.0.0:8080
USER nonroot:nonroot
ENTRYPOINT ["/meshport"]
CMD ["serve"]
