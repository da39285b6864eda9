"""Lexical resources: the Moby thesaurus (forward and inverse), inflection, word frequency."""

from unspin.lexicon.freq import zipf
from unspin.lexicon.inflection import inflect, lemmas, penn_tags_for, reinflect
from unspin.lexicon.moby import Thesaurus, load_thesaurus

__all__ = ["Thesaurus", "load_thesaurus", "lemmas", "inflect", "penn_tags_for", "reinflect", "zipf"]
