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


#: An article indexed with markup in its text and title (`source_index`, id "src-xss"): pasting
#: XSS_ARTICLE finds it, so the page shows that source's text and title.
XSS_ARTICLE = (
    "The county museum reopened its main hall on Saturday after a two-year restoration that uncovered painted "
    "ceilings hidden for more than a century. Curators said the work had cost far less than feared because "
    "volunteers cleaned most of the plaster by hand, and that entry would stay free for local schools.\n"
)


def source_index():
    """An in-memory source index (the real `unspin.index`): SOURCE (id "src-1"), the decoys of
    `e2e_samples.DECOYS` (unrelated news on neighbouring topics, so a search that returns anything
    but the right document fails), and "src-xss" (XSS_ARTICLE with markup in its text and title)."""
    from e2e_samples import DECOYS
    from unspin.index import SourceIndex
    from unspin.model import Document

    index = SourceIndex.open(None)
    index.add(Document(text=SOURCE, id="src-1", source="https://example.org/original", metadata={"url": "https://example.org/original"}))
    for doc_id, text in DECOYS.items():
        index.add(Document(text=text, id=doc_id, metadata={"title": doc_id.replace("-", " "), "url": f"https://example.org/{doc_id}"}))
    index.add(Document(text=XSS_ARTICLE + "\n" + XSS + "\n", id="src-xss", metadata={"title": "Museum " + XSS}))
    return index
