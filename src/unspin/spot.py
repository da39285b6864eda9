"""The spot check: the full check's own word model on the few words the screen is surest of.

The screen (`unspin.screen`) reproduces the full check's word confidences from look-ups, and where it
is wrong it is wrong about the few words that decide a document: the full check's document score reads
the mean of its highest confidences (``top_conf``), and a lightly spun article holds two or three words
the full check is sure of where the screen says 0.5 ("likewise" 0.51 against 0.94), while a clean one
holds a word or two the screen overrates. Given that exact figure, the screen's document model would
pass on a third as many clean documents (docs/screen.md). `spot_confidences` computes it for the words
the screen names, and only for them: each is decoded in its sentence by the full check's decoder with
every other word kept as written (one candidate slot: candidate generation, the trigram pre-scores and
the evidence of one word), its document context measured against all of the document's words as the
full check measures it, and judged by the full check's two-stage word model, whose document features
(the mean and the share of high stage-1 probabilities of the *other* words) are taken from the screen's
own model (`unspin.screen.ScreenModel.own_model`, fitted on those stage-1 probabilities) instead of
decoding every word.

Six words cost ~30-40 ms of CPU (`training/train_screen.py` measured 40.7 ms a document; the full check
of a 300-word article: ~120-250 ms), so the screen spends it only on the documents it cannot settle on
look-ups (the band of `unspin.screen.SpotStage`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from unspin.model import Document

if TYPE_CHECKING:
    from unspin.detect.decoder import Detector

__all__ = ["spot_confidences"]


def spot_confidences(text: str, own: Mapping[int, float], total: float, high: int, scored: int,
                     detector: Detector | None = None) -> dict[int, float]:
    """The full check's confidence that each word of ``text`` starting at a character offset in ``own``
    was swapped, decoded alone in its sentence (see the module docstring). The full check's word model reads
    the mean and the share over 0.5 of the *other* words' stage-1 probabilities; stand-ins: ``own`` (the
    word's own stage-1 probability, as the screen estimates it), ``total`` and ``high`` (their sum and how
    many are over 0.5 over the document) and ``scored`` (how many words the full check would score: those
    with a candidate original). A start the full check would not judge (a name, a function word, no word's
    start) is left out; a judged word without a candidate original gets 0.0."""
    from unspin.api import get_detector
    from unspin.detect import _evidence
    from unspin.detect._decode import RawDecision
    from unspin.detect._slots import judged_words
    from unspin.detect.calibration import LinearModel, _sigmoid
    from unspin.detect.prepared import prepare
    from unspin.text import TokenKind

    det = detector if detector is not None else get_detector()
    if not own:
        return {}
    prepared = prepare(Document(text=text))
    tokens = prepared.tokens
    topic = _evidence.topic_vector(tokens, det.vectors)
    # every word the full check would judge (`SlotBuilder.build`): the document context (topic, neighbours,
    # repeats) is measured over these; the named ones are decoded, each sentence once
    raw: list[RawDecision] = []
    picked: dict[int, int] = {}  # index into raw -> start
    for sent in prepared.sentences:
        toks = tokens[sent.first_token : sent.last_token]
        words = [t for t in toks if t.kind is not TokenKind.PUNCT]
        first = len(raw)
        raw += [RawDecision(t, None, {}, ()) for t, judged in zip(words, judged_words(words)) if judged]
        chosen = {k: raw[k].token.start for k in range(first, len(raw)) if raw[k].token.start in own}
        if chosen:
            picked.update(chosen)
            decoded = {r.token.start: r for r in det.decoder.decode(toks, topic, prepared.counts, only=set(chosen.values()))}
            for k, start in chosen.items():
                raw[k] = decoded.get(start, raw[k])
    out = dict.fromkeys(picked.values(), 0.0)
    decided = set(_evidence.add_document_context(raw, prepared.counts, det.vectors)) & set(picked)
    model = det.token_model
    n = max(scored, 2)
    for k in sorted(decided):
        f = raw[k].features
        p_own = own[picked[k]]
        p1 = _sigmoid(model.stage1.raw(f))
        stage2 = model.stage2
        if stage2 is None:
            out[picked[k]] = p1
            continue
        # the other words' mean and share, as `calibration.doc_features` computes them without this one
        mean_p1 = max(0.0, total - p_own) / (n - 1)
        share_p1 = max(0, high - (p_own > 0.5)) / (n - 1)
        f.update(doc_mean_p1=mean_p1, doc_share_p1=share_p1, doc_log_words=math.log10(n + 1),
                 doc_mean_x_margin=mean_p1 * f.get("margin", 0.0))
        out[picked[k]] = _sigmoid(stage2.raw(f) if isinstance(stage2, LinearModel) else stage2.raw_one(f))
    return out
