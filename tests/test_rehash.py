"""Final names: hashes of final bytes, references that follow renames, maps that stay valid."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bundlewise.rehash import HASHED_NAME, rehash, rewrite_references
from bundlewise.sourcemap import decode_vlq, encode_vlq, insert_into_map


def files_with_a_cycle() -> dict[str, bytes]:
    return {
        "a-AAAAAAAA.js": b'import("./b-BBBBBBBB.js");\n//# sourceMappingURL=a-AAAAAAAA.js.map',
        "a-AAAAAAAA.js.map": b"{}",
        "b-BBBBBBBB.js": b'import("./a-AAAAAAAA.js");export const b=1;',
        "c-CCCCCCCC.js": b"export const c=3;",
    }


REFS = {
    "a-AAAAAAAA.js": {"b-BBBBBBBB.js", "a-AAAAAAAA.js.map"},
    "b-BBBBBBBB.js": {"a-AAAAAAAA.js"},
    "c-CCCCCCCC.js": set(),
}


def test_b9_a_change_renames_the_file_and_everything_that_reaches_it() -> None:
    files = files_with_a_cycle()
    files["b-BBBBBBBB.js"] = files["b-BBBBBBBB.js"].replace(b"b=1", b"b=2")
    renames = rehash(REFS, {"b-BBBBBBBB.js"}, files.__getitem__)
    assert set(renames) == {"a-AAAAAAAA.js", "a-AAAAAAAA.js.map", "b-BBBBBBBB.js"}
    assert renames["a-AAAAAAAA.js.map"] == renames["a-AAAAAAAA.js"] + ".map"
    for old, new in renames.items():
        assert len(old) == len(new) and HASHED_NAME.match(new) and old != new


def test_names_depend_only_on_content() -> None:
    files = files_with_a_cycle()
    first = rehash(REFS, {"b-BBBBBBBB.js"}, files.__getitem__)
    again = rehash(REFS, {"b-BBBBBBBB.js"}, files.__getitem__)
    assert first == again
    files["b-BBBBBBBB.js"] += b"//"
    assert (
        rehash(REFS, {"b-BBBBBBBB.js"}, files.__getitem__)["a-AAAAAAAA.js"]
        != first["a-AAAAAAAA.js"]
    )


def test_references_follow_the_rename() -> None:
    files = files_with_a_cycle()
    renames = rehash(REFS, {"b-BBBBBBBB.js"}, files.__getitem__)
    a = rewrite_references(files["a-AAAAAAAA.js"], renames)
    new_b, new_map = renames["b-BBBBBBBB.js"], renames["a-AAAAAAAA.js.map"]
    assert a == f'import("./{new_b}");\n//# sourceMappingURL={new_map}'.encode()


@given(st.lists(st.integers(min_value=-(2**30), max_value=2**30), min_size=1, max_size=6))
def test_vlq_round_trip(values: list[int]) -> None:
    assert decode_vlq(encode_vlq(values)) == values


def test_inserting_text_shifts_only_later_segments() -> None:
    # Two segments on line 0, at generated columns 0 and 10, both from source 0, line 0.
    mapping = {
        "version": 3,
        "sources": ["a.ts"],
        "mappings": encode_vlq([0, 0, 0, 0]) + "," + encode_vlq([10, 0, 0, 5]),
    }
    shifted = json.loads(insert_into_map(json.dumps(mapping).encode(), [(0, 4, 7)]))
    first, second = (decode_vlq(s) for s in shifted["mappings"].split(","))
    assert first == [0, 0, 0, 0] and second == [17, 0, 0, 5]
