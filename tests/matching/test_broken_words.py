"""Spaces that split a Japanese word (text pasted from PDFs and spreadsheets) are taken out; spaces
between words stay (issue 10)."""
import pytest

from matchmaker.matching import Engine, Query, Record
from matchmaker.matching.analyze import analyse, join_broken_words


@pytest.mark.parametrize("text, joined", [
    ("ドラ ム缶製造業", "ドラム缶製造業"),
    ("高周波加 熱装置の製造", "高周波加熱装置の製造"),
    ("ゴ ルフクラブ製造業", "ゴルフクラブ製造業"),
    ("味付けの り製造業", "味付けのり製造業"),
])
def test_a_space_inside_a_word_is_taken_out(text, joined):
    assert join_broken_words(text) == joined


@pytest.mark.parametrize("text", [
    "アルミ 切削", "切削 研磨 溶接", "シャフト ピン ネジ ノズル", "ハム ソーセージ", "白 黒 カラー",
    "英 中 韓", "白 黒アルマイト", "あるみ せっさく しさく", "SUS304 切削", "株式会社 山田",
])
def test_spaces_between_words_stay(text):
    assert join_broken_words(text) == text


def test_a_broken_word_is_found_as_the_whole_word():
    assert analyse("ドラ ム缶の製造").terms == analyse("ドラム缶の製造").terms  # どらむ, not どら
    engine = Engine()
    engine.build([Record("drum", name="ドラム缶製造", text="スチール製ドラム缶"),
                  Record("can", name="製缶板金", text="タンクと架台")])
    assert engine.search(Query(text="ドラ ム缶"), explain=False)[0].id == "drum"
