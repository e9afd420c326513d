"""LocalObjectStore on a real folder: round trips, URIs, key validation, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ocr_pipeline.errors import ObjectNotFoundError, OcrPipelineError
from ocr_pipeline.storage import objects
from ocr_pipeline.storage.objects import LocalObjectStore

BAD_KEYS = ["", "/raw/a.pdf", "raw/../a.pdf", "..", "raw//a.pdf", "raw/", "./raw/a.pdf",
            "raw\\a.pdf", "raw/a\x00.pdf"]


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(root=tmp_path / "objects")


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_bytes_round_trip_by_key_and_by_uri(store: LocalObjectStore) -> None:
    uri = store.put_bytes("raw/cat-1/file.pdf", b"%PDF-1.7 data")

    assert uri == store.uri("raw/cat-1/file.pdf")
    assert urlsplit(uri).scheme == "file"
    assert store.path("raw/cat-1/file.pdf") == store.root / "raw" / "cat-1" / "file.pdf"
    assert store.path("raw/cat-1/file.pdf").read_bytes() == b"%PDF-1.7 data"
    assert store.get_bytes("raw/cat-1/file.pdf") == b"%PDF-1.7 data"
    assert store.get_bytes(uri) == b"%PDF-1.7 data"
    assert store.exists("raw/cat-1/file.pdf")
    assert not store.exists("raw/cat-1")


def test_overwrite_replaces_the_object(store: LocalObjectStore) -> None:
    store.put_bytes("a/b.bin", b"old")
    store.put_bytes("a/b.bin", b"new")
    assert store.get_bytes("a/b.bin") == b"new"


def test_json_is_compact_utf8_and_round_trips(store: LocalObjectStore) -> None:
    value = {"title": "Études françaises", "pages": [1, 2], "conf": 0.5, "none": None}
    uri = store.put_json("ocr/cat/page-1.json", value)

    raw = store.get_bytes(uri)
    assert raw.decode("utf-8") == (
        '{"title":"Études françaises","pages":[1,2],"conf":0.5,"none":null}')
    assert store.get_json(uri) == value
    assert store.get_json("ocr/cat/page-1.json") == value


def test_json_rejects_nan(store: LocalObjectStore) -> None:
    with pytest.raises(ValueError):
        store.put_json("x.json", {"conf": float("nan")})
    assert not store.exists("x.json")


def test_put_file_copies(store: LocalObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "in.pdf"
    source.write_bytes(b"x" * 300_000)

    uri = store.put_file("raw/c/in.pdf", source)

    assert store.get_bytes(uri) == source.read_bytes()
    assert source.exists()


def test_uri_of_key_with_spaces_and_unicode(store: LocalObjectStore) -> None:
    key = "raw/Université 2024/catalog #1.pdf"
    uri = store.put_bytes(key, b"pdf")

    assert " " not in uri and "#" not in uri
    assert store.get_bytes(uri) == b"pdf"
    assert json.loads(json.dumps(uri)) == uri


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_rejected(store: LocalObjectStore, key: str) -> None:
    for call in (lambda: store.put_bytes(key, b"x"), lambda: store.get_bytes(key),
                 lambda: store.exists(key), lambda: store.path(key), lambda: store.uri(key)):
        with pytest.raises(ValueError, match="invalid object key"):
            call()
    assert not store.root.exists() or _files(store.root) == []


@pytest.mark.parametrize("uri", ["file:///etc/passwd", "s3://bucket/raw/a.pdf",
                                 "file://elsewhere/raw/a.pdf"])
def test_foreign_uris_are_rejected(store: LocalObjectStore, uri: str) -> None:
    with pytest.raises(ValueError):
        store.get_bytes(uri)


def test_uri_escaping_the_root_is_rejected(store: LocalObjectStore, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("no")
    sneaky = store.root.as_uri() + "/../secret.txt"
    sibling = (tmp_path / "objects-other" / "a.bin").as_uri()
    for uri in (sneaky, sibling):
        with pytest.raises(ValueError, match="outside this object store"):
            store.get_bytes(uri)


def test_missing_object_names_the_uri(store: LocalObjectStore) -> None:
    store.put_bytes("raw/c/present.pdf", b"x")
    for ref in ("raw/c/absent.pdf", store.uri("raw/c/absent.pdf"), "raw/c/present.pdf/inner"):
        with pytest.raises(ObjectNotFoundError) as info:
            store.get_bytes(ref)
        assert isinstance(info.value, OcrPipelineError)
        assert info.value.uri.startswith("file://")
        assert info.value.uri in str(info.value)
    with pytest.raises(ObjectNotFoundError):
        store.get_json("raw/c/absent.json")


def test_writes_leave_no_temporary_files(store: LocalObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(b"abc")
    store.put_bytes("a/one.bin", b"1")
    store.put_json("a/two.json", [2])
    store.put_file("b/three.bin", source)

    assert _files(store.root) == ["a/one.bin", "a/two.json", "b/three.bin"]


def test_failed_write_keeps_the_old_object_and_no_temp(
    store: LocalObjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put_bytes("raw/c/a.pdf", b"complete old version")
    source = tmp_path / "new.pdf"
    source.write_bytes(b"complete new version")

    def broken_copy(src: object, out: object) -> None:
        out.write(b"half")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(objects.shutil, "copyfileobj", broken_copy)
    with pytest.raises(OSError, match="disk full"):
        store.put_file("raw/c/a.pdf", source)

    assert store.get_bytes("raw/c/a.pdf") == b"complete old version"
    assert _files(store.root) == ["raw/c/a.pdf"]
