"""Bad input never raises and never stops the other files: each case ends with a clear reason."""

from __future__ import annotations

from pathlib import Path

from tidings.ingest import ReadOptions
from tidings.run import MAX_ARTICLE_CHARS, ingest
from tidings.store import Store

GOOD = """The Meridian Herald - Global Edition (USA)

Talks resume in Geneva

- By REUTERS

GENEVA (Reuters) - Envoys from both sides met in Geneva on Tuesday, the United Nations said.

Newspapers in English
"""


def test_bad_files_are_rejected_with_reasons_and_good_ones_ingested(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "b_empty.txt").write_bytes(b"")
    (corpus / "c_binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "d_latin1.txt").write_bytes(GOOD.replace("Geneva on", "Genève on").encode("latin-1"))
    (corpus / "e_masthead.txt").write_text("The Meridian Herald - Global Edition (USA)\n", encoding="utf-8")
    # 50 MB: one "article" far longer than any news story.
    paragraph = ("word " * 2000).strip() + ".\n\n"
    with (corpus / "f_huge.txt").open("w", encoding="utf-8") as fh:
        fh.write("Huge Paper - Edition\n\nHeadline\n\n- By REUTERS\n\n")
        for _ in range(50 * 1024 * 1024 // len(paragraph)):
            fh.write(paragraph)
    with Store.open(str(tmp_path / "t.db")) as store:
        report = ingest([str(corpus)], store, ReadOptions(), workers=1)
        rows = {Path(r["source"]).name: r for r in store.rows("rejected")}
        texts = [r["text"] for r in store.rows("articles")]
    assert report.ingested == 2 and report.total == 6
    assert {name: row["code"] for name, row in rows.items()} == {
        "b_empty.txt": "R101",
        "c_binary.txt": "R102",
        "e_masthead.txt": "R104",
        "f_huge.txt": "R111",
    }
    assert f"{MAX_ARTICLE_CHARS:,}" in rows["f_huge.txt"]["reason"]
    assert any("Genève" in t for t in texts)
    assert all(row["reason"][0].isupper() and row["reason"].endswith(".") for row in rows.values())
