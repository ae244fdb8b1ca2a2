"""A KIS client written by hand from shared/kis-api/, the way the official samples do it.

It imports nothing from kisdesk: requests are built from the spec's tables with `requests`, so the
simulator is checked against the spec, not against our own models. Run it against any KIS-shaped
host:

    python tests/simulator/raw_kis_session.py http://127.0.0.1:PORT real|paper [requests-per-second]

It walks one trading session (token, quote, buying power, order, pending, revise, cancel, history,
reservation orders), asserts every answer against the spec, and prints one JSON summary line.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta
from typing import Any

import requests

APPKEY = "PSraw" + "k" * 31  # 36 characters
APPSECRET = "s" * 180
CANO, ACNT = "50123456", "01"

# overseas-order.md §1 and overseas-revise-cancel.md §1, typed from the spec tables.
ORDER_TR = {
    ("real", "buy"): "TTTT1002U",
    ("real", "sell"): "TTTT1006U",
    ("paper", "buy"): "VTTT1002U",
    ("paper", "sell"): "VTTT1001U",
}
REVISE_CANCEL_TR = {"real": "TTTT1004U", "paper": "VTTT1004U"}
JP_CANCEL_TR = {"real": "TTTS0309U", "paper": "VTTS0309U"}
NCCS_TR = {"real": "TTTS3018R", "paper": "VTTS3018R"}
CCNL_TR = {"real": "TTTS3035R", "paper": "VTTS3035R"}
PSAMOUNT_TR = {"real": "TTTS3007R", "paper": "VTTS3007R"}


class Raw:
    def __init__(self, base: str, env: str, rate_per_s: float) -> None:
        self.base = base
        self.env = env
        self.http = requests.Session()
        self.token = ""
        self.gap = 1.0 / rate_per_s
        self.last = 0.0

    def pace(self) -> None:
        # The official samples sleep between calls to stay under the per-second limit; so do we.
        wait = self.last + self.gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last = time.monotonic()

    def headers(self, tr_id: str, tr_cont: str = "") -> dict[str, str]:
        return {
            "content-type": "application/json; charset=utf-8",
            "authorization": f"Bearer {self.token}",
            "appkey": APPKEY,
            "appsecret": APPSECRET,
            "tr_id": tr_id,
            "tr_cont": tr_cont,
            "custtype": "P",
        }

    def post(self, path: str, tr_id: str, body: dict[str, str]) -> requests.Response:
        self.pace()
        return self.http.post(
            self.base + path, headers=self.headers(tr_id), data=json.dumps(body), timeout=10
        )

    def get(self, path: str, tr_id: str, params: dict[str, str], tr_cont: str = "") -> requests.Response:
        self.pace()
        return self.http.get(
            self.base + path, headers=self.headers(tr_id, tr_cont), params=params, timeout=10
        )


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def issue_token(raw: Raw) -> None:
    body = {"grant_type": "client_credentials", "appkey": APPKEY, "appsecret": APPSECRET}
    r = raw.http.post(raw.base + "/oauth2/tokenP", json=body, timeout=10)
    check(r.status_code == 200, f"tokenP status {r.status_code}")
    data = r.json()
    check(data["token_type"] == "Bearer" and int(data["expires_in"]) > 0, "token shape")
    datetime.strptime(data["access_token_token_expired"], "%Y-%m-%d %H:%M:%S")
    raw.token = data["access_token"]
    # auth.md: a second issuance inside a minute is 403 EGW00133 in the OAuth error shape.
    again = raw.http.post(raw.base + "/oauth2/tokenP", json=body, timeout=10)
    check(again.status_code == 403 and again.json()["error_code"] == "EGW00133", "EGW00133")


def order(raw: Raw, side: str, qty: str, price: str) -> dict[str, Any]:
    body = {
        "CANO": CANO,
        "ACNT_PRDT_CD": ACNT,
        "OVRS_EXCG_CD": "NASD",
        "PDNO": "AAPL",
        "ORD_QTY": qty,
        "OVRS_ORD_UNPR": price,
        "CTAC_TLNO": "",
        "MGCO_APTM_ODNO": "",
        "ORD_SVR_DVSN_CD": "0",
        "ORD_DVSN": "00",
    }
    if side == "sell":
        body["SLL_TYPE"] = "00"
    r = raw.post("/uapi/overseas-stock/v1/trading/order", ORDER_TR[(raw.env, side)], body)
    check(r.status_code == 200, f"order status {r.status_code}: {r.text[:200]}")
    data = r.json()
    check(data["rt_cd"] == "0", f"order rejected: {data}")
    out = data["output"]
    check(len(out["ODNO"]) == 10 and out["ODNO"].isdigit(), "ODNO is 10 digits")
    check(len(out["ORD_TMD"]) == 6 and out["ORD_TMD"].isdigit(), "ORD_TMD is HHMMSS")
    check(len(out["KRX_FWDG_ORD_ORGNO"]) == 5, "KRX_FWDG_ORD_ORGNO is 5 characters")
    return dict(out)


def all_pages(raw: Raw, path: str, tr_id: str, params: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    tr_cont = ""
    for _ in range(200):
        r = raw.get(path, tr_id, params, tr_cont)
        check(r.status_code == 200, f"{tr_id} status {r.status_code}")
        data = r.json()
        check(data["rt_cd"] == "0", f"{tr_id} failed: {data}")
        check(len(data["ctx_area_fk200"]) == 200 and len(data["ctx_area_nk200"]) == 200, "ctx keys padded")
        out = data["output"]
        out = [out] if isinstance(out, dict) else out
        rows += [row for row in out if any(str(v).strip() for v in row.values())]
        flag = r.headers.get("tr_cont", "")
        if flag not in ("F", "M"):
            check(flag in ("D", "E"), f"tr_cont {flag!r}")
            return rows
        tr_cont = "N"
        params = {
            **params,
            "CTX_AREA_FK200": data["ctx_area_fk200"],
            "CTX_AREA_NK200": data["ctx_area_nk200"],
        }
    raise AssertionError("paging never ended")


def pending(raw: Raw) -> list[dict[str, Any]]:
    params = {
        "CANO": CANO,
        "ACNT_PRDT_CD": ACNT,
        "OVRS_EXCG_CD": "NASD",
        "SORT_SQN": "" if raw.env == "real" else "DS",
        "CTX_AREA_FK200": "",
        "CTX_AREA_NK200": "",
    }
    return all_pages(raw, "/uapi/overseas-stock/v1/trading/inquire-nccs", NCCS_TR[raw.env], params)


def history(raw: Raw) -> list[dict[str, Any]]:
    week_ago = (datetime.now() - timedelta(days=7)).strftime("%Y%m%d")
    paper = raw.env == "paper"
    params = {
        "CANO": CANO,
        "ACNT_PRDT_CD": ACNT,
        "PDNO": "" if paper else "%",
        "ORD_STRT_DT": week_ago,
        "ORD_END_DT": (datetime.now() + timedelta(days=1)).strftime("%Y%m%d"),
        "SLL_BUY_DVSN": "00",
        "CCLD_NCCS_DVSN": "00",
        "OVRS_EXCG_CD": "" if paper else "%",
        "SORT_SQN": "DS",
        "ORD_DT": "",
        "ORD_GNO_BRNO": "",
        "ODNO": "",
        "CTX_AREA_NK200": "",
        "CTX_AREA_FK200": "",
    }
    return all_pages(raw, "/uapi/overseas-stock/v1/trading/inquire-ccnl", CCNL_TR[raw.env], params)


def revise_cancel(
    raw: Raw, odno: str, code: str, qty: str, price: str, tr_id: str | None = None
) -> dict[str, Any]:
    body = {
        "CANO": CANO,
        "ACNT_PRDT_CD": ACNT,
        "OVRS_EXCG_CD": "NASD",
        "PDNO": "AAPL",
        "ORGN_ODNO": odno,
        "RVSE_CNCL_DVSN_CD": code,
        "ORD_QTY": qty,
        "OVRS_ORD_UNPR": price,
        "MGCO_APTM_ODNO": "",
        "ORD_SVR_DVSN_CD": "0",
    }
    r = raw.post("/uapi/overseas-stock/v1/trading/order-rvsecncl", tr_id or REVISE_CANCEL_TR[raw.env], body)
    check(r.status_code == 200, f"rvsecncl status {r.status_code}")
    return dict(r.json())


def quote_and_power(raw: Raw) -> str:
    r = raw.get(
        "/uapi/overseas-price/v1/quotations/price",
        "HHDFS00000300",
        {"AUTH": "", "EXCD": "NAS", "SYMB": "AAPL"},
    )
    data = r.json()
    check(r.status_code == 200 and data["rt_cd"] == "0", f"price: {data}")
    last = data["output"]["last"]
    check(float(last) > 0, "AAPL has a last price")
    params = {
        "CANO": CANO,
        "ACNT_PRDT_CD": ACNT,
        "OVRS_EXCG_CD": "NASD",
        "OVRS_ORD_UNPR": last,
        "ITEM_CD": "AAPL",
    }
    r = raw.get("/uapi/overseas-stock/v1/trading/inquire-psamount", PSAMOUNT_TR[raw.env], params)
    data = r.json()
    check(data["rt_cd"] == "0", f"psamount: {data}")
    for key in ("ord_psbl_frcr_amt", "ovrs_ord_psbl_amt", "max_ord_psbl_qty", "frcr_ord_psbl_amt1", "exrt"):
        check(key in data["output"], f"psamount output has {key}")
    return str(last)


def far_price(last: str) -> str:
    # A limit buy far below the market rests instead of filling, so revise/cancel have something to act on.
    return f"{max(float(last) * 0.5, 1.0):.2f}"


def overseas_session(raw: Raw) -> dict[str, Any]:
    last = quote_and_power(raw)
    placed = order(raw, "buy", "3", far_price(last))
    odno = placed["ODNO"]
    rows = pending(raw)
    mine = [r for r in rows if r["odno"] == odno]
    check(len(mine) == 1 and int(mine[0]["nccs_qty"]) == 3, f"order {odno} pending with 3 open")
    check(mine[0]["ovrs_excg_cd"] == "NASD" and mine[0]["sll_buy_dvsn_cd"] == "02", "row fields")
    # The revise/cancel TR is per market: the Japanese TR must not act on a US order.
    wrong_tr = revise_cancel(raw, odno, "01", "3", far_price(last), tr_id=JP_CANCEL_TR[raw.env])
    check(wrong_tr["rt_cd"] != "0", "a JP revise/cancel TR with a US venue is rejected")
    revised = revise_cancel(raw, odno, "01", "3", far_price(str(float(last) * 1.01)))
    check(revised["rt_cd"] == "0", f"revise: {revised}")
    new_odno = revised["output"]["ODNO"]
    check(new_odno != odno, "a revise gets its own order number")
    cancelled = revise_cancel(raw, new_odno, "02", "0", "0")
    check(cancelled["rt_cd"] == "0", f"cancel: {cancelled}")
    again = revise_cancel(raw, new_odno, "02", "0", "0")
    check(again["rt_cd"] != "0", "a second cancel is a business rejection")
    open_after = [r for r in pending(raw) if r["odno"] in (odno, new_odno)]
    check(not open_after, "nothing left pending after the cancel")
    hist = history(raw)
    kinds = {(r["odno"], r["rvse_cncl_dvsn"]) for r in hist}
    check((new_odno, "01") in kinds, "history shows the revise row")
    check(
        any(r["orgn_odno"] == new_odno and r["rvse_cncl_dvsn"] == "02" for r in hist), "history shows cancel"
    )
    return {"order": odno, "revise": new_odno, "second_cancel": again["msg_cd"], "history_rows": len(hist)}


def reservation_session(raw: Raw) -> dict[str, Any]:
    body = {
        "CANO": CANO,
        "ACNT_PRDT_CD": ACNT,
        "PDNO": "005930",
        "ORD_QTY": "1",
        "ORD_UNPR": "55000",
        "SLL_BUY_DVSN_CD": "02",
        "ORD_DVSN_CD": "00",
        "ORD_OBJT_CBLC_DVSN_CD": "10",
    }
    r = raw.post("/uapi/domestic-stock/v1/trading/order-resv", "CTSC0008U", body)
    if raw.env == "paper":
        data = r.json()
        check(data["rt_cd"] != "0", "paper host refuses reservation orders")
        return {"paper_refusal": data["msg_cd"], "status": r.status_code}
    data = r.json()
    check(r.status_code == 200 and data["rt_cd"] == "0", f"order-resv: {data}")
    out = {k.upper(): v for k, v in data["output"].items()}
    seq = out["RSVN_ORD_SEQ"]
    today = datetime.now()
    params = {
        "RSVN_ORD_ORD_DT": (today - timedelta(days=1)).strftime("%Y%m%d"),
        "RSVN_ORD_END_DT": (today + timedelta(days=10)).strftime("%Y%m%d"),
        "RSVN_ORD_SEQ": "",
        "TMNL_MDIA_KIND_CD": "00",
        "CANO": CANO,
        "ACNT_PRDT_CD": ACNT,
        "PRCS_DVSN_CD": "0",
        "CNCL_YN": "Y",
        "PDNO": "",
        "SLL_BUY_DVSN_CD": "",
        "CTX_AREA_FK200": "",
        "CTX_AREA_NK200": "",
    }
    rows = all_pages(raw, "/uapi/domestic-stock/v1/trading/order-resv-ccnl", "CTSC0004R", params)
    check(any(row["rsvn_ord_seq"] == seq for row in rows), "reservation listed")
    revise = {**body, "ORD_QTY": "2", "RSVN_ORD_SEQ": seq}
    r = raw.post("/uapi/domestic-stock/v1/trading/order-resv-rvsecncl", "CTSC0013U", revise)
    check(r.json()["rt_cd"] == "0", f"reservation revise: {r.text[:200]}")
    cancel = {"CANO": CANO, "ACNT_PRDT_CD": ACNT, "RSVN_ORD_SEQ": seq}
    r = raw.post("/uapi/domestic-stock/v1/trading/order-resv-rvsecncl", "CTSC0009U", cancel)
    data = r.json()
    check(data["rt_cd"] == "0", f"reservation cancel: {data}")
    nrml = {k.upper(): v for k, v in data["output"].items()}["NRML_PRCS_YN"]
    check(nrml == "Y", "NRML_PRCS_YN is Y")
    remaining = all_pages(raw, "/uapi/domestic-stock/v1/trading/order-resv-ccnl", "CTSC0004R", params)
    check(all(row["rsvn_ord_seq"] != seq for row in remaining), "CNCL_YN=Y hides the cancelled reservation")
    return {"sequence": seq}


def main() -> int:
    base, env = sys.argv[1], sys.argv[2]
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else (17.0 if env == "real" else 0.9)
    raw = Raw(base, env, rate)
    # No token yet: a business call is refused at the gateway with EGW00121 (invalid token).
    r = raw.get(
        "/uapi/overseas-price/v1/quotations/price",
        "HHDFS00000300",
        {"AUTH": "", "EXCD": "NAS", "SYMB": "AAPL"},
    )
    check(r.json()["msg_cd"] == "EGW00121", f"no token → EGW00121, got {r.text[:200]}")
    issue_token(raw)
    summary = {"env": env, "overseas": overseas_session(raw), "reservation": reservation_session(raw)}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
