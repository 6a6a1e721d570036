"""Random documents come out unchanged outside the tags the hints edit, and a second pass is a no-op."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundlewise.hints import HintOptions, ImageFacts, Variant, hint_page
from bundlewise.pages import PageEditor, scan_tags
from bundlewise.pages.scan import Tag

IMAGES = {
    "a.jpg": ImageFacts(800, 600, "a.jpg", "jpeg", (Variant("webp", 800, "a.webp"),)),
    "b.png": ImageFacts(40, 40, "b.png", "png"),
    "c.jpg": ImageFacts(
        1600,
        900,
        "c.jpg",
        "jpeg",
        (Variant("jpeg", 480, "c-480.jpg"), Variant("avif", 1600, "c.avif")),
    ),
}

_text = st.text(alphabet="ab <>&;/='\"\r\n\t-!é\ufeff", max_size=20)
_value = st.sampled_from(["a.jpg", "b.png", "c.jpg", "x y.jpg", "a.jpg?x=1&amp;y", "", "50%", "10"])


@st.composite
def _attribute(draw: st.DrawFn) -> str:
    name = draw(
        st.sampled_from(["src", "alt", "width", "height", "loading", "srcset", "sizes", "data-lcp"])
    )
    value = draw(_value)
    quote = draw(st.sampled_from(['"', "'", ""]))
    if draw(st.booleans()) and name == "data-lcp":
        return name
    return f"{name}={quote}{value}{quote}" if quote or value else name


@st.composite
def _tag(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["img", "IMG", "iframe", "source", "link", "p", "script"]))
    attrs = draw(st.lists(_attribute(), max_size=4))
    spaces = draw(st.sampled_from([" ", "\n  ", "\r\n", "\t"]))
    end = draw(st.sampled_from([">", "/>", " />"]))
    return f"<{name}" + "".join(spaces + a for a in attrs) + end


_FRAGMENTS = st.one_of(
    _text,
    _tag(),
    st.sampled_from(
        [
            "<html>",
            "<head>",
            "</head>",
            "<body>",
            "<title>",
            "</title>",
            "<picture>",
            "</picture>",
            "<template>",
            "</template>",
            "<noscript>",
            "</noscript>",
            "<pre>",
            "</pre>",
            "<svg>",
            "</svg>",
            "<!--",
            "-->",
            "<!--[if IE]>",
            "<![endif]-->",
            "<textarea>",
            "</textarea>",
            "<script>",
            "</script>",
            '"</" + "script>"',
            '<link rel="stylesheet" href="s.css">',
            '<link rel="preload" as="image" href="a.jpg">',
            "<style>",
            "</style>",
            "&amp;",
            "&lt;img src=a.jpg&gt;",
            "<!doctype html>",
            "<![CDATA[",
        ]
    ),
)
_DOCUMENTS = st.lists(_FRAGMENTS, max_size=30).map("".join)
_OPTIONS = st.builds(
    HintOptions,
    eager=st.integers(0, 3),
    lazy=st.booleans(),
    lcp=st.booleans(),
    responsive=st.booleans(),
)


def _hint(text: str, options: HintOptions) -> PageEditor:
    tags = scan_tags(text)
    facts = {
        t.index: IMAGES[t.get("src") or ""]
        for t in tags
        if t.name in ("img", "source") and (t.get("src") or "") in IMAGES
    }
    editor = PageEditor(text)
    hint_page(editor, tags, facts, lambda p: p, ["f.woff2"], options)
    return editor


def _allowed_at(offset: int, text: str, tags: list[Tag]) -> bool:
    """Inside (or at an edge of) an image/iframe/source start tag, or at a head preload point."""
    return any(t.start <= offset <= t.end for t in tags if t.name in ("img", "iframe", "source"))


def _is_preload_block(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith('<link rel="preload" ') for line in lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS, _OPTIONS)
def test_f28_random_documents_change_only_at_edited_tags(text: str, options: HintOptions) -> None:
    editor = _hint(text, options)
    tags = scan_tags(text)
    for edit in editor.edits:
        assert edit.start == edit.end, "hints only insert, never replace"
        assert _allowed_at(edit.start, text, tags) or _is_preload_block(edit.text), edit
    output = editor.apply()
    # Cutting the inserted text back out of the output gives the input, byte for byte.
    kept, pos, shift = [], 0, 0
    for edit in sorted(editor.edits, key=lambda e: (e.start, e.end, e.order)):
        kept.append(output[pos : edit.start + shift])
        shift += len(edit.text)
        pos = edit.start + shift
    kept.append(output[pos:])
    assert "".join(kept) == text
    # Every attribute the input had is still there with the same value.
    before = [(t.name, {a.name: a.value for a in t.attrs}) for t in tags]
    after = {(t.name, t.start): {a.name: a.value for a in t.attrs} for t in scan_tags(output)}
    remaining = list(after.values())
    for name, attrs in before:
        match = next((i for i, a in enumerate(remaining) if attrs.items() <= a.items()), None)
        assert match is not None, (name, attrs)
        remaining = remaining[match + 1 :]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS, _OPTIONS)
def test_f29_hinting_the_output_again_changes_nothing(text: str, options: HintOptions) -> None:
    output = _hint(text, options).apply()
    again = _hint(output, options)
    assert again.apply() == output
    assert again.changes == []
