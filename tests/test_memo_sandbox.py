"""A workspace's memo templates are code a person may have downloaded: they render in a
sandbox with limits, and Typst typesets offline. Each case is the real export."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import BriefingError
from briefing.library import Library
from briefing.memo import render


def _export(library: Library, template: str, name: str = "memo.md.j2", fmt: str = "md") -> str:
    folder = library.workspace.templates_dir
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(template, encoding="utf-8")
    with pytest.raises(BriefingError) as refused:
        library.export(library.load_brief(), fmt, library.workspace.root / f"memo.{fmt}")
    assert not (library.workspace.root / f"memo.{fmt}").exists()
    return refused.value.message


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{{ 'a' * 10**9 }}", "repeated 1,000,000,000 times"),
        ("{% for i in range(10**8) %}x{% endfor %}", "100000000 is over"),
        ("{{ 'x' | center(10**9) }}", "over 1,000,000"),
        ("{{ '%0999999999d' % 1 }}", "a million characters wide"),
        ("{{ '{:>999999999}'.format(1) }}", "a million characters wide"),
        ("{% for i in range(99999) %}{{ 'b' * 999999 }}{% endfor %}", "more than 10,000,000"),
        ("{% include 'memo.md.j2' %}", "includes or calls itself"),
        ("{{ memo.sections.append(1) }}", "unsafe"),
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
    ],
)
def test_a_template_asking_too_much_is_refused_with_a_message(
    sample_library: Library, template: str, reason: str
) -> None:
    message = _export(sample_library, template)
    assert "templates/memo.md.j2" in message and reason in message


def test_a_template_that_loops_without_writing_is_stopped(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "MAX_SECONDS", 0.5)
    loop = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    assert "runs longer than 0.5 seconds" in _export(sample_library, loop)


def test_an_include_cannot_follow_a_symlink_out_of_the_templates(
    sample_library: Library, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    folder = sample_library.workspace.templates_dir
    folder.mkdir(exist_ok=True)
    (folder / "part.j2").symlink_to(secret)
    message = _export(sample_library, "{% include 'part.j2' %}")
    assert "part.j2 leads outside the template folders" in message
    assert "SECRET" not in message


def test_a_template_may_include_a_file_beside_it(sample_library: Library) -> None:
    folder = sample_library.workspace.templates_dir
    folder.mkdir(exist_ok=True)
    (folder / "part.j2").write_text("part {{ memo.title }}", encoding="utf-8")
    (folder / "memo.md.j2").write_text("{% include 'part.j2' %}\n", encoding="utf-8")
    target, _ = sample_library.export(sample_library.load_brief(), "md")
    assert target.read_text(encoding="utf-8").startswith("part ")


@pytest.mark.parametrize(
    "line",
    [
        '#import "@preview/cetz:0.2.2": canvas',
        '#import ("@" + "preview/cetz:0.2.2"): canvas',
        '#import ("\\u{40}preview/cetz:0.2.2"): canvas',
    ],
)
def test_a_typst_template_importing_a_package_is_refused(
    sample_library: Library, line: str
) -> None:
    message = _export(sample_library, f"#let x = 1\n{line}\n", "memo.typ", "pdf")
    assert "templates/memo.typ:2: imports a Typst package" in message


def test_typst_reaches_no_package_even_when_the_check_is_missed(tmp_path: Path) -> None:
    """`sym.at` is "@" too: the child's closed proxy stops the download all the same."""
    import subprocess
    import sys

    from briefing.memo.pdf import _offline_environment

    (tmp_path / "memo.typ").write_text(
        '#import (str(sym.at) + "preview/cetz:0.2.2"): canvas\nHi\n', encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "briefing.typst_run", str(tmp_path)],
        input=b"{}",
        capture_output=True,
        env=_offline_environment(),
        timeout=60,
    )
    assert done.returncode == 3 and not done.stdout
    assert b"failed to download package" in done.stderr
    assert b"Connection refused" in done.stderr  # the closed proxy, not the network
