FROM debian:12.6 AS base
RUN useradd -u 1000 app
USER app

FROM base AS final
COPY app /usr/local/bin/app
CMD ["app"]
