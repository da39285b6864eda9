"""Page furniture in plain text: found and reported as spans, never removed.

Text copied off a web page keeps the page around the article: the title twice,
"Related Articles" and a list of headlines, "Leave a Reply" and the comment
form, share buttons, a cookie notice, a copyright line. None of it is the
article, so detection, scoring and fingerprints must not see it; but the text
must stay byte for byte, so that offsets still index into the file. So this
module only *finds* furniture, one whole line at a time, and says why.

A line is furniture when, lower-cased with its spacing and edge punctuation
tidied, it is one of the known phrases (the patterns below), or it is the
first line repeated near the top (the title twice), or it is a short
headline-like line in the list that follows a furniture heading such as
"Related Articles". Body paragraphs are never matched by a phrase that could
start a sentence: every pattern must match the *whole* line, except the
cookie notice and copyright rules, which look for their unmistakable wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class FurnitureLine:
    """One line of furniture: its character span (whitespace trimmed) and why it is furniture."""

    start: int
    end: int
    reason: str


_NETWORKS = (
    "facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram|email|e-mail|mail|print|tumblr|"
    "pocket|flipboard|messenger|sms|threads|bluesky|mastodon|vk|line|viber|copy link|copy"
)
_SHARE_TOKENS = frozenset(
    "facebook twitter x linkedin whatsapp pinterest reddit telegram email e-mail mail print tumblr pocket "
    "flipboard messenger sms threads bluesky mastodon vk viber copy link share tweet pin it on via more "
    "shares comment comments".split()
)
_NETWORK_NAMES = frozenset(_NETWORKS.replace("copy link|", "").split("|")) | {"tweet", "share", "shares"}

#: (reason, pattern that must match the whole tidied line, is it a heading that opens a list)
_RULES: tuple[tuple[str, str, bool], ...] = (
    (
        "related articles",
        r"(related|recommended|similar|suggested|popular|trending|latest|more|top|most read|most popular|"
        r"most viewed|editor'?s picks?|read next|up next|you may have missed)"
        r"( (news|articles?|posts?|stories|reads|videos|content|coverage|links|headlines))?( for you)?"
        r"|you (may|might|will) (also )?(like|love|enjoy|be interested in)( this)?"
        r"|(read|see) (more|next|also)|also read|further reading|don'?t miss|what to read next"
        r"|more (stories|articles|news|posts) (like this|from [\w' .&-]{1,40})|more from [\w' .&-]{1,40}|more on this story",
        True,
    ),
    (
        "comment form",
        r"(leave|post|add|write|submit|join) (a |your |the )?(reply|comment|response|conversation|discussion)s?"
        r"|\d+ (comments?|responses?|replies|thoughts? on .{1,200})|comments?( \(\d+\))?|no comments( yet)?|discussion",
        True,
    ),
    (
        "comment form",
        r"(your )?email address will not be published\.?( required fields are marked \*)?"
        r"|required fields are marked \*|(name|email|e-mail|website|url|comment|message)( address)?( \(required\))? ?\*?"
        r"|save my name,? email,? and website in this browser for the next time i comment\.?"
        r"|(post|submit|send) (comment|reply)|cancel reply|reply|log ?in to reply|reply to this comment"
        r"|notify me of (new |follow-up )?(comments|posts)( via| by) e-?mail\.?"
        r"|you must be (logged|signed) in to post a comment\.?|this site uses akismet to reduce spam\..{0,120}",
        False,
    ),
    (
        "share buttons",
        rf"(share|sharing)( this)?( (article|story|post|page))?( (on|via|to|with) ({_NETWORKS}))?"
        rf"|share (on|via|to|with) ({_NETWORKS})|tweet( this)?|pin it|spread the word|like this|like loading\.*|loading\.*"
        r"|click to (share|print|email)[^.]{0,80}|\d+ shares?",
        False,
    ),
    (
        "navigation",
        r"skip to (main )?(content|navigation)|post navigation|(previous|next|older|newer) (post|article|story|entry)s?"
        r"|advertisements?|sponsored( content| links| stories)?|ad|continue reading|read more|back to top|print( this (article|page))?"
        r"|(home|menu|search|close|toggle navigation)|(subscribe|sign up)( (to|for) (our|the) newsletter)?( now)?"
        r"|follow us( on [\w ,&]{1,60})?|(tags?|filed under|categories|category|posted in|topics?) ?: .{0,120}",
        False,
    ),
)
_COMPILED = tuple((reason, re.compile(pattern), heading) for reason, pattern, heading in _RULES)

_COOKIE_OPENER = re.compile(
    r"^(this (web ?)?site|we|our (web ?)?site|this page)( and our (\w+ )?partners)?( (also|may|might|do))? "
    r"(uses?|is using|stores?|places?|sets?|need your consent to use) (\w+ )?cookies\b"
)
_COOKIE_BUTTON = re.compile(
    r"\bcookies?\b.*\b(accept|agree|got it|opt[ -]out|ok|consent|manage (your )?preferences|cookie (policy|settings))\b"
    r"|\b(accept|allow|reject|manage) (all )?cookies\b|^cookie (policy|settings|preferences|notice|consent)\b"
)
_COPYRIGHT = re.compile(r"^(©|\(c\)|copyright\s*(©|\(c\))?\s*\d{4})|\ball rights reserved\b")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _tidy(line: str) -> str:
    """Lower-case, single spaces, edge punctuation (bullets, colons, arrows) trimmed."""
    line = re.sub(r"\s+", " ", line).strip().lower()
    return line.strip(" :|•·›»«→←-–—#>").replace("’", "'")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, leading and trailing whitespace trimmed."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            out.append((start, start + len(stripped)))
        pos += len(raw) + 1
    return out


def _phrase(tidy: str, words: int) -> tuple[str, bool] | None:
    """(reason, opens a list) when a tidied line is a furniture phrase."""
    for reason, pattern, heading in _COMPILED:
        if pattern.fullmatch(tidy):
            return reason, heading
    tokens = [t for t in re.split(r"[\s|/•·,]+", tidy) if t]
    if tokens and len(tokens) <= 20 and all(t in _SHARE_TOKENS or t.isdigit() for t in tokens) and any(t in _NETWORK_NAMES for t in tokens):
        return "share buttons", False
    if words <= 80 and (_COOKIE_OPENER.search(tidy) or _COOKIE_BUTTON.search(tidy)):
        return "cookie notice", False
    if words <= 30 and _COPYRIGHT.search(tidy):
        return "copyright", False
    return None


def _same_title(a: str, b: str) -> bool:
    """True when two tidied lines are the same title (one may carry a " | Site" suffix)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 15 and long.startswith(short) and long[len(short) :].lstrip()[:1] in ("|", "-", "–", "—", ":", "·")


def find_furniture(text: str) -> list[FurnitureLine]:
    """The furniture lines of a text, in order (the text itself is not touched)."""
    lines = _lines(text)
    found: list[FurnitureLine] = []
    # The title twice: the first line again within the next four lines.
    if lines:
        first = _tidy(text[lines[0][0] : lines[0][1]])
        if 0 < len(first.split()) <= 30:
            for start, end in lines[1:5]:
                if _same_title(first, _tidy(text[start:end])):
                    found.append(FurnitureLine(start, end, "repeated title"))
    in_list = False
    for start, end in lines:
        if any(f.start == start for f in found):
            continue
        line = text[start:end]
        tidy = _tidy(line)
        if not tidy:  # a rule or a lone bullet: neither article nor furniture
            continue
        words = len(tidy.split())
        hit = _phrase(tidy, words)
        if hit is not None:
            found.append(FurnitureLine(start, end, hit[0]))
            in_list = hit[1] or (in_list and hit[0] in ("share buttons", "navigation"))
            continue
        # A list of headlines under "Related Articles": short lines that are not sentences.
        if in_list and words <= 16 and not _SENTENCE_END.search(line):
            found.append(FurnitureLine(start, end, "related articles"))
            continue
        in_list = False
    found.sort(key=lambda f: f.start)
    return found


def merge_spans(lines: list[FurnitureLine], text: str) -> tuple[Span, ...]:
    """Furniture lines as excluded spans, neighbours separated only by whitespace joined."""
    spans: list[list[int]] = []
    for f in sorted(lines, key=lambda f: f.start):
        if spans and not text[spans[-1][1] : f.start].strip():
            spans[-1][1] = max(spans[-1][1], f.end)
        else:
            spans.append([f.start, f.end])
    return tuple((a, b) for a, b in spans)


def furniture_spans(text: str) -> tuple[Span, ...]:
    """Excluded spans for the furniture of a text (see `find_furniture`)."""
    return merge_spans(find_furniture(text), text)


def repeated_title(text: str, lines: list[FurnitureLine] | None = None) -> str | None:
    """The page title when the text starts with it repeated (the first line), else None."""
    lines = find_furniture(text) if lines is None else lines
    if not any(f.reason == "repeated title" for f in lines):
        return None
    first = _lines(text)[0]
    return text[first[0] : first[1]]
