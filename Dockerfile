# ecrlink's image: `docker build -t ecrlink/ecrlink:local .` (docker-compose.yml builds it too).
#
# The build stage needs golang from Docker Hub; the image itself is FROM
# scratch: one static binary, no shell, no CA bundle (ecrlink makes its own
# CA and reaches nothing but MinIO). e2e/compose builds the same final
# stage from a binary built on the host, where no image can be pulled.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/ecrlink ./cmd/ecrlink \
 && mkdir -p /out/ca /out/data

FROM scratch
COPY --from=build /out/ecrlink /ecrlink
# /ca and /data belong to the user ecrlink runs as, so named volumes mounted
# there start writable by it (a new volume takes the image directory's owner
# and mode: 0755, so a client may mount /ca to read ca.pem but not the
# 0600 ca-key.pem).
COPY --from=build --chown=65532:65532 /out/ca /ca
COPY --from=build --chown=65532:65532 /out/data /data
# Not root. Binding :53 and :443 as another user needs no capability in a
# container: Docker (20.10 and later) sets net.ipv4.ip_unprivileged_port_start=0
# in every container's network namespace, and docker-compose.yml sets it
# explicitly for other runtimes. With --network host it is the host's
# setting: run as root there (--user 0) or use ports above 1023.
USER 65532:65532
ENV ECRLINK_LISTEN=0.0.0.0:5000 \
    ECRLINK_DATA_DIR=/data \
    ECRLINK_CA_DIR=/ca
EXPOSE 5000 443 53/udp 53/tcp
ENTRYPOINT ["/ecrlink"]
CMD ["serve"]
