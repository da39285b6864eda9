"""Learn a spinner's dictionary from the copies already found, and use it on the others.

`learn_pairs` reads aligned copy/source pairs and returns a `SpinnerLexicon`: the
spinner's swaps (spun -> original, lemmatised, with counts of swaps, documents and
sites) and the channel parameters fitted to them. `read_lexicon` / ``write`` keep it in
an editable TSV, `merge` combines lexicons, and `LexiconFlagger` turns a lexicon into
flags on a new document (``unspin.api.check(..., lexicons=[...])``).
"""

from unspin.learn.extract import CopyPair, PairError, evidence_pair, learn_pairs, pair_from_record
from unspin.learn.lexicon import LexiconEntry, LexiconError, SpinnerLexicon, merge, parse_lexicon, read_lexicon

__all__ = [
    "CopyPair", "LexiconEntry", "LexiconError", "PairError", "SpinnerLexicon",
    "evidence_pair", "learn_pairs", "merge", "pair_from_record", "parse_lexicon", "read_lexicon",
]
