"""Hypothesis settings of the validator-vs-oracle properties (order-safety.md G7).

CI runs each property with its default example count; the by-hand G7 run sets
`KISDESK_ORACLE_EXAMPLES=10000` for every property at once:

    KISDESK_ORACLE_EXAMPLES=10000 .venv/bin/pytest tests/domain/test_rules.py tests/domain/test_precautions.py
"""

from __future__ import annotations

import os
from typing import Final

from hypothesis import settings

ORACLE_EXAMPLES: Final = int(os.environ.get("KISDESK_ORACLE_EXAMPLES", "0"))


def oracle(default: int) -> settings:
    """`default` examples, or KISDESK_ORACLE_EXAMPLES when set; seeded so CI runs are repeatable."""
    return settings(max_examples=ORACLE_EXAMPLES or default, derandomize=True, deadline=None)
