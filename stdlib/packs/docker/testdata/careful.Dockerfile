# syntax=docker/dockerfile:1
# A Dockerfile that does what the pack asks for.
ARG GO_IMAGE=golang:1.22.5@sha256:829eff99a4b2abffe68f6a3847337bf6455d69d17e49ec1a97dac78834754bd6
FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV GPG_KEYS=B42F6819007F00F88E364FD4036A9C25BF357DD4
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /tmp/
COPY main.go .
RUN curl -fsSL -o /tmp/install.sh https://example.com/install.sh \
    && sha256sum -c install.sha256 \
    && sh /tmp/install.sh
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl=7.88.1-10 git=1:2.39.2-1 \
    && rm -rf /var/lib/apt/lists/*
RUN apk add --no-cache py3-pip=23.1.2-r0
RUN pip install --no-cache-dir requests==2.32.3 -r requirements.txt
RUN --mount=type=secret,id=token GITHUB_TOKEN="$(cat /run/secrets/token)" go build -o /out/app .

FROM gcr.io/distroless/static:nonroot@sha256:8dd8d3ca2cf283383304fd45a5c9c74d5f2cd9da8d3b077d720e264880077c65
COPY --from=build /out/app /app
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s CMD ["/app", "health"]
CMD ["/app"]
