"""Decoding and validating a large answer a step at a time, so the GUI's event loop keeps turning.

`json.loads` and a pydantic validation of a whole body each hold the loop for as long as they take:
for one 6.9 MB page of 10,000 pending orders that is ~60 ms and ~90 ms in single stretches (P2).
KIS pages 40 rows, but a simulator setting or another API may send far more, and the window must
not freeze for it. Bodies under `LARGE_BODY` bytes take the one-call path unchanged.

`loads` gives exactly what `json.loads` gives for any JSON document (and raises ValueError for
anything else): a top-level object's arrays are decoded one element at a time with
`JSONDecoder.raw_decode`, the stdlib's own decoder, and the loop gets a turn whenever `STEP_S` has
passed. `validate_rows` validates rows one by one with the same pauses, and `Pacer` gives any
other long loop over rows (paging's de-duplication) the same turns.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

LARGE_BODY: Final = 256 * 1024  # bytes; ~1.5 ms of json.loads
STEP_S: Final = 0.004  # the longest stretch between two turns of the loop
DECODE_SLICE: Final = 256 * 1024  # bytes decoded to text between two looks at the clock

M = TypeVar("M", bound=BaseModel)

_DECODER: Final = json.JSONDecoder()
_WHITESPACE: Final = " \t\n\r"


class Pacer:
    """Gives the event loop a turn once `STEP_S` has passed since the last one."""

    __slots__ = ("_since",)

    def __init__(self) -> None:
        self._since = time.perf_counter()

    async def tick(self) -> None:
        if time.perf_counter() - self._since >= STEP_S:
            await asyncio.sleep(0)
            self._since = time.perf_counter()


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at


def _expect(text: str, at: int, char: str) -> int:
    if at >= len(text) or text[at] != char:
        raise json.JSONDecodeError(f"expected {char!r}", text, at)
    return at + 1


async def decode(content: bytes, encoding: str) -> str:
    """`content.decode(encoding)` in slices, with turns of the loop between (~10 ms for 6.9 MB)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    pacer = Pacer()
    parts = []
    for start in range(0, len(content), DECODE_SLICE):
        parts.append(decoder.decode(content[start : start + DECODE_SLICE]))
        await pacer.tick()
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


async def loads(text: str) -> Any:
    """`json.loads(text)`, giving the loop a turn between the elements of top-level arrays."""
    text = text.removeprefix("\ufeff")  # json.loads of bytes accepts a UTF-8 BOM too
    at = _skip(text, 0)
    if not text.startswith("{", at):
        return json.loads(text)  # not an object: nothing KIS sends in bulk
    pacer = Pacer()
    out: dict[str, Any] = {}
    at = _skip(text, at + 1)
    if text.startswith("}", at):
        at += 1
    else:
        while True:
            key, at = _DECODER.raw_decode(text, at)
            if not isinstance(key, str):
                raise json.JSONDecodeError("object keys must be strings", text, at)
            at = _skip(text, _expect(text, _skip(text, at), ":"))
            if text.startswith("[", at):
                out[key], at = await _array(text, at, pacer)
            else:
                out[key], at = _DECODER.raw_decode(text, at)
            at = _skip(text, at)
            if text.startswith(",", at):
                at = _skip(text, at + 1)
                continue
            at = _expect(text, at, "}")
            break
    if _skip(text, at) != len(text):
        raise json.JSONDecodeError("extra data", text, at)
    return out


async def _array(text: str, at: int, pacer: Pacer) -> tuple[list[Any], int]:
    items: list[Any] = []
    at = _skip(text, at + 1)
    if text.startswith("]", at):
        return items, at + 1
    while True:
        item, at = _DECODER.raw_decode(text, at)
        items.append(item)
        await pacer.tick()
        at = _skip(text, at)
        if text.startswith(",", at):
            at = _skip(text, at + 1)
            continue
        return items, _expect(text, at, "]")


class RowInvalidError(ValueError):
    """Row `index` of a list failed validation; `error` says how."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(f"row {index}: {error.error_count()} invalid fields")
        self.index = index
        self.error = error


async def validate_rows(
    model: type[M], rows: list[Any], skip: Callable[[Any], bool] | None = None
) -> list[M]:
    """`model.model_validate` of each row not `skip`ped, giving the loop a turn every `STEP_S`;
    RowInvalidError names the first row that fails by its place in `rows`.

    Each row is taken out of `rows` (set to None) once read: the decoded JSON is freed a row at a
    time, not all at once when its last reference goes (~7 ms for 10,000 rows, in one stretch).
    """
    pacer = Pacer()
    out: list[M] = []
    for index, row in enumerate(rows):
        await pacer.tick()
        rows[index] = None
        if skip is not None and skip(row):
            continue
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            raise RowInvalidError(index, exc) from None
    return out
