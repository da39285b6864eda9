"""Tokens with character offsets, sentences, normalisation with an offset map."""

from unspin.text.normalize import normalize
from unspin.text.sentences import Sentence, split_sentences
from unspin.text.tokens import Token, TokenKind, normalize_token, tokenize

__all__ = ["Token", "TokenKind", "tokenize", "normalize_token", "Sentence", "split_sentences", "normalize"]
