"""`npx cdk synth` as the README says: the pinned CLI, offline, for dev and prod."""

import json
import os
import subprocess
from pathlib import Path

import pytest

INFRA = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_cdk_cli_synthesizes_offline(env: str, tmp_path: Path) -> None:
    cli = INFRA / "node_modules" / ".bin" / "cdk"
    assert cli.exists(), "run `npm ci --prefix infra` (./run.sh test does)"
    result = subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "-c", f"env={env}", "--no-notices",
         "--output", str(tmp_path), "--quiet"],
        cwd=INFRA, capture_output=True, text=True, timeout=300,
        env={**os.environ, "CDK_DISABLE_VERSION_CHECK": "true",
             # No credentials and no network: synthesis must need neither.
             "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "",
             "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"})
    assert result.returncode == 0, result.stderr[-3000:]
    template = json.loads((tmp_path / f"OcrPipeline-{env}.template.json").read_text())
    types = {r["Type"] for r in template["Resources"].values()}
    assert {"AWS::EC2::VPC", "AWS::ECS::CapacityProvider", "AWS::ApiGateway::RestApi",
            "AWS::RDS::DBInstance", "AWS::Glue::Table", "Custom::AWS"} <= types
    nats = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::NatGateway"]
    assert len(nats) == (3 if env == "prod" else 1)
    (report,) = tmp_path.glob(f"AwsSolutions-*OcrPipeline-{env}-NagReport.csv")
    lines = report.read_text().splitlines()
    assert len(lines) > 100  # every rule against every resource
    assert not [line for line in lines if "Non-Compliant" in line]
