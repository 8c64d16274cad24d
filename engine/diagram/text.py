"""Estimate text widths, wrap labels (Chinese and Latin) and lay them out as SVG text.

No browser is available on the server to measure text, so widths are estimated: CJK characters
take one em, Latin characters about 0.55 em (narrow and wide letters adjusted).
"""

from __future__ import annotations

from lxml import etree

from engine.diagram.svg import Bounds, sub

LINE_HEIGHT = 1.2
# Characters that must not start a line (Chinese line-breaking rules): they stay on the previous line.
NO_LINE_START = set("，。、；：？！）」』》】〉”’…—,.;:?!)]}%")
# Rough Arial advance widths in em; the brief average for Latin text is about 0.55 em.
NARROW = set("iljtfrI.,;:'|!()[] `")
WIDE = set("mwMW@%")


def is_cjk(ch: str) -> bool:
    """Return whether the character is set full-width (CJK ideographs, kana, Hangul, full-width forms)."""
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFF60 or 0xFFE0 <= code <= 0xFFE6
            or 0x20000 <= code <= 0x3FFFF)


def char_width(ch: str, size: float) -> float:
    """Estimate the advance width of one character at a font size."""
    if is_cjk(ch):
        return size
    if ch in NARROW:
        return 0.3 * size
    if ch in WIDE:
        return 0.85 * size
    if ch.isupper():
        return 0.66 * size
    return 0.55 * size


def text_width(text: str, size: float) -> float:
    """Estimate the width of a line of text."""
    return sum(char_width(ch, size) for ch in text)


def _tokens(paragraph: str) -> list[str]:
    """Split into break units: each CJK character, each Latin word, and single spaces."""
    tokens: list[str] = []
    word = ""
    for ch in paragraph:
        if ch.isspace() or is_cjk(ch):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(" " if ch.isspace() else ch)
        elif ch in "-/" and word:
            tokens.append(word + ch)  # a break is allowed after a hyphen or slash
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """Wrap text greedily to max_width; explicit newlines are kept, long Latin words overflow."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if token == " ":
                if line and not line.endswith(" "):
                    line += " "
                continue
            candidate = line + token
            fits = text_width(candidate.rstrip(), size) <= max_width
            if fits or not line.strip() or token[0] in NO_LINE_START:
                line = candidate
            else:
                lines.append(line.rstrip())
                line = token
        lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return lines


def draw_lines(parent: etree._Element, lines: list[str], box: Bounds, *, size: float, align: str = "center",
               valign: str = "middle", padding: float = 0.0, rotate: bool = False, cls: str = "bpmn-label",
               bold: bool = False) -> Bounds | None:
    """Lay out lines in a box (aligned as asked) and return the box the text covers.

    With rotate=True the box is turned a quarter anticlockwise about its centre (vertical pool and lane
    titles): the text is laid out as if the box were `height` wide and `width` tall.
    """
    if not lines:
        return None
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    width, height = (box.height, box.width) if rotate else (box.width, box.height)
    left, top = cx - width / 2, cy - height / 2
    step = size * LINE_HEIGHT
    block = step * len(lines)
    if valign == "top":
        first = top + padding
    else:
        first = top + (height - block) / 2
    if align == "left":
        x, anchor = left + padding, "start"
    else:
        x, anchor = cx, "middle"
    text = sub(parent, "text", cls=cls, font_size=f"{size:g}px", text_anchor=anchor,
               font_weight="bold" if bold else None,
               transform=f"rotate(-90 {cx:.2f} {cy:.2f})" if rotate else None)
    for i, line in enumerate(lines):
        # The baseline sits about 0.95 em below the top of each line box.
        sub(text, "tspan", line or "\u00a0", x=x, y=first + i * step + size * 0.95)
    widest = max(text_width(line, size) for line in lines)
    out_left = x if anchor == "start" else x - widest / 2
    if rotate:
        return Bounds(cx - block / 2, cy - widest / 2, block, widest)
    return Bounds(out_left, first, widest, block)


def label_in_box(parent: etree._Element, text: str, box: Bounds, *, size: float = 12.0, padding: float = 5.0,
                 align: str = "center", valign: str = "middle", rotate: bool = False, slack: float = 0.0,
                 cls: str = "bpmn-label") -> Bounds | None:
    """Wrap text to fit the box width (less padding, plus slack) and draw it; return the covered box.

    Slack lets external labels use a little more than bounds measured by another tool's fonts.
    """
    if not text.strip():
        return None
    width = (box.height if rotate else box.width) - 2 * padding + slack
    lines = wrap(text, max(width, size), size)
    return draw_lines(parent, lines, box, size=size, align=align, valign=valign, padding=padding,
                      rotate=rotate, cls=cls)


def label_below(parent: etree._Element, text: str, cx: float, top: float, *, size: float = 11.0,
                max_width: float = 90.0, cls: str = "bpmn-label") -> Bounds | None:
    """Draw a wrapped label centred under a point (external labels of events, gateways, data)."""
    if not text.strip():
        return None
    lines = wrap(text, max_width, size)
    widest = max(text_width(line, size) for line in lines)
    height = len(lines) * size * LINE_HEIGHT
    return draw_lines(parent, lines, Bounds(cx - widest / 2, top, widest, height), size=size, valign="top", cls=cls)
