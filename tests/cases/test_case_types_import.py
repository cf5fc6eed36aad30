"""``precinct cases types-import``: the case-type code list with its national codes, from a CSV file."""

from __future__ import annotations

from sqlalchemy import select

from precinct.app import session_factory
from precinct.audit.models import AuditEntry
from precinct.cases.models import CaseKind, CaseType

HEADER = "code,kind,name_zh,name_en,national_code\n"


def _types(url):
    factory = session_factory(url)
    try:
        with factory() as session:
            types = {t.code: (t.kind, t.name_en, t.national_code) for t in session.scalars(select(CaseType))}
            actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.action.like("case_%")))]
            return types, actions
    finally:
        factory.kw["bind"].dispose()


def test_the_import_adds_and_updates_types_with_their_national_codes(fresh_database_url, cli, tmp_path):
    file = tmp_path / "types.csv"
    file.write_text(HEADER + "XS-DQ,criminal,盗窃,theft,050200\n"
                    "XS-QZ,criminal,敲诈勒索,extortion,050400\n", encoding="utf-8")
    result = cli("cases", "types-import", str(file))
    assert result.exit_code == 0, result.output
    assert "added: 1, 更新 / updated: 1" in result.output
    types, actions = _types(fresh_database_url)
    assert types["XS-DQ"] == (CaseKind.CRIMINAL, "theft", "050200")
    assert types["XS-QZ"] == (CaseKind.CRIMINAL, "extortion", "050400")
    assert types["XZ-OD"][2] is None  # not named: as it was
    assert actions == ["case_types.import"]


def test_a_bad_line_names_itself_and_stores_nothing(fresh_database_url, cli, tmp_path):
    file = tmp_path / "types.csv"
    file.write_text(HEADER + "XS-QZ,criminal,敲诈勒索,extortion,050400\nXS-XX,civil,民事,civil,\n", encoding="utf-8")
    result = cli("cases", "types-import", str(file))
    assert result.exit_code != 0 and "第 3 行" in result.output and "line 3" in result.output
    missing = tmp_path / "headless.csv"
    missing.write_text("code,kind\nXS-QZ,criminal\n", encoding="utf-8")
    result = cli("cases", "types-import", str(missing))
    assert result.exit_code != 0 and "name_zh" in result.output
    types, actions = _types(fresh_database_url)
    assert "XS-QZ" not in types and actions == []
