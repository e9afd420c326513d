"""The images cannot be built here (no Docker engine, no GPU, no weights): their Dockerfiles
are parsed and checked for what matters, and the entrypoint and start script are run for real."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ocr_pipeline_tests.server.conftest import KEY, free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def last(self, keyword: str) -> str:
        found = self.all(keyword)
        assert found, f"stage {self.name or self.base} has no {keyword}"
        return found[-1]


def parse(path: Path) -> list[Stage]:
    """Stages of a Dockerfile, ``FROM`` bases resolved against the global ``ARG`` defaults."""
    text = re.sub(r"\\\n", " ", path.read_text())
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), " ".join(rest.split())
        if keyword == "ARG" and not stages and "=" in rest:
            name, value = rest.split("=", 1)
            args[name] = value
        elif keyword == "FROM":
            base, _, name = rest.partition(" AS ")
            base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], base)
            stages.append(Stage(base=base, name=name or None))
        elif stages:
            stages[-1].instructions.append((keyword, rest))
    return stages


def copies(stage: Stage) -> list[tuple[list[str], str, str | None]]:
    """(sources, destination, --from) of each COPY."""
    out = []
    for args in stage.all("COPY"):
        words = args.split()
        origin = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
        paths = [w for w in words if not w.startswith("--")]
        out.append((paths[:-1], paths[-1], origin))
    return out


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` out of the build context (last matching rule)."""
    verdict = False
    for rule in (ROOT / ".dockerignore").read_text().splitlines():
        rule = rule.strip()
        if not rule or rule.startswith("#"):
            continue
        negate = rule.startswith("!")
        pattern = rule.lstrip("!")
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.replace("/**", "")):
            verdict = not negate
    return verdict


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.+]*", line), f"not exact: {line}"
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


@pytest.mark.parametrize("dockerfile", ["Dockerfile.gpu", "Dockerfile.dagster"])
def test_every_copied_file_exists_and_is_in_the_build_context(dockerfile: str) -> None:
    stages = parse(DOCKER / dockerfile)
    names = {stage.name for stage in stages}
    for stage in stages:
        for sources, _, origin in copies(stage):
            if origin is not None:
                assert origin in names or origin == "model", origin
                continue
            for source in sources:
                assert (ROOT / source).exists(), f"{dockerfile}: COPY {source}: no such file"
                assert not ignored(source), f"{dockerfile}: COPY {source}: in .dockerignore"
    assert ignored(".venv/bin/python") and ignored(".ocr_pipeline/warehouse.duckdb")
    assert not ignored("ocr_pipeline/server/app.py")


def test_gpu_image_cuda_runtime_non_root_health_and_baked_model() -> None:
    builder, runtime = parse(DOCKER / "Dockerfile.gpu")
    for stage in (builder, runtime):
        assert re.fullmatch(r"nvidia/cuda:[\d.]+-cudnn-runtime-ubuntu[\d.]+", stage.base)
    assert runtime.last("USER") not in ("root", "0")
    assert "useradd --uid 10001" in " ".join(runtime.all("RUN"))
    user_at = runtime.instructions.index(("USER", runtime.last("USER")))
    assert all(kw != "RUN" for kw, _ in runtime.instructions[user_at:])  # nothing root after
    health = runtime.last("HEALTHCHECK")
    assert "/health" in health and "--start-period" in health
    assert runtime.last("ENTRYPOINT") == '["/app/entrypoint.sh"]'
    assert runtime.last("CMD") == '["serve"]'
    env = " ".join(runtime.all("ENV"))
    for setting in ("MODEL_PATH=/models/deepseek-ocr", "OCR_ENGINE=deepseek", "HF_HUB_OFFLINE=1",
                    "MAX_CONCURRENCY=1", "GPU_MEMORY_UTILIZATION=", "PATH=/opt/venv/bin:$PATH"):
        assert setting in env
    model = [(dst, origin) for _, dst, origin in copies(runtime) if origin == "model"]
    assert model == [("/models/deepseek-ocr", "model")]
    assert ("/opt/venv", "builder") in [(dst, origin) for _, dst, origin in copies(runtime)]
    assert "requirements-gpu.txt" in " ".join(builder.all("RUN"))


def test_gpu_pins_are_exact_and_what_deepseek_ocr_needs() -> None:
    model = _pins(DOCKER / "requirements-gpu.txt")
    assert (model["torch"], model["transformers"], model["tokenizers"]) == (
        "2.13.0", "4.46.3", "0.20.3")
    assert {"einops", "addict", "easydict"} <= set(model)
    shared = _pins(DOCKER / "constraints.txt")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = {re.split(r"[<>=!\[ ]", dep)[0].lower() for dep in project["dependencies"]}
    assert needed <= set(shared), f"unpinned in the images: {needed - set(shared)}"


@pytest.mark.parametrize("dockerfile", ["Dockerfile.gpu", "Dockerfile.dagster"])
def test_tesserocr_is_compiled_against_the_library_the_runtime_installs(dockerfile: str) -> None:
    """Scans read in the image as in the suite: tesserocr built on the distribution's
    libtesseract (not the PyPI wheel's own), with only that library and the models at run
    time."""
    builder, runtime = parse(DOCKER / dockerfile)
    assert builder.base == runtime.base
    assert "PIP_NO_BINARY=tesserocr" in " ".join(builder.all("ENV"))
    built_with = " ".join(builder.all("RUN")).split()
    assert {"g++", "pkg-config", "libtesseract-dev", "libleptonica-dev"} <= set(built_with)
    runs_with = " ".join(runtime.all("RUN")).split()
    assert {"libtesseract5", "tesseract-ocr-eng", "tesseract-ocr-osd"} <= set(runs_with)
    assert not {"g++", "libtesseract-dev"} & set(runs_with)


def test_dagster_image_serves_the_code_location() -> None:
    *_, runtime = parse(DOCKER / "Dockerfile.dagster")
    assert re.fullmatch(r"python:3\.11-slim-\w+", runtime.base)
    assert runtime.last("USER") == "dagster"
    assert "grpc-health-check" in runtime.last("HEALTHCHECK")
    workspace = (ROOT / "workspace.yaml").read_text()
    module = re.search(r"module_name:\s*(\S+)", workspace).group(1)  # type: ignore[union-attr]
    assert f'"-m", "{module}"' in runtime.last("CMD")
    assert ("workspace.yaml", "/app/workspace.yaml") in [
        (src[0], dst) for src, dst, origin in copies(runtime) if origin is None]


def _entrypoint(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    return subprocess.Popen(["sh", str(DOCKER / "entrypoint.sh"), *args],
                            env={**os.environ, "PATH": path, **env}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_entrypoint_serves_by_default_and_passes_other_commands_through() -> None:
    passed = _entrypoint("python", "-c", "import ocr_pipeline.worker; print('worker importable')",
                         env={})
    assert passed.communicate(timeout=60)[0].strip() == "worker importable"
    refused = _entrypoint(env={"OCR_API_KEYS": "", "OCR_API_KEYS_FILE": ""})
    output = refused.communicate(timeout=60)[0]
    assert refused.returncode == 2 and "ocr service: no API keys" in output
    port = free_port()
    serving = _entrypoint(env={"OCR_API_KEYS": KEY, "OCR_ENGINE": "tesseract", "PORT": str(port),
                               "HOST": "127.0.0.1"})
    try:
        health = None
        for _ in range(300):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if serving.poll() is not None:
                break
            time.sleep(0.1)
        assert health is not None and health.json()["engine"] == "tesseract"
    finally:
        serving.terminate()
        serving.communicate(timeout=30)
