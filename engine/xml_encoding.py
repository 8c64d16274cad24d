"""Bring a .bpmn file in a declared non-UTF-8 encoding (GBK, GB2312, GB18030 …) to UTF-8, or refuse it clearly."""

from __future__ import annotations

from lxml import etree

from engine.errors import DeployError
from engine.findings import Finding

UNREADABLE = ("文件编码无法识别：请在文件首行声明编码（如 <?xml version=\"1.0\" encoding=\"GBK\"?>），"
              "或另存为 UTF-8 后再上传")


def utf8_xml(filename: str, content: bytes) -> bytes:
    """Return the file as UTF-8 bytes; UTF-8 files come back unchanged so their content hash stays the same."""
    try:
        tree = etree.ElementTree(etree.fromstring(content, etree.XMLParser(resolve_entities=False)))
    except etree.XMLSyntaxError as exc:
        if "encoding" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise DeployError([Finding(filename, exc.lineno or None, None, f"{UNREADABLE}（{exc.msg}）")]) from exc
        return content  # not well-formed for another reason: the parser's own finding names file and line
    except (ValueError, LookupError) as exc:  # an encoding lxml does not know
        raise DeployError([Finding(filename, None, None, f"{UNREADABLE}（{exc}）")]) from exc
    declared = (tree.docinfo.encoding or "UTF-8").upper().replace("_", "-")
    if declared in ("UTF-8", "UTF8"):
        return content
    # Rewriting keeps every line where it was: lxml serialises the document's own text and newlines.
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=True)
