"""The watcher's fast swap: the previous output is deleted after the rebuild is announced."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from bundlewise.images.size import read_size
from bundlewise.output.staging import BackgroundRemoval, Staging, recover, trash_prefix


def build_into(out: Path, text: str) -> None:
    with Staging(out) as staging:
        (staging.path / "app.js").write_text(text)
        staging.commit()


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p != out)


def test_previous_output_waits_for_start_then_is_deleted(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_into(out, "one")
    with BackgroundRemoval() as removal:
        build_into(out, "two")
        assert (out / "app.js").read_text() == "two"
        (trash,) = siblings(out)
        assert trash.startswith(trash_prefix(out))
        assert (tmp_path / trash / "app.js").read_text() == "one"
        removal.start()
    assert siblings(out) == []
    assert (out / "app.js").read_text() == "two"


def test_leaving_the_block_deletes_what_was_never_started(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    with BackgroundRemoval():
        for text in ("one", "two", "three"):
            build_into(out, text)  # each swap finds `.dist.old` free again
        assert len(siblings(out)) == 2
    assert siblings(out) == []
    assert (out / "app.js").read_text() == "three"


def test_outside_the_block_the_swap_deletes_at_once(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_into(out, "one")
    build_into(out, "two")
    assert siblings(out) == []


def test_recover_deletes_an_interrupted_removal_but_not_one_under_way(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_into(out, "one")
    left = tmp_path / f"{trash_prefix(out)}99999-1"
    (left / "assets").mkdir(parents=True)
    (left / "assets" / "x.js").write_text("old")
    with BackgroundRemoval():
        build_into(out, "two")  # its Staging recovers first: the leftover goes
        assert not left.exists()
        (ours,) = siblings(out)
        recover(out)
        assert siblings(out) == [ours]  # still this process's to delete
    assert siblings(out) == []


def test_recover_still_restores_an_interrupted_swap(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_into(out, "one")
    out.rename(tmp_path / ".dist.old")  # killed between the two renames
    recover(out)
    assert (out / "app.js").read_text() == "one"
    assert siblings(out) == []


def test_image_size_is_read_again_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    Image.new("RGB", (30, 20)).save(path)
    assert read_size(path) == (30, 20)
    assert read_size(path) == (30, 20)
    Image.new("RGB", (31, 20)).save(tmp_path / "b.png")
    (tmp_path / "b.png").replace(path)  # an atomic save
    assert read_size(path) == (31, 20)
    path.write_bytes(b"not a png")
    assert read_size(path) == (0, 0)
    path.unlink()
    assert read_size(path) == (0, 0)
