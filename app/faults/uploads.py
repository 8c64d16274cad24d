"""Check a problem's attachments before anything is saved, and hand them to the case that records them.

Every file is checked (count, size, type by name AND by content) before the case starts; the accepted
files then travel to the process's first service task through a context variable, so the case, its
ledger row and its attachments are written in one transaction or not at all.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO

from app.faults.settings import ALLOWED_TYPES, FaultSettings
from engine.errors import EngineError

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")
ALLOWED_LABEL = "png、jpg、pdf、txt、docx、xlsx"


class UploadRefused(EngineError):
    """An attachment may not be kept; the message says which one and why, in Chinese."""

    code = "upload_refused"


@dataclass(frozen=True)
class Upload:
    """An accepted attachment: a clean file name, its type and its bytes."""

    filename: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        """Return the size in bytes."""
        return len(self.content)


def clean_filename(name: str) -> str:
    """Keep the file's own name (Chinese included) without any path or characters unsafe in a download."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > 120:  # keep the extension, shorten the stem
        stem, _, ext = base.rpartition(".")
        base = f"{stem[:110]}.{ext[:8]}" if stem else base[:120]
    return base


def _zip_has(content: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    for encoding in ("utf-8", "gb18030"):  # county PCs save Notepad files in either
        try:
            content.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def content_matches(ext: str, content: bytes) -> bool:
    """Tell whether the bytes are really of the type the name claims (a renamed program is refused)."""
    if ext == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if ext == "pdf":
        return content.startswith(b"%PDF-")
    if ext == "txt":
        return _is_text(content)
    if ext == "docx":
        return _zip_has(content, "word/document.xml")
    if ext == "xlsx":
        return _zip_has(content, "xl/workbook.xml")
    return False


def check_uploads(files: list[tuple[str, bytes]], settings: FaultSettings) -> list[Upload]:
    """Accept every file or raise UploadRefused naming the first bad one; empty file inputs are skipped."""
    files = [(name, content) for name, content in files if name or content]
    if len(files) > settings.max_files:
        raise UploadRefused(f"附件最多{settings.max_files}个，本次选择了{len(files)}个，请删减后重新提交。",
                            f"{len(files)} files")
    limit_mb = settings.max_file_bytes // (1024 * 1024)
    accepted = []
    for name, content in files:
        filename = clean_filename(name)
        shown = filename or "（无文件名）"
        ext = filename.rpartition(".")[2].lower() if "." in filename else ""
        if ext not in ALLOWED_TYPES:
            raise UploadRefused(f"附件“{shown}”的类型不允许上传，只能上传{ALLOWED_LABEL}文件。", f"type {ext!r}")
        if not content:
            raise UploadRefused(f"附件“{shown}”是空文件，请重新选择。", "empty file")
        if len(content) > settings.max_file_bytes:
            raise UploadRefused(f"附件“{shown}”超过{limit_mb}MB的大小上限，请压缩或截取后重新上传。",
                                f"{len(content)} bytes")
        if not content_matches(ext, content):
            raise UploadRefused(f"附件“{shown}”的内容与文件类型（.{ext}）不符，请上传真实的{ALLOWED_LABEL}文件。",
                                f"content is not {ext}")
        accepted.append(Upload(filename, ALLOWED_TYPES[ext], content))
    return accepted


_staged: ContextVar[tuple[Upload, ...] | None] = ContextVar("fault_uploads", default=None)


@contextmanager
def staged(uploads: list[Upload]) -> Iterator[None]:
    """Offer accepted uploads to the case being started in this context."""
    token = _staged.set(tuple(uploads))
    try:
        yield
    finally:
        _staged.reset(token)


def take_staged() -> tuple[Upload, ...]:
    """Return the uploads offered to the case being started (none outside `staged`)."""
    return _staged.get() or ()
