"""Lexical resources: the Moby thesaurus (forward and inverse), inflection, word frequency."""

from unspin.lexicon.moby import Thesaurus, load_thesaurus
from unspin.lexicon.inflection import lemmas, inflect, penn_tags_for, reinflect
from unspin.lexicon.freq import zipf

__all__ = ["Thesaurus", "load_thesaurus", "lemmas", "inflect", "penn_tags_for", "reinflect", "zipf"]
