from matchmaker.matching.analyze import analyse
from matchmaker.matching.normalize import cert_key, fold, nfkc, strip_legal_forms
from matchmaker.matching.stem import stem


def test_nfkc_full_and_half_width():
    assert nfkc("ＳＵＳ３０４　φ１５０") == "SUS304 φ150"
    assert nfkc("ｱﾙﾏｲﾄ") == "アルマイト"


def test_case_and_kana_folding():
    assert fold("ＳＵＳ") == fold("sus")
    assert fold("メッキ") == fold("めっき")
    assert fold("ｱﾙﾐ") == fold("あるみ")


def test_long_vowel_variants():
    assert fold("マシニングセンター") == fold("マシニングセンタ")
    assert fold("ワイヤーハーネス") == fold("ワイヤハーネス")


def test_control_characters_removed():
    assert "\x00" not in nfkc("a\x00b\u200bc")


def test_legal_forms():
    assert strip_legal_forms("株式会社湘栄精工") == "湘栄精工"
    assert strip_legal_forms("(株)湘栄精工") == "湘栄精工"
    assert strip_legal_forms("㈱湘栄精工") == "湘栄精工"
    assert strip_legal_forms("有限会社辻堂マシニング") == "辻堂マシニング"
    assert strip_legal_forms("合同会社テスト") == "テスト"
    assert strip_legal_forms("Siam Kizuna Precision Co., Ltd.") == "Siam Kizuna Precision"
    assert strip_legal_forms("Acme Co.,Ltd") == "Acme"
    assert strip_legal_forms("Acme Inc.") == "Acme"
    assert strip_legal_forms("Donautal Feinmechanik GmbH") == "Donautal Feinmechanik"
    assert strip_legal_forms("Klang Bakes Sdn. Bhd.") == "Klang Bakes"
    assert strip_legal_forms("Klang Bakes Sdn Bhd") == "Klang Bakes"


def test_cert_keys():
    assert cert_key("ISO9001") == cert_key("ISO 9001") == cert_key("ｉｓｏ　９００１") == cert_key("ISO 9001:2015")
    assert cert_key("IATF16949") == cert_key("IATF 16949")
    assert cert_key("ISO 9001") != cert_key("ISO 14001")


def test_sudachi_normalized_forms_unify_plating_spellings():
    forms = [set(analyse(t).terms) for t in ("めっき", "メッキ", "鍍金")]
    assert forms[0] & forms[1] & forms[2]


def test_sudachi_normalized_forms_unify_molding_spellings():
    a, b = set(analyse("射出成形").terms), set(analyse("射出成型").terms)
    assert {"成型"} <= a & b or (a & b) - {"射出"}


def test_compound_is_split_into_subwords():
    terms = analyse("無電解ニッケルめっき").terms
    assert "電解" in terms and any(t in terms for t in ("鍍金", "めっき"))


def test_english_stemming():
    assert stem("plating") == stem("plated") != stem("plates")
    assert stem("molding") == stem("molded") == stem("molds") == "mold"
    assert stem("machinning") == stem("machining")
    assert stem("assemblies") == "assembly"


def test_codes_are_joined_and_ngrammed():
    terms = analyse("Sony PS-LX350H turntable").terms
    assert "pslx350h" in terms
    assert "#lx3" in terms
    assert "sus304" in analyse("SUS 304 の丸棒").terms or "sus304" in analyse("SUS-304").terms
