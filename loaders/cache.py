"""A cache of the per-file work of extraction (documents and their mentions).

Splitting a file and finding its mentions depend only on the file's bytes, the reference
data and the code; resolution and relations depend on the whole corpus and are redone on
every build. So an ingest of one new file re-reads only that file, and the result is the
same as a full build by construction.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cache
from pathlib import Path

from .gazetteer import reference_dir
from .model import Document, Mention


@cache
def code_fingerprint() -> str:
    """Hash of the loaders' code and reference data: a change to either empties the cache."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")) + sorted(reference_dir().glob("*")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractionCache:
    """Per-file documents and mentions on disk, keyed by content hash and code fingerprint.

    Parameters
    ----------
    folder : Path
        Created on first write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> cache_ = ExtractionCache(pathlib.Path(tempfile.mkdtemp()))
    >>> cache_.get("a.txt", b"text") is None
    True
    >>> cache_.put("a.txt", b"text", ([], {}))
    >>> cache_.get("a.txt", b"text")
    ([], {})
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str, content: bytes) -> Path:
        key = hashlib.sha256(name.encode() + b"\0" + content).hexdigest()
        return self.folder / code_fingerprint() / f"{key}.pickle"

    def get(
        self, name: str, content: bytes
    ) -> tuple[list[Document], dict[str, list[Mention]]] | None:
        """The cached work for a file, or None."""
        path = self._path(name, content)
        if not path.exists():
            return None
        try:
            return pickle.loads(path.read_bytes())
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # a damaged or outdated entry is recomputed, never trusted

    def put(
        self, name: str, content: bytes, work: tuple[list[Document], dict[str, list[Mention]]]
    ) -> None:
        """Store the work for a file (written atomically)."""
        path = self._path(name, content)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)
