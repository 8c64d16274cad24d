"""Say what changed between two versions of a BPMN file: elements added, removed and changed, by id."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Diagram interchange and bookkeeping children do not change behaviour.
IGNORED = {"incoming", "outgoing", "documentation"}


@dataclass(frozen=True)
class ElementChange:
    """One element that differs, with a short Chinese-friendly description of how."""

    element_id: str
    kind: str
    name: str
    details: tuple[str, ...] = ()


@dataclass
class BpmnDiff:
    """Elements added, removed and changed between two files."""

    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Tell whether nothing that matters changed."""
        return not (self.added or self.removed or self.changed)


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def _elements(xml: bytes | str) -> dict[str, etree._Element]:
    """Map id to every semantic element inside the processes (not the diagram)."""
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    found = {}
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        for element in process.iter():
            if isinstance(element.tag, str) and element.get("id") and element is not process:
                found[element.get("id")] = element
    return found


def _signature(element: etree._Element) -> dict[str, str]:
    """Return what defines an element's behaviour: its attributes and its own non-element children's text."""
    sig = {f"@{k}": v for k, v in element.attrib.items() if k != "id"}
    for child in element:
        if not isinstance(child.tag, str) or _local(child.tag) in IGNORED or child.get("id"):
            continue
        sig[_local(child.tag)] = etree.tostring(child, method="c14n").decode()
    return sig


def diff_bpmn(old: bytes | str, new: bytes | str) -> BpmnDiff:
    """Compare two BPMN files element by element."""
    before, after = _elements(old), _elements(new)

    def describe(element: etree._Element, details: tuple[str, ...] = ()) -> ElementChange:
        return ElementChange(element.get("id"), _local(element.tag), element.get("name", ""), details)

    diff = BpmnDiff(
        added=[describe(after[i]) for i in after if i not in before],
        removed=[describe(before[i]) for i in before if i not in after],
    )
    for element_id in before.keys() & after.keys():
        a, b = _signature(before[element_id]), _signature(after[element_id])
        if _local(before[element_id].tag) != _local(after[element_id].tag):
            diff.changed.append(describe(after[element_id], (f"类型 {_local(before[element_id].tag)} → "
                                                              f"{_local(after[element_id].tag)}",)))
        elif a != b:
            keys = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
            diff.changed.append(describe(after[element_id], tuple(k.lstrip("@") for k in keys)))
    for part in (diff.added, diff.removed, diff.changed):
        part.sort(key=lambda c: c.element_id)
    return diff
