#!/usr/bin/env bash
# conformance.sh — run the OCI distribution-spec conformance suite against
# ecrlink, with ECR credentials, and against a bare distribution v3.1.2 as the
# baseline, and compare the two.
#
# The suite (github.com/opencontainers/distribution-spec/conformance, a main
# package built with `go install`) and the distribution registry binary are
# built once into ${XDG_CACHE_HOME:-$HOME/.cache}/ecrlink/conformance, one
# directory per pinned version. Each registry runs on a random 127.0.0.1 port
# with the suite's default v1.1 settings; ecrlink gets its two repositories
# from CreateRepository and its password from GetAuthorizationToken.
#
# "Checks" are the suite's own counters (its Pass/FAIL/Error/Skip/Disabled
# summary, 852 in all for distribution v3.1.2). The script fails when ecrlink
# passes fewer checks than distribution, or when a test case that passes on
# distribution does not pass on ecrlink (test cases are the leaves of the
# suite's junit.xml; names repeat, so they are compared as counts per name).
#
# Reports (results.yaml, junit.xml, report.html) are kept in
# $CONFORMANCE_RESULTS (default: the cache directory's results/), one
# subdirectory per registry.
#
# Needs: go, curl, base64. Everything else is built here.
set -euo pipefail
export LC_ALL=C # sort and join must agree on order

cd "$(dirname "$0")/.."
repo_root=$PWD

# Pinned versions. The suite has no tags; this is its module pseudo-version.
suite_version=v0.0.0-20260831232431-97274622c111
distribution_version=v3.1.2

cache=${XDG_CACHE_HOME:-$HOME/.cache}/ecrlink/conformance
results=${CONFORMANCE_RESULTS:-$cache/results}
repo1=conformance/repo1
repo2=conformance/repo2

log() { printf 'conformance: %s\n' "$*"; }
die() {
	printf 'conformance: FAIL: %s\n' "$*" >&2
	exit 1
}

for c in go curl base64; do
	command -v "$c" >/dev/null 2>&1 || die "$c not found"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecrlink-conformance.XXXXXX")
pids=()
cleanup() {
	local rc=$?
	for p in "${pids[@]}"; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p" 2>/dev/null || true
			wait "$p" 2>/dev/null || true
		fi
	done
	if ((rc != 0)); then
		for f in "$tmp"/*.log; do
			[[ -s $f ]] || continue
			log "last lines of $(basename "$f"):" >&2
			tail -n 20 "$f" >&2 || true
		done
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build (cached) ------------------------------------------------------------

# install MODULE/PKG VERSION NAME: go install into the cache unless present.
install() {
	local pkg=$1 version=$2 name=$3
	local dir=$cache/$name-$version
	if [[ ! -x $dir/$name ]]; then
		log "building $pkg@$version (once; cached in $dir)" >&2
		mkdir -p "$dir"
		(cd "$cache" && GOWORK=off GOFLAGS=-mod=mod GOBIN="$dir.tmp" go install "$pkg@$version") ||
			die "go install $pkg@$version"
		mv "$dir.tmp/$name" "$dir/$name"
		rmdir "$dir.tmp"
	fi
	printf '%s\n' "$dir/$name"
}

mkdir -p "$cache"
suite=$(install github.com/opencontainers/distribution-spec/conformance "$suite_version" conformance)
distribution=$(install github.com/distribution/distribution/v3/cmd/registry "$distribution_version" registry)
log "building ecrlink"
go build -o "$tmp/ecrlink" ./cmd/ecrlink

# --- start the two registries ------------------------------------------------------

# wait_for LOG PATTERN PID: print the first match of the sed PATTERN in LOG.
wait_for() {
	local file=$1 pattern=$2 pid=$3 got=""
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || die "$(basename "$file" .log) exited before it was ready"
		got=$(sed -n "$pattern" "$file" | head -n 1)
		[[ -n $got ]] && break
		sleep 0.1
	done
	[[ -n $got ]] || die "$(basename "$file" .log) did not start"
	printf '%s\n' "$got"
}

"$tmp/ecrlink" serve --ephemeral --listen 127.0.0.1:0 --log-level warn >"$tmp/ecrlink.log" 2>&1 &
pids+=($!)
ecr_url=$(wait_for "$tmp/ecrlink.log" 's|.* at \(http://127\.0\.0\.1:[0-9]*\) .*|\1|p' "${pids[-1]}")
log "ecrlink serving at $ecr_url"

cat >"$tmp/distribution.yml" <<'EOF'
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  inmemory: {}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
EOF
"$distribution" serve "$tmp/distribution.yml" >"$tmp/distribution.log" 2>&1 &
pids+=($!)
dist_addr=$(wait_for "$tmp/distribution.log" 's|.*listening on \(127\.0\.0\.1:[0-9]*\).*|\1|p' "${pids[-1]}")
log "distribution $distribution_version serving at http://$dist_addr"

# --- ECR set-up: repositories, account setting, token ---------------------------

# ecr OPERATION JSON: call the ECR API. ecrlink maps any access key to the
# account root without checking the signature unless an identity says otherwise.
ecr() {
	curl -sS -X POST "$ecr_url/" \
		-H "X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.$1" \
		-H 'Content-Type: application/x-amz-json-1.1' \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIACONFORMANCE/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0" \
		-d "$2"
}
for r in "$repo1" "$repo2"; do
	out=$(ecr CreateRepository "{\"repositoryName\":\"$r\"}")
	[[ $out == *'"repositoryArn"'* ]] || die "CreateRepository $r: $out"
done
# Real ECR mounts blobs across repositories only with this account setting.
out=$(ecr PutAccountSetting '{"name":"BLOB_MOUNTING","value":"ENABLED"}')
[[ $out == *'"ENABLED"'* ]] || log "note: PutAccountSetting BLOB_MOUNTING: $out"
out=$(ecr GetAuthorizationToken '{}')
token=$(sed -n 's/.*"authorizationToken":"\([^"]*\)".*/\1/p' <<<"$out")
[[ -n $token ]] || die "GetAuthorizationToken: $out"
creds=$(base64 -d <<<"$token")
[[ $creds == AWS:* ]] || die "authorization token does not decode to AWS:password"

# --- run the suite against both ----------------------------------------------------

# run NAME HOST [USER PASSWORD]: run the suite; reports go to $results/NAME.
run() {
	local name=$1 host=$2 user=${3:-} password=${4:-}
	local out=$results/$name
	rm -rf "$out"
	mkdir -p "$out"
	log "running the suite against $name"
	# The suite reads OCI_* variables and ./oci-conformance.yaml: give it
	# exactly ours, and an empty working directory.
	(
		cd "$tmp"
		unset "${!OCI_@}"
		OCI_REGISTRY=$host OCI_TLS=disabled OCI_REPO1=$repo1 OCI_REPO2=$repo2 \
			OCI_USERNAME=$user OCI_PASSWORD=$password OCI_RESULTS_DIR=$out OCI_LOG=error \
			"$suite" >"$out/stdout.txt" 2>"$out/stderr.txt"
	) || true # exits 1 on any failed check; the reports say which
	[[ -s $out/junit.xml ]] || die "the suite wrote no report for $name: $(tail -n 5 "$out/stderr.txt")"
}
run ecrlink "${ecr_url#http://}" "${creds%%:*}" "${creds#*:}"
run distribution "$dist_addr"

# --- compare ---------------------------------------------------------------------

# count NAME STATUS: the suite's summary counter (Pass, FAIL, Error, Skip, Disabled, Total).
count() {
	sed -n "s/^  $2\.*: *\([0-9]*\)$/\1/p" "$results/$1/stdout.txt" | head -n 1
}
# leaves NAME: "status<TAB>test name" for every test case in junit.xml.
leaves() {
	grep -o '<testcase name="[^"]*" classname="[^"]*" time="[^"]*" status="[a-z]*"' "$results/$1/junit.xml" |
		sed 's/<testcase name="\([^"]*\)".*status="\([a-z]*\)"/\2\t\1/'
}

printf '\n%-14s %8s %8s %8s %8s %8s %8s\n' "checks" Pass FAIL Error Skip Disabled Total
for name in ecrlink distribution; do
	printf '%-14s' "$name"
	for s in Pass FAIL Error Skip Disabled Total; do
		printf ' %8s' "$(count "$name" "$s")"
	done
	printf '\n'
done

failed=0
pass_e=$(count ecrlink Pass)
pass_d=$(count distribution Pass)
[[ -n $pass_e && -n $pass_d ]] || die "no summary in the suite's output"
if ((pass_e < pass_d)); then
	log "ecrlink passes $pass_e checks, distribution $pass_d" >&2
	failed=1
fi

# Test cases passing on distribution but not (as often) on ecrlink.
regressions=$(join -t $'\t' -a 1 -e 0 -o 0,1.2,2.2 \
	<(leaves distribution | awk -F'\t' '$1 == "passed" {n[$2]++} END {for (k in n) print k "\t" n[k]}' | sort -t $'\t' -k1,1) \
	<(leaves ecrlink | awk -F'\t' '$1 == "passed" {n[$2]++} END {for (k in n) print k "\t" n[k]}' | sort -t $'\t' -k1,1) |
	awk -F'\t' '$3 < $2 {printf "  %s (distribution %d, ecrlink %d)\n", $1, $2, $3}')
if [[ -n $regressions ]]; then
	printf '\nconformance: passing on distribution, not on ecrlink:\n%s\n' "$regressions" >&2
	failed=1
fi

printf '\nTest cases failing on ecrlink (details in %s/ecrlink/report.html):\n' "$results"
leaves ecrlink | awk -F'\t' '$1 == "failure" || $1 == "error" {n[$2]++} END {for (k in n) printf "  %s%s\n", k, (n[k] > 1 ? " (x" n[k] ")" : "")}' | sort

if ((failed)); then
	die "ecrlink regressed against distribution $distribution_version"
fi
log "ok: ecrlink passes $pass_e checks, distribution $distribution_version $pass_d; nothing distribution passes fails on ecrlink"
