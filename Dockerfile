# syntax=docker/dockerfile:1
# summitbot: one static binary with the articles embedded.
#
#   docker compose up -d          (compose.yaml: volume, restart, health check)
#   docker build -t summitbot --build-arg VCS_REF=$(git rev-parse HEAD) .
#   docker run -e DISCORD_TOKEN=… -v summitbot-data:/data summitbot
#
# Configuration: the image's default file /etc/summitbot/summitbot.yaml
# (docker/summitbot.yaml, named by SUMMITBOT_CONFIG) sets only what the
# image needs: the health port and the vector cache on /data. Mount your
# own file over it (start from that one) and its settings hold; SUMMITBOT_*
# variables override both. See docs/operations-docker.md.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
# chromem-go is replaced by the patched copy in third_party (see
# third_party/chromem-go/SUMMITBOT.md); go mod download needs it.
COPY third_party/ third_party/
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# The build context has no .git (.dockerignore), so the Go toolchain cannot
# record the commit: pass it in, and `summitbot version`, the log's first
# line and summitbot_build_info show it.
ARG VERSION=""
ARG VCS_REF=""
ARG VCS_TIME=""
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X main.stampVersion=${VERSION} -X main.stampRevision=${VCS_REF} -X main.stampTime=${VCS_TIME}" \
    -o /out/summitbot ./cmd/summitbot
# /data, owned by the runtime user: a named volume mounted there starts as
# a copy of it, writable (the runtime image has no shell to mkdir with).
RUN mkdir -p /out/data

# distroless/static: no shell, no package manager, CA certificates and
# /etc/passwd with the nonroot user (65532).
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
ARG VERSION=""
ARG VCS_REF=""
LABEL org.opencontainers.image.title="summitbot" \
      org.opencontainers.image.description="A Discord bot that answers questions about the Putin–Kim meeting at Vostochny only from its news articles, citing every claim" \
      org.opencontainers.image.source="https://github.com/summitbot/summitbot" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${VCS_REF}"
COPY --from=build /out/summitbot /summitbot
COPY --from=build --chown=65532:65532 /out/data /data
COPY docker/summitbot.yaml /etc/summitbot/summitbot.yaml
# A file, not SUMMITBOT_HEALTH_ADDR and the like: variables beat a mounted
# file, a default file does not. Every command reads it (--config's default).
ENV SUMMITBOT_CONFIG=/etc/summitbot/summitbot.yaml
# The vector cache (embedding.cache) and, later, the store.
VOLUME ["/data"]
# health.addr: /healthz, /readyz, /metrics.
EXPOSE 8080
USER nonroot:nonroot
# Ready, not just alive: connected to Discord with the index built. The
# start period covers building the index (or embedding it, with a remote
# embedder and an empty cache).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/summitbot", "healthcheck", "--ready"]
ENTRYPOINT ["/summitbot"]
CMD ["serve"]
