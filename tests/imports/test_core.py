"""The import's pure core: reading files, recognising headers, cleaning cells, finding duplicates."""
from __future__ import annotations

from datetime import date

import pytest

from matchmaker.imports import cleaning
from matchmaker.imports.columns import FIELDS, Mapping, field_for
from matchmaker.imports.duplicates import Firmish, Matcher, name_key
from matchmaker.imports.reading import FileProblem, read_table

from .files import HEADER_JA, ROWS_JA, csv_bytes, member_list, xlsx_bytes


def test_every_header_variant_is_recognised():
    variants = [(f, h) for f, hs in FIELDS.items() for h in hs] + [
        ("name", "会社名（漢字）"), ("phone", "ＴＥＬ"), ("email", "e-mail"), ("website", "ＵＲＬ"), ("name_kana", "ﾌﾘｶﾞﾅ"),
        ("postal_code", "Postal Code")]
    assert [(f, h) for f, h in variants if field_for(h) != f] == []


def test_unknown_and_duplicated_columns():
    m = Mapping.detect(["会社名", "備考", "企業名", "事業内容", "主要製品"])
    assert m.unknown() == [(1, "備考")]
    problems = m.problems()
    assert [c for c, _ in problems] == ["duplicate_column"] and "会社名, 企業名" in problems[0][1]["columns"]
    assert Mapping.detect(["会社名", "事業内容", "主要製品"]).problems() == []  # descriptions are joined
    assert [c for c, _ in Mapping.detect(["住所", "電話"]).problems()] == ["no_name_column"]


@pytest.mark.parametrize("encoding,bom,expected", [("utf-8", False, "utf-8"), ("utf-8", True, "utf-8"),
                                                   ("cp932", False, "cp932"), ("utf-16", False, "utf-16")])
def test_csv_encodings_are_detected(encoding, bom, expected):
    t = read_table(csv_bytes([HEADER_JA, *ROWS_JA], encoding, bom))
    assert t.encoding == expected and t.headers[0] == "会社名" and t.rows[0][1][0] == "㈱湘南テスト製作所"


def test_xlsx_sheets_title_rows_and_formulas():
    data = xlsx_bytes([["会員名簿 2026"], HEADER_JA, *ROWS_JA, ["=1+1", "", "", "藤沢市", "", "", "", "", "+cmd"]],
                      extra_sheet="集計")
    t = read_table(data)
    assert t.kind == "xlsx" and t.sheet == "会員名簿" and t.sheets == ["会員名簿", "集計"] and t.header_row == 2
    assert t.rows[-1][0] == 6 and t.rows[-1][1][0] == "=1+1" and t.rows[-1][1][8] == "+cmd"  # text, not computed
    with pytest.raises(FileProblem) as e:
        read_table(data, sheet="ない")
    assert e.value.code == "no_such_sheet" and "集計" in e.value.params["sheets"]


def test_explicit_encoding_that_does_not_fit():
    with pytest.raises(FileProblem) as e:
        read_table(member_list("cp932"), encoding="utf-8")
    assert e.value.code == "undecodable"
    assert read_table(member_list("cp932"), encoding="cp932").rows


@pytest.mark.parametrize("data,code", [
    (b"", "empty_file"), (b"\xef\xbb\xbf\r\n\r\n", "empty_file"),
    ("会社名,住所\r\n".encode(), "no_rows"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "not_a_table"), (b"\x89PNG\r\n\x1a\n\x00\x00", "not_a_table"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
    (b"PK\x03\x04 not really a zip", "bad_xlsx"),
    (b"\x81\x00\xff\xfe\xfd" * 20, "not_a_table"),
    (b"\xfd\xfd\x85\x40abc,def\r\n", "undecodable"),
    ('会社名,住所\r\n"unterminated,藤沢市\r\n'.encode(), "bad_csv"),
])
def test_unreadable_files_are_a_clear_problem(data, code):
    with pytest.raises(FileProblem) as e:
        read_table(data)
    assert e.value.code == code


def test_zip_that_is_not_a_workbook():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(FileProblem) as e:
        read_table(out.getvalue())
    assert e.value.code == "not_a_table"


def test_cleaning_cells():
    assert cleaning.firm_name("㈱ 桐原精密") == "株式会社桐原精密"
    assert cleaning.firm_name("ｶﾌﾞｼｷｶﾞｲｼｬ\x07ﾃｽﾄ") == "カブシキガイシャ テスト"  # half-width kana, a control character
    assert cleaning.firm_name("ＡＢＣ　Co., Ltd.") == "ABC Co., Ltd."
    assert cleaning.postal_code("〒２５１－００５２") == "251-0052" and cleaning.postal_code("12-34") is None
    assert cleaning.phone("ＴＥＬ０４６６（２２）１２３４") == "0466-22-1234"
    assert cleaning.phone("466221234") == "0466221234"  # a number cell lost its leading zero
    assert cleaning.phone("電話してください") is None and cleaning.phone("123") is None
    assert cleaning.email("Info@Example.CO.JP") == "info@example.co.jp" and cleaning.email("bad@") is None
    assert cleaning.website("www.Example.co.jp/about") == "https://www.example.co.jp/about"
    assert cleaning.website("no site") is None
    assert [cleaning.employees(x) for x in ("3", "12名", "10～29人", "約1,200名", "300名以上", "多数")] == [
        "1-9", "10-29", "10-29", "300+", "300+", None]
    today = date(2026, 12, 1)
    assert [cleaning.founded_year(x, today) for x in ("1965", "1965年4月", "1965/04/01", "昭和40年", "S40", "平成元年",
                                                      "3000", "不明")] == [1965] * 5 + [1989, None, None]


@pytest.mark.parametrize("address,city,pref", [
    ("神奈川県藤沢市藤沢1-2-3", "藤沢市", "神奈川県"), ("〒251-0052 藤沢市藤沢", "藤沢市", "神奈川県"),
    ("神奈川県高座郡寒川町一之宮1", "寒川町", "神奈川県"), ("神奈川県横浜市中区山下町1", "横浜市 中区", "神奈川県"),
    ("茅ケ崎市新栄町", "茅ヶ崎市", "神奈川県"), ("東京都府中市宮町1", "府中市", "東京都"),
    ("広島県府中市府川町", "府中市", "広島県"), ("府中市1-1", None, None), ("どこか", None, None),
])
def test_addresses_resolve_to_municipalities(address, city, pref):
    place = cleaning.resolve_address(address)
    assert (place.name, place.region) == (city, pref) if city else place is None


def test_industry_codes_and_words():
    from matchmaker.imports.industry import suggest_industry

    codes, suggested, unknown = cleaning.industry_codes("E、24 金属製品製造業、2464、0000、めっき、ｘｙｚｚｙ", suggest_industry)
    assert codes == ["E", "24", "2464"]
    assert [w for w, _ in suggested] == ["めっき"] and suggested[0][1].startswith("246")
    assert unknown == ["0000", "xyzzy"]
    assert suggest_industry("ソフトウェア業") == "391"


def test_industry_words_are_placed_by_the_engine_when_it_rates_a_detail_entry_strong():
    from matchmaker.imports.industry import suggest_industry

    # the whole words, not an entry named after one of their concepts (金属 -> 53, 問屋 -> a wholesaler of thread)
    assert suggest_industry("金属プレス") == "2452"  # 金属プレス製品製造業
    assert suggest_industry("空箱問屋") == "5361"  # 空瓶・空缶等空容器卸売業: its description names 空箱
    # words only the classification's description of a class uses (野菜作農業: 「はくさい、キャベツ、ねぎ等」)
    assert suggest_industry("キャベツ") == "0113"
    assert suggest_industry("かまぼこ製造") == "0923"  # 水産練製品製造業: 「主としてかまぼこ、焼ちくわ…を製造する」
    # a division the words name stays (モップ is no word of the classification: no guess inside it)
    assert suggest_industry("モップ製造業") == "E"


def test_a_row_with_every_problem_names_each_column():
    m = Mapping.detect(HEADER_JA)
    row = cleaning.clean_row(5, ["", "", "123", "どこか", "abc", "bad@", "no site", "", "", "多数", "未来", "", "", "extra"],
                             m, lambda w: None)
    assert {f for f, _, _ in row.errors} == {"", "name", "postal_code", "address", "phone", "email", "website",
                                             "employees", "founded"}
    ok = cleaning.clean_row(2, ROWS_JA[0], m, lambda w: "2464" if w == "めっき" else None)
    assert not ok.errors
    v = ok.values
    assert v["name"] == "株式会社湘南テスト製作所" and v["name_kana"] == "ショウナンテストセイサクショ"
    assert (v["postal_code"], v["phone"], v["contact_email"]) == ("251-0052", "0466-22-1234", "info@shonan-test.example.com")
    assert (v["city"], v["prefecture"], v["employees"], v["founded_year"]) == ("藤沢市", "神奈川県", "10-29", 1965)
    assert v["industries"] == ["2464"] and v["certifications"] == ["ISO9001", "ISO14001"]
    assert v["latitude"] and v["longitude"]


def test_a_short_row_is_fine_and_a_long_one_is_not():
    m = Mapping.detect(["会社名", "所在地", "電話"])
    assert not cleaning.clean_row(2, ["短い株式会社"], m, lambda w: None).errors
    long = cleaning.clean_row(3, ["長い株式会社", "藤沢市", "0466-22-1234", "余り"], m, lambda w: None)
    assert [c for _, c, _ in long.errors] == ["too_many_cells"]


def test_names_written_differently_share_a_key():
    keys = {name_key(n) for n in ("株式会社桐原精密", "桐原精密株式会社", "(株)桐原精密", "桐原精密 (株)", "㈱ 桐原精密")}
    assert len(keys) == 1
    assert name_key("キリハラ") == name_key("きりはら") == name_key("ｷﾘﾊﾗ")


def test_duplicates_certain_uncertain_and_different():
    matcher = Matcher([
        Firmish(1, "桐原精密工業株式会社", city="藤沢市", phone="0466-11-1111", website="https://kirihara.example.com"),
        Firmish(2, "湘南帆布製作所", city="藤沢市"),
        Firmish(3, "有限会社善行テクニカ", city="藤沢市", postal_code="251-0871"),
    ])
    same = matcher.best(Firmish(10, "(株)桐原精密工業", city="藤沢市"))
    assert same.ref == 1 and same.certain
    moved = matcher.best(Firmish(11, "桐原精密工業", city="茅ヶ崎市", phone="0466111111"))  # a moved office
    assert moved.ref == 1 and moved.certain and "phone" in moved.reasons
    namesake = matcher.best(Firmish(12, "桐原精密工業", city="茅ヶ崎市"))
    assert namesake.ref == 1 and not namesake.certain  # the organizer decides
    typo = matcher.best(Firmish(13, "善行テクニガ", city="藤沢市", postal_code="251-0871"))
    assert typo.ref == 3 and typo.certain
    assert matcher.best(Firmish(14, "湘南テスト製作所", city="藤沢市")) is None
    assert matcher.best(Firmish(15, "全く別の会社", city="藤沢市", phone="0466-11-1111")) is None


def test_email_fast_path_agrees_with_the_validator():
    """Plain addresses skip the full validator (their domain is checked once); the answer is the same."""
    from email_validator import EmailNotValidError, validate_email

    from matchmaker.imports.cleaning import email

    def full(v):
        try:
            return validate_email(v, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            return None

    for v in ("Info@Shonan-Test.example.com", "a..b@x.com", "a@b", "a@localhost", "user+tag@mail.co.jp", "a@x.test",
              "a.@x.com", "a@x.c", "a@123.com", "a@x_y.com", "a@xn--eckwd4c7c.jp", "a@x.local", "a" * 65 + "@x.com",
              "a@" + "b" * 64 + ".com", '"q"@x.com', "a@x..com", "日本@例え.jp", "a@-x.com"):
        assert email(v) == full(v), v
