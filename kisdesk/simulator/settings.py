"""Every simulator behaviour the KIS spec leaves open, as one named setting each.

`shared/kis-api/` marks facts nobody could confirm as UNCERTAIN or ASSUMPTION. Each of those that
changes what the simulator answers is a field here, with its default, the spec file it comes from
and the reason for the default. Nothing else in the simulator guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any


@dataclass
class SimSettings:
    """Knobs of one simulator instance. Tests change them per test; the CLI sets them with --set."""

    # --- rate limits (errors-and-limits.md §6) ---------------------------------------------------
    real_rate_per_s: int = 18
    """Requests per second per account on the real host. The portal's latest figure (issue #2);
    older sources say 20. UNCERTAIN."""
    paper_rate_per_s: int = 1
    """Requests per second per account on the paper host. Latest portal figure 1; PYKIS 2, EFX 5."""
    rate_limit_key: str = "account"
    """What the per-second limit counts by: "account" (EFX) or "appkey" (PYKIS). UNCERTAIN; KIS
    issues one app key per account, so both are equivalent in practice."""
    rate_window_s: float = 1.0
    """The limit is enforced over a sliding window of this length (the strictest reading)."""
    throttled_requests_count: bool = False
    """Whether a request rejected with EGW00201 still uses up budget. UNCERTAIN; off is kinder."""

    # --- gateway error HTTP status (errors-and-limits.md §1) -------------------------------------
    gateway_error_status: int = 500
    """HTTP status of EGW… envelopes (EGW00201, EGW00121/00123). Most clients saw 500; some 200."""
    business_error_status: int = 200
    """HTTP status of business rejections (rt_cd "1", APBK…/KIOK…). ASSUMPTION from §4."""

    # --- tokens (auth.md §1) -------------------------------------------------------------------
    token_lifetime_s: int = 86_400
    """expires_in of an issued token: 24 h for individual customers."""
    token_reuse_window_s: int = 6 * 3600
    """A re-issue within this window returns the same token (behaviour since 2023-04-28)."""
    token_min_interval_s: int = 60
    """tokenP answers 403 EGW00133 to a second issuance inside this interval (per app key)."""
    bad_credentials_code: str = "EGW00103"
    """error_code for a malformed appkey on tokenP (403). UNCERTAIN: not observed in sources."""

    # --- environment separation (errors-and-limits.md §2, domestic-reservation.md) --------------
    paper_unsupported_code: str = "IGW00009"
    """msg_cd when a real-only API (reservation orders) is called on the paper host. The spec says
    "EGW2004-style"; the one observed answer for reservations on paper is IGW00009
    (dragon1086/prism-insight#133). UNCERTAIN."""
    paper_unsupported_status: int = 500
    """HTTP status of that answer (kis-agent#44 shows "not a paper TR" as 500). UNCERTAIN."""
    wrong_family_code: str = "EGW2004"
    """msg_cd when a TR ID of the other family arrives (a real TR on the paper host or vice versa)."""
    account_mismatch_code: str = "IGW00002"
    """msg_cd when an app key that first used one account (CANO) sends another: KIS issues an app key
    per account. The gateway binds the key at first use and answers this as a business rejection
    (business_error_status). Code and text ("인증 시점의 계좌번호와 요청 계좌번호가 일치하지 않습니다")
    are ASSUMPTIONS."""

    # --- overseas orders (overseas-order.md) ----------------------------------------------------
    enforce_market_hours: bool = False
    """Reject overseas orders outside the KST windows of §7.1 (APBK1664). Off by default so the demo
    works at any hour; tests turn it on. It also gates fills: when on, resting orders trade only
    inside their venue's windows; when off, the simulated markets trade around the clock."""
    accept_blank_division_outside_us_hk: bool = True
    """§3: for HK buy/JP/SH/SZ/VN the spec says ORD_DVSN is "removed"; accept "00" or blank."""
    algo_time_zone: str = "KST"
    """START_TIME/END_TIME are read as HHMMSS in this zone ("KST" or "local"). UNCERTAIN (§4)."""
    algo_close_cutoff_min: int = 5
    """An explicit TWAP/VWAP window must end at least this many minutes before the regular close."""
    algo_cancel_allowed: bool = True
    """TWAP/VWAP orders can be cancelled (only revise is forbidden by the spec). UNCERTAIN."""
    enforce_ticks: bool = True
    """Reject prices off the venue's tick (US: 0.01 from $1, 0.0001 below). ASSUMPTION (§7.2)."""
    enforce_lots: bool = True
    """Reject quantities off the lot (JP/CN-buy/VN 100, HK per symbol). ASSUMPTION (§7.2)."""
    check_buying_power: bool = True
    """Reject buys above the account's cash (APBK0918) and sells above holdings."""
    us_revise_tr_for_other_markets: bool = False
    """Accept the US revise/cancel TR (TTTT1004U) for non-US venues, as OTA-LLM's sample sends it.
    UNCERTAIN; off follows every other source (per-market TRs)."""

    # --- revise/cancel (overseas-revise-cancel.md §2) -------------------------------------------
    partial_cancel: bool = True
    """0 < ORD_QTY < remaining cancels only that many; 0 or ≥ remaining cancels all. ASSUMPTION.
    Off: every cancel takes the whole unfilled remainder, whatever ORD_QTY says."""
    # A revise is a new order row (rvse_cncl_dvsn 01, orgn_odno = the target) that becomes the working
    # order with the new price and quantity; the target's nccs_qty drops to 0 (ASSUMPTION: how KIS
    # shows the original after a revise is undocumented; the only behaviour the simulator implements).
    revise_may_increase_qty: bool = False
    """A revise may raise the quantity above the unfilled remainder. ASSUMPTION: no."""

    # --- inquiries (overseas-pending-and-fills.md) ----------------------------------------------
    paper_supports_nccs: bool = True
    """VTTS3018R answers on paper (samples use it; the portal says unsupported). UNCERTAIN."""
    nccs_page_size: int = 40
    ccnl_page_size_real: int = 20
    ccnl_page_size_paper: int = 15
    resv_page_size: int = 20
    empty_ccnl_as_blank_object: bool = True
    """An empty inquire-ccnl answers KIOK0560 with one all-blank object instead of a list."""
    more_flag: str = "M"
    """tr_cont while more pages follow ("F" or "M" both mean more)."""
    last_flag: str = "D"
    """tr_cont on the last page ("D" or "E")."""
    price_unknown_symbol_blank: bool = True
    """The price API answers an unknown symbol with rt_cd "0" and a blank `last` (PYKIS inference)."""

    # --- domestic reservations (domestic-reservation.md) ----------------------------------------
    enforce_reservation_window: bool = False
    """Accept reservations only 15:40–07:30 KST outside the 23:40–00:10 blackout. Off for the demo."""
    resv_output_uppercase: bool = True
    """Output keys RSVN_ORD_SEQ / NRML_PRCS_YN upper case (OTA-CSV) or lower case (XLSX)."""
    resv_check_order_date: bool = True
    """Reject revise/cancel whose non-blank RSVN_ORD_ORD_DT differs from the reservation's date."""
    resv_emit_orgno: bool = False
    """Add an `rsvn_ord_orgno` column to reservation rows (no source lists it)."""
    resv_max_period_orders: int = 1000
    resv_revise_keeps_sequence: bool = True
    """A revise keeps RSVN_ORD_SEQ (ASSUMPTION; a new one is not documented)."""

    # --- the living book --------------------------------------------------------------------------
    seed: int = 20261121
    """Seed of every price path and fill decision: the same seed replays the same day."""
    tick_seconds: float = 1.0
    """Simulated seconds between price-path steps; orders can fill once per step."""
    fill_probability: float = 0.35
    """Chance per step that a marketable resting order trades."""
    starting_cash: dict[str, Decimal] = field(
        default_factory=lambda: {
            "USD": Decimal("100000"),
            "HKD": Decimal("800000"),
            "CNY": Decimal("700000"),
            "JPY": Decimal("15000000"),
            "VND": Decimal("2500000000"),
            "KRW": Decimal("100000000"),
        }
    )
    starting_position: int = 1000
    """Shares of every catalogue symbol a new account holds, so sells work out of the box."""
    exchange_rates: dict[str, Decimal] = field(
        default_factory=lambda: {
            "USD": Decimal("1380.50"),
            "HKD": Decimal("177.40"),
            "CNY": Decimal("190.10"),
            "JPY": Decimal("9.2150"),
            "VND": Decimal("0.0545"),
        }
    )
    accept_unknown_symbols: bool = False
    """Orders for symbols outside the catalogue are rejected with APBK0656."""

    # --- operator ----------------------------------------------------------------------------------
    control_endpoints: bool = False
    """Expose /__sim__/ (ledger export, fault switches, clock). Tests and the CLI's --test-endpoints
    only; never in the embedded demo."""

    def update(self, **changes: Any) -> None:
        """Set several fields by name, refusing unknown names (a typo must not be a silent no-op)."""
        known = {f.name for f in fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise KeyError(f"unknown simulator setting {name!r}")
            setattr(self, name, value)

    def set_from_text(self, name: str, text: str) -> None:
        """Set one field from command-line text, converting to the field's type."""
        current = getattr(self, name) if hasattr(self, name) else None
        if current is None and name not in {f.name for f in fields(self)}:
            raise KeyError(f"unknown simulator setting {name!r}")
        value: Any
        if isinstance(current, bool):
            if text.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(f"{name} takes true/false, not {text!r}")
            value = text.lower() in ("1", "true", "yes", "on")
        elif isinstance(current, int):
            value = int(text)
        elif isinstance(current, float):
            value = float(text)
        elif isinstance(current, str):
            value = text
        else:
            raise ValueError(f"{name} cannot be set from the command line")
        setattr(self, name, value)
