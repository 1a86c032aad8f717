# summitbot: one static binary with the articles embedded.
#
#   docker build -t summitbot .
#   docker run -e DISCORD_TOKEN=… summitbot
#
# Configuration comes from SUMMITBOT_* environment variables or a mounted
# file (-v ./summitbot.yaml:/config.yaml:ro, then: serve --config
# /config.yaml). For /reload, mount a corpus directory and point at it:
# -v ./articles:/corpus:ro -e SUMMITBOT_CORPUS_DIR=/corpus

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
# chromem-go is replaced by the patched copy in third_party (see
# third_party/chromem-go/SUMMITBOT.md); go mod download needs it.
COPY third_party/ third_party/
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/summitbot ./cmd/summitbot

# distroless/static: no shell, no package manager, CA certificates and
# /etc/passwd with the nonroot user (65532).
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /out/summitbot /summitbot
USER nonroot:nonroot
# The health and metrics port listens inside the container only; publish it
# (-p) and set SUMMITBOT_HEALTH_ADDR=0.0.0.0:8080 to scrape from outside.
ENV SUMMITBOT_HEALTH_ADDR=127.0.0.1:8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/summitbot", "healthcheck"]
ENTRYPOINT ["/summitbot"]
CMD ["serve"]
