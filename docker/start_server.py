"""Start the OCR service in a container: 0.0.0.0:$PORT, everything else from the environment.

A configuration error (no API keys, no model at MODEL_PATH) ends the process with status 2 and
one line saying what to set, so the task fails visibly instead of restarting in a loop of
tracebacks.
"""

import os
import sys

from ocr_pipeline.errors import OcrPipelineError
from ocr_pipeline.server import serve


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    try:
        serve(host=os.environ.get("HOST", "0.0.0.0"), port=port)  # all interfaces: a container
    except OcrPipelineError as exc:
        print(f"ocr service: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
