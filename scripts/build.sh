#!/usr/bin/env bash
# Build a stamped yuyue binary: version, commit and UTC build date go in
# with -ldflags, and `yuyue version` prints them. CI and the Dockerfile's
# build stage both run this script, so CI proves what the image runs.
#
#   scripts/build.sh [OUTPUT]      (default bin/yuyue)
#
# VERSION, COMMIT and BUILD_DATE override what git and date say (the image
# build has no .git directory).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin/yuyue}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
build_date=${BUILD_DATE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
# cgo: the SQLite driver is C. (No -trimpath: it would rebuild every
# dependency, the C of SQLite included, apart from the test builds.)
CGO_ENABLED=1 go build \
  -ldflags "-s -w -X main.version=${version} -X main.commit=${commit} -X main.buildDate=${build_date}" \
  -o "$out" ./cmd/yuyue
"$out" version
