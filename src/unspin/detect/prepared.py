"""A document read once: tokens, sentences and word counts that every step of the check shares.

`prepare` tokenises the text, drops the page furniture (`Document.excluded`), splits the
sentences and counts the words once; the decoder, the phrase pass, the catalogue, the
source search and the document score all read this object instead of tokenising again.
It also applies the word cap (`unspin.settings.MAX_CHECK_WORDS`): a longer document is
checked up to the end of the sentence that reaches the cap (or at the cap inside one
overlong sentence), so time and memory per document are bounded, and
`PreparedDocument.warning` says what was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from unspin.detect._evidence import word_counts
from unspin.model import Document
from unspin.text import Sentence, Token, TokenKind, split_sentences, tokenize

if TYPE_CHECKING:
    from unspin.text.pos import Reading


@dataclass(frozen=True)
class PreparedDocument:
    """``document`` tokenised, split and counted once (up to the word cap)."""

    document: Document
    #: every token of the checked part (furniture included): what alignment with a source reads
    all_tokens: list[Token]
    #: the tokens detection reads: the checked part without the page furniture
    tokens: list[Token]
    #: sentences of ``tokens`` (``first_token``/``last_token`` index into it)
    sentences: list[Sentence]
    #: word tokens in ``tokens`` (the report's ``words``)
    words: int
    #: occurrences of each word (`Token.norm`) in ``tokens``
    counts: dict[str, int] = field(repr=False)
    #: the checked part is ``document.text[:end]`` (the whole text unless the cap cut it)
    end: int = 0
    #: word tokens of the whole document after furniture (== ``words`` unless cut)
    total_words: int = 0

    @cached_property
    def pos_tags(self) -> dict[int, Reading]:
        """Penn tags in context of the word tokens (``Token.start`` -> tag; `unspin.text.pos`): one
        tagger call for the document, on first use, kept here for every step that reads them."""
        from unspin.text.pos import tag_document

        return tag_document(self.document.text, self.tokens)

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def truncated(self) -> bool:
        return self.words < self.total_words

    @property
    def checked_text(self) -> str:
        """The part of the text that was checked (all of it unless the word cap cut it)."""
        return self.document.text[: self.end]

    def warning(self) -> str | None:
        """The report warning of a document cut at the word cap (None when it was not)."""
        if not self.truncated:
            return None
        return (f"checked the first {self.words:,} of {self.total_words:,} words (the word cap); "
                f"text after character {self.end:,} was not checked")


def document_tokens(doc: Document) -> list[Token]:
    """The tokens of ``doc`` that detection reads: all of them but the page furniture."""
    return _without_furniture(tokenize(doc.text), doc.excluded)


def prepare(doc: Document, max_words: int | None = None) -> PreparedDocument:
    """Tokenise, split and count ``doc`` once; cut it after ``max_words`` words (None: no cap)."""
    all_tokens = tokenize(doc.text)
    tokens = _without_furniture(all_tokens, doc.excluded)
    sentences = split_sentences(doc.text, tokens)
    total = sum(1 for t in tokens if t.kind is TokenKind.WORD)
    end = len(doc.text)
    if max_words is not None and total > max_words:
        cut = _cut(tokens, sentences, max_words)
        end = tokens[cut - 1].end
        tokens = tokens[:cut]
        all_tokens = [t for t in all_tokens if t.end <= end]
        sentences = split_sentences(doc.text[:end], tokens)
    words = sum(1 for t in tokens if t.kind is TokenKind.WORD)
    return PreparedDocument(doc, all_tokens, tokens, sentences, words, word_counts(tokens), end, total)


def _without_furniture(tokens: list[Token], excluded: Sequence[tuple[int, int]]) -> list[Token]:
    if not excluded:
        return tokens
    return [t for t in tokens if not any(a <= t.start and t.end <= b for a, b in excluded)]


def _cut(tokens: list[Token], sentences: list[Sentence], max_words: int) -> int:
    """How many tokens to keep: whole sentences up to ``max_words`` words, or the first
    ``max_words`` words of an overlong first sentence."""
    kept = 0
    words = 0
    for s in sentences:
        n = sum(1 for t in tokens[s.first_token : s.last_token] if t.kind is TokenKind.WORD)
        if words + n > max_words:
            break
        words += n
        kept = s.last_token
    if kept == 0 or words < max_words // 2:
        # one sentence longer than the cap (a text without full stops): cut inside it
        seen = 0
        for i in range(kept, len(tokens)):
            if tokens[i].kind is TokenKind.WORD:
                seen += 1
                if words + seen > max_words:
                    return i
        return len(tokens)
    return kept
