"""Each environment's stack is synthesized once per session: jsii makes synthesis slow."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# Node 20 works; jsii only warns that it is past its end of life, on every process start.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import pytest  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402

from ocr_infra.app import build_app  # noqa: E402
from ocr_infra.stack import OcrPipelineStack  # noqa: E402

INFRA = Path(__file__).resolve().parents[1]


def cdk_context(env: str) -> dict[str, Any]:
    context = json.loads((INFRA / "cdk.json").read_text())["context"]
    return {**context, "env": env}


@pytest.fixture(scope="session")
def dev_stack() -> OcrPipelineStack:
    return build_app(context=cdk_context("dev"))[1]


@pytest.fixture(scope="session")
def prod_stack() -> OcrPipelineStack:
    return build_app(context=cdk_context("prod"))[1]


@pytest.fixture(scope="session")
def dev(dev_stack: OcrPipelineStack) -> Template:
    return Template.from_stack(dev_stack)


@pytest.fixture(scope="session")
def prod(prod_stack: OcrPipelineStack) -> Template:
    return Template.from_stack(prod_stack)


def only(template: Template, resource_type: str, props: dict[str, Any] | None = None
         ) -> tuple[str, dict[str, Any]]:
    """The one resource of ``resource_type`` (matching ``props``): its logical id and body."""
    found = template.find_resources(resource_type, {"Properties": props} if props else None)
    assert len(found) == 1, f"{len(found)} {resource_type} resources match {props}"
    return next(iter(found.items()))


def statements(template: Template, role_logical_id: str) -> list[dict[str, Any]]:
    """Every statement of the policies attached to a role."""
    policies = template.find_resources("AWS::IAM::Policy")
    return [statement
            for policy in policies.values()
            if {"Ref": role_logical_id} in policy["Properties"]["Roles"]
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]]
