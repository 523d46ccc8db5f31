"""Reading source files and cutting them into documents with sections and sentences."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .model import Document
from .text import detect_language, normalise_text, split_sentences

TEXT_SUFFIXES = frozenset({".txt", ".md"})


class SourceError(ValueError):
    """A source file that cannot be read as a corpus text (the message names the file)."""


def read_source(path: Path) -> str:
    """Return the normalised text of a UTF-8 source file, or raise `SourceError`.

    Parameters
    ----------
    path : Path

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "case.txt"
    >>> _ = p.write_text("Le lab\\r\\n", encoding="utf-8")
    >>> read_source(p)
    'Le lab\\n'
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SourceError(f"{path}: cannot read file ({err.strerror or err})") from err
    if b"\x00" in raw[:8192]:
        raise SourceError(f"{path}: binary file, not a text")
    try:
        return normalise_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise SourceError(f"{path}: not UTF-8 text (byte {err.start})") from err


_MONTHS = (
    "jan|janv|janvier|january|feb|fev|fév|févr|février|february|mar|mars|march|apr|avr|avril|april|"
    "may|mai|jun|juin|june|jui|jul|juil|juillet|july|aug|aou|aoû|août|august|sep|sept|september|"
    "septembre|oct|octobre|october|nov|novembre|november|dec|déc|décembre|december"
)
_DATE_LINE = re.compile(rf"^\s*(?:{_MONTHS})\.?\s+\d{{1,2}}(?:er)?\s+\d{{4}}\s*$", re.IGNORECASE)
_CHROME_LINE = re.compile(
    r"^\s*(?:(?:PNG|JPE?G|GIF|PDF|SVG)\s*-\s*[\d.,]+[\s\u00a0]*[kKmM]?i?[oB]|[»›].*)\s*$"
)


def is_chrome(line: str) -> bool:
    """Tell whether a line is web-page furniture (file sizes, breadcrumb links), not text.

    Examples
    --------
    >>> is_chrome("PNG - 217.8 ko"), is_chrome("» Les catégories"), is_chrome("Le lab")
    (True, True, False)
    """
    return bool(_CHROME_LINE.match(line))


def _looks_like_heading(line: str, next_line: str) -> bool:
    text = line.strip().lstrip("•-–*· ").strip()
    if not text or len(text) > 80 or len(text.split()) > 10:
        return False
    if text[-1] in '.,;:!?)»"”' or not (text[0].isupper() or text[0].isdigit()):
        return False
    return not next_line.strip()


def find_headings(text: str) -> dict[int, str]:
    """Return the heading lines of a text: start offset → heading.

    A heading is a short title-like line followed by a blank line.

    Examples
    --------
    >>> find_headings("Results\\n\\nIt worked.\\n")
    {0: 'Results'}
    """
    lines = text.split("\n")
    headings: dict[int, str] = {}
    offset = 0
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _looks_like_heading(line, following) and not is_chrome(line):
            headings[offset] = line.strip().lstrip("•-–*· ").strip()
        offset += len(line) + 1
    return headings


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _case_boundaries(text: str, headings: dict[int, str]) -> list[int]:
    """Offsets where a new case starts: each repeat of the file's first heading.

    Only a real template counts: every block between repeats must share at least
    `_TEMPLATE_HEADINGS` headings, which slide decks repeating a page header do not.
    """
    if not headings:
        return []
    first = headings[min(headings)]
    starts = [pos for pos, h in sorted(headings.items()) if h == first]
    if len(starts) < 2:
        return []
    ends = [*starts[1:], len(text)]
    blocks = [
        {h for pos, h in headings.items() if start <= pos < end}
        for start, end in zip(starts, ends, strict=True)
    ]
    shared = set.intersection(*blocks)
    return starts if len(shared) >= _TEMPLATE_HEADINGS else []


_TEMPLATE_HEADINGS = 4


def _post_boundaries(text: str) -> list[int]:
    lines = text.split("\n")
    starts = [
        s for s, line in zip(_line_starts(text), lines, strict=True) if _DATE_LINE.match(line)
    ]
    return starts if len(starts) >= 2 else []


def split_documents(source_file: str, text: str) -> list[Document]:
    """Cut a source text into documents: template cases, dated posts, or the whole file.

    Parameters
    ----------
    source_file : str
        File name, used in document ids.
    text : str
        The normalised file text.

    Returns
    -------
    list of Document

    Examples
    --------
    >>> doc = split_documents("a.txt", "Results\\n\\nThe lab works.\\n")[0]
    >>> doc.doc_id, doc.sentences[1].section, doc.sentences[1].text
    ('a', 'Results', 'The lab works.')
    """
    headings = find_headings(text)
    boundaries = _case_boundaries(text, headings) or _post_boundaries(text)
    if not boundaries or (boundaries[0] > 0 and not text[: boundaries[0]].strip()):
        boundaries = [0, *boundaries[1:]] if boundaries else [0]
    stem = re.sub(r"[^a-z0-9]+", "-", Path(source_file).stem.lower()).strip("-")
    pieces = list(zip(boundaries, [*boundaries[1:], len(text)], strict=True))
    if pieces[0][0] > 0 and text[: pieces[0][0]].strip():
        pieces.insert(0, (0, pieces[0][0]))
    kept = [
        (start, text[start:end].rstrip())
        for start, end in pieces
        if any(c.isalnum() for c in _without_chrome(text[start:end]))
    ]
    return [
        _make_document(
            stem if len(kept) == 1 else f"{stem}-{number:02d}",
            source_file,
            text,
            start,
            body,
            headings,
        )
        for number, (start, body) in enumerate(kept, start=1)
    ]


def _without_chrome(body: str) -> str:
    return "\n".join(line for line in body.split("\n") if not is_chrome(line))


def _make_document(
    doc_id: str, source_file: str, text: str, start: int, body: str, headings: dict[int, str]
) -> Document:
    local_headings = {
        pos - start: h for pos, h in headings.items() if start <= pos < start + len(body)
    }
    lines = body.split("\n")
    chrome = frozenset(
        pos
        for pos, line in zip(_line_starts(body), lines, strict=True)
        if is_chrome(line) or _DATE_LINE.match(line)
    )
    sentences = split_sentences(body, local_headings, chrome)
    first_line = text.count("\n", 0, start) + 1
    return Document(
        doc_id=doc_id,
        source_file=source_file,
        first_line=first_line,
        last_line=first_line + body.count("\n"),
        language=detect_language(body),
        title=_title(body, local_headings),
        text=body,
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        sentences=sentences,
    )


def _title(body: str, headings: dict[int, str]) -> str:
    lines = [ln.strip() for ln in body.split("\n") if ln.strip() and not is_chrome(ln)]
    for line in lines:
        if not _DATE_LINE.match(line):
            return line[:120]
    return ""
