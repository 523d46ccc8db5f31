"""Splitting source files into documents, sections and sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from labatlas.loaders.documents import SourceError, read_source, split_documents
from labatlas.loaders.pipeline import default_corpus


def _docs(name: str):
    path = default_corpus() / name
    return split_documents(path.name, read_source(path))


def test_case_study_file_splits_into_its_nine_cases() -> None:
    docs = _docs("000_0036d6103ff19532.txt")
    assert [d.first_line for d in docs] == [1, 45, 77, 109, 141, 173, 205, 237, 269]
    assert all(d.language == "en" for d in docs)
    sections = {s.section for s in docs[1].sentences}
    assert {"Stakeholders & Beneficiaries", "Lessons learned"} <= sections


def test_blog_file_splits_into_dated_posts_without_page_chrome() -> None:
    docs = _docs("002_110d22e2bce52af9.txt")
    titles = [d.title for d in docs]
    assert "Des nouvelles de la Transfo en PACA" in titles
    assert all(d.language == "fr" for d in docs)
    assert len(docs) >= 9
    sentences = [s.text for d in docs for s in d.sentences]
    assert not any(s.startswith(("PNG -", "JPEG -")) for s in sentences)


def test_slides_and_interview_stay_whole() -> None:
    assert len(_docs("003_1298a98bd23dbae2.txt")) == 1
    assert len(_docs("004_0f2fc6d08a105ae0.txt")) == 1


def test_sentence_offsets_point_into_the_document_text() -> None:
    for doc in _docs("000_0036d6103ff19532.txt") + _docs("002_110d22e2bce52af9.txt"):
        for sentence in doc.sentences:
            assert doc.text[sentence.start : sentence.end] == sentence.text


def test_abbreviations_and_acronyms_do_not_end_sentences() -> None:
    doc = split_documents("t.txt", "The L.I.V.E. lab works, e.g. in Lille. It grew.\n")[0]
    assert [s.text for s in doc.sentences] == ["The L.I.V.E. lab works, e.g. in Lille.", "It grew."]


def test_bad_sources_are_refused_with_the_file_named(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Région".encode("latin-1"))
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    for path, reason in ((latin1, "not UTF-8"), (binary, "binary")):
        with pytest.raises(SourceError, match=reason) as err:
            read_source(path)
        assert str(path) in str(err.value)
