# A Dockerfile that does most things the pack warns about.
FROM golang AS build
ARG GITHUB_TOKEN
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    DB_PASSWORD=hunter2
WORKDIR src
ADD https://example.com/tool.tar.gz /tmp/
ADD main.go .
RUN curl -sSL https://example.com/install.sh | sh
RUN sudo apt-get update && sudo apt-get install -y curl git=1:2.39.2-1
RUN apk add --update py3-pip
RUN pip install requests flask==3.0.0
RUN go build -o /out/app .

FROM alpine:latest
COPY --from=build /out/app /app
EXPOSE 8080 22
USER root
CMD ["/app"]
