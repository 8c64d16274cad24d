"""A problem found in a process file, named by file, line and element."""

from __future__ import annotations


class Finding(str):
    """Reads as 'file:line: element id: message' and carries those parts for pages and exit codes."""

    file: str
    line: int | None
    element: str | None
    message: str
    severity: str

    def __new__(cls, file: str, line: int | None, element: str | None, message: str,
                severity: str = "error") -> Finding:
        where = f"{file}:{line if line is not None else '?'}:"
        text = f"{where} element {element}: {message}" if element else f"{where} {message}"
        finding = super().__new__(cls, text)
        finding.file, finding.line, finding.element = file, line, element
        finding.message, finding.severity = message, severity
        return finding

    @property
    def is_error(self) -> bool:
        """Tell whether this finding blocks a deploy."""
        return self.severity == "error"
