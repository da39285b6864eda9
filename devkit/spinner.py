"""A realistic article spinner, for development and benchmarks.

It does what SpinBot-style spinners do: walk the text, and for a share of the
content words look the word's lemma up in a thesaurus, pick a synonym without
looking at the context, re-inflect it like the original and keep the
capitalisation. Names (capitalised words inside a sentence), numbers and
function words are left alone. Every substitution is recorded as a character
span of the *spun* text with the original wording (the gold standard).

Habits vary the spinner so the detector is not tuned to one of them:

* ``pick="uniform"``: any entry of the synonym list (context-blind, SpinBot-like);
* ``pick="common"``: entries weighted by word frequency (WordAI-like output
  that reads more naturally, harder to catch);
* ``pick="front"``: the first entries of the list (Moby lists the closest
  synonyms first);
* ``pick="close"``: one of the three entries nearest the original in GloVe space,
  weighted by frequency, and the same choice for every occurrence of a word in a
  text: fluent near-synonyms used consistently, as the commercial spinner of
  ../shared/seed does ("leaders" -> "chiefs", "countries" -> "nations" throughout);
* ``phrases=True``: multi-word synonyms are allowed ("close and personal");
* ``thesaurus``: a `Thesaurus` other than Moby (e.g. one built from another file);
* ``source="wordnet"``: draw synonyms from WordNet synsets instead of Moby's lists
  (`unspin.lexicon.wordnet`, Debian ``wordnet-base``): a thesaurus the detector does not invert.

Realistic habits (``habit="spinbot"``, ``habit="spinnerchief"`` or any `Habit`), fitted to how
real spinners pick (issue 13: a maximum-likelihood fit over the seed spinner's swaps): each
candidate synonym weighs ``exp(w_zipf * Zipf + w_cos * GloVe cosine to the original + w_multi *
[multi-word])``; a share of the picks is frequency-driven regardless of sense; a share of the words
is read as another part of speech ("it hopes" -> "it expectations"); one preferred synonym per word
is reused across the text; quotations are spun at their own rate; connectives get the spinners'
tells ("then" -> "at that point", "recently" -> "as of late"); multi-word originals ("passed
away") can be replaced as a unit. The rate is a share of the content words (``rate_of="content"``)
or of all words (``rate_of="words"``), and exactly that many units are spun (fewer when too few
have synonyms). See `HABITS` for the named habits and their held-apart variants.

Usage::

    python -m devkit.spinner --rate 0.3 --pick uniform < article.txt
    python -m devkit.spinner --rate 0.3 --habit spinbot < article.txt
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon import inflection as infl
from unspin.lexicon.freq import zipf
from unspin.lexicon.moby import Thesaurus, load_thesaurus
from unspin.text import TokenKind, split_sentences, tokenize


@dataclass(frozen=True)
class Substitution:
    start: int  # in the spun text
    end: int
    spun: str
    original: str


@dataclass(frozen=True)
class SpunText:
    text: str
    original: str
    substitutions: tuple[Substitution, ...]
    eligible: int  # content words that had synonyms
    words: int  # all word tokens of the original


@dataclass(frozen=True)
class Habit:
    """How a realistic spinner picks; every parameter explicit, so held-apart variants exist."""

    name: str
    thesaurus: str = "moby"  # "moby" | "wordnet": where synonyms come from
    w_zipf: float = 0.5  # weight of the synonym's Zipf frequency
    w_cos: float = 8.0  # weight of the GloVe cosine between original and synonym
    w_multi: float = -3.0  # weight of a multi-word synonym (negative: avoided)
    freq_share: float = 0.10  # share of picks by frequency alone, regardless of sense
    wrong_pos: float = 0.06  # share of ambiguous words read as another part of speech
    consistent: bool = True  # one preferred synonym per word, reused across the text
    quote_rate: float = 1.0  # rate inside quotations relative to the rest (1: quotations spun alike)
    phrase_originals: bool = False  # multi-word originals ("passed away") replaced as a unit
    connectives: float = 0.5  # chance that a connective with a tell ("then", "recently") gets it
    rate_of: str = "content"  # the rate is a share of "content" words or of all "words"


#: connective tells of real spinners (original -> what they write instead), from the seed page and
#: ../shared/data/realdev ("at any rate" for "at least", "as of late" for "recently")
TELLS: dict[str, tuple[str, ...]] = {
    "then": ("at that point", "then, at that point,"),
    "recently": ("as of late", "lately"),
    "fundamentally": ("on a very basic level",),
    "however": ("be that as it may", "in any case", "nonetheless"),
    "also": ("likewise", "additionally", "moreover"),
    "currently": ("right now", "at present"),
    "said": ("stated", "expressed", "mentioned"),
    "because": ("since", "in light of the fact that"),
    "but": ("yet", "however"),
    "about": ("around", "approximately"),
    "at least": ("at any rate", "at the very least"),
    "according to": ("as indicated by", "as per"),
    "as well as": ("just as", "alongside"),
    "in order to": ("to", "so as to"),
    "so far": ("up until now", "up to this point"),
}

HABITS: dict[str, Habit] = {
    # the fit to the seed spinner (issue 13): close, common synonyms, single words, tells, quotes spun
    "spinbot": Habit("spinbot"),
    # phrase-level, WordNet-like thesaurus, multi-word units preferred, quotations mostly left alone
    "spinnerchief": Habit("spinnerchief", thesaurus="wordnet", w_zipf=0.5, w_cos=4.0, w_multi=2.0, freq_share=0.10,
                          wrong_pos=0.03, quote_rate=0.1, phrase_originals=True, connectives=0.15, rate_of="words"),
    # held-apart variants for the generalisation rows (never in the default training mix)
    "spinbot-wordnet": Habit("spinbot-wordnet", thesaurus="wordnet"),  # the same picks from another thesaurus
    "spinbot-frequent": Habit("spinbot-frequent", w_zipf=1.5, w_cos=3.0, freq_share=0.3),  # commoner, less close
    "spinbot-loose": Habit("spinbot-loose", w_cos=2.0, wrong_pos=0.15, consistent=False, connectives=0.0),
}

#: a word before an ambiguous one that makes the noun (adjective) reading likely / the verb reading likely
_NOUN_BEFORE = frozenset("the a an his her its their our my your this that these those some any no every each of in for "
                         "on with by from at into about over under after before between".split())
_VERB_BEFORE = frozenset("to will would can could may might must should shall not did does do i we they you he she it "
                         "who which also never".split())
_QUOTES = re.compile(r"“[^”]*”|\"[^\"\n]*\"")


class Spinner:
    def __init__(
        self,
        rate: float = 0.3,
        pick: str = "uniform",
        phrases: bool = False,
        seed: int = 0,
        thesaurus: Thesaurus | None = None,
        min_zipf: float = 1.5,
        source: str = "moby",
        habit: str | Habit | None = None,
    ) -> None:
        if isinstance(habit, str):
            if habit not in HABITS:
                raise ValueError(f"unknown spinner habit {habit!r} (known: {', '.join(HABITS)})")
            habit = HABITS[habit]
        self.habit = habit
        if habit is not None:
            source = habit.thesaurus
            pick = "close"  # loads the vectors
        if pick not in ("uniform", "common", "front", "close"):
            raise ValueError(f"unknown pick habit {pick!r}")
        if source not in ("moby", "wordnet"):
            raise ValueError(f"unknown synonym source {source!r}")
        self.rate = rate
        self.pick = pick
        self.phrases = phrases
        self.rng = random.Random(seed)
        self.th = thesaurus or load_thesaurus()
        self.min_zipf = min_zipf
        self.wordnet = None
        self.vectors = None
        self._consistent: dict[str, str] = {}
        self._options_cache: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
        self._vec_cache: dict[str, object] = {}
        if pick == "close":
            from unspin.lexicon.vectors import load_vectors

            self.vectors = load_vectors()
        if source == "wordnet":
            from unspin.lexicon.wordnet import DEFAULT_DIR, WordNet, load_wordnet

            # the spinner's own thesaurus, even when the detector runs without WordNet
            # (make model sets UNSPIN_WORDNET_DIR empty)
            self.wordnet = load_wordnet() or (WordNet.open(DEFAULT_DIR) if (DEFAULT_DIR / "index.noun").exists() else None)
            if self.wordnet is None:
                raise FileNotFoundError("WordNet database not installed (apt-get install wordnet-base)")

    def _synonyms(self, word: str) -> list[tuple[str, str]]:
        """``(form, lemma_synonym)`` pairs that could replace ``word``."""
        out: list[tuple[str, str]] = []
        for upos, lemma in infl.lemmas(word):
            if upos not in infl.UPOS_TAGS:
                continue
            tags = infl.penn_tags_for(word, lemma, upos)
            if not tags:
                continue
            synonyms = self.wordnet.synonyms(lemma, upos) if self.wordnet is not None else self.th.synonyms(lemma)
            for syn in synonyms:
                if " " in syn and not self.phrases:
                    continue
                if not all(p.replace("-", "").isalpha() for p in syn.split(" ")):
                    continue
                if " " not in syn and not self.th.can_be(syn, upos):
                    continue
                form = self.th.inflect(syn, tags[0]) if " " not in syn else infl.inflect(syn, tags[0])
                if not form or form == word:
                    continue
                if zipf(form.split(" ")[-1]) < self.min_zipf:
                    continue
                out.append((form, syn))
        return out

    def _choose(self, options: list[tuple[str, str]], word: str = "") -> str:
        if self.pick == "close":
            if word in self._consistent:
                return self._consistent[word]
            v = self.vectors.get(word)
            scored = []
            for form, syn in options:
                u = self.vectors.get(syn) if " " not in syn else None
                if v is not None and u is not None:
                    scored.append((float(v @ u), form))
            near = [f for _, f in sorted(scored, reverse=True)[:3]] or [f for f, _ in options[:3]]
            weights = [10 ** zipf(f.split(" ")[-1]) for f in near]
            new = self._consistent[word] = self.rng.choices(near, weights=weights)[0]
            return new
        if self.pick == "uniform":
            return self.rng.choice(options)[0]
        if self.pick == "front":
            return self.rng.choice(options[: max(3, len(options) // 10)])[0]
        weights = [10 ** zipf(f.split(" ")[-1]) for f, _ in options]
        return self.rng.choices(options, weights=weights)[0][0]

    def spin(self, text: str) -> SpunText:
        self._consistent = {}
        if self.habit is not None:
            return self._spin_habit(text)
        tokens = tokenize(text)
        sentence_starts = {tokens[s.first_token].start for s in split_sentences(text, tokens)}
        pieces: list[str] = []
        subs: list[Substitution] = []
        pos = 0  # in the original
        out_len = 0
        eligible = 0
        words = 0
        for t in tokens:
            if t.kind is not TokenKind.WORD:
                continue
            words += 1
            w = t.norm
            if w in FUNCTION_WORDS or len(w) < 3 or not w.replace("-", "").replace("'", "").isalpha():
                continue
            if t.text[:1].isupper() and t.start not in sentence_starts:
                continue  # a name
            if t.text.isupper() and len(t.text) > 1:
                continue
            options = self._synonyms(w)
            if not options:
                continue
            eligible += 1
            if self.rng.random() >= self.rate:
                continue
            new = self._choose(options, w)
            if t.text[:1].isupper():
                new = new[:1].upper() + new[1:]
            gap = text[pos : t.start]
            pieces.append(gap)
            out_len += len(gap)
            subs.append(Substitution(out_len, out_len + len(new), new, t.text))
            pieces.append(new)
            out_len += len(new)
            pos = t.end
        pieces.append(text[pos:])
        return SpunText("".join(pieces), text, tuple(subs), eligible, words)


    # --- realistic habits ---------------------------------------------------------------------------

    def _habit_synonyms(self, lemma: str, upos: str) -> list[str]:
        if self.wordnet is not None:
            return [w for w in self.wordnet.synonyms(lemma, upos)]
        return self.th.synonyms(lemma)

    def _habit_options(self, word: str, upos: str, lemma: str, tag: str) -> list[tuple[str, str]]:
        """``(form, synonym lemma)`` for ``word`` read as ``upos``/``lemma``, inflected for ``tag``."""
        key = (word, upos, lemma, tag)
        got = self._options_cache.get(key)
        if got is not None:
            return got
        out = []
        for syn in self._habit_synonyms(lemma, upos):
            if not all(p.replace("-", "").isalpha() for p in syn.split(" ")):
                continue
            if " " not in syn and not self.th.can_be(syn, upos):
                continue
            form = self.th.inflect(syn, tag) if " " not in syn else infl.inflect(syn, tag)
            if not form or form == word:
                continue
            if zipf(form.split(" ")[-1]) < self.min_zipf:
                continue
            out.append((form, syn))
        self._options_cache[key] = out
        return out

    def _vec(self, phrase: str):
        if phrase in self._vec_cache:
            return self._vec_cache[phrase]
        import numpy as np

        vs = [v for v in (self.vectors.get(w) for w in phrase.split(" ") if w not in FUNCTION_WORDS) if v is not None]
        if not vs:
            self._vec_cache[phrase] = None
            return None
        v = np.mean(vs, axis=0)
        n = float(np.linalg.norm(v))
        v = self._vec_cache[phrase] = v / n if n else None
        return v

    def _habit_pick(self, original: str, options: list[tuple[str, str]]) -> str:
        h = self.habit
        if h.consistent and original in self._consistent:
            return self._consistent[original]
        if self.rng.random() < h.freq_share:
            weights = [10 ** zipf(f) for f, _ in options]
        else:
            v = self._vec(original)
            logits = []
            for form, syn in options:
                u = self._vec(form)
                cos = float(v @ u) if v is not None and u is not None else 0.0
                logits.append(h.w_zipf * zipf(form) + h.w_cos * cos + h.w_multi * (" " in syn))
            top = max(logits)
            weights = [math.exp(x - top) for x in logits]
        new = self.rng.choices(options, weights=weights)[0][0]
        if h.consistent:
            self._consistent[original] = new
        return new

    def _reading(self, word: str, prev: str | None) -> list[tuple[str, str, str]]:
        """The ``(upos, lemma, tag)`` readings of ``word``: the one the context suggests first."""
        readings = []
        for upos, lemma in infl.lemmas(word):
            if upos not in infl.UPOS_TAGS:
                continue
            tags = infl.penn_tags_for(word, lemma, upos)
            if tags:
                readings.append((upos, lemma, tags[0]))
        if len(readings) > 1 and prev is not None:
            if prev in _NOUN_BEFORE:
                readings.sort(key=lambda r: r[0] not in ("NOUN", "ADJ"))
            elif prev in _VERB_BEFORE:
                readings.sort(key=lambda r: r[0] != "VERB")
        return readings

    def _phrase_unit(self, words: list[str]) -> list[tuple[str, str]]:
        """Options for a multi-word original ("passed away" -> lemma "pass away", verb reading)."""
        phrase = " ".join(words)
        tries = [(phrase, "NOUN", "NN"), (phrase, "ADV", "RB"), (phrase, "ADJ", "JJ")]
        for upos, lemma in infl.lemmas(words[0]):
            if upos == "VERB":
                for tag in infl.penn_tags_for(words[0], lemma, upos)[:1]:
                    tries.insert(0, (" ".join([lemma] + words[1:]), "VERB", tag))
        for upos, lemma in infl.lemmas(words[-1]):
            if upos == "NOUN" and lemma != words[-1]:
                for tag in infl.penn_tags_for(words[-1], lemma, upos)[:1]:
                    tries.insert(0, (" ".join(words[:-1] + [lemma]), "NOUN", tag))
        for lemma, upos, tag in tries:
            if self.wordnet is None and not self.th.knows(lemma):
                continue
            opts = self._habit_options(phrase, upos, lemma, tag)
            if opts:
                return opts
        return []

    def _spin_habit(self, text: str) -> SpunText:
        h = self.habit
        tokens = tokenize(text)
        sentence_starts = {tokens[s.first_token].start for s in split_sentences(text, tokens)}
        quotes = [(m.start(), m.end()) for m in _QUOTES.finditer(text)]
        words = [t for t in tokens if t.kind is TokenKind.WORD]

        def adjacent(k: int, n: int) -> bool:  # words[k..k+n-1] separated by single spaces only
            return k + n <= len(words) and all(text[words[j].end : words[j + 1].start] == " " for j in range(k, k + n - 1))

        def content(t) -> bool:
            w = t.norm
            if w in FUNCTION_WORDS or len(w) < 3 or not w.replace("-", "").replace("'", "").isalpha():
                return False
            if t.text[:1].isupper() and t.start not in sentence_starts:
                return False  # a name
            return not (t.text.isupper() and len(t.text) > 1)

        # units: (first word, number of words, options, is a tell)
        units: list[tuple[int, int, list[tuple[str, str]], bool]] = []
        n_content = 0
        k = 0
        while k < len(words):
            t = words[k]
            done = False
            for n in (3, 2):
                if not adjacent(k, n):
                    continue
                ws = [w.norm for w in words[k : k + n]]
                phrase = " ".join(ws)
                if phrase in TELLS:
                    units.append((k, n, [(x, x) for x in TELLS[phrase]], True))
                    done = True
                elif h.phrase_originals and any(content(w) for w in words[k : k + n]) and not any(
                        w.text[:1].isupper() and w.start not in sentence_starts for w in words[k : k + n]):
                    opts = self._phrase_unit(ws)
                    if opts:
                        units.append((k, n, opts, False))
                        n_content += sum(content(w) for w in words[k : k + n])
                        done = True
                if done:
                    k += n
                    break
            if done:
                continue
            if t.norm in TELLS:
                units.append((k, 1, [(x, x) for x in TELLS[t.norm]], True))
            elif content(t):
                n_content += 1
                units.append((k, 1, None, False))  # options looked up only if drawn
            k += 1
        n_target = round(self.rate * (n_content if h.rate_of == "content" else len(words)))

        def weight(k: int) -> float:
            inside = any(a <= words[k].start < b for a, b in quotes)
            return h.quote_rate if inside else 1.0

        def options(k: int) -> list[tuple[str, str]]:
            t = words[k]
            readings = self._reading(t.norm, words[k - 1].norm if k else None)
            if len(readings) > 1 and self.rng.random() < h.wrong_pos:
                readings = readings[1:] + readings[:1]
            for upos, lemma, tag in readings:
                opts = self._habit_options(t.norm, upos, lemma, tag)
                if opts:
                    return opts
            return []

        # n_target synonym units (fewer if too few have synonyms), drawn with weights
        # (Efraimidis-Spirakis keys), plus the tells
        keyed = sorted(((self.rng.random() ** (1 / max(weight(u[0]), 1e-9)), i) for i, u in enumerate(units) if not u[3]),
                       reverse=True)
        chosen: dict[int, list[tuple[str, str]]] = {}
        budget = 0  # original words (rate_of="words") or units (rate_of="content") spun so far
        for _, i in keyed:
            if budget >= n_target:
                break
            k, n, opts, _tell = units[i]
            opts = opts if opts is not None else options(k)
            if opts:
                chosen[i] = opts
                budget += n if h.rate_of == "words" else 1
        for i, u in enumerate(units):
            if u[3] and self.rng.random() < h.connectives * min(1.0, self.rate / 0.3) * weight(u[0]):
                chosen[i] = u[2]
        pieces: list[str] = []
        subs: list[Substitution] = []
        pos = out_len = 0
        for i, (k, n, _opts, tell) in enumerate(units):
            if i not in chosen:
                continue
            opts = chosen[i]
            first, last = words[k], words[k + n - 1]
            original = text[first.start : last.end]
            if tell:
                new = self.rng.choice(opts)[0]
            else:
                new = self._habit_pick(original.lower(), opts)
            if first.text[:1].isupper():
                new = new[:1].upper() + new[1:]
            gap = text[pos : first.start]
            pieces.append(gap)
            out_len += len(gap)
            # a tell that ends in a comma ("then, at that point,") is spun-only wording around the word
            subs.append(Substitution(out_len, out_len + len(new.rstrip(",")), new.rstrip(","), original))
            pieces.append(new)
            out_len += len(new)
            pos = last.end
        pieces.append(text[pos:])
        return SpunText("".join(pieces), text, tuple(subs), len(units), len(words))


#: The BBC development articles in ../shared (read-only; benchmarks and training only).
BBC_JSONL = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc_news_dev.jsonl"


def training_mix(base: list[dict], realistic: list[dict], habits: str = "", exclude: str = "") -> list[dict]:
    """A training script's rotating spinner settings: ``base``, plus the ``realistic`` settings whose
    habit is named in ``habits`` (comma-separated, e.g. "spinbot,spinnerchief"), minus every setting
    whose habit (or pick) is named in ``exclude`` (a habit left out for a generalisation row; a topic
    named there leaves the articles of that topic out instead, `training_articles`)."""
    want = {h for h in habits.split(",") if h}
    drop = {h for h in exclude.split(",") if h}
    out = list(base) + [s for s in realistic if s["habit"] in want]
    return [s for s in out if s.get("habit", s.get("pick")) not in drop]


def load_bbc(path: str | Path = BBC_JSONL) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_ids(records: list[dict], test_share: float = 0.3) -> tuple[list[dict], list[dict]]:
    """Deterministic train/test split by id hash (the test part is never used for training)."""
    import zlib

    train, test = [], []
    for r in records:
        (test if zlib.crc32(r["id"].encode()) % 1000 < test_share * 1000 else train).append(r)
    return train, test


#: the BBC development corpus's topics, in the order `mixed` deals them out
GENRES = ("business", "entertainment", "politics", "sport", "tech")


def mixed(records: list[dict]) -> list[dict]:
    """``records`` in round-robin order over their categories (business, entertainment, politics,
    sport, tech; each in its file order), so that the first K of them are K articles of every
    topic, as a content farm copying a news feed gets. The corpus file is sorted by topic: its first
    K articles (and the first K of either split) are K business stories."""
    by: dict[str, list[dict]] = {}
    for r in records:
        by.setdefault(str(r.get("category", "")), []).append(r)
    lists = [by[k] for k in sorted(by)]
    return [lst[i] for i in range(max(map(len, lists), default=0)) for lst in lists if i < len(lst)]


#: ``--order`` of the training scripts
ORDER_HELP = ("'mixed' (the default, how the shipped models are trained since 2026-12-03's eleventh session): the "
              "training split's articles round-robin over the five topics, so that every range of them holds every "
              "topic; 'file': in file order, which the corpus sorts by topic (the first 330 are business and "
              "entertainment stories: how the models before were trained)")

#: ``--genre`` of the benchmarks
GENRE_HELP = ("only held-out articles of this topic (e.g. the row of a model set trained without it, train_detect "
              "--exclude TOPIC); without it, every topic")

#: ``--exclude`` of the training scripts
EXCLUDE_HELP = ("comma-separated habits or picks left out of the spinner mix, and topics (business, entertainment, "
                "politics, sport, tech) whose articles are left out: a model trained without X, for X's held-apart row")

#: ``--order`` of the benchmarks
TEST_ORDER_HELP = ("which held-out articles: 'mixed' deals them out round-robin over the five topics (the first N are as "
                   "many of each); 'file' takes them in file order, which the corpus sorts by topic (the first ones are "
                   "business stories: the runs before 2026-12-03's eleventh session)")


def ordered(records: list[dict], order: str, genre: str = "") -> list[dict]:
    """``records`` dealt out over their topics (``"mixed"``, `mixed`) or as they are (``"file"``); with
    ``genre``, only those of that topic (a held-apart genre's row)."""
    if order not in ("file", "mixed"):
        raise ValueError(f"unknown order {order!r} (file or mixed)")
    if genre and genre not in GENRES:
        raise ValueError(f"unknown genre {genre!r} (one of {', '.join(GENRES)})")
    out = mixed(records) if order == "mixed" else records
    return [r for r in out if r.get("category") == genre] if genre else out


def genres_named(names: str) -> set[str]:
    """The topics of `GENRES` among ``names`` (comma-separated; other names, such as habits, are not
    topics and are ignored): what a training script's ``--exclude`` leaves out of its articles."""
    return {n for n in names.split(",") if n in GENRES}


def held_out_articles(order: str = "mixed", genre: str = "") -> list[dict]:
    """The held-out (test) split of the BBC development corpus (`split_ids`), in ``order`` (`ordered`);
    with ``genre``, its articles of that topic only (a held-apart genre's row)."""
    return ordered(split_ids(load_bbc())[1], order, genre)


def training_articles(order: str = "mixed", exclude: str = "") -> list[dict]:
    """The training split of the BBC development corpus (`split_ids`), in ``order`` (`ordered`), without
    the articles of the topics named in ``exclude`` (`genres_named`: a model trained without a genre,
    for its held-apart row)."""
    drop = genres_named(exclude)
    return [r for r in ordered(split_ids(load_bbc())[0], order) if r.get("category") not in drop]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=0.3)
    ap.add_argument("--pick", default="uniform", choices=["uniform", "common", "front", "close"])
    ap.add_argument("--phrases", action="store_true")
    ap.add_argument("--habit", default=None, choices=sorted(HABITS), help="a realistic habit (overrides --pick)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the gold substitutions as JSON too")
    args = ap.parse_args()
    spun = Spinner(args.rate, args.pick, args.phrases, args.seed, habit=args.habit).spin(sys.stdin.read())
    if args.json:
        print(json.dumps({"text": spun.text, "substitutions": [s.__dict__ for s in spun.substitutions]}))
    else:
        sys.stdout.write(spun.text)


if __name__ == "__main__":
    main()
