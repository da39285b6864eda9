"""Fit the decoder's channel model to one spinner's swaps, and combine fitted channels.

The channel model (`unspin.detect.channel`) says how a spinner picks the word it
writes among the synonyms of the original (frequency, similarity, multi-word, part
of speech, which thesaurus). Fitted to the swaps of one spinner's copies it carries
that spinner's taste over to words its copies never showed. The parameters travel
in the lexicon file (``# channel:`` line, `ChannelModel.to_dict`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from unspin.learn.keys import analyses

#: fewest single-word swaps worth fitting a channel to
MIN_EXAMPLES = 20
#: most swaps fitted on (an even sample beyond): a dozen weights need no more
MAX_EXAMPLES = 2000


def _lemma(word: str) -> str:
    a = analyses(word)
    return a[0][1] if a else word


def fit_lexicon_channel(swaps: Sequence[tuple[str, str]], *, on_error: Callable[[str], None] | None = None,
                        l2: float = 1.0) -> dict[str, Any] | None:
    """Channel parameters (``ChannelModel.to_dict()``) fitted to ``(original, spun)`` single-word
    swaps, each against the candidate set of its original (an even sample of `MAX_EXAMPLES`
    when there are more); None when there are too few swaps or the channel model is not available."""
    try:
        from unspin.detect.channel import default_lexicon, fit_channel
    except ImportError:
        return None
    if len(swaps) < MIN_EXAMPLES:
        return None
    lex = default_lexicon()
    examples = []
    if len(swaps) > MAX_EXAMPLES:
        step = len(swaps) / MAX_EXAMPLES
        swaps = [swaps[int(i * step)] for i in range(MAX_EXAMPLES)]
    for original, spun in swaps:
        o, s = _lemma(original), _lemma(spun)
        cands = lex.candidate_set(o)
        if s in cands and len(cands) > 1:
            examples.append((o, s, cands))
    if len(examples) < MIN_EXAMPLES:
        if on_error is not None:
            on_error(f"channel not fitted: only {len(examples)} of {len(swaps)} swaps are thesaurus picks (need {MIN_EXAMPLES})")
        return None
    try:
        model = fit_channel(examples, l2=l2, lexicon=lex, note=f"fitted by unspin learn on {len(examples)} swaps")
    except ValueError as e:
        if on_error is not None:
            on_error(f"channel not fitted: {e}")
        return None
    d = model.to_dict()
    d["examples"] = len(examples)
    return d


def merge_channels(channels: Sequence[Mapping[str, Any] | None], weights: Sequence[float]) -> dict[str, Any] | None:
    """Weighted mean of the channel weights of several lexicons, each weighted by the examples
    its channel was fitted on (``examples``; else the given weight, e.g. the swaps it was learned
    from); parameters that are not numbers are taken from the heaviest lexicon."""
    present = [(c, float(c.get("examples") or w)) for c, w in zip(channels, weights) if c]
    if not present:
        return None
    if len(present) == 1:
        return dict(present[0][0])
    total = sum(w for _, w in present) or float(len(present))
    heaviest = max(present, key=lambda cw: cw[1])[0]
    out = dict(heaviest)
    ws = [c.get("weights") for c, _ in present]
    if all(isinstance(x, Mapping) for x in ws):
        names = sorted({k for x in ws for k in x})  # type: ignore[union-attr]
        out["weights"] = {k: sum(float(c["weights"].get(k, 0.0)) * (w or 1.0) for c, w in present) / total for k in names}
    out["examples"] = sum(int(c.get("examples", 0) or 0) for c, _ in present)
    out["note"] = f"weighted mean of {len(present)} fitted channels"
    return out
