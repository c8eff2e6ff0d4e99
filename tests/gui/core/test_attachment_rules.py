"""What is decided about a file before it is sent, and a sent file taken out again
(real files, no Qt): which models see images, GigaChat's documented limits, a server's
refusal of an image as data and words, the preview's text, the copy Open hands the
desktop and its sweep."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from gui.core import attachment_files, attachments
from gui.core.errors import english, error_info
from gui.core.store.attachments import StoredAttachment
from providers.errors import BadRequestError, ServerError

MB = 1024 * 1024


def file(name: str, mime: str, size: int = 1000) -> StoredAttachment:
    return StoredAttachment("ab" * 32, name, mime, size, f"/nowhere/{name}")


@pytest.mark.parametrize(
    ("provider", "model", "marked", "seeing"),
    [
        ("gigachat", "GigaChat-2-Max", (), "sees"),
        ("gigachat", "GigaChat-Pro", (), "sees"),
        ("gigachat", "GigaChat-2-Pro-preview", (), "sees"),
        ("gigachat", "GigaChat-2", (), "blind"),
        ("gigachat", "GigaChat", (), "blind"),
        ("gigachat", "", (), "blind"),  # the default model: GigaChat-2 (Lite)
        ("openai", "gpt-4o-mini", (), "sees"),
        ("openai:deepseek", "deepseek-chat", (), "blind"),
        ("openai", "o1-mini", (), "blind"),  # text alone, though "o1" sees
        ("openai", "o3-mini-high", (), "blind"),
        ("openai", "o3", (), "sees"),
        ("openai:local", "my-model", (), "unknown"),
        ("openai:local", "my-model", ("My-Model",), "sees"),  # marked in Settings
        ("openai:local", "other", ("my-model",), "blind"),  # some marked: not this one
        ("openai:local", "llava:13b", ("my-model",), "sees"),  # known family by name
    ],
)
def test_which_models_see_images(
    provider: str, model: str, marked: tuple[str, ...], seeing: str
) -> None:
    assert attachments.vision(provider, model, marked) == seeing


def test_gigachat_limits_are_checked_before_sending() -> None:
    check = attachments.before_sending
    png, jpg = file("a.png", "image/png"), file("b.jpg", "image/jpeg")
    assert check("gigachat", "GigaChat-2-Max", [png, file("n.pdf", "application/pdf")]) is None
    said = check("gigachat", "GigaChat-2-Max", [file("w.webp", "image/webp")])
    assert said is not None and said.reason == "service_type"
    big = check("gigachat", "GigaChat-2-Max", [file("big.png", "image/png", 16 * MB)])
    assert big is not None and (big.reason, big.params["limit"]) == ("too_big_for_service", 15 * MB)
    doc = check("gigachat", "GigaChat-2-Max", [file("big.pdf", "application/pdf", 41 * MB)])
    assert doc is not None and doc.params["limit"] == 40 * MB
    two = check("gigachat", "GigaChat-2-Max", [png, jpg])
    assert two is not None and (two.reason, two.params["name"]) == ("images_per_message", "b.jpg")
    ten_before = [file(f"{n}.png", "image/png") for n in range(10)]
    many = check("gigachat", "GigaChat-2-Max", [png], earlier=ten_before)
    assert many is not None and many.reason == "images_per_request"
    heavy = [file(f"{n}.png", "image/png", 14 * MB) for n in range(5)]
    over = check("gigachat", "GigaChat-2-Max", [file("x.png", "image/png", 14 * MB)], (), heavy)
    assert over is not None and over.reason == "request_too_big"
    blind = check("gigachat", "GigaChat-2", [png])
    assert blind is not None and (blind.reason, blind.params["model"]) == (
        "blind_model",
        "GigaChat-2",
    )
    assert check("openai", "gpt-4o", [png, jpg]) is None  # GigaChat's limits are its own
    assert "cannot see images" in attachments.english(blind)
    assert "one image a message" in attachments.english(two)


def test_a_servers_refusal_of_an_image_is_its_own_kind() -> None:
    refused = BadRequestError(
        provider="OpenAI-compatible",
        status=400,
        detail="Invalid content type. image_url is only supported by certain models.",
    )
    info = error_info(refused)
    assert info.kind == "images_refused" and info.status == 400 and "image_url" in info.detail
    assert english(info).startswith("OpenAI-compatible: the model did not take the image")
    llama = ServerError(provider="llama.cpp", status=500, detail="image input is not supported")
    assert error_info(llama).kind == "images_refused"
    other = BadRequestError(provider="X", status=400, detail="max_tokens is too large")
    assert error_info(other).kind == "bad_request"  # not every 400 is about images


def test_a_preview_shows_the_beginning_of_a_big_text(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("строка\n" * 30_000, encoding="utf-8")
    text, cut = attachment_files.preview_text(str(notes), "text/plain", limit=1000)
    assert len(text) == 1000 and text.startswith("строка\n") and cut
    whole, cut = attachment_files.preview_text(str(notes), "text/plain")
    assert cut and len(whole) == attachment_files.PREVIEW_CHARS
    short = tmp_path / "short.md"
    short.write_text("# Кратко\n", encoding="utf-8")
    assert attachment_files.preview_text(str(short), "text/markdown") == ("# Кратко\n", False)


def test_open_hands_a_private_read_only_copy_and_executables_are_never_opened(
    tmp_path: Path,
) -> None:
    assert attachment_files.can_open("photo.JPG") and attachment_files.can_open("report.pdf")
    for name in ("run.sh", "setup.exe", "app.desktop", "x.py", "page.html", "noext"):
        assert not attachment_files.can_open(name), name
    assert attachment_files.safe_name("../../etc/passwd", "f") == "passwd"
    assert attachment_files.safe_name("..\\evil\x07.png", "f") == "evil.png"
    assert attachment_files.safe_name("...", "fallback") == "fallback"
    source = tmp_path / "stored"
    source.write_bytes(b"picture")
    root = tmp_path / "open"
    copy = attachment_files.open_copy(str(source), "sea.png", "cd" * 32, root)
    assert copy.name == "sea.png" and copy.read_bytes() == b"picture"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o400
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert attachment_files.open_copy(str(source), "sea.png", "cd" * 32, root) == copy
    (tmp_path / "elsewhere").mkdir()
    trap = tmp_path / "trap"
    trap.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PermissionError):
        attachment_files.open_copy(str(source), "sea.png", "cd" * 32, trap)
    old = time.time() - 2 * 86_400
    os.utime(copy, (old, old))
    assert attachment_files.sweep_open_copies(root) == 1 and not copy.exists()
