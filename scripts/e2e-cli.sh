#!/usr/bin/env bash
# e2e-cli.sh — drive a real `ecrlink serve` with the AWS CLI v2 and skopeo,
# the way a CI job uses Amazon ECR: create a repository, log in with
# get-login-password, push an image, list, describe, inspect, pull it back,
# delete it, and check the errors a missing repository gives.
#
# Needs: go, the AWS CLI v2, skopeo, curl, python3 (scripts/install-deps.sh).
# No network: the image is an OCI layout built here by hand.
# Exit status 0 when every check passed; the first failed check stops it.
set -euo pipefail

cd "$(dirname "$0")/.."

step() { printf '\ne2e: == %s\n' "$*"; }
ok() { printf 'e2e:    ok: %s\n' "$*"; }
fail() {
	printf 'e2e:    FAIL: %s\n' "$*" >&2
	exit 1
}
# expect WHAT GOT WANT
expect() {
	if [[ $2 == "$3" ]]; then
		ok "$1 = $2"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

# --- tools -------------------------------------------------------------------

# An AWS CLI v2: `aws` on PATH if it is v2, else Debian's /usr/bin/aws (a
# pip-installed v1 earlier on PATH is common). Same rule as install-deps.sh.
aws_bin=""
for c in "${ECRLINK_E2E_AWS:-}" "$(command -v aws 2>/dev/null || true)" /usr/bin/aws; do
	if [[ -n $c && -x $c && $("$c" --version 2>&1) == aws-cli/2* ]]; then
		aws_bin=$c
		break
	fi
done
[[ -n $aws_bin ]] || fail "no AWS CLI v2 found; run scripts/install-deps.sh"
for c in skopeo curl python3 go sha256sum tar gzip; do
	command -v "$c" >/dev/null 2>&1 || fail "$c not found; run scripts/install-deps.sh"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecrlink-e2e.XXXXXX")
pid=""
cleanup() {
	local rc=$?
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if ((rc != 0)) && [[ -s $tmp/serve.log ]]; then
		echo "e2e: last lines of the ecrlink log:" >&2
		tail -n 40 "$tmp/serve.log" >&2 || true
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- start ecrlink -----------------------------------------------------------

step "build and start ecrlink"
go build -o "$tmp/ecrlink" ./cmd/ecrlink
ok "built $tmp/ecrlink"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
host=127.0.0.1:$port
url=http://$host
"$tmp/ecrlink" serve --ephemeral --listen "$host" --log-level info >"$tmp/serve.out" 2>"$tmp/serve.log" &
pid=$!
code=""
for _ in $(seq 1 300); do
	kill -0 "$pid" 2>/dev/null || fail "ecrlink exited before it was ready"
	code=$(curl -s -o /dev/null -w '%{http_code}' "$url/v2/" || true)
	[[ $code == 401 ]] && break
	sleep 0.1
done
expect "GET $url/v2/ without credentials" "$code" 401
echo "e2e:    ecrlink says: $(cat "$tmp/serve.out")"

# --- clients -----------------------------------------------------------------

# The CLI sees only these settings, never the caller's profile or config.
export AWS_ACCESS_KEY_ID=AKIAEXAMPLE AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$tmp/aws-config AWS_SHARED_CREDENTIALS_FILE=$tmp/aws-credentials
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ECR 2>/dev/null || true
awsecr() { "$aws_bin" --endpoint-url "$url" --output text ecr "$@"; }
# skopeo keeps its login here, not in the caller's auth.json, and uses its
# own trust policy, so /etc/containers/policy.json need not exist.
export REGISTRY_AUTH_FILE=$tmp/auth.json
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$tmp/policy.json"
sk() { skopeo --policy "$tmp/policy.json" "$@"; }
# json FILE EXPR: evaluate a Python expression over the JSON in FILE (as j).
json() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

repo=e2e/app
ref=$host/$repo

# --- repository --------------------------------------------------------------

step "aws ecr create-repository --repository-name $repo"
expect "repositoryUri" "$(awsecr create-repository --repository-name "$repo" --query repository.repositoryUri)" "$ref"
expect "describe-repositories name" \
	"$(awsecr describe-repositories --repository-names "$repo" --query 'repositories[0].repositoryName')" "$repo"

step "aws ecr get-login-password | skopeo login"
awsecr get-login-password >"$tmp/password"
[[ -s $tmp/password ]] || fail "get-login-password printed nothing"
ok "get-login-password printed a $(wc -c <"$tmp/password")-byte password"
sk login --tls-verify=false --username AWS --password-stdin "$host" <"$tmp/password"
ok "skopeo login $host"
if sk login --tls-verify=false --username AWS --password wrong "$host" >/dev/null 2>&1; then
	fail "skopeo login with a wrong password succeeded"
fi
ok "skopeo login with a wrong password is refused"

# --- a tiny OCI image, made by hand ------------------------------------------

step "build an OCI image layout"
src=$tmp/src
mkdir -p "$src/blobs/sha256" "$tmp/rootfs/etc"
echo "hello from ecrlink e2e" >"$tmp/rootfs/hello.txt"
head -c 65536 /dev/zero >"$tmp/rootfs/etc/zeros" # compresses well: size checks can tell
tar -C "$tmp/rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$tmp/layer.tar" .
gzip -n -9 -c "$tmp/layer.tar" >"$tmp/layer.tar.gz"
blob() { # blob FILE: store FILE in the layout, print "sha256:HEX SIZE"
	local d
	d=$(sha256sum "$1" | cut -d' ' -f1)
	cp "$1" "$src/blobs/sha256/$d"
	echo "sha256:$d $(stat -c %s "$1")"
}
diffid=sha256:$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
read -r layer_digest layer_size < <(blob "$tmp/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
	"$diffid" >"$tmp/config.json"
read -r config_digest config_size < <(blob "$tmp/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}' \
	"$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$tmp/manifest.json"
read -r manifest_digest manifest_size < <(blob "$tmp/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' \
	"$manifest_digest" "$manifest_size" >"$src/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$src/oci-layout"
ok "manifest $manifest_digest ($manifest_size bytes), layer $layer_size bytes gzipped ($(stat -c %s "$tmp/layer.tar") raw), config $config_size bytes"

# --- push --------------------------------------------------------------------

step "skopeo copy oci:src:1 docker://$ref:1"
sk copy --quiet --preserve-digests --dest-tls-verify=false --digestfile "$tmp/pushed" "oci:$src:1" "docker://$ref:1"
expect "pushed digest" "$(cat "$tmp/pushed")" "$manifest_digest"

# --- list, describe, inspect ---------------------------------------------------

step "aws ecr list-images"
expect "imageIds" "$(awsecr list-images --repository-name "$repo" --query 'imageIds[*].[imageTag,imageDigest]')" \
	"1	$manifest_digest"

step "aws ecr describe-images"
awsecr describe-images --repository-name "$repo" --image-ids imageTag=1 --output json >"$tmp/describe.json"
expect "imageTags" "$(json "$tmp/describe.json" '",".join(j["imageDetails"][0]["imageTags"])')" 1
expect "imageDigest" "$(json "$tmp/describe.json" 'j["imageDetails"][0]["imageDigest"]')" "$manifest_digest"
expect "repositoryName" "$(json "$tmp/describe.json" 'j["imageDetails"][0]["repositoryName"]')" "$repo"
expect "registryId" "$(json "$tmp/describe.json" 'j["imageDetails"][0]["registryId"]')" 000000000000
expect "imageManifestMediaType" "$(json "$tmp/describe.json" 'j["imageDetails"][0].get("imageManifestMediaType")')" \
	application/vnd.oci.image.manifest.v1+json
size=$(json "$tmp/describe.json" 'j["imageDetails"][0]["imageSizeInBytes"]')
# ECR reports the compressed size: at least the layer as stored, at most
# everything pushed, and well under the uncompressed layer.
most=$((layer_size + config_size + manifest_size))
if [[ $size =~ ^[0-9]+$ ]] && ((size >= layer_size && size <= most)); then
	ok "imageSizeInBytes = $size (compressed: between $layer_size and $most)"
else
	fail "imageSizeInBytes: got '$size', want a compressed size between $layer_size and $most"
fi
pushed_at=$(json "$tmp/describe.json" 'j["imageDetails"][0].get("imagePushedAt")')
[[ -n $pushed_at && $pushed_at != None ]] || fail "imagePushedAt missing"
ok "imagePushedAt = $pushed_at"

step "skopeo inspect docker://$ref:1"
expect "inspect digest" "$(sk inspect --tls-verify=false --format '{{.Digest}}' "docker://$ref:1")" "$manifest_digest"
sk inspect --tls-verify=false --raw "docker://$ref:1" >"$tmp/raw.json"
if cmp -s "$tmp/raw.json" "$tmp/manifest.json"; then ok "raw manifest is byte-identical to the one pushed"; else fail "raw manifest differs from the one pushed"; fi
expect "inspect by digest" "$(sk inspect --tls-verify=false --format '{{.Digest}}' "docker://$ref@$manifest_digest")" "$manifest_digest"

# --- pull --------------------------------------------------------------------

step "skopeo copy docker://$ref:1 oci:out:1"
out=$tmp/out
sk copy --quiet --preserve-digests --src-tls-verify=false "docker://$ref:1" "oci:$out:1"
expect "pulled manifest digest" "$(json "$out/index.json" 'j["manifests"][0]["digest"]')" "$manifest_digest"
for d in "$manifest_digest" "$config_digest" "$layer_digest"; do
	f=$out/blobs/sha256/${d#sha256:}
	[[ -f $f ]] || fail "blob $d missing from the pulled layout"
	expect "sha256 of pulled blob" "sha256:$(sha256sum "$f" | cut -d' ' -f1)" "$d"
done

# --- the layer bucket ----------------------------------------------------------
# As on ECR, layers leave through the starport bucket: GetDownloadUrlForLayer
# and the registry's 307 both name a presigned URL that needs no credentials.

step "aws ecr get-download-url-for-layer, then the URL with no credentials"
dl_url=$(awsecr get-download-url-for-layer --repository-name "$repo" --layer-digest "$layer_digest" --output json | json /dev/stdin 'j["downloadUrl"]')
[[ $dl_url == *"/prod-us-east-1-starport-layer-bucket/"*"X-Amz-Signature="* ]] || fail "downloadUrl is not a presigned starport URL: $dl_url"
curl -fsS -o "$tmp/layer.dl" "$dl_url" || fail "GET downloadUrl failed"
expect "sha256 of the downloaded layer" "sha256:$(sha256sum "$tmp/layer.dl" | cut -d' ' -f1)" "$layer_digest"
expect "ranged GET of the layer" "$(curl -fsS -r 0-9 "$dl_url" | wc -c)" "10"
code=$(curl -sS -o "$tmp/tampered.xml" -w '%{http_code}' "${dl_url/X-Amz-Signature=/X-Amz-Signature=0}")
expect "status of a tampered URL" "$code" "403"
grep -q '<Code>SignatureDoesNotMatch</Code>' "$tmp/tampered.xml" || fail "tampered URL: $(cat "$tmp/tampered.xml")"
ok "tampered URL answered with S3's SignatureDoesNotMatch XML"

# --- delete ------------------------------------------------------------------

step "aws ecr batch-delete-image"
awsecr batch-delete-image --repository-name "$repo" --image-ids imageTag=1 --output json >"$tmp/deleted.json"
expect "imageIds deleted" "$(json "$tmp/deleted.json" '[i.get("imageDigest") for i in j["imageIds"]]')" "['$manifest_digest']"
expect "failures" "$(json "$tmp/deleted.json" 'len(j.get("failures", []))')" 0
expect "list-images after delete" "$(awsecr list-images --repository-name "$repo" --query 'length(imageIds)')" 0
if sk inspect --tls-verify=false "docker://$ref:1" >/dev/null 2>"$tmp/inspect.err"; then
	fail "the deleted image can still be inspected"
fi
ok "skopeo inspect of the deleted tag fails: $(tail -n 1 "$tmp/inspect.err")"

# --- errors ------------------------------------------------------------------

step "aws ecr describe-repositories --repository-names nope"
if awsecr describe-repositories --repository-names nope >/dev/null 2>"$tmp/nope.err"; then
	fail "describe-repositories of a missing repository succeeded"
fi
grep -q RepositoryNotFoundException "$tmp/nope.err" || fail "want RepositoryNotFoundException, got: $(cat "$tmp/nope.err")"
ok "$(grep -m1 RepositoryNotFoundException "$tmp/nope.err")"

step "aws ecr delete-repository --repository-name $repo"
expect "deleted repositoryName" "$(awsecr delete-repository --repository-name "$repo" --query repository.repositoryName)" "$repo"
if awsecr describe-repositories --repository-names "$repo" >/dev/null 2>"$tmp/gone.err"; then
	fail "the deleted repository is still described"
fi
grep -q RepositoryNotFoundException "$tmp/gone.err" || fail "want RepositoryNotFoundException, got: $(cat "$tmp/gone.err")"
ok "describe-repositories after delete: RepositoryNotFoundException"

printf '\ne2e: PASS — AWS CLI %s and %s against ecrlink\n' \
	"$("$aws_bin" --version 2>&1 | cut -d' ' -f1)" "$(skopeo --version)"
