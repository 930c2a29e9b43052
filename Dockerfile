# syntax=docker/dockerfile:1
# Build stage: go-sqlite3 needs cgo, so the golang image's gcc is used.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/traininghub ./cmd/traininghub

# Runtime stage: glibc to match the cgo build, CA roots for SMTP over TLS, no root.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 traininghub \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin traininghub \
    && mkdir -p /data \
    && chown traininghub:traininghub /data
COPY --from=build /out/traininghub /usr/local/bin/traininghub
ENV TRAININGHUB_DB=/data/traininghub.db \
    TRAININGHUB_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/traininghub", "healthcheck"]
USER traininghub
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/traininghub"]
CMD ["serve"]
