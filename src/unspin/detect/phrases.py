"""Multi-word substitutions: a spinner's thesaurus phrase in place of one word.

Spinners that draw from Moby also pick its multi-word entries: "said" becomes
"put into words", "teenagers" become "young men", "then" becomes "at that
point". The word-level decoder cannot see these (each word of the phrase may be
an ordinary word in an ordinary place), so phrases get their own pass:

1. *Match.* Every run of 2-4 adjacent words (no punctuation between them) is
   looked up among Moby's multi-word entries, as written and with its first word
   (verb phrases: "came to" -> "come to") or last word (noun phrases: "young
   men" -> "young man") lemmatised.
2. *Candidates.* The single-word headwords that list the phrase, re-inflected
   with the tag the lemmatisation removed ("teenager" + NNS -> "teenagers"),
   known to the language model and common enough.
3. *Score.* The trigram LM scores the phrase and the two words after it, and
   each candidate in its place; the *margin* is how much more probable (log10)
   the best candidate makes that stretch, plus the channel probability that the
   spinner picked this phrase from the headword's list.
4. *Confidence.* A logistic model (``unspin/data/phrase_model.json``, trained by
   ``training/train_phrases.py`` on the spinner simulator) turns the evidence into
   a probability; phrases at or above the detector's threshold become flags.

Genuine multi-word expressions ("in excess of", "take note of") are matched
too; what keeps them unflagged is the evidence: their words are likely
together (the *cohesion* feature) and the single word rarely wins by much.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from unspin.detect.calibration import LinearModel
from unspin.detect.candidates import usable_headword
from unspin.detect.modelio import check_features, load_shipped
from unspin.lexicon.freq import zipf
from unspin.lexicon.moby import Thesaurus
from unspin.lexicon.wordnet import WordNet, load_wordnet
from unspin.lm.ngram import BOS
from unspin.text import Token, TokenKind
from unspin.text.stopwords import FUNCTION_WORDS

if TYPE_CHECKING:
    from unspin.detect.decoder import Detector
    from unspin.detect.prepared import PreparedDocument
    from unspin.model import Flag

MODEL_FILE = "phrase_model.json"
MAX_WORDS = 4
#: for training only (``training/train_phrases.py``): confidence 0.5 at a margin of 3 log10 units
FALLBACK = LinearModel(weights={"margin": 2.0}, bias=-6.0)

CondFn = Callable[[str, "str | None", "str | None"], float]

#: how the words after the comma of an *inserted* match may be a thesaurus entry: as one ("", exact),
#: *padded* (the entry with one function word more ahead of or inside it: "as of late" is "of late",
#: "at the very least" is "at the least") or *swapped* (one content word is a thesaurus synonym of the
#: entry's: "at that point" is "at that moment"). Near entries are only looked up for insertions: on
#: their own, as replacements, genuine padded phrases outscore spun ones (docs/phrases.md).
ENTRY_KINDS = ("", "padded", "swapped")
#: coordinating conjunctions: never padding ("X, and Y" joins two things, it does not pad one)
_COORDINATORS = frozenset({"and", "or", "nor", "but"})


#: the lexicons a phrase or candidate comes from (bit flags)
MOBY, WORDNET, OWN = 1, 2, 4  # OWN: the candidate is one of the phrase's own words
#: WordNet parts of speech searched for a phrase's synonyms, by the reading that matched it
_WN_POS = ("NOUN", "VERB", "ADJ", "ADV")


@dataclass(frozen=True)
class PhraseCandidate:
    form: str
    headword: str
    log_channel: float
    source: int = MOBY  # MOBY | WORDNET bits


@dataclass(frozen=True)
class PhraseMatch:
    """One run of words that is a thesaurus phrase, with its best single-word original."""

    first: int  # index into the sentence's word tokens
    last: int  # exclusive
    start: int  # character offsets in the document
    end: int
    phrase: str  # the Moby entry matched (base form)
    suggestion: str | None
    alternatives: tuple[str, ...]
    features: Mapping[str, float]
    confidence: float = 0.0
    #: "" for a phrase in place of its original; "inserted" for words added after the original and a
    #: comma ("then, at that point,": the spinner kept "then" and added a synonym; the suggestion is
    #: the word alone)
    kind: str = ""
    #: how the inserted words are the entry (`ENTRY_KINDS`)
    entry: str = ""


#: the features `PhraseDetector` computes for a match (what the phrase model may read)
PHRASE_FEATURES = ("margin", "margin_channel", "per_word_obs", "cohesion", "n_words", "log_channel", "alt_uni",
                   "alt_zipf", "content_share", "min_content_zipf", "inflected", "second_gap", "own_word",
                   "wordnet_only", "phrase_in_moby", "own_margin", "own_cohesion", "multi_word_original")


def load_phrase_model() -> LinearModel:
    """The shipped phrase model, its features checked against `PHRASE_FEATURES` (`unspin.detect.modelio`)."""
    d = load_shipped(MODEL_FILE)
    model = LinearModel.from_dict(d)
    check_features(MODEL_FILE, d["metadata"], model.features, PHRASE_FEATURES)
    return model


class PhraseDetector:
    """Finds thesaurus phrases in sentences and scores their single-word originals."""

    def __init__(
        self,
        thesaurus: Thesaurus,
        cond: CondFn,
        known: Callable[[str], bool],
        model: LinearModel | None = None,
        min_candidate_zipf: float = 2.0,
        max_candidates: int = 40,
        wordnet: WordNet | None | str = "auto",
        insertions: bool = True,
    ) -> None:
        self.th = thesaurus
        #: WordNet's multi-word lemmas and synsets beside Moby's ("auto": the installed database, if any)
        self.wordnet: WordNet | None = load_wordnet() if wordnet == "auto" else wordnet  # type: ignore[assignment]
        self.cond = cond
        self.known = known
        self.model = model or load_phrase_model()
        self.min_candidate_zipf = min_candidate_zipf
        #: also look for insertions ("then, at that point,"; `PhraseMatch.kind`)
        self.insertions = insertions
        self.max_candidates = max_candidates
        self._index: dict[tuple[str, ...], str] | None = None
        #: entries of function words only ("at the least", "until now"): looked up for insertions only
        self._grammatical: dict[tuple[str, ...], str] = {}
        self._wild: dict[tuple[str, ...], tuple[tuple[str, str], ...]] | None = None
        self._sources: dict[str, int] = {}
        self._cands: dict[tuple[str, tuple[str, ...]], tuple[PhraseCandidate, ...]] = {}
        #: the matches of recently seen sentences (a spun document's phrases are looked at twice:
        #: for the flags, and again for `spun_document_phrase_flags`)
        self._found: dict[tuple[object, ...], list[PhraseMatch]] = {}

    # -- lexicon ---------------------------------------------------------
    def index(self) -> dict[tuple[str, ...], str]:
        """Multi-word entries of 2-4 plain words, keyed by their words (built on first use): Moby's,
        and WordNet's lemmas when WordNet is installed (spinners of the SpinnerChief kind draw from it)."""
        if self._index is None:
            idx: dict[tuple[str, ...], str] = {}
            grammatical: dict[tuple[str, ...], str] = {}
            sources: dict[str, int] = {}

            def add(term: str, source: int) -> None:
                parts = tuple(term.split(" "))
                if len(parts) > MAX_WORDS or not all(p.replace("-", "").replace("'", "").isalpha() for p in parts):
                    return
                if all(p in FUNCTION_WORDS for p in parts):
                    grammatical[parts] = term  # "at all", "so as to": too grammatical to be a spinner's pick
                else:
                    idx[parts] = term
                sources[term] = sources.get(term, 0) | source

            for term in self.th.terms:
                if " " in term:
                    add(term, MOBY)
            if self.wordnet is not None:
                for upos in _WN_POS:
                    for term in self.wordnet.lemmas(upos):
                        if " " in term and not term.startswith(("the ", "a ", "an ")):  # names: "the rule" (a constellation)
                            add(term, WORDNET)
            self._index, self._grammatical, self._sources = idx, grammatical, sources
        return self._index

    def wildcards(self) -> dict[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """Entries of 3-4 words keyed with one content word left out (``"*"`` in its place): key ->
        ``(entry, the word left out)`` pairs (built on first use), for *swapped* near matches."""
        if self._wild is None:
            wild: dict[tuple[str, ...], list[tuple[str, str]]] = {}
            for parts, term in self.index().items():
                if len(parts) < 3:
                    continue
                for j, w in enumerate(parts):
                    if w not in FUNCTION_WORDS:
                        wild.setdefault((*parts[:j], "*", *parts[j + 1 :]), []).append((term, w))
            self._wild = {k: tuple(v) for k, v in wild.items()}
        return self._wild

    def _related(self, a: str, b: str) -> bool:
        """Are single words ``a`` and ``b`` thesaurus synonyms (Moby either way, or a shared WordNet synset)?"""
        if self.th.related(a, b):
            return True
        wn = self.wordnet
        return wn is not None and any(b in wn.synonyms(a, upos) for upos in _WN_POS)

    def _near(self, norms: Sequence[str]) -> list[tuple[str, str]]:
        """``(entry, kind)``: entries the words are once one padding function word is dropped, or one
        content word is put back to an entry's word it is a synonym of (`ENTRY_KINDS`)."""
        idx = self.index()
        out: list[tuple[str, str]] = []
        n = len(norms)
        if n >= 3:
            for j, w in enumerate(norms[:-1]):  # padding ahead of or inside the entry ("as of late"), not after it
                if w in FUNCTION_WORDS and w not in _COORDINATORS:  # "prudence, and good judgment": a list, not padding
                    key = (*norms[:j], *norms[j + 1 :])
                    term = idx.get(key) or self._grammatical.get(key)
                    if term is not None:
                        out.append((term, "padded"))
        if 3 <= n <= MAX_WORDS:
            wild = self.wildcards()
            for j, w in enumerate(norms):
                if w in FUNCTION_WORDS:
                    continue
                for term, was in wild.get((*norms[:j], "*", *norms[j + 1 :]), ()):
                    if was != w and self._related(w, was):
                        out.append((term, "swapped"))
        return out

    def _readings(self, words: Sequence[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """``(key, tags)``: the phrase as written (no tags), first word or last word lemmatised."""
        out: list[tuple[tuple[str, ...], tuple[str, ...]]] = [(tuple(words), ())]
        for upos, lemma, tags in self.th.analyse(words[0]):
            if upos == "VERB" and lemma != words[0]:
                out.append(((lemma, *words[1:]), tags))
        for upos, lemma, tags in self.th.analyse(words[-1]):
            if upos == "NOUN" and lemma != words[-1]:
                out.append(((*words[:-1], lemma), tags))
        return out

    def candidates(self, term: str, tags: tuple[str, ...]) -> tuple[PhraseCandidate, ...]:
        """Originals of ``term``, inflected with ``tags`` (memoised): Moby headwords listing it and the
        members of its WordNet synsets (WordNet is symmetric), one word or up to `MAX_WORDS` (a
        spinner of the SpinnerChief kind replaces "stepped down" with "left office" as a unit)."""
        key = (term, tags)
        got = self._cands.get(key)
        if got is not None:
            return got
        th = self.th
        out: dict[str, PhraseCandidate] = {}

        def add(head: str, log_channel: float, source: int) -> None:
            if " " in head:
                parts = head.split(" ")
                if (head == term or len(parts) > MAX_WORDS or all(w in FUNCTION_WORDS for w in parts)
                        or not all(w.replace("-", "").isalpha() for w in parts)):
                    return
            elif not usable_headword(head):
                return
            forms = [f for f in (th.inflect(head, t) for t in tags) if f] if tags else [head]
            for form in forms:
                words = form.split(" ")
                content = [w for w in words if w not in FUNCTION_WORDS]
                if not content or not all(self.known(w) for w in words):
                    continue
                if min(zipf(w) for w in content) < self.min_candidate_zipf:
                    continue
                prev = out.get(form)
                if prev is None:
                    out[form] = PhraseCandidate(form, head, log_channel, source)
                else:
                    best = prev if prev.log_channel >= log_channel else PhraseCandidate(form, head, log_channel, source)
                    out[form] = PhraseCandidate(best.form, best.headword, best.log_channel, prev.source | source)

        for head, _rank in th.inverse(term):
            add(head, -math.log10(max(th.list_size(head), 1)), MOBY)
        wn = self.wordnet
        if wn is not None:
            for upos in _wn_pos(tags):
                for head in wn.synonyms(term, upos):
                    add(head, -math.log10(max(len(wn.synonyms(head, upos)), 1)), WORDNET)
        ranked = sorted(out.values(), key=lambda c: -(self._unigram(c.form) + c.log_channel))
        got = self._cands[key] = tuple(ranked[: self.max_candidates])
        if len(self._cands) > 100_000:
            self._cands.clear()
        return got

    def _originals(self, term: str, tags: tuple[str, ...]) -> dict[str, float]:
        """Single words ``term`` may stand for, with their channel log10 probability: its `candidates`
        and the function words among the Moby headwords listing it and its WordNet synonyms
        (connectives: "then" lists "at that moment"; `candidates` never proposes a function word)."""
        out = {c.form: c.log_channel for c in self.candidates(term, tags) if " " not in c.form}
        th = self.th
        for head, _rank in th.inverse(term):
            if head in FUNCTION_WORDS:
                out.setdefault(head, -math.log10(max(th.list_size(head), 1)))
        wn = self.wordnet
        if wn is not None:
            for upos in ("ADV", "ADJ"):
                for head in wn.synonyms(term, upos):
                    if head in FUNCTION_WORDS:
                        out.setdefault(head, -math.log10(max(len(wn.synonyms(head, upos)), 1)))
        return out

    def _unigram(self, form: str) -> float:
        return sum(self.cond(w, None, None) for w in form.split(" "))

    # -- detection -------------------------------------------------------
    def find(self, tokens: Sequence[Token], protected: Callable[[Token, int], bool]) -> list[PhraseMatch]:
        """Scored phrase matches in one sentence's tokens (best-scoring non-overlapping spans).

        ``protected(token, k)`` says whether the ``k``-th word may not be part of
        a phrase (names, numbers, acronyms).
        """
        words = [t for t in tokens if t.kind is not TokenKind.PUNCT]
        if len(words) < 2:
            return []
        blocked = tuple(k for k, w in enumerate(words) if protected(w, k))
        memo = (id(self.model), self.insertions, blocked, *((t.start, t.end, t.norm) for t in tokens))
        got = self._found.get(memo)
        if got is not None:
            return list(got)
        found = self._find(tokens, words, protected)
        if len(self._found) >= 4096:
            self._found.clear()
        self._found[memo] = found
        return list(found)

    def _find(self, tokens: Sequence[Token], words: list[Token], protected: Callable[[Token, int], bool]) -> list[PhraseMatch]:
        norms = [t.norm if t.kind is TokenKind.WORD else "<num>" for t in words]
        # word k and k+1 are adjacent when only whitespace separates them (one pass over the
        # tokens: a punctuation token between them breaks the run)
        joined = [k + 1 < len(words) and words[k + 1].start - words[k].end <= 1 for k in range(len(words))]
        k = -1
        for t in tokens:
            if t.kind is not TokenKind.PUNCT:
                k += 1
            elif 0 <= k < len(words) - 1:
                joined[k] = False
        blocked = [w.kind is not TokenKind.WORD or protected(w, k) for k, w in enumerate(words)]
        # word k-1 and k are one comma apart (an *inserted* near match: "then, at that point")
        comma = [False] * len(words)
        k = -1
        prev_punct: list[str] = []
        for t in tokens:
            if t.kind is TokenKind.PUNCT:
                prev_punct.append(t.text)
                continue
            k += 1
            comma[k] = k > 0 and prev_punct == [","]
            prev_punct = []
        # word k is followed by punctuation or ends the sentence (an insertion is set off: "then, at that point,")
        closed = [k + 1 == len(words) or not joined[k] for k in range(len(words))]
        idx = self.index()
        found: list[PhraseMatch] = []
        for i in range(len(words)):
            for n in range(min(MAX_WORDS + 1, len(words) - i), 1, -1):
                if any(blocked[i : i + n]) or not all(joined[i : i + n - 1]):
                    continue
                exact: list[tuple[str, tuple[str, ...]]] = []
                if n <= MAX_WORDS:
                    for key, tags in self._readings(norms[i : i + n]):
                        term = idx.get(key)
                        if term is not None:
                            exact.append((term, tags))
                            m = self._score(words, norms, i, n, term, tags)
                            if m is not None:
                                found.append(m)
                if not (self.insertions and i >= 1 and comma[i] and closed[i + n - 1] and not blocked[i - 1]):
                    continue
                if norms[i - 1] in norms[i : i + n]:
                    continue  # the word said again ("then, and only then"; "people, by the people"): rhetoric
                # an insertion: the word before the comma is among the originals of the entry after it
                entries = [(t, tags, "") for t, tags in exact]
                if n <= MAX_WORDS and (grammatical := self._grammatical.get(tuple(norms[i : i + n]))) is not None:
                    entries.append((grammatical, (), ""))
                entries += [(t, (), kind) for t, kind in self._near(norms[i : i + n])]
                for term, tags, kind in entries:
                    if norms[i - 1] in self._originals(term, tags):
                        m = self._score(words, norms, i - 1, n + 1, term, tags, kind="inserted", entry=kind)
                        if m is not None:
                            found.append(m)
                            break
        return _best_disjoint(found)

    def _score(self, words: Sequence[Token], norms: Sequence[str], i: int, n: int, term: str,
               tags: tuple[str, ...], kind: str = "", entry: str = "") -> PhraseMatch | None:
        phrase = list(norms[i : i + n])
        # a candidate may be one of the phrase's own words: the spinner padded the original
        # ("director" -> "managing director", "win" -> "win out"); the suggestion is then that word as written
        cands = []
        if kind == "inserted":
            # the word before the comma is the original: the stretch restored to it alone
            cands = [PhraseCandidate(phrase[0], phrase[0], self._originals(term, tags)[phrase[0]], OWN)]
        for c in self.candidates(term, tags) if not kind else ():
            if c.form in phrase or c.headword in phrase:
                own = next((w for w in phrase if w in (c.form, c.headword) and w not in FUNCTION_WORDS), None)
                if own is None:
                    continue
                c = PhraseCandidate(own, c.headword, c.log_channel, c.source | OWN)
            cands.append(c)
        if not cands:
            return None
        cond = self.cond
        p2 = norms[i - 2] if i >= 2 else (BOS if i == 1 else None)
        p1 = norms[i - 1] if i >= 1 else BOS
        after = list(norms[i + n : i + n + 2])

        # the observed stretch: the phrase's words, then the two words after it
        obs = 0.0
        ctx = [x for x in (p2, p1) if x is not None]
        for w in phrase + after:
            obs += cond(w, ctx[-2] if len(ctx) > 1 else None, ctx[-1] if ctx else None)
            ctx.append(w)
        # cohesion: how likely the phrase's later words are after its first (collocations score high)
        cohesion = sum(cond(phrase[k], phrase[k - 2] if k >= 2 else None, phrase[k - 1]) for k in range(1, n)) / (n - 1)

        def cand_score(c: PhraseCandidate) -> float:
            s, a, b = 0.0, p2, p1
            for w in (*c.form.split(" "), *after):
                s += cond(w, a, b)
                a, b = b, w
            return s

        scored = sorted(((cand_score(c), c) for c in cands), key=lambda x: -(x[0] + x[1].log_channel))
        best_lp, best = scored[0]
        margin = best_lp - obs
        content = [w for w in phrase if w not in FUNCTION_WORDS]
        feats = {
            "margin": margin,
            "margin_channel": margin + best.log_channel,
            "per_word_obs": obs / (n + len(after)),
            "cohesion": cohesion,
            "n_words": float(n),
            "log_channel": best.log_channel,
            "alt_uni": self._unigram(best.form) / len(best.form.split(" ")),
            "alt_zipf": min(zipf(w) for w in best.form.split(" ")),
            "content_share": len(content) / n,
            "min_content_zipf": min((zipf(w) for w in content), default=7.0),
            "inflected": 1.0 if tags else 0.0,
            "second_gap": (scored[0][0] + scored[0][1].log_channel - scored[1][0] - scored[1][1].log_channel) if len(scored) > 1 else 3.0,
            "own_word": 1.0 if best.source & OWN else 0.0,
            # an own word always saves the LM the padding's cost: its margin and cohesion read apart
            "own_margin": margin if best.source & OWN else 0.0,
            "own_cohesion": cohesion if best.source & OWN else 0.0,
            "multi_word_original": 1.0 if " " in best.form else 0.0,
            "wordnet_only": 1.0 if not best.source & MOBY else 0.0,
            "phrase_in_moby": 1.0 if self._sources.get(term, 0) & MOBY else 0.0,
        }
        z = max(-40.0, min(40.0, self.model.raw(feats)))
        return PhraseMatch(
            first=i, last=i + n, start=words[i].start, end=words[i + n - 1].end, phrase=term,
            suggestion=best.form, alternatives=tuple(c.form for _, c in scored[:4]), features=feats,
            confidence=1.0 / (1.0 + math.exp(-z)), kind=kind, entry=entry,
        )


def spun_document_phrase_flags(detector: Detector, prepared: PreparedDocument, flags: Sequence[Flag],
                               lo: float) -> list[Flag]:
    """Phrase flags with confidence in ``[lo, detector.options.phrase_threshold)`` where no flag is
    yet, marked ``evidence.in_spun_document``: for a document judged spun, where most phrases the
    model found suspicious are swaps (as `Detector.spun_document_flags` does for words)."""
    from unspin.detect.flags import phrase_flag

    hi = detector.options.phrase_threshold
    out = []
    for m in detector.phrase_matches(prepared):
        if not lo <= m.confidence < hi or any(m.start < f.end and f.start < m.end for f in flags):
            continue
        f = phrase_flag(m, prepared.text)
        out.append(replace(f, evidence={**f.evidence, "in_spun_document": True}))
    return out


def _wn_pos(tags: tuple[str, ...]) -> tuple[str, ...]:
    """WordNet parts of speech for a reading: the tag's (verb or noun reading), all four for the phrase as written."""
    if not tags:
        return _WN_POS
    return ("VERB",) if tags[0].startswith("VB") else ("NOUN",) if tags[0].startswith("NN") else _WN_POS


def _best_disjoint(matches: list[PhraseMatch]) -> list[PhraseMatch]:
    """Greedy: most confident first, no two overlapping."""
    out: list[PhraseMatch] = []
    for m in sorted(matches, key=lambda m: (-m.confidence, m.start)):
        if all(m.end <= o.start or o.end <= m.start for o in out):
            out.append(m)
    return sorted(out, key=lambda m: m.start)
