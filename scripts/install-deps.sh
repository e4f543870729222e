#!/usr/bin/env bash
# install-deps.sh — install the programs ecrlink's tests drive, on Debian 12.
#
# Installs (only what is missing):
#   awscli   the AWS CLI v2 (Debian bookworm packages 2.9 as /usr/bin/aws)
#   skopeo   copies images to and from the registry
#   curl     readiness polling in scripts/e2e-cli.sh
#   python3  picks a free port in scripts/e2e-cli.sh
#   docker-compose
#            Compose v1 (Debian's package), for e2e/compose, unless the docker
#            CLI has the compose v2 plugin
#   ctr      containerd's client (Debian's containerd package), for the
#            CONNECT proxy tests
#   minio    the MinIO server the storage tests start (go install, pinned; it is
#            AGPL and only ever runs as a separate process)
#   docker-credential-ecr-login
#            the Amazon ECR credential helper (go install, pinned), for the
#            CONNECT proxy tests
#
# Idempotent: when everything is present it changes nothing and runs no
# apt-get at all. Needs root (or a clear message saying what to install).
set -euo pipefail

# aws_v2 prints the path of an AWS CLI v2: `aws` on PATH if it is v2 (the
# official installer's), else Debian's /usr/bin/aws. A pip-installed v1
# earlier on PATH is common and is skipped. scripts/e2e-cli.sh uses the same
# rule.
aws_v2() {
	local c
	for c in "$(command -v aws 2>/dev/null || true)" /usr/bin/aws; do
		if [[ -n $c && -x $c && $("$c" --version 2>&1) == aws-cli/2* ]]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

missing=()
aws_v2 >/dev/null || missing+=(awscli)
for cmd in skopeo curl python3; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
# ctr comes in Debian's containerd package; dockerd's own containerd (from
# Docker's packages) may run without it.
command -v ctr >/dev/null 2>&1 || missing+=(containerd)
# e2e/compose takes `docker compose` (v2) or `docker-compose` (v1).
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
	missing+=(docker-compose)
fi

if ((${#missing[@]} == 0)); then
	echo "install-deps: awscli, skopeo, curl, python3 and ctr already installed; nothing to do"
else
	echo "install-deps: missing: ${missing[*]}"
	if [[ $(id -u) -ne 0 ]]; then
		echo "install-deps: not root; install them yourself and run again:" >&2
		echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "install-deps: no apt-get here (ecrlink's scripts expect Debian 12); install ${missing[*]} yourself" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

if ! aws=$(aws_v2); then
	echo "install-deps: no AWS CLI v2 found (aws on PATH says: $(aws --version 2>&1 || echo none))" >&2
	exit 1
fi
echo "install-deps: $aws: $("$aws" --version 2>&1)"
echo "install-deps: $(skopeo --version)"
echo "install-deps: $(ctr --version)"

# MinIO: built from the Go module proxy into $(go env GOPATH)/bin, where
# emulator/ecrlinktest looks for it. A fresh machine takes several minutes.
minio_module=github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
minio_bin=$(go env GOPATH)/bin/minio
if [[ -n ${ECRLINK_MINIO:-} && -x ${ECRLINK_MINIO} ]]; then
	echo "install-deps: minio: $ECRLINK_MINIO (ECRLINK_MINIO)"
elif [[ -x $minio_bin ]]; then
	echo "install-deps: minio: $minio_bin"
else
	echo "install-deps: building the MinIO server ($minio_module); this takes a few minutes"
	GOFLAGS=-buildvcs=false go install "$minio_module"
	echo "install-deps: minio: $minio_bin"
fi

# The ECR credential helper: built from the Go module proxy into
# $(go env GOPATH)/bin, where the proxy tests look for it (or PATH).
ecr_login_module=github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login@v0.13.0
ecr_login_bin=$(go env GOPATH)/bin/docker-credential-ecr-login
if ecr_login=$(command -v docker-credential-ecr-login 2>/dev/null); then
	echo "install-deps: docker-credential-ecr-login: $ecr_login"
elif [[ -x $ecr_login_bin ]]; then
	echo "install-deps: docker-credential-ecr-login: $ecr_login_bin"
else
	echo "install-deps: building the ECR credential helper ($ecr_login_module)"
	GOFLAGS=-buildvcs=false go install "$ecr_login_module"
	echo "install-deps: docker-credential-ecr-login: $ecr_login_bin"
fi
