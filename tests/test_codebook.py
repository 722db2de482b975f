"""tidings.codebook: the CAMEO 1.1b3 table, its Goldstein scores, QuadClass and PLOVER columns."""

from __future__ import annotations

import pytest

from tidings import codebook
from tidings.errors import TidingsError


def test_codebook_has_every_root_01_to_20() -> None:
    roots = [e.code for e in codebook.roots()]
    assert roots == [f"{i:02d}" for i in range(1, 21)]


def test_codebook_codes_are_strings_with_leading_zeros() -> None:
    codes = [e.code for e in codebook.entries()]
    assert len(codes) == len(set(codes)) > 300
    assert all(c.isdigit() and len(c) in (2, 3, 4) for c in codes)
    assert "0212" in codes and "212" not in codes
    assert {"0874", "1834", "1952", "2042"} <= set(codes)


def test_codebook_goldstein_within_scale() -> None:
    for entry in codebook.entries():
        assert -10.0 <= entry.goldstein <= 10.0, entry.code


@pytest.mark.parametrize(
    ("code", "goldstein"),
    [
        ("042", 1.9),
        ("057", 8.0),
        ("0874", 10.0),
        ("1823", -10.0),
        ("130", -4.4),
        ("163", -8.0),
        ("011", -0.1),
    ],
)
def test_codebook_goldstein_facts(code: str, goldstein: float) -> None:
    entry = codebook.lookup(code)
    assert entry is not None and entry.goldstein == goldstein


def test_codebook_quad_class_follows_root() -> None:
    expected = {1: range(1, 6), 2: range(6, 9), 3: range(9, 14), 4: range(14, 21)}
    for entry in codebook.entries():
        quad = next(q for q, roots in expected.items() if int(entry.root) in roots)
        assert entry.quad_class == quad, entry.code
        assert entry.quad_class == codebook.quad_class_of_root(entry.root)


def test_codebook_base_and_root_are_prefixes() -> None:
    for entry in codebook.entries():
        assert entry.root == entry.code[:2] == codebook.root_of(entry.code)
        assert entry.base == codebook.base_of(entry.code)
        assert codebook.lookup(entry.root) is not None
        assert codebook.lookup(entry.base) is not None


def test_codebook_lookup_fields() -> None:
    entry = codebook.lookup("0212")
    assert entry is not None
    assert (entry.name, entry.base, entry.root) == ("Appeal for military cooperation", "021", "02")
    assert entry.quad_class == 1 and entry.goldstein == 3.4
    assert entry.root_name == "Appeal"


def test_codebook_lookup_restores_dropped_leading_zero() -> None:
    assert codebook.lookup(212).code == "0212"  # type: ignore[arg-type, union-attr]
    assert codebook.lookup("42").code == "042"  # type: ignore[union-attr]
    assert codebook.lookup("2").code == "02"  # type: ignore[union-attr]
    assert codebook.lookup("190").code == "190"  # type: ignore[union-attr]


def test_codebook_lookup_unknown_code_is_none() -> None:
    assert codebook.lookup("999") is None
    assert codebook.lookup("0299") is None
    assert codebook.lookup("") is None


def test_codebook_plover_mapping() -> None:
    visit = codebook.lookup("042")
    assert visit is not None and (visit.plover_type, visit.plover_mode) == ("CONSULT", "visit")
    assert codebook.lookup("04").plover_type == "CONSULT"  # type: ignore[union-attr]
    assert codebook.lookup("1031").plover_type == "DEMAND"  # type: ignore[union-attr]
    assert codebook.lookup("112").plover_type == "ACCUSE"  # type: ignore[union-attr]
    assert codebook.lookup("0841").plover_type == "RETREAT"  # type: ignore[union-attr]
    assert codebook.lookup("0831").plover_type == "CONCEDE"  # type: ignore[union-attr]
    assert codebook.lookup("193").plover_mode == "firearms"  # type: ignore[union-attr]
    # PLOVER drops public statements and appeals: left empty, never guessed.
    assert codebook.lookup("0212").plover_type is None  # type: ignore[union-attr]
    assert codebook.lookup("010").plover_type is None  # type: ignore[union-attr]


def test_codebook_every_root_03_to_20_has_a_plover_type() -> None:
    for entry in codebook.entries():
        if int(entry.root) >= 3:
            assert entry.plover_type, entry.code


def test_codebook_override_with_malformed_file(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "cameo.tsv"
    bad.write_text("# a comment\ncode\tname\tgoldstein\n0212\tAppeal\tlots\n", encoding="utf-8")
    monkeypatch.setenv(codebook.ENV_VAR, str(bad))
    with pytest.raises(TidingsError) as info:
        codebook.lookup("0212")
    assert info.value.code == "E402"


def test_codebook_override_with_missing_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(codebook.ENV_VAR, str(tmp_path / "nope.tsv"))
    with pytest.raises(TidingsError) as info:
        codebook.entries()
    assert info.value.code == "E401"


def test_codebook_fingerprint_is_stable() -> None:
    assert codebook.fingerprint() == codebook.fingerprint()
    assert len(codebook.fingerprint()) == 12


def test_codebook_version_matches_file_header() -> None:
    header = codebook.CODEBOOK_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert codebook.VERSION.split("/tidings-")[1] in header
    assert "CAMEO 1.1b3" in header
