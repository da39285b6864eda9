"""N-gram language model scoring (pocketsphinx's US-English 3-gram model)."""

from unspin.lm.ngram import LanguageModel, load_lm, OOV

__all__ = ["LanguageModel", "load_lm", "OOV"]
