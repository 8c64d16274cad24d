"""Send generated files (Excel workbooks, BPMN files) as downloads."""

from __future__ import annotations

from io import BytesIO

from flask import Response, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes | str, filename: str, mimetype: str = XLSX) -> Response:
    """Return `content` as a download named `filename` (Werkzeug adds the UTF-8 form of a Chinese name)."""
    data = content.encode() if isinstance(content, str) else content
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
