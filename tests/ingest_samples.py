"""Hand-written inputs for the ingest tests: a spun article page as plain text,
three news pages in typical layouts, and builders for WARC, JSONL and Parquet files.

Everything here is made up for the tests; nothing is copied from elsewhere.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path

# --- A spun article copied off a page, furniture and all --------------------------------

SPUN_TITLE = "Harbour town votes to rebuild storm-hit sea wall before winter"
SPUN_BODY = [
    "The harbour town council on Monday approved a plan to reconstruct the sea wall that was "
    "severely harmed in last month's tempest, with work expected to start within weeks.",
    "Officials said the new wall would be two metres higher than the old one and would shield "
    "more than 400 homes along the front from flooding during high tides.",
    "The venture is expected to cost about 12 million pounds, most of it paid by a national "
    "fund for coastal protection, while the town will cover the rest from its reserves.",
    "Local fishermen welcomed the decision but warned that the harbour entrance must stay "
    "open during the building work, or the fleet would lose the best weeks of the season.",
    "\u201cWe have waited long enough,\u201d said the mayor. \u201cThe next storm will not wait for us.\u201d",
]
SPUN_FURNITURE = [
    "Share this:",
    "Facebook Twitter WhatsApp Email",
    "Related Articles",
    "Council approves new car park near the beach",
    "Storm damage bill rises to record level",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Comment *",
    "Name *",
    "Email *",
    "Website",
    "Save my name, email, and website in this browser for the next time I comment.",
    "Post Comment",
    "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish. Accept Read More",
    "\u00a9 2024 Coastal News Daily. All rights reserved.",
]


def spun_page_text() -> str:
    """The spun article as a person copies it off the page: title twice, body, then the page furniture."""
    parts = [SPUN_TITLE, "", SPUN_TITLE, ""]
    for p in SPUN_BODY:
        parts += [p, ""]
    parts += SPUN_FURNITURE
    return "\n".join(parts) + "\n"


# --- Three news pages ------------------------------------------------------------------


def _paragraphs(ps: Iterable[str]) -> str:
    return "\n".join(f"<p>{p}</p>" for p in ps)


PAGE1_BODY = [
    "The city council voted on Tuesday to approve the construction of a new pedestrian bridge over the river, "
    "ending a debate that has divided residents for more than three years.",
    "The bridge, which will connect the old market district with the new housing estates on the eastern bank, "
    "is expected to cost about 14 million dollars and take two years to build.",
    "Supporters said the crossing would cut walking times in half and bring more visitors to the shops and "
    "cafes around the market square, which have struggled since the main road was closed.",
    "Opponents argued that the money would be better spent on repairing existing roads and that the design "
    "would spoil the view of the historic waterfront from the castle gardens.",
    "The mayor said construction would begin next spring once the final engineering studies are complete and "
    "the contract has been awarded to a builder.",
]
PAGE1_FURNITURE = [
    "Riverside Gazette",
    "Sport",
    "Most Read",
    "Local bakery wins national award",
    "Get the latest headlines delivered to your inbox every morning.",
    "Council delays vote on parking charges",
    "About time, this bridge has been promised for ages and nothing ever happens.",
    "Your email address will not be published.",
    "All rights reserved.",
    "This website uses cookies",
    "Share on Facebook",
]
PAGE1 = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>City council approves new bridge over the river | Riverside Gazette</title>
<meta property="og:title" content="City council approves new bridge over the river">
<meta property="article:published_time" content="2023-05-14T09:30:00Z">
<link rel="canonical" href="https://gazette.example.com/news/2023/05/14/bridge">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
<style>body{{font-family:sans-serif}} .nav li{{display:inline}}</style>
</head>
<body>
<header class="site-header">
  <div class="logo"><a href="/">Riverside Gazette</a></div>
  <nav class="nav"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
  <li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>
  <form class="search"><input type="text" placeholder="Search"><button>Go</button></form>
</header>
<main>
<article class="post">
  <h1 class="entry-title">City council approves new bridge over the river</h1>
  <div class="byline">By Jane Miller | <time datetime="2023-05-14">May 14, 2023</time></div>
  <div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
  <div class="entry-content">
{_paragraphs(PAGE1_BODY)}
  </div>
  <div class="tags">Tags: <a href="#">council</a>, <a href="#">transport</a></div>
</article>
<aside class="sidebar">
  <h3>Most Read</h3>
  <ul><li><a href="#">Local bakery wins national award</a></li><li><a href="#">School fair raises record sum for library</a></li></ul>
  <div class="newsletter"><h3>Subscribe to our newsletter</h3><p>Get the latest headlines delivered to your inbox every morning.</p>
  <input type="email"><button>Sign up</button></div>
</aside>
<section class="related"><h2>Related Articles</h2><ul><li><a href="#">Council delays vote on parking charges</a></li>
<li><a href="#">New cycle lanes open in the city centre</a></li></ul></section>
<section id="comments" class="comments">
  <h2>3 Comments</h2>
  <div class="comment"><p class="author">Bob</p><p>About time, this bridge has been promised for ages and nothing ever happens.</p></div>
  <div id="respond" class="comment-respond"><h3>Leave a Reply</h3>
  <p>Your email address will not be published. Required fields are marked *</p>
  <form><textarea></textarea><button>Post Comment</button></form></div>
</section>
</main>
<footer class="site-footer"><p>&copy; 2023 Riverside Gazette. All rights reserved.</p>
<a href="/privacy">Privacy Policy</a> <a href="/contact">Contact us</a>
<div class="cookie-notice">This website uses cookies to improve your experience. <button>Accept</button></div>
</footer>
</body>
</html>
"""

PAGE2_BODY = [
    "Farmers in the northern valleys are bracing for a third dry summer in a row after the regional water "
    "authority said reservoirs were only a third full at the end of March.",
    "The authority has asked growers to cut irrigation by a quarter and plans to ban the filling of private "
    "swimming pools from June if the spring rains do not arrive.",
    "Maria Lopez, who grows peaches on twenty hectares near the river, said she had already dug a second "
    "well and would leave part of her orchard unwatered to save the youngest trees.",
    "Scientists at the state university said the long-term trend was clear: winters in the region are "
    "warmer than they were forty years ago and snow melts weeks earlier.",
    "The regional government will meet next week to decide whether to declare a drought emergency, which "
    "would release money for water tankers and compensation.",
]
PAGE2_FURNITURE = [
    "We value your privacy",
    "Home",
    "Regions",
    "Most popular",
    "Ferry strike called off after late-night talks",
    "Advertisement",
    "Sign in to comment",
    "Great article, thanks for covering this.",
    "Terms of use",
    "Follow us",
]
PAGE2 = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Farmers brace for third dry summer as reservoirs fall - Valley Times</title>
<meta name="date" content="2024-04-02">
<meta name="description" content="Reservoirs are only a third full.">
</head>
<body>
<div id="cookie-banner" class="consent">We value your privacy. We and our partners use cookies to personalise content. <a href="#">Accept all</a> <a href="#">Manage</a></div>
<div id="top-nav" class="menu"><a href="/">Home</a> | <a href="/regions">Regions</a> | <a href="/farming">Farming</a> | <a href="/weather">Weather</a></div>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/farming">Farming</a></div>
<div id="layout">
  <div id="main-column">
    <div class="story">
      <h1>Farmers brace for third dry summer as reservoirs fall</h1>
      <p class="dateline">Published 2 April 2024, by our agriculture correspondent</p>
      <div class="story-body">
{_paragraphs(PAGE2_BODY)}
      </div>
      <div class="ad-slot">Advertisement</div>
    </div>
    <div id="discussion" class="comments-area">
      <h3>Comments (2)</h3>
      <div class="comment-body">Great article, thanks for covering this.</div>
      <div class="comment-body">The pool ban should have come years ago.</div>
      <a href="/login">Sign in to comment</a>
    </div>
  </div>
  <div id="right-column" class="sidebar widget-area">
    <h4>Most popular</h4>
    <ol><li><a href="#">Ferry strike called off after late-night talks</a></li>
    <li><a href="#">Record crowds at the spring flower show</a></li></ol>
    <div class="widget">Follow us <a href="#">Facebook</a> <a href="#">Instagram</a></div>
  </div>
</div>
<div id="footer"><a href="/terms">Terms of use</a> | <a href="/about">About the Valley Times</a> | Copyright 2024 Valley Media Group</div>
</body>
</html>
"""

PAGE3_BODY = [
    "After eighteen months of repairs, the old lighthouse on the northern cape opened to visitors on "
    "Saturday, and more than two thousand people climbed its 214 steps on the first weekend.",
    "The tower had been closed since a winter storm cracked its lantern room, and for a while the "
    "county considered selling it to a private developer.",
    "A group of volunteers raised half of the cost through small donations, bake sales and a charity "
    "swim across the bay, and the national heritage fund paid the remainder.",
    "Visitors can now see the restored lens, which was made in 1897 and was taken apart piece by piece "
    "so that every prism could be cleaned and refitted.",
    "The volunteers plan to open a small museum in the keeper's cottage next summer, with photographs "
    "and logbooks lent by the families of former keepers, and a café.",
]
PAGE3_FURNITURE = [
    "Skip to content",
    "Coastal Walks Blog",
    "Share this:",
    "Like this:",
    "Related",
    "Ten best cliff walks for autumn",
    "What a lovely story, we visited in August.",
    "Leave a Reply",
    "Save my name, email, and website in this browser for the next time I comment.",
    "Recent Posts",
    "Proudly powered by WordPress",
]
PAGE3 = f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="windows-1252">
<title>Restored lighthouse welcomes first visitors &#8211; Coastal Walks Blog</title>
<meta property="article:published_time" content="2022-09-10T08:00:00+00:00">
<link rel='stylesheet' href='/wp-content/themes/twentytwenty/style.css' media='all'>
<script src='/wp-includes/js/jquery/jquery.min.js'></script>
</head>
<body class="post-template-default single single-post">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header">
  <p class="site-title"><a href="/">Coastal Walks Blog</a></p>
  <p class="site-description">Stories from the shore</p>
  <nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
  <li><a href="/">Home</a></li><li><a href="/walks">Walks</a></li><li><a href="/about">About</a></li></ul></nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-1234" class="post-1234 post type-post status-publish">
  <header class="entry-header"><h1 class="entry-title">Restored lighthouse welcomes first visitors</h1>
  <div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published" datetime="2022-09-10T08:00:00+00:00">10 September 2022</time></span>
  <span class="byline"> by <a href="/author/tom">Tom</a></span></div></header>
  <div class="entry-content">
{_paragraphs(PAGE3_BODY)}
  <div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3>
  <ul><li><a class="share-twitter" href="#">Twitter</a></li><li><a class="share-facebook" href="#">Facebook</a></li></ul></div>
  <div class="sharedaddy sd-like"><h3 class="sd-title">Like this:</h3><span>Like Loading...</span></div>
  <div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>
  <div class="jp-relatedposts-post"><a href="#">Ten best cliff walks for autumn</a></div></div>
  </div>
  <footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/news">News</a></span></footer>
</article>
<nav class="navigation post-navigation"><h2 class="screen-reader-text">Post navigation</h2>
<div class="nav-previous"><a href="#">Previous post: Seal pups return to the sandbanks</a></div></nav>
<div id="comments" class="comments-area">
  <h2 class="comments-title">One thought on &ldquo;Restored lighthouse welcomes first visitors&rdquo;</h2>
  <ol class="comment-list"><li class="comment"><article class="comment-body">
  <footer class="comment-meta"><b class="fn">Anne</b> says:</footer>
  <div class="comment-content"><p>What a lovely story, we visited in August.</p></div></article></li></ol>
  <div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
  <form id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be published.</p>
  <p class="comment-form-cookies-consent"><label>Save my name, email, and website in this browser for the next time I comment.</label></p>
  <p class="form-submit"><input type="submit" value="Post Comment"></p></form></div>
</div>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>
<ul><li><a href="#">Seal pups return to the sandbanks</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info"><a href="https://wordpress.org/">Proudly powered by WordPress</a></div></footer>
</body>
</html>
"""

#: (html, body paragraphs, furniture strings, title, date)
NEWS_PAGES = [
    (PAGE1, PAGE1_BODY, PAGE1_FURNITURE, "City council approves new bridge over the river", "2023-05-14"),
    (PAGE2, PAGE2_BODY, PAGE2_FURNITURE, "Farmers brace for third dry summer as reservoirs fall", "2024-04-02"),
    (PAGE3, PAGE3_BODY, PAGE3_FURNITURE, "Restored lighthouse welcomes first visitors", "2022-09-10"),
]

FRENCH_TEXT = (
    "Le conseil municipal a approuvé mardi la construction d'une nouvelle passerelle au-dessus de la rivière, "
    "mettant fin à un débat qui divisait les habitants depuis plus de trois ans. Les travaux devraient "
    "commencer au printemps prochain et durer deux ans, selon la mairie, qui estime le coût à quatorze "
    "millions d'euros."
)

# --- File builders ----------------------------------------------------------------------


def warc_bytes(pages: list[tuple[str, bytes]], *, gz: bool = True, content_type: str = "text/html; charset=utf-8", extra: bool = True) -> bytes:
    """A WARC (gzipped per record) with a warcinfo record, then a request and a response per page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    if extra:
        writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "unspin tests"}))
    for url, body in pages:
        if extra:
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        # With the length given warcio digests the payload in place instead of buffering it in a temporary file.
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
    return buf.getvalue()


def write_warc(path: Path, pages: list[tuple[str, bytes]], **kwargs: object) -> Path:
    path.write_bytes(warc_bytes(pages, **kwargs))  # type: ignore[arg-type]
    return path


def write_jsonl(path: Path, rows: list[object], *, gz: bool = False) -> Path:
    data = "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_parquet(path: Path, columns: dict[str, list[object]], *, row_group_size: int | None = None) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
    return path
