#!/usr/bin/env bash
# test.sh — run every ecrlink test, installing what the tests need first.
#
#   1. scripts/install-deps.sh   AWS CLI v2, skopeo, curl, python3, ctr, MinIO and
#                                docker-credential-ecr-login (skips what is there)
#   2. go vet ./...
#   3. go test ./...             includes emulator.TestE2ECLI, which runs
#                                scripts/e2e-cli.sh (AWS CLI + skopeo against a real
#                                `ecrlink serve`); with CI=true it fails instead of
#                                skipping when a tool is missing
#   4. a short fuzz pass         every Fuzz* target, FUZZTIME each (default 20s); a run
#                                that ends in Go 1.26's fuzz-coordinator race (a bare
#                                "context deadline exceeded" at the deadline, no failing
#                                input written: go.dev/issue/75804, fixed in Go 1.27) is
#                                run again, and is not a failure if it happens twice
#   5. scripts/conformance.sh    when it exists
#
# Every step runs even when an earlier one failed; a summary ends the output
# and the exit status is non-zero if any step failed.
#
# Environment: FUZZTIME (default 20s), GO_TEST_TIMEOUT (default 15m).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

fuzztime=${FUZZTIME:-20s}
test_timeout=${GO_TEST_TIMEOUT:-15m}

names=()
statuses=()
durations=()
failed=0
start_all=$SECONDS

# run NAME CMD...: run one step, visibly, and record how it went.
run() {
	local name=$1
	shift
	printf '\n==> %s\n    $ %s\n' "$name" "$*"
	local t0=$SECONDS rc=0
	note=""
	"$@" || rc=$?
	local took=$((SECONDS - t0))
	names+=("$name${note:+ ($note)}")
	durations+=("${took}s")
	if ((rc == 0)); then
		statuses+=(PASS)
	else
		statuses+=("FAIL")
		names[-1]+=" (exit $rc)"
		failed=1
	fi
	printf '<== %s: %s in %ss\n' "$name" "${statuses[-1]}" "$took"
}

if ! command -v go >/dev/null 2>&1; then
	echo "test.sh: go not found on PATH (want Go 1.26, e.g. /usr/local/go/bin)" >&2
	exit 1
fi
echo "test.sh: $(go version); CI=${CI:-}"

run "install deps" bash scripts/install-deps.sh
run "go vet" go vet ./...
run "go test" go test -count=1 -timeout "$test_timeout" ./...

# fuzz_one DIR TARGET: fuzz one target for $fuzztime, telling a real failure
# (a failing input is written to DIR/testdata/fuzz/TARGET) from the Go 1.26
# coordinator race described above.
fuzz_one() {
	local dir=$1 target=$2 attempt rc before after out
	out=$(mktemp)
	for attempt in 1 2; do
		before=$(ls "$dir/testdata/fuzz/$target" 2>/dev/null)
		rc=0
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$dir" 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
		after=$(ls "$dir/testdata/fuzz/$target" 2>/dev/null)
		if ((rc == 0)); then
			rm -f "$out"
			return 0
		fi
		if [[ $before != "$after" ]] || grep -q 'Failing input written' "$out" ||
			! grep -qx '[[:space:]]*context deadline exceeded' "$out"; then
			rm -f "$out"
			return "$rc" # a real failure
		fi
		echo "test.sh: $target: bare 'context deadline exceeded', no failing input: Go's fuzz deadline race (go.dev/issue/75804), attempt $attempt"
	done
	rm -f "$out"
	note="deadline race twice, no failing input"
	return 0
}

# Fuzz targets: every `func FuzzX(` in a _test.go file, per package.
mapfile -t fuzz_files < <(grep -rl --include='*_test.go' 'func Fuzz' . | sort)
for f in "${fuzz_files[@]}"; do
	dir=./$(dirname "${f#./}")
	while read -r target; do
		[[ -n $target ]] || continue
		run "fuzz $dir $target" fuzz_one "$dir" "$target"
	done < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f")
done
if ((${#fuzz_files[@]} == 0)); then
	echo "test.sh: no Fuzz targets found"
fi

if [[ -f scripts/conformance.sh ]]; then
	run "conformance" bash scripts/conformance.sh
else
	echo "test.sh: scripts/conformance.sh not present; skipping conformance"
fi

printf '\n==== summary (%ds in all) ====\n' $((SECONDS - start_all))
for i in "${!names[@]}"; do
	printf '  %-4s %6s  %s\n' "${statuses[$i]}" "${durations[$i]}" "${names[$i]}"
done
if ((failed)); then
	echo "test.sh: FAILED"
	exit 1
fi
echo "test.sh: all passed"
