#!/usr/bin/env bash
# A real 64k-test suite for bench_coverage.py: packaging's sdist with its tests,
# installed in its own venv with this plugin, plus three design docs
# (benchmarks/packaging-docs/) as a new user would write them.
# Usage: benchmarks/prepare_packaging.sh [DIR]   (default /tmp/designdoc-bench)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-/tmp/designdoc-bench}"
mkdir -p "$dir" && cd "$dir"
python3 -m venv venv
venv/bin/pip download -q --no-binary :all: --no-deps "packaging==26.4" -d .
tar xzf packaging-26.4.tar.gz
venv/bin/pip install -q -e packaging-26.4 -e "$here/..[test]" pytest-cov pretend tomli_w
mkdir -p packaging-26.4/docs/design
cp "$here"/packaging-docs/*.md packaging-26.4/docs/design/
echo "ready: $dir/venv/bin/python $here/bench_coverage.py --project $dir/packaging-26.4 --cov-source packaging"
