#!/usr/bin/env bash
# One entry point for a fresh machine: installs what the project needs, then runs it.
#   ./run.sh demo   set up, then run the pipeline on generated sample catalogs
#   ./run.sh test   set up, then run the test suite
set -euo pipefail
cd "$(dirname "$0")"

VENV="${OCR_PIPELINE_VENV:-.venv}"

setup() {
  if ! command -v tesseract >/dev/null 2>&1; then
    echo "== installing tesseract-ocr (Debian package)" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating virtualenv $VENV" >&2
    python3 -m venv "$VENV"
  fi
  echo "== installing ocr_pipeline and its dev dependencies" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]"
}

case "${1:-}" in
  demo)
    shift
    setup
    exec "$VENV/bin/ocr-pipeline" demo "$@"
    ;;
  test)
    shift
    setup
    exec "$VENV/bin/python" -m pytest -q "$@"
    ;;
  *)
    echo "usage: ./run.sh demo|test [args...]" >&2
    exit 2
    ;;
esac
