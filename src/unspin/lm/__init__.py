"""N-gram language model scoring (pocketsphinx's US-English 3-gram model)."""

from unspin.lm.ngram import OOV, LanguageModel, load_lm

__all__ = ["LanguageModel", "load_lm", "OOV"]
