"""The memo templates rendered in a sandbox with limits, since a workspace's template is
code a person may have downloaded (templates.py finds them)."""

from __future__ import annotations

import functools
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from jinja2 import FileSystemLoader
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefing.errors import BriefingError
from briefing.memo.templates import bundled_templates_dir, find_template, search_path

# -- rendering a Jinja template a person may have written or downloaded ----------------

MAX_OUTPUT = 10_000_000  # characters: a long memo is ~100,000
MAX_SECONDS = 10.0  # a memo renders in milliseconds
MAX_NUMBER = 1_000_000  # a number handed to a filter or a method (a width, a count)
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(?:\d{7,}|\*)|\{[^{}]*?\d{7,}")


class _Limit(Exception):
    """A template asked for more than a memo needs; the message says what."""


def render_template(
    name: str, template_dirs: Sequence[Path], context: dict[str, Any], **options: Any
) -> str:
    """Render `name`, found along the search path, in a sandbox with limits.

    The sandbox is immutable (a template cannot change the data it is given) and
    confined: includes resolve only inside the template folders, through symlinks too.
    A product or power too large to build, a number too large for a filter, more than
    MAX_OUTPUT characters, or more than MAX_SECONDS is refused with a message, never a
    hang or a crash; so is a template that includes itself.
    """
    import jinja2

    path = find_template(name, template_dirs)
    roots = [d.resolve() for d in search_path(template_dirs) if d.is_dir()]
    env = _LimitedSandbox(loader=_ConfinedLoader(roots), **options)
    deadline = time.monotonic() + MAX_SECONDS
    previous = sys.gettrace()
    # Only a workspace's own templates are traced: the bundled ones are briefing's code,
    # and tracing doubles a render's time.
    bundled = bundled_templates_dir().resolve()
    traced = tuple(str(root) for root in roots if root != bundled)
    if traced:
        sys.settrace(_deadline_tracer(traced, deadline))
    try:
        template = env.get_template(name)
        parts: list[str] = []
        size = 0
        for part in template.generate(**context):
            size += len(part)
            if size > MAX_OUTPUT:
                raise _Limit(f"it writes more than {MAX_OUTPUT:,} characters")
            if time.monotonic() > deadline:
                raise _Limit(f"it runs longer than {MAX_SECONDS:g} seconds")
            parts.append(part)
        return "".join(parts)
    except jinja2.TemplateSyntaxError as exc:
        raise _error(path, f":{exc.lineno}", f"the template fails: {exc}") from exc
    except jinja2.TemplateError as exc:
        raise _error(path, "", f"the template fails: {exc}") from exc
    except _Limit as exc:
        raise _error(path, "", f"the template is refused: {exc}") from exc
    except RecursionError as exc:
        raise _error(path, "", "the template includes or calls itself without end") from exc
    except MemoryError as exc:
        raise _error(path, "", "the template needs more memory than a memo can") from exc
    except Exception as exc:  # a template is code: any error of its own is its problem
        raise _error(path, "", f"the template fails: {type(exc).__name__}: {exc}") from exc
    finally:
        sys.settrace(previous)


def _error(path: Path, where: str, message: str) -> BriefingError:
    return BriefingError(f"{path}{where}: {message}", "template")


def _deadline_tracer(roots: tuple[str, ...], deadline: float) -> Any:
    """A trace function that stops a template's own code (its loops) past the deadline.

    Only frames of the compiled templates (whose file is in a template folder) are
    traced line by line, so the cost stays in the template; a loop that writes nothing
    is stopped too, which counting output alone could not do.
    """

    def in_template(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _Limit(f"it runs longer than {MAX_SECONDS:g} seconds")
        return in_template

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.startswith(roots):
            return in_template(frame, event, arg)
        return None

    return on_call


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise _Limit(f"the number {value} is over {MAX_NUMBER:,}")


def _check_format(value: Any) -> None:
    """A format string (for %, str.format or the format filter) with a huge field width."""
    if isinstance(value, str) and _WIDE_FORMAT.search(value):
        raise _Limit("a format asks for a field over a million characters wide")


def _guarded(function: Any, name: str) -> Any:
    """A filter or test that refuses a huge number before it builds a huge string."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            _check_number(value)
        if name == "format" and args:
            _check_format(args[0])
        return function(*args, **kwargs)

    return call


def _huge_power(base: Any, exponent: Any) -> bool:
    if not isinstance(base, int) or not isinstance(exponent, int):
        return False
    return exponent > 0 and abs(base) > 1 and exponent * abs(base).bit_length() > 4096


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


class _ConfinedLoader(FileSystemLoader):
    """Templates and their includes only from the template folders, symlinks resolved."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__([str(root) for root in roots], followlinks=False)
        self.roots = roots

    def get_source(self, environment: Any, template: str) -> Any:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(root) for root in self.roots):
            raise _Limit(f"{template} leads outside the template folders (a symlink?)")
        return source, filename, uptodate


class _LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with sizes checked before they are built."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _guarded(f, name) for name, f in self.filters.items()}
        self.tests = {name: _guarded(f, name) for name, f in self.tests.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _huge_power(left, right):
            raise _Limit(f"{left} ** {right} is too large a number")
        if operator == "*":
            for items, times in ((left, right), (right, left)):
                size = _sized(items)
                if size is not None and isinstance(times, int) and size * times > MAX_OUTPUT:
                    raise _Limit(f"a text or list repeated {times:,} times is too long")
        if operator == "%":  # "%0999999999d" % 1
            _check_format(left)
        if operator == "+":
            sizes = (_sized(left), _sized(right))
            if None not in sizes and sum(s or 0 for s in sizes) > MAX_OUTPUT:
                raise _Limit("a text or list joined is too long")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        for value in (*args, *kwargs.values()):
            _check_number(value)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format", "format_map"):
            _check_format(owner)  # "{:>999999999}".format(x)
        return super().wrap_str_format(value)
