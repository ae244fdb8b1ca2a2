"""Base models and wire types shared by every KIS request and response.

Requests (`KisRequest`) forbid unknown keys and dump exactly the upper-case, all-strings body KIS
wants. Responses (`KisResponse`) ignore added fields, read keys case-insensitively (KIS mixes
`output`/`Output1`, `RSVN_ORD_SEQ`/`rsvn_ord_seq`) and accept blank numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)


def _blank_to_zero(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or "0"
    return value


def _decimal_text(value: Decimal) -> str:
    # format(..., "f") never produces exponent notation ("1E+2"), which KIS would not parse.
    return format(value, "f")


def _parse_decimal(value: Any) -> Any:
    value = _blank_to_zero(value)
    if isinstance(value, float):
        raise ValueError("money must not be a float")
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"not a decimal number: {value!r}") from exc
    return value


def _parse_yyyymmdd(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) != 8 or not value.isdigit():
            raise ValueError(f"expected YYYYMMDD, got {value!r}")
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    return value


# Numbers travel as JSON strings in both directions ("ORD_QTY": "1"); blanks in responses mean 0.
WireInt = Annotated[int, BeforeValidator(_blank_to_zero), PlainSerializer(str, return_type=str)]
WireDecimal = Annotated[
    Decimal, BeforeValidator(_parse_decimal), PlainSerializer(_decimal_text, return_type=str)
]
WireDate = Annotated[
    date,
    BeforeValidator(_parse_yyyymmdd),
    PlainSerializer(lambda d: d.strftime("%Y%m%d"), return_type=str),
]
Account8 = Annotated[str, Field(pattern=r"^\d{8}$")]
ProductCode = Annotated[str, Field(pattern=r"^\d{2}$")]
HhMmSs = Annotated[str, Field(pattern=r"^([01]\d|2[0-3])[0-5]\d[0-5]\d$")]


class KisRequest(BaseModel):
    """A request body or query. Unknown keys are an error: a silently dropped field is a wrong order."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    def to_wire(self) -> dict[str, str]:
        """The exact body/query KIS expects: wire names, every value a string, absent optionals omitted."""
        return self.model_dump(by_alias=True, mode="json", exclude_none=True)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Self:
        """Parse what a client sent, ignoring keys the spec does not list (the simulator's leniency)."""
        known = {f.alias or name for name, f in cls.model_fields.items()}
        return cls.model_validate({k: v for k, v in data.items() if k in known})


@cache
def _wire_names(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(field.alias or name for name, field in model.model_fields.items())


class KisResponse(BaseModel):
    """A response payload. Extra fields are ignored; keys are matched without regard to case."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _match_keys_ignoring_case(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if data.keys() >= _wire_names(cls):
            # Every field under its exact wire name, as KIS usually answers: nothing to match. Building
            # the lowered copy for each row was half the cost of validating a 10,000-row page (P2).
            return data
        lowered = {str(k).lower(): v for k, v in data.items()}
        out: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            wire = field.alias or name
            if wire in data:
                out[wire] = data[wire]
            elif wire.lower() in lowered:
                out[wire] = lowered[wire.lower()]
        return out


T = TypeVar("T")
R = TypeVar("R", bound=BaseModel)


class Envelope(KisResponse, Generic[T]):
    """The common `rt_cd/msg_cd/msg1/output` envelope of a non-paged API."""

    rt_cd: str
    msg_cd: str = ""
    msg1: str = ""
    output: T | None = None

    @property
    def ok(self) -> bool:
        return self.rt_cd == "0"


def is_blank_row(row: Any) -> bool:
    """KIS pads an empty answer with a row of blanks (KIOK0560)."""
    return isinstance(row, dict) and all(
        (v is None or (isinstance(v, str) and not v.strip())) for v in row.values()
    )


class PagedEnvelope(KisResponse, Generic[R]):
    """The envelope of a paged inquiry: rows in `output`, continuation keys at the top level.

    KIS answers an empty inquiry with a single all-blank object instead of a list (KIOK0560), so a
    dict becomes a one-row list and all-blank rows are dropped.
    """

    rt_cd: str
    msg_cd: str = ""
    msg1: str = ""
    ctx_area_fk200: str = ""
    ctx_area_nk200: str = ""
    output: list[R] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rt_cd == "0"

    @model_validator(mode="before")
    @classmethod
    def _rows_as_list(cls, data: Any) -> Any:
        if isinstance(data, dict):
            key, rows = wire_rows(data)
            if key is not None:
                data = {
                    **data,
                    key: [r for r in rows if not is_blank_row(r)] if isinstance(rows, list) else rows,
                }
        return data


def wire_rows(data: dict[str, Any]) -> tuple[str | None, Any]:
    """Where a paged answer keeps its rows (KIS varies the key's case) and the rows as PagedEnvelope
    reads them, before all-blank rows are dropped (`is_blank_row`): None as no rows, a lone object
    as one row. Anything else than a list or an object is handed on, for validation to refuse."""
    key = next((k for k in data if str(k).lower() == "output"), None)
    if key is None:
        return None, []
    rows = data[key]
    if rows is None:
        return key, []
    if isinstance(rows, dict):
        return key, [rows]
    return key, rows
