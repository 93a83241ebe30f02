"""Property-based tests: generated files through every reader, the cleaner and every YAML
loader. Each input is read or refused with a message, never a traceback, and what is read
holds no control character. A few dozen inputs each here; `make fuzz` runs thousands."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import TARGETS, Target

EXAMPLES = 25


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_every_input_is_read_or_refused_with_a_message(target: Target) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(target.inputs)
    def holds(value: Any) -> None:
        target.check(value)

    holds()
