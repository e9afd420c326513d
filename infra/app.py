#!/usr/bin/env python3
"""CDK entry point (cdk.json runs it with the project's .venv): `npx cdk synth -c env=dev`."""

from ocr_infra.app import build_app

if __name__ == "__main__":
    app, _ = build_app()
    app.synth()
