#!/bin/sh
# The GPU image's entrypoint:
#   serve (default)  the OCR service on 0.0.0.0:$PORT (docker/start_server.py)
#   worker           the Dagster Pipes worker that reads a catalog's pages (ECS task)
#   anything else    run as given, e.g. the pipeline's ECS command override
#                    ["python", "-m", "ocr_pipeline.worker"]
set -eu
command="${1:-serve}"
[ $# -gt 0 ] && shift
case "$command" in
  serve) exec python "$(dirname "$0")/start_server.py" "$@" ;;
  worker) exec python -m ocr_pipeline.worker "$@" ;;
  *) exec "$command" "$@" ;;
esac
