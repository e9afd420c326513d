"""The CDK app: the stack of the environment chosen by ``-c env=dev|prod``, checked by cdk-nag."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Aspects
from cdk_nag import AwsSolutionsChecks

from ocr_infra.settings import EnvSettings
from ocr_infra.stack import OcrPipelineStack


def build_app(*, context: Mapping[str, Any] | None = None,
              outdir: str | None = None) -> tuple[App, OcrPipelineStack]:
    """The app and its one stack; ``context`` is cdk.json's when run by the CDK CLI."""
    app = App(context=dict(context) if context is not None else None, outdir=outdir)
    settings = EnvSettings.from_context(app.node)
    stack = OcrPipelineStack(app, f"OcrPipeline-{settings.name}", settings=settings)
    # Verbose: a finding names the rule's explanation, not only its id.
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app, stack
