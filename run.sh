#!/usr/bin/env bash
# One entry point for a fresh machine: installs what the project needs, then runs it.
#   ./run.sh demo   set up, run the whole graph on sample catalogs, serve the review console
#   ./run.sh test   set up, then run the test suite
set -euo pipefail
cd "$(dirname "$0")"

VENV="${OCR_PIPELINE_VENV:-.venv}"

apt_get() {  # apt_get PACKAGE...: install Debian packages
  echo "== installing $* (Debian packages)" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

apt_install() {  # apt_install COMMAND PACKAGE...: install the packages if COMMAND is missing
  local command=$1
  shift
  command -v "$command" >/dev/null 2>&1 || apt_get "$@"
}

setup() {  # setup EXTRAS: the package's extras to install, e.g. "dev" or "dev,infra"
  # Tesseract's library and its English and orientation models; tesserocr is compiled against
  # this library (PIP_NO_BINARY below), so scans read as Debian's Tesseract reads them
  local tesseract="g++ pkg-config libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-osd"
  # shellcheck disable=SC2086  # one word per package
  dpkg -s $tesseract >/dev/null 2>&1 || apt_get $tesseract
  python3 -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("include"), "Python.h")))' \
    || apt_get python3-dev  # headers to compile tesserocr
  if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating virtualenv $VENV" >&2
    python3 -m venv "$VENV"
  fi
  echo "== installing ocr_pipeline with [$1]" >&2
  PIP_NO_BINARY=tesserocr "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    -e ".[$1]"
}

case "${1:-}" in
  demo)
    shift
    setup dev
    exec "$VENV/bin/ocr-pipeline" demo "$@"
    ;;
  test)
    shift
    setup dev,infra
    apt_install chromedriver chromium chromium-driver  # the review page's browser tests
    apt_install npm nodejs npm  # the CDK CLI that infra/tests/test_synth.py runs
    echo "== installing the pinned AWS CDK CLI (infra/package-lock.json)" >&2
    npm ci --prefix infra --no-audit --no-fund --loglevel=error
    # in parallel, one worker per core, idle workers taking queued tests from busy ones (every
    # test has its own ports, homes and instances)
    exec "$VENV/bin/python" -m pytest -q -n auto --dist worksteal --durations=15 "$@"
    ;;
  *)
    echo "usage: ./run.sh demo|test [args...]" >&2
    exit 2
    ;;
esac
