# Build: docker build -t meshport .
# Run:   docker run --rm -p 8080:8080 -e MESHPORT_SECRET_KEY=... -e MESHPORT_DATABASE_URL=postgres://... \
#          -e MESHPORT_BASE_URL=https://meshport.example.com -e MESHPORT_OIDC_ISSUER=https://login.example.com \
#          -e MESHPORT_OIDC_CLIENT_ID=meshport -e MESHPORT_OIDC_CLIENT_SECRET=... meshport
# Without an OpenID Provider the image refuses to start and says why: the
# development sign-in is loopback-only.

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
