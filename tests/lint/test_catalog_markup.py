"""``aimodel lint --explain``: the catalogue's markup rendered as Lintian renders it."""

from __future__ import annotations

import pytest

from dh_aimodel.cli import main
from dh_aimodel.lint import catalog


@pytest.mark.parametrize("markup, text", [
    ("use <code>aimodel fetch</code> first", "use aimodel fetch first"),
    ("in usr/share/doc/&lt;pkg&gt;/README", "in usr/share/doc/<pkg>/README"),
    ("see [the policy](https://example.org/p) now", "see the policy now"),
    ("at <https://example.org/x>.", "at https://example.org/x."),
    ("an <i>emphasis</i> and <em>another</em>", "an <emphasis> and <another>"),
    ('<a href="https://example.org">link</a> text', "link text"),
    ("a &amp; b", "a & b"),
])
def test_plain_text_as_lintians_markdown_to_plain(markup, text):
    assert catalog.plain_text(markup) == text


@pytest.mark.parametrize("tag", sorted(catalog.catalogue()))
def test_explain_prints_no_markup(capsys, tag):
    assert main(["lint", "--explain", tag]) == 0
    out = capsys.readouterr().out
    assert "<code>" not in out and "</" not in out and "&lt;" not in out


def test_explain_keeps_a_literal_placeholder(capsys):
    """&lt;pkg&gt; in a tag file is shown as <pkg> (a bare <pkg> Lintian would drop)."""
    assert main(["lint", "--explain", "aimodel-checksum-mismatch"]) == 0
    assert "usr/share/doc/<pkg>/README.aimodel" in capsys.readouterr().out


def test_no_tag_file_holds_markup_lintian_would_drop():
    for info in catalog.catalogue().values():
        for raw in info.explanation.replace("</code>", "").split("<")[1:]:
            assert raw.startswith(("code>", "i>", "/i>", "em>", "/em>", "https://")), info.name
