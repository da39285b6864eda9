"""Texts shared by the web tests: the bundled spun example and the wording it was spun from."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPUN = (ROOT / "examples" / "spun_article.txt").read_text(encoding="utf-8")
#: The wording examples/spun_article.txt was spun from (first two paragraphs), written for these tests.
SOURCE = (
    "The government announced on Tuesday that it would raise taxes on large companies to pay for a new scheme "
    "to help families with rising energy bills. Ministers said the plan would cost about 5bn pounds over the next "
    "two years and would protect millions of households from the worst of the winter price increases.\n\n"
    "The opposition welcomed the support but said it came too late for many families who had already fallen behind "
    "on their payments. Business groups warned that higher taxes could slow investment and cost jobs at a time when "
    "the economy was already weak.\n"
)
#: Markup that would run if the page ever inserted article text unescaped.
XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


def source_index():
    """An in-memory source index (the real `unspin.index`) holding SOURCE."""
    from unspin.index import SourceIndex
    from unspin.model import Document

    index = SourceIndex.open(None)
    index.add(Document(text=SOURCE, id="src-1", source="https://example.org/original", metadata={"url": "https://example.org/original"}))
    return index
