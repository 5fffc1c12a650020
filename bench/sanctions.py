#!/usr/bin/env python3
"""Sanctions screening benchmark: Gatehouse against RapidFuzz, on OFAC's SDN list and on a
synthetic list of 1,000,000 names.

Run from the repository root:

    python3 bench/sanctions.py            # full run (OFAC list, then the 1M-name list)
    python3 bench/sanctions.py --quick    # OFAC list only
    python3 bench/sanctions.py --json out.json

What it does (see bench/README.md, "Sanctions screening", for figures):

1. Reads OFAC's sdn.csv and alt.csv from ../shared/data/sanctions (relative to the repo root).
2. Builds a labelled query set with a fixed seed: true queries (a listed name as printed, an
   alias, the name in natural order, one typo, a dropped middle name, a transliteration
   variant), each labelled with its ent_num, and negatives (common names of many cultures
   that are not on the list).
3. Imports sdn/alt/add.csv into a fresh Gatehouse data directory and runs
   `gatehouse sanctions screen --batch --timings --limit 5 --threshold T` (T defaults to 0.8,
   the configured default, passed explicitly).
4. Runs RapidFuzz `process.extract` (limit 5) over the same normalised names and aliases,
   picks the scorer (WRatio, token_sort_ratio, token_set_ratio) and cutoff that give the best
   recall with no more false hits than Gatehouse, and times it query by query.
5. Unless --quick: writes 1,000,000 synthetic person names as FollowTheMoney JSON lines,
   imports them with the OFAC files into a second data directory, reruns Gatehouse on all
   queries and RapidFuzz on a subset (--rf-subset true + negative queries).

Python 3.11, standard library and rapidfuzz only. Temporary directories are removed at exit.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO / ".." / "shared" / "data" / "sanctions").resolve()
DEFAULT_BINARY = REPO / "target" / "release" / "gatehouse"
CONFIGURED_THRESHOLD = 0.8  # [sanctions] threshold default (matcher::DEFAULT_THRESHOLD)


def die(message: str) -> None:
    print(f"sanctions.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# OFAC files


def read_text(path: Path) -> str:
    """UTF-8 where the file is UTF-8, else Latin-1 byte by byte (as Gatehouse reads them)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def ofac_rows(path: Path):
    for row in csv.reader(io.StringIO(read_text(path), newline="")):
        if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
            continue
        yield [field.strip() for field in row]


def ofac_value(field: str) -> str | None:
    field = field.strip()
    return None if field in ("", "-0-") else field


def load_ofac(data: Path) -> dict[str, dict]:
    """ent_num -> {"name", "type" (individual|entity|vessel|aircraft), "aliases": [...]}."""
    entities: dict[str, dict] = {}
    for row in ofac_rows(data / "sdn.csv"):
        if len(row) < 3:
            continue
        name = ofac_value(row[1])
        if not name:
            continue
        entities[row[0]] = {
            "name": name,
            "type": ofac_value(row[2]) or "entity",
            "aliases": [],
        }
    for row in ofac_rows(data / "alt.csv"):
        if len(row) < 4 or row[0] not in entities:
            continue
        alias = ofac_value(row[3])
        if alias and alias != entities[row[0]]["name"]:
            entities[row[0]]["aliases"].append(alias)
    return entities


# ---------------------------------------------------------------------------------------------
# Normalisation (the simple one RapidFuzz gets; Gatehouse normalises on its own)

_APOSTROPHES = re.compile(r"['`´‘’ʻʼ]")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Upper case, diacritics and punctuation stripped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def token_key(text: str) -> tuple[str, ...]:
    return tuple(sorted(normalise(text).split()))


def natural_order(entity: dict, name: str | None = None) -> str:
    """An individual's `SURNAME, Given` as an applicant writes it: `Given Surname`."""
    name = name or entity["name"]
    if entity["type"] == "individual" and "," in name:
        surname, given = (part.strip() for part in name.split(",", 1))
        if given:
            return f"{given} {surname.title()}"
    return name


# ---------------------------------------------------------------------------------------------
# Query variations

ARABIC_VARIANTS = [
    ["MUHAMMAD", "MOHAMMED", "MOHAMED", "MOHAMMAD", "MUHAMMED", "MOHAMAD"],
    ["AHMAD", "AHMED"],
    ["ABDUL", "ABDEL", "ABDOUL", "ABDAL"],
    ["ABDULLAH", "ABDALLAH", "ABDULLA"],
    ["ABU", "ABOU"],
    ["HUSSEIN", "HUSAYN", "HUSSAIN", "HOSSEIN", "HUSAIN"],
    ["HASAN", "HASSAN"],
    ["YUSUF", "YOUSSEF", "YOUSEF", "YUSSUF"],
    ["USAMA", "OSAMA"],
    ["UMAR", "OMAR"],
    ["MUSTAFA", "MOSTAFA", "MUSTAPHA"],
    ["MAHMUD", "MAHMOUD", "MAHMOOD"],
    ["KHALID", "KHALED"],
    ["IBRAHIM", "EBRAHIM"],
    ["ISMAIL", "ESMAIL", "ISMAEL"],
    ["SULEIMAN", "SULAYMAN", "SOLEIMAN", "SULAIMAN"],
    ["MUSA", "MOUSA", "MOUSSA"],
    ["HAMID", "HAMED"],
    ["RASHID", "RACHID", "RASHEED"],
    ["SAEED", "SAID"],
    ["JAMAL", "GAMAL"],
    ["JAAFAR", "JAFAR", "JAFFAR"],
    ["FARUQ", "FAROUK", "FAROOQ"],
    ["QASIM", "KASSEM", "QASSEM", "KASIM"],
    ["ZAYD", "ZAID", "ZEID"],
    ["AYMAN", "AIMAN"],
    ["YAHYA", "YEHIA", "YAHIA"],
    ["MAJID", "MAJEED", "MAGED"],
    ["NASIR", "NASSER", "NASER"],
    ["SALIH", "SALEH"],
    ["BIN", "BEN", "IBN"],
    ["HAJJ", "HAJ", "HAJI", "HADJI"],
    ["SHAYKH", "SHEIKH", "SHAIKH"],
    ["WALID", "WALEED"],
    ["KHALIL", "KHALEEL"],
    ["KARIM", "KAREEM"],
    ["AMIN", "AMEEN"],
    ["HAFIZ", "HAFEZ"],
    ["ALI", "ALY"],
    ["ABBAS", "ABAS"],
    ["JALIL", "JALEEL"],
    ["HAYDAR", "HAIDAR", "HAIDER"],
]
ARABIC_INDEX = {spelling: group for group in ARABIC_VARIANTS for spelling in group}

SLAVIC_ENDINGS = (
    "OV", "OVA", "EV", "EVA", "IN", "INA", "SKY", "SKIY", "SKII", "SKI", "SKAYA", "ENKO",
    "CHUK", "YUK", "UK", "ICH", "OVICH", "EVICH", "OVNA", "EVNA", "YEV", "YEVA",
)

# (pattern, replacements): applied to one upper-case token.
SLAVIC_RULES = [
    (r"^YE", ["E", "JE", "IE"]),
    (r"^YU", ["IU", "JU"]),
    (r"^YA", ["IA", "JA"]),
    (r"(?<=[AEIOU])YA", ["IA", "JA"]),
    (r"(?<=[AEIOU])YU", ["IU", "JU"]),
    (r"IY$", ["I", "Y", "IJ", "II"]),
    (r"YY$", ["Y", "II"]),
    (r"SKIY$", ["SKI", "SKY", "SKIJ"]),
    (r"EY$", ["EI", "EJ"]),
    (r"AY$", ["AI", "AJ"]),
    (r"KH", ["H", "CH"]),
    (r"ZH", ["J", "Z", "ZJ"]),
    (r"TS", ["C", "TZ"]),
    (r"SHCH", ["SCH", "SHTCH"]),
    (r"OV$", ["OW", "OFF"]),
    (r"EV$", ["EW", "EFF"]),
    (r"^E(?=[VLK])", ["YE"]),
    (r"KS", ["X"]),
]


def match_case(template: str, text: str) -> str:
    if template.isupper():
        return text.upper()
    if template[:1].isupper():
        return text.capitalize()
    return text.lower()


def transliterations(name: str) -> list[str]:
    """Every single-step transliteration variant of `name` (tokens split on spaces)."""
    tokens = name.split()
    out = []
    slavic = any(
        normalise(t).endswith(SLAVIC_ENDINGS) for t in tokens if len(normalise(t)) >= 5
    )
    for i, token in enumerate(tokens):
        up = normalise(token)
        if not up:
            continue
        trail = re.search(r"[,;.]*$", token).group(0)  # `SURNAME,` keeps its comma
        # Arabic romanisations.
        for spelling in ARABIC_INDEX.get(up, []):
            if spelling != up:
                out.append(tokens[:i] + [match_case(token, spelling) + trail] + tokens[i + 1 :])
        # AL-/EL- prefixes: dropped, swapped, written together.
        m = re.match(r"^(AL|EL)[-' ](.+)$", token, re.IGNORECASE)
        if m:
            prefix, rest = m.group(1), m.group(2)
            other = "El" if prefix.upper() == "AL" else "Al"
            out.append(tokens[:i] + [rest] + tokens[i + 1 :])
            out.append(tokens[:i] + [match_case(prefix, other) + "-" + rest] + tokens[i + 1 :])
            out.append(tokens[:i] + [match_case(token, prefix + rest)] + tokens[i + 1 :])
        elif up in ("AL", "EL") and 0 < i < len(tokens) - 1:
            out.append(tokens[:i] + tokens[i + 1 :])
        # Slavic romanisations (Y/I/J, KH/H, ZH/J, -OV/-OW ...).
        if slavic and len(up) >= 3 and token.rstrip(",;.").isalpha():
            for pattern, replacements in SLAVIC_RULES:
                if re.search(pattern, up):
                    for replacement in replacements:
                        new = re.sub(pattern, replacement, up, count=1)
                        if new != up:
                            out.append(
                                tokens[:i] + [match_case(token, new) + trail] + tokens[i + 1 :]
                            )
    seen, result = set(), []
    for variant in out:
        text = " ".join(variant)
        if normalise(text) != normalise(name) and text not in seen:
            seen.add(text)
            result.append(text)
    return result


LETTERS = "ABCDEFGHIJKLMNOPRSTUVWY"


def typo(name: str, rng: random.Random) -> str | None:
    """One substituted, deleted or inserted letter in a token of at least 5 letters."""
    tokens = name.split()
    candidates = [i for i, t in enumerate(tokens) if t.isalpha() and len(t) >= 5]
    if not candidates:
        return None
    i = rng.choice(candidates)
    token = tokens[i]
    pos = rng.randrange(1, len(token))  # keep the first letter, as most typos do
    op = rng.choice(["substitute", "delete", "insert"])
    letter = rng.choice([c for c in LETTERS if c != token[pos].upper()])
    letter = letter if token[pos].isupper() else letter.lower()
    if op == "substitute":
        token = token[:pos] + letter + token[pos + 1 :]
    elif op == "delete":
        token = token[:pos] + token[pos + 1 :]
    else:
        token = token[:pos] + letter + token[pos:]
    return " ".join(tokens[:i] + [token] + tokens[i + 1 :])


def drop_middle(entity: dict, rng: random.Random) -> str | None:
    """Natural order without one middle (given, not first) name; needs 3 tokens or more."""
    name = entity["name"]
    if entity["type"] != "individual" or "," not in name:
        return None
    surname, given = (part.strip() for part in name.split(",", 1))
    given_tokens = given.split()
    if len(given_tokens) < 2 or len(given_tokens) + len(surname.split()) < 3:
        return None
    drop = rng.randrange(1, len(given_tokens))
    kept = given_tokens[:drop] + given_tokens[drop + 1 :]
    return f"{' '.join(kept)} {surname.title()}"


# ---------------------------------------------------------------------------------------------
# Names that are not on the list: common given names and surnames of many cultures.

CULTURES = {
    "english": (
        "James John Robert Michael William David Richard Joseph Thomas Charles Mary Patricia "
        "Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Emily Oliver Harry Jack "
        "George Amelia Olivia Isla Grace Sophie Daniel Matthew Andrew Peter Helen Laura",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
        "Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
        "Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Turner "
        "Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Hughes",
    ),
    "spanish": (
        "Jose Juan Luis Carlos Jorge Pedro Miguel Alejandro Fernando Francisco Javier Diego "
        "Pablo Sergio Manuel Maria Carmen Ana Laura Isabel Lucia Sofia Elena Rosa Marta "
        "Andrea Paula Gabriela Valentina Camila Ricardo Eduardo Rafael Andres Mateo",
        "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres "
        "Flores Rivera Gomez Diaz Cruz Morales Reyes Gutierrez Ortiz Jimenez Ruiz Alvarez "
        "Castillo Romero Vargas Mendoza Herrera Medina Aguilar Vega Castro Navarro Moreno "
        "Delgado Ramos Fuentes Iglesias Cabrera",
    ),
    "arabic": (
        "Ahmed Mohammed Ali Omar Hassan Hussein Khalid Youssef Ibrahim Mahmoud Tariq Karim "
        "Samir Nabil Walid Faisal Hamza Bilal Rami Ziad Fatima Aisha Mariam Layla Noor "
        "Huda Salma Rania Yasmin Amira Nadia Leila Hana Sara Zainab Adel Majed Fadi Bassam",
        "Haddad Khoury Nasser Saleh Mansour Hamdan Darwish Aziz Farouk Sharif Qureshi Habib "
        "Jaber Suleiman Shalabi Barakat Abboud Hijazi Karam Mustafa Naim Obeid Rahal Sabbagh "
        "Tahan Zaher Badawi Ghanem Hamoud Jamil Kassab Masri Najjar Othman Sayegh Tamimi "
        "Zayed Bitar Attar",
    ),
    "persian": (
        "Reza Ali Mehdi Hossein Amir Saeed Hamid Majid Dariush Kourosh Babak Farhad Arash "
        "Behrouz Navid Parisa Maryam Shirin Roya Leila Nasrin Azadeh Mina Fereshteh Golnar "
        "Sima Yasaman Niloufar Omid Kamran",
        "Ahmadi Hosseini Mohammadi Rezaei Moradi Karimi Jafari Rahimi Hashemi Kazemi Sadeghi "
        "Ebrahimi Ghorbani Salehi Amiri Mousavi Tehrani Shirazi Esfahani Farahani Najafi "
        "Bagheri Zamani Yazdani Rostami Abbasi Heydari Navabi Parsa Sharifi",
    ),
    "russian": (
        "Ivan Dmitry Sergey Alexander Alexey Andrei Mikhail Nikolai Pavel Vladimir Yuri "
        "Boris Oleg Igor Maxim Anna Olga Tatiana Natalia Elena Irina Svetlana Ekaterina "
        "Marina Yulia Ksenia Daria Anastasia Vera Galina Konstantin Roman Artem Denis Ilya",
        "Ivanov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Volkov "
        "Solovyov Vasiliev Zaitsev Pavlov Semenov Golubev Vinogradov Bogdanov Vorobiev "
        "Fedorov Mikhailov Belyaev Tarasov Belov Komarov Orlov Kiselev Makarov Andreev "
        "Kovalev Ilyin Gusev Titov Kuzmin Kudryavtsev Baranov Kulikov Alekseev Stepanov",
    ),
    "ukrainian_polish": (
        "Oleksandr Andriy Taras Bohdan Mykola Yaroslav Vasyl Petro Oksana Olena Iryna "
        "Halyna Nataliya Piotr Krzysztof Tomasz Pawel Marcin Agnieszka Katarzyna Magdalena "
        "Malgorzata Joanna Grzegorz Wojciech Lukasz",
        "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Oliynyk Melnyk Boyko Lysenko "
        "Marchenko Rudenko Savchenko Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski "
        "Lewandowski Zielinski Szymanski Wozniak Dabrowski Kozlowski Jankowski Mazur "
        "Krawczyk Piotrowski",
    ),
    "chinese": (
        "Wei Fang Min Jing Li Lei Jun Yan Hui Ying Xin Hao Yu Jie Qiang Ping Tao Ming Hua "
        "Lan Xiaoming Jianguo Zhiwei Xiuying Guiying Yufang Haiyan Chunmei Dongmei Lihua",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin "
        "Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan",
    ),
    "indian": (
        "Rahul Amit Sanjay Rajesh Vijay Suresh Anil Sunil Ravi Arjun Vikram Rohan Aditya "
        "Priya Anjali Pooja Neha Sunita Kavita Deepa Lakshmi Meera Asha Divya Ananya Kiran "
        "Manoj Ramesh Ashok Deepak",
        "Sharma Patel Singh Kumar Gupta Reddy Rao Iyer Nair Menon Joshi Mehta Shah Desai "
        "Chopra Malhotra Kapoor Verma Agarwal Banerjee Chatterjee Mukherjee Das Bose Pillai "
        "Naidu Bhat Kulkarni Jain Sinha Mishra Pandey Tiwari Saxena Chauhan",
    ),
    "german": (
        "Hans Peter Klaus Jurgen Wolfgang Stefan Andreas Michael Thomas Matthias Lukas "
        "Felix Jonas Maximilian Ursula Monika Sabine Petra Claudia Anja Katrin Julia Lena "
        "Hannah Leonie",
        "Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
        "Schafer Koch Bauer Richter Klein Wolf Schroder Neumann Schwarz Zimmermann Braun "
        "Kruger Hofmann Hartmann Lange Schmitt Werner Krause Lehmann Kohler",
    ),
    "french": (
        "Jean Pierre Michel Philippe Alain Nicolas Christophe Sebastien Julien Antoine "
        "Mathieu Francois Marie Nathalie Isabelle Sylvie Catherine Celine Camille Chloe "
        "Manon Juliette Amelie Claire Aurelie",
        "Martin Bernard Dubois Durand Lefebvre Leroy Moreau Simon Laurent Michel Garcia "
        "David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert "
        "Bonnet Francois Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel",
    ),
    "turkish": (
        "Mehmet Mustafa Ahmet Ali Huseyin Hasan Ibrahim Ismail Osman Yusuf Murat Emre "
        "Burak Serkan Kemal Ayse Fatma Emine Hatice Zeynep Elif Merve Esra Ozlem Derya",
        "Yilmaz Kaya Demir Sahin Celik Yildiz Yildirim Ozturk Aydin Ozdemir Arslan Dogan "
        "Kilic Aslan Cetin Kara Koc Kurt Ozkan Simsek Polat Korkmaz Erdogan Aksoy Tekin",
    ),
    "west_african": (
        "Chinedu Emeka Oluwaseun Adebayo Babatunde Kwame Kofi Yaw Ibrahima Mamadou Moussa "
        "Ousmane Abdoulaye Amadou Ngozi Chiamaka Folake Adaeze Aminata Fatou Awa Adjoa Ama "
        "Abena Yetunde",
        "Okafor Okonkwo Adeyemi Adebayo Oyelaran Nwosu Eze Obi Balogun Ogunleye Mensah "
        "Asante Owusu Boateng Appiah Diallo Traore Keita Coulibaly Toure Konate Camara Sow "
        "Ndiaye Diop Fall Sarr Cisse",
    ),
    "japanese_korean_vietnamese": (
        "Hiroshi Takashi Kenji Yuki Haruto Sota Akira Naoko Yoko Keiko Sakura Aoi Minjun "
        "Seojun Jiho Minseo Jiwoo Seoyeon Hyun Jisoo Anh Minh Tuan Hoa Lan Huong Thanh Duc",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
        "Yoshida Yamada Sasaki Kim Lee Park Choi Jung Kang Cho Yoon Jang Nguyen Tran Le "
        "Pham Hoang Phan Vu Dang Bui Do",
    ),
    "italian_greek_portuguese": (
        "Giuseppe Giovanni Antonio Mario Luigi Francesco Marco Alessandro Paolo Giulia "
        "Francesca Chiara Sara Valentina Georgios Dimitrios Konstantinos Nikolaos Eleni "
        "Maria Katerina Joao Tiago Rui Beatriz Ines",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
        "Gallo Conti Costa Giordano Papadopoulos Papadakis Georgiou Nikolaidis Pappas "
        "Silva Santos Ferreira Pereira Oliveira Rodrigues Almeida Carvalho Sousa",
    ),
}


def negative_queries(count: int, list_keys: set, rng: random.Random) -> list[str]:
    """Plausible names combined from the pools, none equal (in any token order) to a listed
    name or alias."""
    pools = [(given.split(), surnames.split()) for given, surnames in CULTURES.values()]
    out, seen = [], set()
    while len(out) < count:
        given, surnames = rng.choice(pools)
        first, last = rng.choice(given), rng.choice(surnames)
        middle = rng.choice(given) if rng.random() < 0.2 else None
        if middle == first:
            continue
        parts = [first] + ([middle] if middle else []) + [last]
        if rng.random() < 0.15:
            name = f"{last.upper()}, {' '.join(parts[:-1])}"
        else:
            name = " ".join(parts)
        key = token_key(name)
        if key in seen or key in list_keys:
            continue
        seen.add(key)
        out.append(name)
    return out


# ---------------------------------------------------------------------------------------------
# The labelled query set

TRUE_MIX = [  # (variation, individuals, others)
    ("as_listed", 60, 30),
    ("alias", 30, 10),
    ("natural_order", 100, 0),
    ("one_typo", 100, 30),
    ("middle_dropped", 90, 0),
    ("transliterated", 140, 10),
]


def true_queries(entities: dict[str, dict], rng: random.Random) -> list[dict]:
    individuals = sorted((k for k, e in entities.items() if e["type"] == "individual"), key=int)
    others = sorted((k for k, e in entities.items() if e["type"] != "individual"), key=int)
    out = []

    def make(variation: str, ent_num: str) -> str | None:
        e = entities[ent_num]
        if variation == "as_listed":
            return e["name"]
        if variation == "alias":
            return rng.choice(e["aliases"]) if e["aliases"] else None
        if variation == "natural_order":
            name = natural_order(e)
            return name if name != e["name"] else None
        if variation == "one_typo":
            return typo(natural_order(e), rng)
        if variation == "middle_dropped":
            return drop_middle(e, rng)
        if variation == "transliterated":
            base = e["name"] if rng.random() < 0.3 else natural_order(e)
            options = transliterations(base)
            return rng.choice(options) if options else None
        raise ValueError(variation)

    for variation, n_individuals, n_others in TRUE_MIX:
        for pool, wanted in ((individuals, n_individuals), (others, n_others)):
            order = pool[:]
            rng.shuffle(order)
            made = 0
            for ent_num in order:
                if made == wanted:
                    break
                name = make(variation, ent_num)
                if name and normalise(name):
                    out.append({"name": name, "expected": ent_num, "variation": variation})
                    made += 1
    return out


# ---------------------------------------------------------------------------------------------
# Synthetic list

SYL_ONSETS = (
    "b br ch d dr f g gr h j k kh kr l m n p pr r s sh st t tr v vl y z zh "
    "b d g k l m n r s t v"
).split()
SYL_VOWELS = "a e i o u a e i o ia ai ou ei ya au".split()
SYL_CODAS = [""] * 6 + "n r l s m k t sh v d".split()
SURNAME_SUFFIXES = (
    "ov ova enko ski sky son sen man er ez es elli ini ian yan oglu zadeh i ashvili idze "
    "escu ic ovic berg stein wala kar nez ard et ou ing ang ani awi aoui ides akis"
).split()
GIVEN_SUFFIXES = "a o an in el io ia ar im ek us ine ette ik".split() + [""] * 4


def pseudo_tokens(count: int, suffixes: list[str], rng: random.Random, taken: set) -> list[str]:
    out = []
    while len(out) < count:
        stem = "".join(
            rng.choice(SYL_ONSETS) + rng.choice(SYL_VOWELS)
            for _ in range(rng.choice((1, 2, 2, 2, 3)))
        ) + rng.choice(SYL_CODAS)
        token = (stem + rng.choice(suffixes)).upper()
        if 4 <= len(token) <= 13 and token not in taken:
            taken.add(token)
            out.append(token)
    return out


def synthetic_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct person names: given name(s) and surname, mostly from generated pools
    (8,000 given names, 40,000 surnames), one token in eight from the common-name pools."""
    common_given = sorted({g for given, _ in CULTURES.values() for g in given.split()})
    common_surnames = sorted({s for _, surnames in CULTURES.values() for s in surnames.split()})
    taken = {t.upper() for t in common_given + common_surnames}
    gen_given = [t.title() for t in pseudo_tokens(8000, GIVEN_SUFFIXES, rng, taken)]
    gen_surnames = [t.title() for t in pseudo_tokens(40000, SURNAME_SUFFIXES, rng, taken)]

    def pick(common, generated):
        return rng.choice(common) if rng.random() < 0.125 else rng.choice(generated)

    names, seen = [], set()
    while len(names) < count:
        parts = [pick(common_given, gen_given)]
        if rng.random() < 0.3:
            parts.append(pick(common_given, gen_given))
        parts.append(pick(common_surnames, gen_surnames))
        name = " ".join(parts)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def write_ftm(path: Path, names: list[str]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i, name in enumerate(names):
            f.write(
                json.dumps(
                    {
                        "id": f"syn-{i:07d}",
                        "schema": "Person",
                        "datasets": ["synthetic"],
                        "properties": {"name": [name]},
                    },
                    separators=(",", ":"),
                )
            )
            f.write("\n")


# ---------------------------------------------------------------------------------------------
# Gatehouse


class Gatehouse:
    def __init__(self, binary: Path, data_dir: Path):
        self.binary = binary
        self.data_dir = data_dir
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
        self.env["GATEHOUSE_DATA_DIR"] = str(data_dir)

    def run(self, args: list[str], stdout) -> tuple[float, float]:
        """Runs the binary; returns (wall seconds, child CPU seconds)."""
        stderr_path = self.data_dir / "stderr.log"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with open(stderr_path, "w") as err:
            proc = subprocess.run(
                [str(self.binary), *args], env=self.env, stdout=stdout, stderr=err
            )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            tail = stderr_path.read_text(errors="replace")[-3000:]
            die(f"`gatehouse {' '.join(args[:3])} ...` failed ({proc.returncode}):\n{tail}")
        return wall, cpu

    def import_lists(self, fmt: str, paths: list[Path]) -> dict:
        out_path = self.data_dir / "import.out"
        with open(out_path, "w") as out:
            wall, cpu = self.run(
                ["sanctions", "import", "--format", fmt, *map(str, paths)], out
            )
        versions = [json.loads(l) for l in out_path.read_text().splitlines() if l.strip()]
        return {"wall_s": wall, "cpu_s": cpu, "versions": versions}

    def screen(self, queries: list[dict], threshold: float, limit: int, repeats: int) -> dict:
        """`repeats` runs of the batch: each query's time is its median over the runs, the
        process wall clock and CPU time the medians too (the hits must not change)."""
        runs = [self._screen_once(queries, threshold, limit) for _ in range(repeats)]
        return combine_runs(runs)

    def _screen_once(self, queries: list[dict], threshold: float, limit: int) -> dict:
        batch = self.data_dir / "queries.jsonl"
        with open(batch, "w", encoding="utf-8") as f:
            for q in queries:
                line = {"name": q["name"], "expected_entity_id": q["expected"]}
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        out_path = self.data_dir / "screen.out"
        args = ["sanctions", "screen", "--batch", str(batch), "--timings"]
        args += ["--limit", str(limit), "--threshold", str(threshold)]
        with open(out_path, "w") as out:
            wall, cpu = self.run(args, out)
        lines = [json.loads(l) for l in out_path.read_text().splitlines() if l.strip()]
        if len(lines) != len(queries):
            die(f"gatehouse printed {len(lines)} result lines for {len(queries)} queries")
        results = []
        for line in lines:
            hits = [(h["entity_id"], h["score"], h.get("matched_name", "")) for h in line["hits"]]
            results.append({"hits": hits, "seconds": line["elapsed_us"] / 1e6})
        return {"results": results, "wall_s": wall, "cpu_s": cpu}


def combine_runs(runs: list[dict]) -> dict:
    first = runs[0]["results"]
    for run in runs[1:]:
        if [r["hits"] for r in run["results"]] != [r["hits"] for r in first]:
            die("results differ between repeated runs of the same queries")
    results = [
        {"hits": r["hits"], "seconds": median([run["results"][i]["seconds"] for run in runs])}
        for i, r in enumerate(first)
    ]
    combined = {"results": results, "repeats": len(runs)}
    for key in ("wall_s", "cpu_s"):
        if key in runs[0]:
            combined[key] = median([run[key] for run in runs])
    return combined


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# ---------------------------------------------------------------------------------------------
# RapidFuzz


class Choices:
    """Normalised names (primary names and aliases) and the entity each belongs to."""

    def __init__(self):
        self.names: list[str] = []
        self.owner: list[str] = []

    def add(self, name: str, owner: str) -> None:
        n = normalise(name)
        if n:
            self.names.append(n)
            self.owner.append(owner)


def rapidfuzz_run(queries, choices: Choices, scorer, cutoff: float, limit: int) -> list[dict]:
    from rapidfuzz import process

    results = []
    extract, names, owner = process.extract, choices.names, choices.owner
    for q in queries:
        started = time.perf_counter()
        found = extract(
            normalise(q["name"]), names, scorer=scorer, limit=limit,
            score_cutoff=cutoff, processor=None,
        )
        seconds = time.perf_counter() - started
        hits = [(owner[i], score / 100.0, names[i]) for _, score, i in found]
        results.append({"hits": hits, "seconds": seconds})
    return results


def at_cutoff(results: list[dict], cutoff: float) -> list[dict]:
    """The same results had `cutoff` (0-1) been the score cutoff: top-k stays top-k."""
    return [
        {"hits": [h for h in r["hits"] if h[1] >= cutoff - 1e-9], "seconds": r["seconds"]}
        for r in results
    ]


# ---------------------------------------------------------------------------------------------
# Metrics


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def evaluate(queries: list[dict], results: list[dict]) -> dict:
    true_n = recalled = neg_n = false_hits = 0
    by_variation: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q, r in zip(queries, results):
        ids = {h[0] for h in r["hits"]}
        if q["expected"] is None:
            neg_n += 1
            false_hits += bool(ids)
        else:
            true_n += 1
            ok = q["expected"] in ids
            recalled += ok
            by_variation[q["variation"]][0] += ok
            by_variation[q["variation"]][1] += 1
    seconds = [r["seconds"] for r in results]
    total = sum(seconds)
    return {
        "true_queries": true_n,
        "negative_queries": neg_n,
        "recalled": recalled,
        "recall": recalled / true_n if true_n else float("nan"),
        "false_hits": false_hits,
        "false_hits_per_1000": 1000 * false_hits / neg_n if neg_n else float("nan"),
        "p50_ms": percentile(seconds, 50) * 1e3,
        "p99_ms": percentile(seconds, 99) * 1e3,
        "queries_per_s": len(results) / total if total else float("nan"),
        "recall_by_variation": {
            v: {"recalled": a, "of": b} for v, (a, b) in sorted(by_variation.items())
        },
    }


def sweep(queries, results, cutoffs) -> list[tuple[float, dict]]:
    return [(c, evaluate(queries, at_cutoff(results, c / 100))) for c in cutoffs]


def choose_cutoff(swept, max_false_hits: int):
    """Lowest cutoff (best recall) whose false hits do not exceed `max_false_hits`."""
    for cutoff, m in swept:  # ascending cutoffs: recall falls, false hits fall
        if m["false_hits"] <= max_false_hits:
            return cutoff, m
    return swept[-1]


# ---------------------------------------------------------------------------------------------
# Reporting


def fmt_row(tool: str, m: dict, qps_key: str = "queries_per_s") -> str:
    return (
        f"{tool:<40} {m['recall']:>7.3f} {m['recalled']:>5}/{m['true_queries']:<5}"
        f"{m['false_hits_per_1000']:>9.1f} {m['false_hits']:>4}/{m['negative_queries']:<5}"
        f"{m['p50_ms']:>9.3f} {m['p99_ms']:>9.3f} {m[qps_key]:>11,.0f}"
    )


HEADER = (
    f"{'tool':<40} {'recall':>7} {'(n)':>11}{'FH/1000':>9} {'(n)':>10}"
    f"{'p50 ms':>9} {'p99 ms':>9} {'queries/s':>11}"
)


def print_table(title: str, rows: list[tuple[str, dict]], notes: list[str]) -> None:
    print()
    print(f"== {title} ==")
    print(HEADER)
    print("-" * len(HEADER))
    for tool, m in rows:
        print(fmt_row(tool, m))
    for note in notes:
        print(f"  {note}")


def print_variations(rows: list[tuple[str, dict]]) -> None:
    variations = sorted({v for _, m in rows for v in m["recall_by_variation"]})
    print(f"  recall by variation: {'':<6}" + "".join(f"{v:>16}" for v in variations))
    for tool, m in rows:
        cells = []
        for v in variations:
            r = m["recall_by_variation"].get(v)
            cells.append(f"{r['recalled']:>9}/{r['of']:<3} " if r else f"{'-':>13}")
        print(f"  {tool:<27}" + "".join(f"{c:>16}" for c in cells))


def misses(queries, gh_results, rf_results, entities, limit=12) -> list[dict]:
    out = []
    for q, g, r in zip(queries, gh_results, rf_results):
        if q["expected"] is None:
            continue
        g_ids = {h[0] for h in g["hits"]}
        r_hit = next((h for h in r["hits"] if h[0] == q["expected"]), None)
        if q["expected"] not in g_ids and r_hit:
            out.append(
                {
                    "query": q["name"],
                    "variation": q["variation"],
                    "expected": q["expected"],
                    "listed_name": entities[q["expected"]]["name"]
                    if q["expected"] in entities
                    else "",
                    "rapidfuzz_matched": r_hit[2],
                    "rapidfuzz_score": round(r_hit[1] * 100, 1),
                    "gatehouse_hits": [(h[0], h[1]) for h in g["hits"]],
                }
            )
    return out[:limit] if limit else out


def false_hit_kinds(queries: list[dict], results: list[dict], synthetic_prefix: str) -> dict:
    """Negatives with a hit, by their best hit: on the synthetic or the OFAC list, and whether
    that name holds every token of the query (the query is the listed name less a name)."""
    kinds: Counter = Counter()
    for q, r in zip(queries, results):
        if q["expected"] is not None or not r["hits"]:
            continue
        owner, _, matched = r["hits"][0]
        where = "synthetic" if owner.startswith(synthetic_prefix) else "ofac"
        inside = Counter(normalise(q["name"]).split()) <= Counter(normalise(matched).split())
        kinds[f"{where}, {'query tokens all in hit' if inside else 'other'}"] += 1
    return dict(sorted(kinds.items()))


def false_hits(queries: list[dict], results: list[dict]) -> list[tuple[str, str, float]]:
    return [(q["name"], r["hits"][0][2], r["hits"][0][1])
            for q, r in zip(queries, results) if q["expected"] is None and r["hits"]]


def print_false_hits(tool: str, rows: list, show: int = 8) -> None:
    if rows:
        print(f"  {tool} false hits (query -> best hit, score), first {min(show, len(rows))}:")
        for query, hit, score in rows[:show]:
            print(f"    {query!r} -> {hit!r} {score:.3f}")


def print_misses(title: str, rows: list[dict], show: int) -> None:
    print(f"  {title}: {len(rows)}" + (f" (first {min(len(rows), show)}):" if rows and show < len(rows) else (":" if rows else "")))
    for m in rows[:show]:
        rf = (f"rapidfuzz {m['rapidfuzz_score']} on {m['rapidfuzz_matched']!r}"
              if m.get("rapidfuzz_matched") else "rapidfuzz misses it too")
        print(f"    [{m['variation']}] {m['query']!r} -> ent {m['expected']} "
              f"{m['listed_name']!r}; {rf}; gatehouse top hits {m['gatehouse_hits'][:3]}")


def all_misses(queries, gh_results, rf_results, entities) -> list[dict]:
    """True queries Gatehouse misses, with what RapidFuzz made of them."""
    out = []
    for q, g, r in zip(queries, gh_results, rf_results):
        if q["expected"] is None or q["expected"] in {h[0] for h in g["hits"]}:
            continue
        r_hit = next((h for h in r["hits"] if h[0] == q["expected"]), None)
        out.append({
            "query": q["name"], "variation": q["variation"], "expected": q["expected"],
            "listed_name": entities.get(q["expected"], {}).get("name", ""),
            "rapidfuzz_matched": r_hit[2] if r_hit else None,
            "rapidfuzz_score": round(r_hit[1] * 100, 1) if r_hit else None,
            "gatehouse_hits": [(h[0], h[2], h[1]) for h in g["hits"]],
        })
    return out


def git_describe() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True,
        ).stdout.strip()
        return rev + ("+uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-name list")
    parser.add_argument("--json", metavar="OUT", type=Path, help="also write the figures here")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="sanctions data folder")
    parser.add_argument("--gatehouse", type=Path, default=DEFAULT_BINARY, help="binary")
    parser.add_argument(
        "--no-build", action="store_true",
        help="use the binary as it is (default: cargo build --release -p gatehouse-cli first)",
    )
    parser.add_argument(
        "--threshold", type=float, default=CONFIGURED_THRESHOLD,
        help="passed to `screen --threshold` (default: 0.8, the configured default)",
    )
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--negatives", type=int, default=1000)
    parser.add_argument("--synthetic-size", type=int, default=1_000_000)
    parser.add_argument(
        "--rf-subset", type=int, default=200,
        help="true and negative queries each for RapidFuzz on the synthetic list",
    )
    parser.add_argument(
        "--repeats", type=int, default=3,
        help="timed runs of each batch (Gatehouse; RapidFuzz on the OFAC list): per-query "
        "median (RapidFuzz on the synthetic list runs once)",
    )
    parser.add_argument("--show-misses", type=int, default=12)
    args = parser.parse_args()

    try:
        from rapidfuzz import fuzz, __version__ as rapidfuzz_version
    except ImportError:
        die("rapidfuzz is not installed: pip install rapidfuzz")

    data = args.data.resolve()
    needed = ["sdn.csv", "alt.csv", "add.csv"]
    missing = [n for n in needed if not (data / n).is_file()]
    if missing:
        die(
            f"sanctions data missing: {', '.join(missing)} not found in {data} "
            "(expected ../shared/data/sanctions next to the repository; see its README.md, "
            "or pass --data DIR)"
        )

    if not args.no_build:
        log("cargo build --release -p gatehouse-cli")
        build = subprocess.run(
            ["cargo", "build", "--release", "-p", "gatehouse-cli"],
            cwd=REPO, capture_output=True, text=True,
        )
        if build.returncode != 0:
            die(f"cargo build failed:\n{build.stderr[-3000:]}")
    binary = args.gatehouse.resolve()
    if not binary.is_file():
        die(f"{binary} not found: build it with `cargo build --release -p gatehouse-cli`")

    scorers = {
        "WRatio": fuzz.WRatio,
        "token_sort_ratio": fuzz.token_sort_ratio,
        "token_set_ratio": fuzz.token_set_ratio,
    }
    report: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python3", "bench/sanctions.py", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "rapidfuzz": rapidfuzz_version,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "gatehouse": {"binary": str(binary), "revision": git_describe()},
        "threshold": args.threshold,
        "threshold_source": "passed explicitly with --threshold (the configured default is 0.8)"
        if args.threshold == CONFIGURED_THRESHOLD
        else "passed explicitly with --threshold (not the configured default 0.8)",
        "seed": args.seed,
        "limit": args.limit,
    }

    rng = random.Random(args.seed)
    log(f"reading OFAC files in {data}")
    entities = load_ofac(data)
    kinds = Counter(e["type"] for e in entities.values())
    list_keys = set()
    ofac_choices = Choices()
    for ent_num, e in entities.items():
        for name in [e["name"], *e["aliases"]]:
            list_keys.add(token_key(name))
            ofac_choices.add(name, ent_num)

    trues = true_queries(entities, rng)
    negatives = [
        {"name": n, "expected": None, "variation": "negative"}
        for n in negative_queries(args.negatives, list_keys, rng)
    ]
    queries = trues + negatives
    counts = Counter(q["variation"] for q in queries)
    print(f"OFAC SDN: {len(entities):,} entities ({dict(kinds)}), "
          f"{sum(len(e['aliases']) for e in entities.values()):,} aliases; "
          f"{len(ofac_choices.names):,} normalised names for RapidFuzz")
    print(f"queries (seed {args.seed}): {len(trues)} true "
          f"({', '.join(f'{v} {counts[v]}' for v, _, _ in TRUE_MIX)}; "
          f"{sum(1 for q in trues if entities[q['expected']]['type'] == 'individual')} "
          f"of individuals), {len(negatives)} negative")
    report["queries"] = {"true": len(trues), "negative": len(negatives), "by_variation": counts}
    report["examples"] = {
        v: [q["name"] for q in queries if q["variation"] == v][:3] for v in counts
    }

    tmp_root = Path(tempfile.mkdtemp(prefix="gatehouse-sanctions-bench-"))
    try:
        # ---- OFAC list: Gatehouse --------------------------------------------------------
        gh = Gatehouse(binary, tmp_root / "ofac")
        gh.data_dir.mkdir()
        log("gatehouse: importing sdn.csv, alt.csv, add.csv")
        imported = gh.import_lists("ofac-csv", [data / n for n in needed])
        log(f"gatehouse: screening {len(queries)} queries")
        gh_run = gh.screen(queries, args.threshold, args.limit, args.repeats)
        gh_m = evaluate(queries, gh_run["results"])
        gh_m["wall_s"] = gh_run["wall_s"]
        gh_m["cpu_s"] = gh_run["cpu_s"]
        gh_m["wall_queries_per_s"] = len(queries) / gh_run["wall_s"]
        gh_m["import_s"] = imported["wall_s"]

        # ---- OFAC list: RapidFuzz sweep, then a timed run at the chosen setting ------------
        cutoffs = [x / 2 for x in range(100, 201)]  # 50.0 .. 100.0 by 0.5
        sweeps = {}
        for name, scorer in scorers.items():
            log(f"rapidfuzz: sweeping {name} (cutoff {cutoffs[0]}..{cutoffs[-1]})")
            raw = rapidfuzz_run(queries, ofac_choices, scorer, cutoffs[0], args.limit)
            swept = sweep(queries, raw, cutoffs)
            cutoff, m = choose_cutoff(swept, gh_m["false_hits"])
            sweeps[name] = {"cutoff": cutoff, "metrics": m, "raw": raw, "swept": swept}
        best = max(
            sweeps,
            key=lambda n: (sweeps[n]["metrics"]["recall"], -sweeps[n]["metrics"]["false_hits"]),
        )
        cutoff = sweeps[best]["cutoff"]
        log(f"rapidfuzz: {args.repeats} timed run(s) with {best}, cutoff {cutoff}")
        rf_results = combine_runs([
            {"results": rapidfuzz_run(queries, ofac_choices, scorers[best], cutoff, args.limit)}
            for _ in range(args.repeats)
        ])["results"]
        rf_m = evaluate(queries, rf_results)
        ratio = gh_m["queries_per_s"] / rf_m["queries_per_s"]

        print_table(
            f"OFAC SDN list ({len(entities):,} entities, {len(ofac_choices.names):,} names), "
            f"{len(trues)} true + {len(negatives)} negative queries",
            [
                (f"gatehouse (threshold {args.threshold})", gh_m),
                (f"rapidfuzz {best} cutoff {cutoff:g}", rf_m),
            ],
            [
                f"gatehouse/rapidfuzz throughput: {ratio:.1f}x "
                f"(target >= 10x; recall target: gatehouse >= rapidfuzz at no more false hits)",
                f"gatehouse queries/s is queries / sum(elapsed_us); whole batch process wall "
                f"clock {gh_m['wall_s']:.2f} s ({gh_m['wall_queries_per_s']:,.0f} queries/s "
                f"incl. start-up and index load), CPU {gh_m['cpu_s']:.2f} s; "
                f"import {gh_m['import_s']:.2f} s",
                "rapidfuzz cutoff: lowest whose false hits <= gatehouse's, per scorer; "
                "at that cutoff: "
                + "; ".join(
                    f"{n} {s['cutoff']:g} -> recall {s['metrics']['recall']:.3f}, "
                    f"FH/1000 {s['metrics']['false_hits_per_1000']:.1f}"
                    for n, s in sweeps.items()
                ),
            ],
        )
        print_variations([("gatehouse", gh_m), (f"rapidfuzz {best}", rf_m)])
        miss = misses(queries, gh_run["results"], rf_results, entities, limit=0)
        gh_all_misses = all_misses(queries, gh_run["results"], rf_results, entities)
        print_misses("true queries gatehouse misses", gh_all_misses, args.show_misses)
        reverse = misses(queries, rf_results, gh_run["results"], entities, limit=0)
        print(f"  of those, rapidfuzz finds {len(miss)}; true queries rapidfuzz misses and "
              f"gatehouse finds: {len(reverse)}")
        gh_fh = false_hits(queries, gh_run["results"])
        print_false_hits("gatehouse", gh_fh)

        fh_kinds = {
            "gatehouse": false_hit_kinds(queries, gh_run["results"], "syn-"),
            "rapidfuzz": false_hit_kinds(queries, rf_results, "syn-"),
        }
        print(f"  false hits by best hit: gatehouse {fh_kinds['gatehouse']}; "
              f"rapidfuzz {fh_kinds['rapidfuzz']}")

        report["ofac"] = {
            "false_hits_by_kind": fh_kinds,
            "entities": len(entities),
            "names": len(ofac_choices.names),
            "gatehouse": gh_m,
            "gatehouse_import": imported,
            "rapidfuzz": {"scorer": best, "cutoff": cutoff, **rf_m},
            "rapidfuzz_scorers": {
                n: {"cutoff": s["cutoff"], "recall": s["metrics"]["recall"],
                    "false_hits_per_1000": s["metrics"]["false_hits_per_1000"],
                    "sweep": [
                        {"cutoff": c, "recall": round(m["recall"], 4),
                         "false_hits_per_1000": m["false_hits_per_1000"]}
                        for c, m in s["swept"] if c % 5 == 0
                    ]}
                for n, s in sweeps.items()
            },
            "throughput_ratio": ratio,
            "gatehouse_misses": gh_all_misses,
            "gatehouse_misses_rapidfuzz_finds": len(miss),
            "rapidfuzz_misses_gatehouse_finds": len(reverse),
            "gatehouse_false_hits": gh_fh,
        }
        shutil.rmtree(gh.data_dir, ignore_errors=True)

        # ---- Synthetic 1,000,000-name list -----------------------------------------------
        if not args.quick:
            n = args.synthetic_size
            log(f"synthetic list: generating {n:,} names")
            syn_rng = random.Random(args.seed + 1)
            names = synthetic_names(n, syn_rng)
            syn_dir = tmp_root / "synthetic"
            syn_dir.mkdir()
            ftm_path = syn_dir / "synthetic.ftm.json"
            write_ftm(ftm_path, names)
            big = Choices()
            for i, name in enumerate(names):
                big.add(name, f"syn-{i:07d}")
            big.names += ofac_choices.names
            big.owner += ofac_choices.owner
            syn_keys = {tuple(sorted(nm.split())) for nm in big.names[: len(names)]}
            kept_neg = [q for q in negatives if token_key(q["name"]) not in syn_keys]
            dropped = len(negatives) - len(kept_neg)
            syn_queries = trues + kept_neg
            print()
            print(f"synthetic list: {n:,} generated person names "
                  f"({ftm_path.stat().st_size / 1e6:.0f} MB FtM JSON lines) + the OFAC files; "
                  f"{len(big.names):,} names for RapidFuzz; {dropped} negatives dropped "
                  f"because the synthetic list holds their name")

            gh2 = Gatehouse(binary, syn_dir / "db")
            gh2.data_dir.mkdir()
            log("gatehouse: importing OFAC files and the synthetic list")
            imp_ofac = gh2.import_lists("ofac-csv", [data / x for x in needed])
            imp_syn = gh2.import_lists("ftm", [ftm_path])
            import_s = imp_ofac["wall_s"] + imp_syn["wall_s"]
            log(f"gatehouse: imported in {import_s:.1f} s; screening {len(syn_queries)} queries")
            gh2_run = gh2.screen(syn_queries, args.threshold, args.limit, args.repeats)
            gh2_m = evaluate(syn_queries, gh2_run["results"])
            gh2_m["wall_s"] = gh2_run["wall_s"]
            gh2_m["cpu_s"] = gh2_run["cpu_s"]
            gh2_m["wall_queries_per_s"] = len(syn_queries) / gh2_run["wall_s"]

            sub_rng = random.Random(args.seed + 2)
            t_idx = sorted(sub_rng.sample(range(len(trues)), min(args.rf_subset, len(trues))))
            n_idx = sorted(
                sub_rng.sample(range(len(kept_neg)), min(args.rf_subset, len(kept_neg)))
            )
            idx = t_idx + [len(trues) + i for i in n_idx]
            subset = [syn_queries[i] for i in idx]
            gh2_sub_m = evaluate(subset, [gh2_run["results"][i] for i in idx])
            log(f"rapidfuzz: {best} cutoff {cutoff} on {len(subset)} queries x "
                f"{len(big.names):,} names")
            rf2_results = rapidfuzz_run(subset, big, scorers[best], cutoff, args.limit)
            rf2_m = evaluate(subset, rf2_results)
            rf2_note = ""
            if rf2_m["false_hits"] > gh2_sub_m["false_hits"]:
                swept2 = sweep(subset, rf2_results, [c for c in cutoffs if c >= cutoff])
                c2, m2 = choose_cutoff(swept2, gh2_sub_m["false_hits"])
                rf2_note = (f"at cutoff {cutoff:g} rapidfuzz has more false hits than "
                            f"gatehouse on the subset; raised to {c2:g} (same run, filtered): "
                            f"recall {m2['recall']:.3f}, FH/1000 "
                            f"{m2['false_hits_per_1000']:.1f}")
                rf2_m["at_matching_false_hits"] = {"cutoff": c2, **m2}
            ratio2 = gh2_sub_m["queries_per_s"] / rf2_m["queries_per_s"]
            ratio2_all = gh2_m["queries_per_s"] / rf2_m["queries_per_s"]
            notes = [
                f"gatehouse/rapidfuzz throughput on the same subset: {ratio2:.1f}x "
                f"(all gatehouse queries vs the subset: {ratio2_all:.1f}x; target >= 10x)",
                f"rapidfuzz on a subset of {len(t_idx)} true + {len(n_idx)} negative "
                f"queries only; its queries/s ({rf2_m['queries_per_s']:.2f}) extrapolates to "
                f"{len(syn_queries) / rf2_m['queries_per_s'] / 60:.1f} min for all "
                f"{len(syn_queries)} queries",
                f"gatehouse import: {import_s:.1f} s wall (OFAC {imp_ofac['wall_s']:.1f} s, "
                f"synthetic {imp_syn['wall_s']:.1f} s); screening process wall clock "
                f"{gh2_m['wall_s']:.1f} s ({gh2_m['wall_queries_per_s']:,.0f} queries/s incl. "
                f"start-up and index load), CPU {gh2_m['cpu_s']:.1f} s",
            ] + ([rf2_note] if rf2_note else [])
            print_table(
                f"Synthetic list ({n:,} names + OFAC SDN), {len(trues)} true + "
                f"{len(kept_neg)} negative queries",
                [
                    (f"gatehouse (threshold {args.threshold}), all", gh2_m),
                    (f"gatehouse, subset", gh2_sub_m),
                    (f"rapidfuzz {best} {cutoff:g}, subset", rf2_m),
                ],
                notes,
            )
            print_variations([("gatehouse, all", gh2_m), ("gatehouse, subset", gh2_sub_m),
                              ("rapidfuzz, subset", rf2_m)])
            gh2_sub = [gh2_run["results"][i] for i in idx]
            miss2 = all_misses(subset, gh2_sub, rf2_results, entities)
            print_misses("subset true queries gatehouse misses", miss2, args.show_misses)
            reverse2 = misses(subset, rf2_results, gh2_sub, entities, limit=0)
            print(f"  subset true queries rapidfuzz misses and gatehouse finds: {len(reverse2)}")
            print_false_hits("gatehouse", false_hits(syn_queries, gh2_run["results"]))
            print_false_hits("rapidfuzz", false_hits(subset, rf2_results))
            fh_gh = false_hit_kinds(syn_queries, gh2_run["results"], "syn-")
            fh_gh_sub = false_hit_kinds(subset, gh2_sub, "syn-")
            fh_rf = false_hit_kinds(subset, rf2_results, "syn-")
            print("  false hits by best hit (synthetic or OFAC list; whether the hit holds every "
                  "query token, i.e. the negative is a listed name less a middle name):")
            print(f"    gatehouse, all: {fh_gh}")
            print(f"    gatehouse, subset: {fh_gh_sub}")
            print(f"    rapidfuzz {cutoff:g}, subset: {fh_rf}")
            report["synthetic"] = {
                "synthetic_names": n,
                "rapidfuzz_names": len(big.names),
                "negatives_dropped": dropped,
                "import_s": import_s,
                "import": {"ofac": imp_ofac, "synthetic": imp_syn},
                "gatehouse_all": gh2_m,
                "gatehouse_subset": gh2_sub_m,
                "rapidfuzz_subset": {"scorer": best, "cutoff": cutoff, **rf2_m},
                "subset": {"true": len(t_idx), "negative": len(n_idx)},
                "throughput_ratio_subset": ratio2,
                "throughput_ratio_all_vs_subset": ratio2_all,
                "gatehouse_misses": miss2,
                "rapidfuzz_misses_gatehouse_finds": len(reverse2),
                "false_hits_by_kind": {
                    "gatehouse_all": fh_gh, "gatehouse_subset": fh_gh_sub, "rapidfuzz_subset": fh_rf,
                },
            }
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)

    load = [round(x, 2) for x in os.getloadavg()]
    report["machine"]["load_average_at_end"] = load
    print()
    print(f"machine: {os.cpu_count()} CPUs, load average at start "
          f"{report['machine']['load_average_at_start']}, at end {load}; "
          f"gatehouse {report['gatehouse']['revision']}; threshold {args.threshold} "
          f"({report['threshold_source']}); timings: per-query median of {args.repeats} runs")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        die("interrupted")
