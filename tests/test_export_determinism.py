"""Every export format gives the same bytes for the same glossary, on any day, in any process."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from trees import TreeWriter

from generator.cli import main
from generator.export import FORMATS
from generator.skos import SKOS_FORMATS

ALL_FORMATS = FORMATS + SKOS_FORMATS
BASE = "https://example.org/dl/"

GLOSSARY = {
    "entities/machine-learning.md": (
        "---\ntitle: Machine learning\ntags: [field]\n---\nLearning from data.\n"
    ),
    "entities/neural-network.md": (
        "---\ntitle: Neural network\nparent: machine-learning\naliases: [NN, ANN, neural net]\n"
        "related: [softmax]\ntags: [model, field]\nlevel: 2\n---\nLayers of [[softmax]] units.\n"
    ),
    "entities/softmax.md": (
        "---\ntitle: Softmax\nparent: machine-learning\nrequires: [machine-learning]\n"
        "tags: [function, model]\n---\nScores to probabilities.\n"
    ),
}


def fake_today(monkeypatch: pytest.MonkeyPatch, year: int) -> None:
    """Make the clock read noon on 3 February of ``year``, for time and datetime alike."""
    moment = dt.datetime(year, 2, 3, 12, 0, 0, tzinfo=dt.UTC)
    stamp = moment.timestamp()
    real_strftime = time.strftime

    class FakeDate(dt.date):
        @classmethod
        def today(cls) -> FakeDate:
            return cls(year, 2, 3)

    class FakeDateTime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> FakeDateTime:
            return cls.fromtimestamp(stamp, tz)

        @classmethod
        def today(cls) -> FakeDateTime:
            return cls.fromtimestamp(stamp)

    monkeypatch.setattr(time, "time", lambda: stamp)
    monkeypatch.setattr(time, "time_ns", lambda: int(stamp * 1e9))
    monkeypatch.setattr(time, "localtime", lambda s=None: time.gmtime(stamp if s is None else s))
    monkeypatch.setattr(
        time, "strftime", lambda f, t=None: real_strftime(f, time.gmtime(stamp) if t is None else t)
    )
    monkeypatch.setattr(dt, "date", FakeDate)
    monkeypatch.setattr(dt, "datetime", FakeDateTime)


def export_all(out: Path) -> dict[str, bytes]:
    found = {}
    for fmt in ALL_FORMATS:
        target = out / f"graph.{fmt}"
        extra = ["--base-uri", BASE] if fmt in SKOS_FORMATS else []
        assert main(["export", "--format", fmt, "-o", str(target), *extra]) == 0
        found[fmt] = target.read_bytes()
    return found


def test_every_format_is_byte_identical_on_two_days(
    tmp_path: Path,
    write_tree: TreeWriter,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(write_tree(tmp_path, GLOSSARY))
    days = {}
    for year in (2001, 2031):
        with monkeypatch.context() as patch:
            fake_today(patch, year)
            assert time.strftime("%Y") == str(year) and dt.date.today().year == year
            out = tmp_path / str(year)
            out.mkdir()
            days[year] = export_all(out)
    capsys.readouterr()
    assert set(days[2001]) == set(ALL_FORMATS)
    for fmt in ALL_FORMATS:
        assert days[2001][fmt] == days[2031][fmt], fmt
        assert b"2001-02-03" not in days[2001][fmt], fmt
        assert b"2031-02-03" not in days[2031][fmt], fmt


def test_every_format_is_byte_identical_across_processes(
    tmp_path: Path, write_tree: TreeWriter
) -> None:
    root = write_tree(tmp_path, GLOSSARY)
    # A fresh hash seed per process: set and dict-of-set order must not reach the output.
    script = (
        "import sys; from pathlib import Path; "
        "sys.path.insert(0, sys.argv[2]); "
        "from test_export_determinism import export_all; "
        "export_all(Path(sys.argv[1]))"
    )
    runs = []
    for seed in ("1", "2"):
        out = root / f"seed{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script, str(out), str(Path(__file__).parent)],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        runs.append({fmt: (out / f"graph.{fmt}").read_bytes() for fmt in ALL_FORMATS})
    for fmt in ALL_FORMATS:
        assert runs[0][fmt] == runs[1][fmt], fmt


def test_gexf_carries_no_modification_date(
    tmp_path: Path, write_tree: TreeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write_tree(tmp_path, GLOSSARY))
    assert main(["export", "--format", "gexf", "-o", "g.gexf"]) == 0
    text = (tmp_path / "g.gexf").read_text("utf-8")
    assert "<meta>" in text or "<meta " in text
    assert "lastmodifieddate" not in text
