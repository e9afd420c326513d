"""Requests/s and p50/p95 latency of the OCR service on the CPU (Tesseract), at several
client concurrencies.

The service runs as `ocr-pipeline serve` in its own process (MAX_CONCURRENCY = cores by
default); clients send every request of a level at once, up to the level's concurrency in
flight. Two payloads: a scanned catalog page at 200 dpi (the real work) and a one-line crop
(what the service itself costs around a small inference).

    python benchmarks/service.py                        # concurrency 1, 4, 16
    python benchmarks/service.py --concurrency 1 4 --requests 8
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pymupdf

from ocr_pipeline.catalog.synthetic import generate_catalog

KEY = "benchmark"
DPI = 200


def payloads(folder: Path) -> dict[str, bytes]:
    made = generate_catalog(out_dir=folder, name="bench", layout="two_column", courses=20,
                            seed=7, scanned=True)
    with pymupdf.open(made.pdf) as doc:
        page = doc[0].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
        line = doc[0].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY,
                                 clip=pymupdf.Rect(40, 60, 300, 80))
        return {"page (200 dpi)": page.tobytes("png"), "one line": line.tobytes("png")}


async def level(url: str, image: bytes, *, concurrency: int, requests: int) -> dict[str, float]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: list[int] = []
    async with httpx.AsyncClient(base_url=url, headers={"x-api-key": KEY}, timeout=600,
                                 limits=httpx.Limits(max_connections=concurrency)) as http:
        async def one() -> None:
            async with gate:
                started = time.perf_counter()
                response = await http.post("/ocr/image", data={"dpi": str(DPI)},
                                           files={"file": ("page.png", image)})
                latencies.append(time.perf_counter() - started)
                statuses.append(response.status_code)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        wall = time.perf_counter() - started
        peak = (await http.get("/health")).json()["peak_in_flight"]
    cuts = statistics.quantiles(latencies, n=20, method="inclusive")
    return {"ok": statuses.count(200), "rps": requests / wall, "p50": statistics.median(latencies),
            "p95": cuts[18], "peak": peak}


def start_service(port: int) -> subprocess.Popen[bytes]:
    cli = shutil.which("ocr-pipeline", path=str(Path(sys.executable).parent)) or "ocr-pipeline"
    env = {**os.environ, "OCR_API_KEYS": KEY, "OCR_ENGINE": "tesseract", "MAX_QUEUE": "1000"}
    process = subprocess.Popen([cli, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the service did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--requests", type=int, default=None,
                        help="per level (default: max(8, 2 x concurrency))")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        images = payloads(Path(tmp))
    service = start_service(args.port)
    rows = []
    try:
        for name, image in images.items():
            for concurrency in args.concurrency:
                count = args.requests or max(8, 2 * concurrency)
                print(f"  {name}, concurrency {concurrency}: {count} requests ...",
                      file=sys.stderr)
                result = asyncio.run(level(f"http://127.0.0.1:{args.port}", image,
                                           concurrency=concurrency, requests=count))
                rows.append([name, str(concurrency), f"{result['ok']}/{count}",
                             f"{result['rps']:.2f}", f"{result['p50']:.2f}",
                             f"{result['p95']:.2f}", str(result["peak"])])
    finally:
        service.terminate()
        service.wait(timeout=30)
    headers = ["payload", "concurrency", "ok", "req/s", "p50 s", "p95 s", "peak in flight (since start)"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print(f"\nOCR service on the CPU ({os.cpu_count()} cores, MAX_CONCURRENCY = cores), "
          f"Tesseract, /ocr/image")
    for row in [headers, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
