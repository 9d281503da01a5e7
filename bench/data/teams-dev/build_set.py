#!/usr/bin/env python3
"""Write the teams-dev set (queries.jsonl, gold.jsonl, candidates.jsonl) in the format of
../shared/eval/teams/FORMAT.md, on the demo firms.

The judgements below were written by reading the demo firms' texts (descriptions, tags, equipment,
offerings; see README.md beside this file), part by part against every firm, before the team code was
run on the set or tuned. Run from the project root with the project's venv:
    .venv/bin/python bench/data/teams-dev/build_set.py
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
FUJISAWA = {"city": "Fujisawa", "country": "JP", "lat": 35.34926, "lon": 139.47666}

# ------------------------------------------------------------------ parts, graded for a local need
# 2 = does it itself and is within about 30 km of Fujisawa; 1 = does it but far away, or only partly
# (see README.md for the rule and the doubtful calls). For needs with prefer "any" every 1 that is a 1
# only for distance becomes 2 (FAR lists those firms).
P = {
    "alu_machining": {"kirihara-seimitsu": 2, "zengyo-technica": 2, "fujisawa-koki": 2, "sagamihara-aero": 1,
                      "ota-shisaku": 1, "eastern-seaboard-precision": 1, "taichung-fivex": 1, "hamamatsu-parts": 1},
    "five_axis_ti": {"zengyo-technica": 2, "sagamihara-aero": 2, "kirihara-seimitsu": 1, "ota-shisaku": 1,
                     "taichung-fivex": 1},
    "mc_block": {"fujisawa-koki": 2, "zengyo-technica": 2, "ota-shisaku": 1, "taichung-fivex": 1,
                 "eastern-seaboard-precision": 1},
    "turning": {"kirihara-seimitsu": 2, "chigasaki-turning": 2, "ota-shisaku": 1, "hamamatsu-parts": 1,
                "eastern-seaboard-precision": 1},
    "sus_turning": {"kirihara-seimitsu": 2, "chigasaki-turning": 2, "fujisawa-medical-precision": 2,
                    "ota-shisaku": 1, "hamamatsu-parts": 1, "eastern-seaboard-precision": 1},
    "anodizing": {"yoda-alumite": 2, "sriracha-surface": 1},
    "silk_print": {"fujisawa-screen": 2},
    "pad_print": {"fujisawa-screen": 2},
    "laser_marking": {"kirihara-laser": 2},
    "laser_cutting": {"kirihara-laser": 2, "shonandai-bankin": 2, "ayase-bankin": 1, "haiphong-metalworks": 1},
    "bending": {"shonandai-bankin": 2, "ayase-bankin": 2, "haiphong-metalworks": 1, "ota-shisaku": 1},
    "sheet_metal": {"shonandai-bankin": 2, "ayase-bankin": 2, "haiphong-metalworks": 1, "ota-shisaku": 1},
    "sus_welding": {"shonandai-bankin": 2, "ishinazaka-tekko": 2, "ayase-bankin": 2, "kirihara-laser": 2,
                    "fujisawa-medical-precision": 1, "haiphong-metalworks": 1},
    "laser_welding": {"kirihara-laser": 2, "fujisawa-medical-precision": 1},
    "frame_welding": {"ishinazaka-tekko": 2, "shonandai-bankin": 2, "haiphong-metalworks": 1},
    "powder_coating": {"oba-tosou": 2, "haiphong-metalworks": 1},
    "painting": {"oba-tosou": 2, "haiphong-metalworks": 1, "rayong-polymer": 1},
    "pcb_assembly": {"tsujido-jisso": 2, "tsuzuki-ems": 2, "penang-ems": 1, "laguna-electronics": 1,
                     "hanoi-harness-tech": 1},
    "pcb_fab": {"yamato-pcb": 2, "hsinchu-pcb": 1},
    "conformal": {"fujisawa-coating-service": 2, "penang-ems": 1},
    "harness": {"mutsuai-harness": 2, "hanoi-harness-tech": 1, "laguna-electronics": 1},
    "firmware": {"tsujido-denshi-sekkei": 2, "totsuka-software": 2, "atsugi-rd-denshi": 1,
                 "bengaluru-embedded-labs": 1},
    "circuit_design": {"tsujido-denshi-sekkei": 2, "atsugi-rd-denshi": 2},
    "control_panel": {"zengyo-seigyoban": 2},
    "plc": {"zengyo-seigyoban": 2, "totsuka-software": 2, "makati-bpo-engineering": 1},
    "electrical_work": {"shonan-densetsu": 2, "zengyo-seigyoban": 1},
    "electroless_nickel": {"fujisawa-mekki": 2, "samukawa-hyomen": 2, "sriracha-surface": 1},
    "zinc_plating": {"fujisawa-mekki": 2, "sriracha-surface": 1},
    "hard_chrome": {"fujisawa-mekki": 2},
    "hardening": {"kuzuhara-netsushori": 2},
    "carburizing": {"kuzuhara-netsushori": 2},
    "nitriding": {"kuzuhara-netsushori": 2, "lyon-surface-tech": 1},
    "cyl_grinding": {"ishikawa-kensaku": 2},
    "surface_grinding": {"ishikawa-kensaku": 2, "ayase-kanagata": 1},
    "wire_edm": {"ayase-kanagata": 2, "ota-shisaku": 1},
    "dlc": {"samukawa-hyomen": 2, "lyon-surface-tech": 1},
    "electropolish": {"shonan-kenma": 2, "lyon-surface-tech": 1},
    "mirror_polish": {"shonan-kenma": 2, "tsubame-polish": 1},
    "precision_cleaning": {"fujisawa-seimitsu-senjo": 2},
    "clean_packing": {"fujisawa-seimitsu-senjo": 2, "fujisawa-medical-precision": 1},
    "cmm": {"fujisawa-keisoku": 2},
    "black_oxide": {"miyahara-kurozome": 2},
    "injection": {"muraoka-jushi": 2, "samukawa-mold-plastic": 2, "rayong-polymer": 1, "shah-alam-plastics": 1},
    "mould_making": {"endo-mold": 2, "samukawa-mold-plastic": 2, "shah-alam-plastics": 1,
                     "windsor-mould-makers": 1},
    "ultrasonic_welding": {"muraoka-jushi": 2, "rayong-polymer": 1},
    "trays": {"ebina-pack": 2},
    "die_casting": {"fujisawa-diecast": 2, "cikarang-diecasting": 1},
    "diecast_machining": {"fujisawa-koki": 2, "zengyo-technica": 2, "kirihara-seimitsu": 2, "fujisawa-diecast": 1,
                          "haiphong-metalworks": 1, "cikarang-diecasting": 1, "ota-shisaku": 1},
    "hot_forging": {"hiratsuka-tanzo": 2, "pune-forge-components": 1},
    "iron_casting": {"kawaguchi-imono": 1},
    "gear_cutting": {"takakura-gear": 2, "hiratsuka-gear": 2},
    "spring": {"dodana-spring": 2, "yamato-spring": 1},
    "metal_3d": {"additive-shonan": 2},
    "post_machining": {"additive-shonan": 2, "kirihara-seimitsu": 2, "zengyo-technica": 2, "fujisawa-koki": 2,
                       "ota-shisaku": 1, "sagamihara-aero": 1},
    "extrusion": {"isehara-alumi": 2},
    "rubber_gasket": {"sagamihara-rubber": 2},
    "video": {"shonan-studio-eizo": 2},
    "translation": {"fujisawa-honyaku": 2, "zushi-lingua": 2},
    "booth": {"shonan-display": 2, "fujisawa-sign": 1},
    "catering": {"fujisawa-bento-center": 2},
    "website": {"shonan-webworks": 2},
    "package_design": {"kamakura-design-office": 2, "kugenuma-insatsu": 2},
    "box_printing": {"kugenuma-insatsu": 2},
    "cartons": {"uchimodori-danboru": 2, "ebina-pack": 2},
    "robot_si": {"robolink-shonan": 2, "stuttgart-automation": 1},
    "jig_design": {"shonandai-automation": 2, "nagoya-kikai-seisakusho": 1, "stuttgart-automation": 1},
    "embroidery": {"shonan-shishu-works": 2, "shonan-hanpu": 1},
    "tote_bags": {"shonan-hanpu": 2},
    "tea_bags": {"isehara-tea": 2},
    "shirasu": {"katase-shirasu": 2},
    "retort": {"shonan-food-factory": 2},
    "cold_storage": {"samukawa-soko": 2, "fujisawa-logistics": 1},
    "pouches": {"shonan-hosokoku": 2},
    "juice_oem": {"shonan-citrus-drink": 2},
    "cold_transport": {"shonan-unyu": 2},
    "export_crate": {"nishitomi-kibako": 2},
    "customs": {"yokohama-naka-trading": 2},
    "nobody": {},
}
# firms that are graded 1 above only for being far away (for a need with prefer "any" they are 2)
FAR = {"sriracha-surface", "ota-shisaku", "eastern-seaboard-precision", "taichung-fivex", "hamamatsu-parts",
       "haiphong-metalworks", "penang-ems", "laguna-electronics", "hanoi-harness-tech", "hsinchu-pcb",
       "bengaluru-embedded-labs", "lyon-surface-tech", "tsubame-polish", "rayong-polymer", "shah-alam-plastics",
       "windsor-mould-makers", "cikarang-diecasting", "pune-forge-components", "kawaguchi-imono",
       "detroit-tooling", "stuttgart-automation", "nagoya-kikai-seisakusho", "makati-bpo-engineering"}

# id, language, prefer, text, [(part name, part key)]
NEEDS = [
    ("T001", "ja", "local", "A5052のアルミ筐体を切削で50個、黒アルマイト処理後、シルク印刷で文字入れまでお願いしたいです。",
     [("アルミ切削", "alu_machining"), ("黒アルマイト", "anodizing"), ("シルク印刷", "silk_print")]),
    ("T002", "en", "local", "Machine 200 aluminium brackets, anodize them black and laser mark a serial number on each.",
     [("aluminium machining", "alu_machining"), ("anodizing", "anodizing"), ("laser marking", "laser_marking")]),
    ("T003", "ja", "local", "制御基板の部品実装（SMT）と防湿コーティング、接続用のワイヤーハーネス製作をまとめてお願いしたい。",
     [("基板実装", "pcb_assembly"), ("防湿コーティング", "conformal"), ("ワイヤーハーネス", "harness")]),
    ("T004", "en", "local", "PCB assembly of 100 boards, conformal coating, and the wire harness that connects them.",
     [("PCB assembly", "pcb_assembly"), ("conformal coating", "conformal"), ("wire harness", "harness")]),
    ("T005", "ja", "local", "SPCCの精密板金筐体を10台、粉体塗装、正面パネルにシルク印刷で表示を入れたい。",
     [("精密板金", "sheet_metal"), ("粉体塗装", "powder_coating"), ("シルク印刷", "silk_print")]),
    ("T006", "ja", "local", "S45Cシャフトの旋削、高周波焼入れ、円筒研削仕上げまで。200本。",
     [("旋削", "turning"), ("高周波焼入れ", "hardening"), ("円筒研削", "cyl_grinding")]),
    ("T007", "en", "local", "Stainless steel shafts turned on a CNC lathe, then electroless nickel plating.",
     [("CNC turning", "sus_turning"), ("electroless nickel plating", "electroless_nickel")]),
    ("T008", "ja", "local", "射出成形用の金型製作、PC樹脂の射出成形、ロゴのパッド印刷まで対応できるチームを探しています。",
     [("金型製作", "mould_making"), ("射出成形", "injection"), ("パッド印刷", "pad_print")]),
    ("T009", "ja", "local", "4層プリント基板の製造と部品実装、組込みファームウェアの開発。",
     [("プリント基板製造", "pcb_fab"), ("基板実装", "pcb_assembly"), ("ファームウェア開発", "firmware")]),
    ("T010", "en", "local", "Circuit design and STM32 firmware development for a small sensor device.",
     [("circuit design", "circuit_design"), ("firmware", "firmware")]),
    ("T011", "ja", "local", "SUS304の板金カバー、TIG溶接、電解研磨仕上げ。",
     [("板金", "sheet_metal"), ("TIG溶接", "sus_welding"), ("電解研磨", "electropolish")]),
    ("T012", "ja", "local", "アルミダイカストのケースを月2000個、鋳造後の切削加工と粉体塗装まで。",
     [("アルミダイカスト", "die_casting"), ("切削加工", "diecast_machining"), ("粉体塗装", "powder_coating")]),
    ("T013", "ja", "local", "熱間鍛造のフランジ素材、旋削加工、黒染めで防錆。",
     [("熱間鍛造", "hot_forging"), ("旋削", "turning"), ("黒染め", "black_oxide")]),
    ("T014", "ja", "local", "真空装置のステンレス部品の精密洗浄、三次元測定による寸法検査、クリーン包装。",
     [("精密洗浄", "precision_cleaning"), ("三次元測定", "cmm"), ("クリーン包装", "clean_packing")]),
    ("T015", "en", "local", "5-axis machining of a titanium part, DLC coating, and CMM inspection with a report.",
     [("5-axis titanium machining", "five_axis_ti"), ("DLC coating", "dlc"), ("CMM inspection", "cmm")]),
    ("T016", "ja", "local", "圧縮ばねの試作（SUS304-WPB）と無電解ニッケルめっき。",
     [("ばね", "spring"), ("無電解ニッケルめっき", "electroless_nickel")]),
    ("T017", "ja", "local", "展示会用の製品紹介動画の制作、資料の英語翻訳、ブースの設計施工をお願いしたい。",
     [("動画制作", "video"), ("英語翻訳", "translation"), ("ブース設計施工", "booth")]),
    ("T018", "en", "local", "For our trade fair: booth design and build, halal catering for visitors, and a multilingual website landing page.",
     [("booth design and build", "booth"), ("catering", "catering"), ("website", "website")]),
    ("T019", "ja", "local", "焼き菓子のパッケージデザイン、化粧箱の印刷、輸送用の段ボール箱。",
     [("パッケージデザイン", "package_design"), ("化粧箱の印刷", "box_printing"), ("段ボール箱", "cartons")]),
    ("T020", "ja", "local", "協働ロボットのシステム構築、ロボット用治具の設計製作、制御盤の製作。",
     [("ロボットSI", "robot_si"), ("治具設計製作", "jig_design"), ("制御盤", "control_panel")]),
    ("T021", "ja", "local", "チタン部品の5軸加工と、蛍光浸透探傷検査（FPI）。",
     [("5軸加工", "five_axis_ti"), ("蛍光浸透探傷検査", "nobody")]),
    ("T022", "en", "local", "Weld a steel frame for a machine base and hot-dip galvanize it.",
     [("frame welding", "frame_welding"), ("hot-dip galvanizing", "nobody")]),
    ("T023", "ja", "local", "ABSの射出成形部品、超音波溶着で2部品を接合。",
     [("射出成形", "injection"), ("超音波溶着", "ultrasonic_welding")]),
    ("T024", "en", "local", "Laser cutting, bending and TIG welding of stainless sheet for 20 covers.",
     [("laser cutting", "laser_cutting"), ("bending", "bending"), ("welding", "sus_welding")]),
    ("T025", "ja", "local", "特注のゴムパッキンと、アルミ押出形材の装置フレーム。",
     [("ゴムパッキン", "rubber_gasket"), ("アルミ押出", "extrusion")]),
    ("T026", "ja", "local", "SUS316Lの小径シャフトの旋削、電解研磨、精密洗浄。",
     [("旋削", "sus_turning"), ("電解研磨", "electropolish"), ("精密洗浄", "precision_cleaning")]),
    ("T027", "ja", "local", "自動車部品のプレス加工と、電気亜鉛めっき（3価クロメート）。",
     [("プレス加工", "press"), ("亜鉛めっき", "zinc_plating")]),
    ("T028", "en", "local", "A new injection mould, injection moulding of 5,000 housings, pad printing of the logo and vacuum-formed trays for shipping.",
     [("mould making", "mould_making"), ("injection moulding", "injection"), ("pad printing", "pad_print"),
      ("vacuum-formed trays", "trays")]),
    ("T029", "ja", "local", "鋳鉄鋳物の機械ベース、マシニング加工、塗装。",
     [("鋳鉄鋳物", "iron_casting"), ("マシニング加工", "mc_block"), ("塗装", "painting")]),
    ("T030", "ja", "local", "アルミ押出のヒートシンク、アルマイト処理、電源基板の実装。",
     [("アルミ押出", "extrusion"), ("アルマイト", "anodizing"), ("基板実装", "pcb_assembly")]),
    ("T031", "en", "local", "Sheet metal enclosure with powder coating, a control panel built inside and the wiring harnesses.",
     [("sheet metal", "sheet_metal"), ("powder coating", "powder_coating"), ("control panel", "control_panel"),
      ("wire harness", "harness")]),
    ("T032", "ja", "local", "展示会用に、作業服への社名刺繍、ロゴ入りトートバッグ、名入れティーバッグを用意したい。",
     [("刺繍", "embroidery"), ("トートバッグ", "tote_bags"), ("ティーバッグ", "tea_bags")]),
    ("T033", "ja", "local", "金型部品のワイヤーカット、真空焼入れ、DLCコーティング。",
     [("ワイヤーカット", "wire_edm"), ("真空焼入れ", "hardening"), ("DLCコーティング", "dlc")]),
    ("T034", "ja", "local", "金属3Dプリントでチタン試作品を造形し、後加工の切削と三次元測定まで。",
     [("金属3Dプリント", "metal_3d"), ("切削", "post_machining"), ("三次元測定", "cmm")]),
    ("T035", "en", "local", "Ceramic thermal spray coating on a roll, then cylindrical grinding to size.",
     [("thermal spraying", "nobody"), ("cylindrical grinding", "cyl_grinding")]),
    ("T036", "ja", "local", "新しい装置の動力配線の電気工事、制御盤の製作、PLCプログラムの作成。",
     [("電気工事", "electrical_work"), ("制御盤", "control_panel"), ("PLCプログラム", "plc")]),
    ("T037", "ja", "local", "釜揚げしらすの仕入れ、レトルト惣菜の製造、冷凍倉庫での保管。",
     [("しらす", "shirasu"), ("レトルト製造", "retort"), ("冷凍保管", "cold_storage")]),
    ("T038", "en", "local", "Custom printed pouches, contract production of citrus juice, and refrigerated delivery to Tokyo.",
     [("printed pouches", "pouches"), ("juice OEM", "juice_oem"), ("refrigerated delivery", "cold_transport")]),
    ("T039", "ja", "local", "チタン部品のカラー陽極酸化と、レーザーマーキング。",
     [("チタン陽極酸化", "nobody"), ("レーザーマーキング", "laser_marking")]),
    ("T040", "en", "any", "Hard anodizing of aluminium parts and black oxide on steel pins.",
     [("hard anodizing", "anodizing"), ("black oxide", "black_oxide")]),
    ("T041", "ja", "local", "金型部品の窒化処理、平面研削、硬質クロムめっき。",
     [("窒化処理", "nitriding"), ("平面研削", "surface_grinding"), ("硬質クロムめっき", "hard_chrome")]),
    ("T042", "ja", "local", "ステンレス部品の鏡面研磨と、レーザー溶接。",
     [("鏡面研磨", "mirror_polish"), ("レーザー溶接", "laser_welding")]),
    ("T043", "en", "local", "Export a machine: ISPM 15 wooden crate, customs clearance and LCL shipping, and an English translation of the manual.",
     [("export crating", "export_crate"), ("customs", "customs"), ("translation", "translation")]),
    ("T044", "ja", "local", "理化学ガラスの吹きガラス加工と、アルミ切削のホルダー。",
     [("ガラス吹き加工", "nobody"), ("アルミ切削", "alu_machining")]),
    ("T045", "ja", "local", "漆塗りの仕上げと、ステンレスの鏡面研磨。",
     [("漆塗り", "nobody"), ("鏡面研磨", "mirror_polish")]),
    ("T046", "en", "any", "Closed-die forging of gear blanks, gear hobbing, and carburizing.",
     [("forging", "hot_forging"), ("gear hobbing", "gear_cutting"), ("carburizing", "carburizing")]),
]
P["press"] = {"chogo-press": 2, "hiratsuka-press": 2, "detroit-tooling": 1}


def relevant(key: str, prefer: str) -> dict[str, int]:
    rel = dict(P[key])
    if prefer == "any":
        rel = {k: (2 if v == 1 and k in FAR else v) for k, v in rel.items()}
    return rel


def main() -> None:
    spec = importlib.util.spec_from_file_location("build_candidates", HERE.parent / "demo-judged" / "build_candidates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    mod.OUT = HERE / "candidates.jsonl"
    mod.main()
    ids = {json.loads(line)["id"] for line in open(HERE / "candidates.jsonl", encoding="utf-8")}
    with open(HERE / "queries.jsonl", "w", encoding="utf-8") as q, open(HERE / "gold.jsonl", "w", encoding="utf-8") as g:
        for qid, lang, prefer, text, parts in NEEDS:
            q.write(json.dumps({"id": qid, "text": text, **FUJISAWA, "languages": [lang], "prefer": prefer},
                               ensure_ascii=False) + "\n")
            gold = []
            for name, key in parts:
                rel = relevant(key, prefer)
                unknown = set(rel) - ids
                assert not unknown, (qid, unknown)
                gold.append({"name": name, "relevant": rel})
            g.write(json.dumps({"query": qid, "parts": gold}, ensure_ascii=False) + "\n")
    print(f"{len(NEEDS)} needs -> {HERE.name}/queries.jsonl, gold.jsonl")


if __name__ == "__main__":
    main()
