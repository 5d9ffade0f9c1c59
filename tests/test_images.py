"""Image headers (size, own title), alt text and the box a body image reserves on its page."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from trees import write_tree_into

from generator.images import SVG_HEAD, image_info
from generator.linker import load_concept_graph
from generator.model import ImageInfo, SiteUrl
from generator.render.markdown import rewrite_body


def raster(fmt: str, size: tuple[int, int], **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def titled_png(size: tuple[int, int], title: str) -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Title", title)
    return raster("PNG", size, pnginfo=text)


def described(text: str, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    exif[0x0112] = orientation
    return exif.tobytes()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.png", raster("PNG", (30, 20)), ImageInfo(30, 20)),
        ("a.jpg", raster("JPEG", (64, 48)), ImageInfo(64, 48)),
        ("a.gif", raster("GIF", (7, 5)), ImageInfo(7, 5)),
        ("a.webp", raster("WEBP", (40, 10)), ImageInfo(40, 10)),
        ("a.png", titled_png((3, 2), "Loss  per\nepoch"), ImageInfo(3, 2, "Loss per epoch")),
        ("a.jpg", raster("JPEG", (8, 6), exif=described("A cat")), ImageInfo(8, 6, "A cat")),
        # A photo taken on its side is shown upright: its box is the other way round.
        ("a.jpg", raster("JPEG", (8, 6), exif=described("Up", 6)), ImageInfo(6, 8, "Up")),
        ("a.svg", b'<svg width="120" height="80"/>', ImageInfo(120, 80)),
        ("a.svg", b'<svg width="120px" height="80px"/>', ImageInfo(120, 80)),
        ("a.svg", b'<svg viewBox="0 0 520 220"/>', ImageInfo(520, 220)),
        ("a.svg", b'<svg viewBox="0,0,50,25" width="100"/>', ImageInfo(100, 50)),
        ("a.svg", b'<svg viewBox="0 0 50 25" width="100%"/>', ImageInfo(50, 25)),
        (
            "a.svg",
            b'<?xml version="1.0"?>\n<SVG viewBox="0 0 4 3">\n'
            b'<title id="t">A &amp; B</title></SVG>',
            ImageInfo(4, 3, "A & B"),
        ),
        ("a.svg", b'<svg width="10cm" height="5cm"/>', None),  # no pixel size to give
        ("a.svg", b"<svgx/>", None),
        ("a.png", b"\x89PNG\r\n\x1a\nnot really", None),
        ("a.png", b"", None),
    ],
)
def test_header_gives_size_and_title(name: str, data: bytes, expected: ImageInfo | None) -> None:
    assert image_info(name, data) == expected


def test_raster_size_comes_from_the_header_alone() -> None:
    # 96 megapixels whose pixel data is junk: decoding would fail (or take
    # hundreds of megabytes); the header gives the size.
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 12000, 8000, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"junk")
    assert image_info("huge.png", png + chunk(b"IEND", b"")) == ImageInfo(12000, 8000)


def test_svg_root_past_the_head_is_not_read() -> None:
    late = b" " * SVG_HEAD + b'<svg width="1" height="1"/>'
    assert image_info("late.svg", late) is None


def test_svg_scan_is_linear_in_a_hostile_head() -> None:
    # Many unclosed "<svg" starts: one find each way, not a scan from every start.
    assert image_info("x.svg", b"<svg " + b'a="' * 20_000) is None


def body_of(tmp_path: Path, body: str, files: dict[str, str | bytes]) -> tuple[str, list[str]]:
    tree = {"entities/a.md": f"---\nsummary: S.\n---\n{body}\n", **files}
    graph = load_concept_graph(write_tree_into(tmp_path, tree) / "entities")
    page = rewrite_body(graph.entities[next(iter(graph.entities))], graph, SiteUrl("concepts/a.md"))
    warnings = [
        str(d).split(": warning: ")[1] for d in graph.diagnostics if d.code == "image-no-alt"
    ]
    return page.markdown.strip(), warnings


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200"><title>A neuron</title></svg>'
PNG = raster("PNG", (300, 150))


@pytest.mark.parametrize(
    ("body", "markdown"),
    [
        # The author's caption, alt or title comes first, then the figure's own title.
        ("![[d.png|Loss curve]]", '![Loss curve](../images/d.png){ width="300" height="150" }'),
        ("![[d.png|Loss curve|100]]", '![Loss curve](../images/d.png){ width="100" height="50" }'),
        ("![Loss curve](d.png)", '![Loss curve](../images/d.png){ width="300" height="150" }'),
        (
            '![](d.png "Loss, per epoch")',
            '![Loss, per epoch](../images/d.png "Loss, per epoch"){ width="300" height="150" }',
        ),
        ("![[n.svg]]", '![A neuron](../images/n.svg){ width="400" height="200" }'),
        ("![[n.svg|200]]", '![A neuron](../images/n.svg){ width="200" height="100" }'),
        ("![[n.svg|Better words]]", '![Better words](../images/n.svg){ width="400" height="200" }'),
        (
            '![[d.png|It\'s "a" <b> & 🚀]]',
            "![It&#39;s &#34;a&#34; &#60;b&#62; &#38; 🚀](../images/d.png)"
            '{ width="300" height="150" }',
        ),
        # The author's own attribute list is left to size the image.
        ("![Loss](d.png){ .wide }", "![Loss](../images/d.png){ .wide }"),
    ],
)
def test_alt_text_and_size(tmp_path: Path, body: str, markdown: str) -> None:
    files = {"entities/d.png": PNG, "entities/n.svg": SVG}
    assert body_of(tmp_path, body, files) == (markdown, [])


@pytest.mark.parametrize(
    ("body", "advice"),
    [
        ("![[d.png]]", "![[d.png|what it shows]]"),
        ("![[d.png|300]]", "![[d.png|what it shows]]"),
        ("![](d.png)", "![what it shows](d.png)"),
    ],
)
def test_image_without_any_text_is_decorative_and_warned(
    tmp_path: Path, body: str, advice: str
) -> None:
    markdown, warnings = body_of(tmp_path, body, {"entities/d.png": PNG})
    assert markdown.startswith("![](../images/d.png)")
    assert "d.png" not in markdown.split("](")[0]  # never the file name as alt
    assert warnings == [f"image 'd.png' has no alt text: describe it, as in {advice}"]


def test_warning_names_file_line_and_column(tmp_path: Path) -> None:
    tree = {
        "entities/a.md": "---\nsummary: S.\n---\nText.\n\nSee ![[d.png]].\n",
        "entities/d.png": PNG,
    }
    graph = load_concept_graph(write_tree_into(tmp_path, tree) / "entities")
    (found,) = [d for d in graph.diagnostics if d.code == "image-no-alt"]
    assert (found.line, found.col) == (6, 5)
    assert str(found).endswith(
        ": warning: image 'd.png' has no alt text: describe it, as in ![[d.png|what it shows]]"
    )


def test_unreadable_image_keeps_its_given_width(tmp_path: Path) -> None:
    markdown, _ = body_of(tmp_path, "![[d.png|A plot|120]]", {"entities/d.png": b"not a png"})
    assert markdown == '![A plot](../images/d.png){ width="120" }'
