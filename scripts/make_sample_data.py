#!/usr/bin/env python3
"""Writes the bundled sample data set in data/sample/ (deterministic, stdlib).

The files are UN Comtrade-style CSVs (the column names of the Comtrade API's
final-data endpoint) for China, Japan and Germany, HS 8703 by 6-digit code,
monthly 2021-2022, plus a native-format CSV of manufacturer breakdown rows
(Tesla). Monthly shapes follow the public figures in FACTS.md; everything in
between is made up (see data/sample/README.md). Every money figure is an
exact integer: monthly targets are integers, and each split into codes and
partners is a largest-remainder apportionment, so the sums are exact.

After writing, the script reads the files back with the csv module, recomputes
the headline figures with the store's rules (total = World row where present,
else the partner sum; official rows only) and asserts the targets.

Usage: scripts/make_sample_data.py [--out data/sample] [--check-only]
"""

import argparse
import csv
import io
import os
import random
import sys
from fractions import Fraction

MONTHS = [(y, m) for y in (2021, 2022) for m in range(1, 13)]

# HS 8703 codes of the powertrain table (docs/methodology.md).
EV_CODES = ["870380", "870360", "870370"]
NON_EV_CODES = ["870310", "870321", "870322", "870323", "870324", "870331",
                "870332", "870333", "870340", "870350", "870390"]
ALL_CODES = sorted(EV_CODES + NON_EV_CODES)

CMD_DESC = {
    "870310": "Vehicles; specially designed for travelling on snow, golf cars",
    "870321": "Vehicles; spark-ignition engine of a cylinder capacity not over 1000cc",
    "870322": "Vehicles; spark-ignition engine of a cylinder capacity over 1000 but not over 1500cc",
    "870323": "Vehicles; spark-ignition engine of a cylinder capacity over 1500 but not over 3000cc",
    "870324": "Vehicles; spark-ignition engine of a cylinder capacity over 3000cc",
    "870331": "Vehicles; compression-ignition engine of a cylinder capacity not over 1500cc",
    "870332": "Vehicles; compression-ignition engine of a cylinder capacity over 1500 but not over 2500cc",
    "870333": "Vehicles; compression-ignition engine of a cylinder capacity over 2500cc",
    "870340": "Vehicles; with both spark-ignition engine and electric motor, other than capable of being charged by plugging",
    "870350": "Vehicles; with both compression-ignition engine and electric motor, other than capable of being charged by plugging",
    "870360": "Vehicles; with both spark-ignition engine and electric motor, capable of being charged by plugging",
    "870370": "Vehicles; with both compression-ignition engine and electric motor, capable of being charged by plugging",
    "870380": "Vehicles; with only electric motor for propulsion",
    "870390": "Vehicles; n.e.c. in heading no. 8703",
}

# (ISO, Comtrade numeric code, description).
AREAS = {
    "CHN": (156, "China"), "JPN": (392, "Japan"), "DEU": (276, "Germany"),
    "W00": (0, "World"), "S19": (490, "Other Asia, nes"),
    "BEL": (56, "Belgium"), "GBR": (826, "United Kingdom"),
    "AUS": (36, "Australia"), "THA": (764, "Thailand"),
    "PHL": (608, "Philippines"), "MEX": (484, "Mexico"), "CHL": (152, "Chile"),
    "SAU": (682, "Saudi Arabia"), "RUS": (643, "Russian Federation"),
    "ESP": (724, "Spain"), "FRA": (251, "France"), "ISR": (376, "Israel"),
    "SVN": (705, "Slovenia"), "EGY": (818, "Egypt"),
    "USA": (842, "USA"),
}

COMTRADE_COLUMNS = [
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period",
    "reporterCode", "reporterISO", "reporterDesc", "flowCode", "flowDesc",
    "partnerCode", "partnerISO", "partnerDesc", "partner2Code", "partner2ISO",
    "partner2Desc", "classificationCode", "classificationSearchCode",
    "isOriginalClassification", "cmdCode", "cmdDesc", "aggrLevel", "isLeaf",
    "customsCode", "customsDesc", "mosCode", "motCode", "motDesc",
    "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode",
    "altQtyUnitAbbr", "altQty", "isAltQtyEstimated", "netWgt",
    "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated", "cifvalue",
    "fobvalue", "primaryValue", "legacyEstimationFlag", "isReported",
    "isAggregate",
]

NATIVE_COLUMNS = ["reporter", "partner", "flow", "hs_code", "period",
                  "value_usd", "quantity", "net_weight_kg", "manufacturer",
                  "source"]

# ---------------------------------------------------------------------------
# China: monthly targets.

# Vehicle units by month, thousands, as CAAM/GACC reported them (FACTS.md):
# 2021 follows CAAM's shape (Jul ~174k, Nov 200k, Dec 223k, Jan-Nov 1.79M,
# year 2.015M; Sep from 2022's +73.9%); 2022 Jan-Mar is GACC's Q1 676k
# (split made up), Apr/May GACC, Jun-Dec CAAM.
CHN_UNITS_K = {
    (2021, 1): 110, (2021, 2): 92, (2021, 3): 152, (2021, 4): 157,
    (2021, 5): 165, (2021, 6): 178, (2021, 7): 174, (2021, 8): 198,
    (2021, 9): 173, (2021, 10): 191, (2021, 11): 200, (2021, 12): 223,
    (2022, 1): 231, (2022, 2): 183, (2022, 3): 262, (2022, 4): 171,
    (2022, 5): 230, (2022, 6): 249, (2022, 7): 290, (2022, 8): 308,
    (2022, 9): 301, (2022, 10): 337, (2022, 11): 329, (2022, 12): 324,
}
# Customs (GACC) counts run higher than CAAM's: 2022 CAAM 3.111M vs GACC
# about 3.2M. Scaling every month by that ratio makes Jan-Nov 2022 ~3.0M.
GACC_OVER_CAAM = Fraction(32, 31)

# Electric (870380 + 870360 + 870370) export value by month, USD.
# Nov 2022 $3.2bn, +165% on Nov 2021 (so Nov 2021 = Nov 2022 / 2.65); the
# rest is made up: rising through 2022, Oct 2022 the previous record.
CHN_EV_NOV_2022 = 3_216_400_000
CHN_EV_VALUE = {
    (2021, 1): 350_000_000, (2021, 2): 300_000_000, (2021, 3): 700_000_000,
    (2021, 4): 720_000_000, (2021, 5): 750_000_000, (2021, 6): 780_000_000,
    (2021, 7): 900_000_000, (2021, 8): 880_000_000, (2021, 9): 1_000_000_000,
    (2021, 10): 980_000_000,
    (2021, 11): round(Fraction(CHN_EV_NOV_2022) / Fraction(265, 100)),
    (2021, 12): 1_150_000_000,
    (2022, 1): 1_250_000_000, (2022, 2): 1_050_000_000,
    (2022, 3): 1_450_000_000, (2022, 4): 1_100_000_000,
    (2022, 5): 1_600_000_000, (2022, 6): 1_850_000_000,
    (2022, 7): 2_100_000_000, (2022, 8): 2_350_000_000,
    (2022, 9): 2_620_000_000, (2022, 10): 2_980_000_000,
    (2022, 11): CHN_EV_NOV_2022, (2022, 12): 2_900_000_000,
}
# All-vehicle (every 8703 code) export value by month, USD. Nov 2022 about
# $6bn and a record; electric above half in Oct and Nov 2022 only.
CHN_ALL_VALUE = {
    (2021, 1): 1_600_000_000, (2021, 2): 1_300_000_000,
    (2021, 3): 2_200_000_000, (2021, 4): 2_350_000_000,
    (2021, 5): 2_450_000_000, (2021, 6): 2_700_000_000,
    (2021, 7): 2_750_000_000, (2021, 8): 3_000_000_000,
    (2021, 9): 2_800_000_000, (2021, 10): 3_200_000_000,
    (2021, 11): 3_300_000_000, (2021, 12): 3_700_000_000,
    (2022, 1): 3_950_000_000, (2022, 2): 3_100_000_000,
    (2022, 3): 4_450_000_000, (2022, 4): 2_950_000_000,
    (2022, 5): 4_000_000_000, (2022, 6): 4_400_000_000,
    (2022, 7): 5_000_000_000, (2022, 8): 5_300_000_000,
    (2022, 9): 5_550_000_000, (2022, 10): 5_850_000_000,
    (2022, 11): 6_020_000_000, (2022, 12): 5_700_000_000,
}

# Split of electric value / units over the electric codes (weights).
EV_VALUE_SPLIT = {"870380": 85, "870360": 14, "870370": 1}
EV_UNIT_SPLIT = {"870380": 82, "870360": 17, "870370": 1}
# Split of the other codes' value and units (weights, per mille).
NON_EV_VALUE_SPLIT = {
    "870310": 6, "870321": 12, "870322": 230, "870323": 470, "870324": 70,
    "870331": 4, "870332": 25, "870333": 8, "870340": 80, "870350": 5,
    "870390": 90,
}
NON_EV_UNIT_SPLIT = {
    "870310": 20, "870321": 40, "870322": 300, "870323": 400, "870324": 30,
    "870331": 5, "870332": 20, "870333": 5, "870340": 70, "870350": 5,
    "870390": 105,
}
# Net weight per vehicle, kg.
KG_PER_UNIT = {
    "870310": 450, "870321": 950, "870322": 1250, "870323": 1500,
    "870324": 2100, "870331": 1300, "870332": 1750, "870333": 2300,
    "870340": 1450, "870350": 1800, "870360": 1750, "870370": 2100,
    "870380": 1800, "870390": 1400,
}

# Codes with a World (W00) row; their partner rows leave some "unallocated".
CHN_WORLD_CODES = {"870380", "870323"}

CHN_EV_PARTNERS = ["BEL", "GBR", "THA", "AUS", "ISR", "FRA", "ESP", "PHL",
                   "MEX", "SVN", "SAU", "S19"]
CHN_OTHER_PARTNERS = ["RUS", "MEX", "SAU", "CHL", "AUS", "PHL", "EGY", "THA",
                      "BEL", "GBR", "S19"]


def months_index(ym):
    return (ym[0] - 2021) * 12 + ym[1] - 1


def apportion(total, weights):
    """Splits integer `total` exactly in proportion to `weights` (dict).

    Largest remainder; ties go to the key that comes first in the dict.
    """
    keys = list(weights)
    wsum = sum(Fraction(weights[k]) for k in keys)
    if total == 0 or wsum == 0:
        return {k: 0 for k in keys}
    exact = {k: Fraction(total) * Fraction(weights[k]) / wsum for k in keys}
    parts = {k: int(exact[k]) for k in keys}  # floor: all non-negative
    rest = total - sum(parts.values())
    order = sorted(range(len(keys)),
                   key=lambda i: (-(exact[keys[i]] - parts[keys[i]]), i))
    for i in order[:rest]:
        parts[keys[i]] += 1
    return parts


def jitter(rng, weights, spread):
    """Weights each multiplied by a factor in [1-spread, 1+spread]."""
    return {k: Fraction(w) * Fraction(round((1 + rng.uniform(-spread, spread))
                                            * 1000), 1000)
            for k, w in weights.items()}


def ev_partner_weights(ym, rng):
    """Electric partner weights: Belgium and the UK rise to ~69% by Nov 2022."""
    t = Fraction(months_index(ym), 22)  # 0 in Jan 2021, 1 in Nov 2022
    t = min(t, Fraction(1))
    bel = Fraction(18) + (Fraction(4240, 100) - 18) * t
    gbr = Fraction(14) + (Fraction(2730, 100) - 14) * t
    others = jitter(rng, {"THA": 9, "AUS": 8, "ISR": 5, "FRA": 6, "ESP": 4,
                          "PHL": 3, "MEX": 3, "SVN": 2, "SAU": 2, "S19": 1},
                    Fraction(1, 10))
    # The others share what Belgium and the UK leave.
    left = 100 - bel - gbr
    osum = sum(others.values())
    w = {"BEL": bel, "GBR": gbr}
    for k, v in others.items():
        w[k] = left * v / osum
    return w


def other_partner_weights(rng):
    return jitter(rng, {"RUS": 16, "MEX": 14, "SAU": 12, "CHL": 10, "AUS": 9,
                        "PHL": 8, "EGY": 6, "THA": 6, "BEL": 5, "GBR": 4,
                        "S19": 2}, Fraction(15, 100))


def unallocated_fraction(code, ym):
    # Small in Nov 2022 for 870380 so that Belgium + UK are ~69% of both the
    # World-row total and the partner sum.
    if code == "870380" and ym == (2022, 11):
        return Fraction(1, 100)
    return Fraction(3, 100)


def comtrade_row(reporter, partner, code, ym, value, qty, netwgt):
    year, month = ym
    rcode, rdesc = AREAS[reporter]
    pcode, pdesc = AREAS[partner]
    hs = "H5" if year < 2022 else "H6"
    return {
        "typeCode": "C", "freqCode": "M",
        "refPeriodId": "%04d%02d01" % ym, "refYear": year,
        "refMonth": month, "period": "%04d%02d" % ym,
        "reporterCode": rcode, "reporterISO": reporter, "reporterDesc": rdesc,
        "flowCode": "X", "flowDesc": "Export",
        "partnerCode": pcode, "partnerISO": partner, "partnerDesc": pdesc,
        "partner2Code": 0, "partner2ISO": "W00", "partner2Desc": "World",
        "classificationCode": hs, "classificationSearchCode": "HS",
        "isOriginalClassification": "True", "cmdCode": code,
        "cmdDesc": CMD_DESC[code], "aggrLevel": 6, "isLeaf": "True",
        "customsCode": "C00", "customsDesc": "TOTAL CPC", "mosCode": 0,
        "motCode": 0, "motDesc": "TOTAL MOT", "qtyUnitCode": 5,
        "qtyUnitAbbr": "u", "qty": qty, "isQtyEstimated": "False",
        "altQtyUnitCode": 5, "altQtyUnitAbbr": "u", "altQty": qty,
        "isAltQtyEstimated": "False",
        "netWgt": "" if netwgt is None else netwgt,
        "isNetWgtEstimated": "False", "grossWgt": "",
        "isGrossWgtEstimated": "False", "cifvalue": "",
        "fobvalue": value, "primaryValue": value,
        "legacyEstimationFlag": 0, "isReported": "True",
        "isAggregate": "True" if partner == "W00" else "False",
    }


def code_rows(reporter, code, ym, value, qty, partner_w, world, unalloc, rng):
    """Rows for one (reporter, code, month): partners, plus World if `world`."""
    rows = []
    alloc_v, alloc_q = value, qty
    if world:
        alloc_v = value - int(value * unalloc)
        alloc_q = qty - int(qty * unalloc)
        rows.append(comtrade_row(reporter, "W00", code, ym, value, qty,
                                 netweight(code, qty, rng)))
    pv = apportion(alloc_v, partner_w)
    pq = apportion(alloc_q, jitter(rng, partner_w, Fraction(1, 20)))
    for p in partner_w:
        if pv[p] == 0 and pq[p] == 0:
            continue
        # Comtrade often leaves netWgt empty for areas it cannot attribute.
        nw = None if p == "S19" else netweight(code, pq[p], rng)
        rows.append(comtrade_row(reporter, p, code, ym, pv[p], pq[p], nw))
    return rows


def netweight(code, qty, rng):
    return qty * KG_PER_UNIT[code] + rng.randrange(0, 1000) if qty else 0


def china_rows():
    rng = random.Random(20221101)
    rows = []
    for ym in MONTHS:
        units = round(CHN_UNITS_K[ym] * 1000 * GACC_OVER_CAAM)
        ev_value = CHN_EV_VALUE[ym]
        # Electric unit price falls from ~$30k (2021) to ~$27k (end 2022).
        ev_price = 30_000 - 130 * months_index(ym)
        ev_units = round(Fraction(ev_value, ev_price))
        value_by_code = apportion(ev_value, EV_VALUE_SPLIT)
        value_by_code.update(apportion(CHN_ALL_VALUE[ym] - ev_value,
                                       jitter(rng, NON_EV_VALUE_SPLIT,
                                              Fraction(1, 10))))
        units_by_code = apportion(ev_units, EV_UNIT_SPLIT)
        units_by_code.update(apportion(units - ev_units,
                                       jitter(rng, NON_EV_UNIT_SPLIT,
                                              Fraction(1, 10))))
        ev_w = ev_partner_weights(ym, rng)
        for code in ALL_CODES:
            w = ev_w if code in EV_CODES else other_partner_weights(rng)
            rows += code_rows("CHN", code, ym, value_by_code[code],
                              units_by_code[code], w, code in CHN_WORLD_CODES,
                              unallocated_fraction(code, ym), rng)
    return rows


# ---------------------------------------------------------------------------
# Japan and Germany: made up, World rows by code plus a few partners, so that
# Jan-Nov 2022 Japan > China > Germany by value and by units.

JPN_DEU = {
    # reporter: (monthly value USD, monthly units, code split, partners)
    "JPN": (5_300_000_000, 300_000,
            {"870310": 2, "870321": 40, "870322": 110, "870323": 330,
             "870324": 90, "870331": 2, "870332": 30, "870333": 10,
             "870340": 300, "870350": 3, "870360": 25, "870370": 1,
             "870380": 30, "870390": 27},
            {"USA": 35, "AUS": 10, "GBR": 3}),
    "DEU": (4_250_000_000, 218_000,
            {"870310": 1, "870321": 5, "870322": 60, "870323": 300,
             "870324": 150, "870331": 5, "870332": 110, "870333": 50,
             "870340": 40, "870350": 30, "870360": 100, "870370": 9,
             "870380": 120, "870390": 20},
            {"USA": 14, "GBR": 12, "FRA": 9, "CHN": 8}),
}
# Seasonal shape (index per calendar month, per mille of the mean).
SEASON = {1: 880, 2: 940, 3: 1080, 4: 980, 5: 950, 6: 1040, 7: 1000,
          8: 870, 9: 1010, 10: 1050, 11: 1090, 12: 1010}


def jpn_deu_rows():
    rng = random.Random(20230215)
    rows = []
    for reporter, (value, units, split, partners) in JPN_DEU.items():
        for ym in MONTHS:
            growth = 1000 if ym[0] == 2022 else 960
            f = Fraction(SEASON[ym[1]] * growth, 1000 * 1000)
            mv = round(value * f * Fraction(rng.randint(970, 1030), 1000))
            mu = round(units * f * Fraction(rng.randint(970, 1030), 1000))
            vals = apportion(mv, jitter(rng, split, Fraction(1, 20)))
            qtys = apportion(mu, jitter(rng, split, Fraction(1, 20)))
            for code in ALL_CODES:
                rows.append(comtrade_row(reporter, "W00", code, ym, vals[code],
                                         qtys[code],
                                         netweight(code, qtys[code], rng)))
                if code in ("870323", "870340", "870380"):
                    # A few partner rows: well below the World row.
                    pw = {p: w for p, w in partners.items()}
                    pv = apportion(vals[code] * sum(pw.values()) // 100, pw)
                    pq = apportion(qtys[code] * sum(pw.values()) // 100, pw)
                    for p in pw:
                        if pv[p] or pq[p]:
                            rows.append(comtrade_row(
                                reporter, p, code, ym, pv[p], pq[p],
                                netweight(code, pq[p], rng)))
    return rows


# ---------------------------------------------------------------------------
# Tesla (Shanghai) exports: a manufacturer breakdown of CHN -> W00, 870380.
# Nov 2021 21,127; May 2022 22,340; Nov 2022 37,000; Dec 2022 13,870 are
# press figures citing CPCA; the other months are made up (Apr 2022 low:
# Shanghai lockdown).
TESLA_UNITS = {
    (2021, 1): 3_000, (2021, 2): 2_500, (2021, 3): 10_000, (2021, 4): 11_000,
    (2021, 5): 11_500, (2021, 6): 10_000, (2021, 7): 14_000,
    (2021, 8): 12_000, (2021, 9): 15_000, (2021, 10): 12_000,
    (2021, 11): 21_127, (2021, 12): 15_000,
    (2022, 1): 20_000, (2022, 2): 12_000, (2022, 3): 15_000,
    (2022, 4): 1_500, (2022, 5): 22_340, (2022, 6): 12_000,
    (2022, 7): 20_000, (2022, 8): 18_000, (2022, 9): 20_000,
    (2022, 10): 17_000, (2022, 11): 37_000, (2022, 12): 13_870,
}
TESLA_UNIT_PRICE = 36_000
TESLA_SOURCE = "sample: press citing CPCA; months without a press figure made up"


def tesla_rows():
    rows = []
    for ym in MONTHS:
        q = TESLA_UNITS[ym]
        rows.append({
            "reporter": "CHN", "partner": "W00", "flow": "X",
            "hs_code": "870380", "period": "%04d-%02d" % ym,
            "value_usd": q * TESLA_UNIT_PRICE, "quantity": q,
            "net_weight_kg": q * 1850, "manufacturer": "Tesla",
            "source": TESLA_SOURCE,
        })
    return rows


# ---------------------------------------------------------------------------
# Writing and the self-check.

def to_csv(columns, rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


FILES = {
    "comtrade_chn_8703_2021_2022.csv": lambda: to_csv(COMTRADE_COLUMNS,
                                                      china_rows()),
    "comtrade_jpn_deu_8703_2021_2022.csv": lambda: to_csv(COMTRADE_COLUMNS,
                                                          jpn_deu_rows()),
    "manufacturers.csv": lambda: to_csv(NATIVE_COLUMNS, tesla_rows()),
}


class Store:
    """The store's totals rule over Comtrade rows read back from disk."""

    def __init__(self):
        self.world = {}     # (reporter, code, ym) -> (value, qty)
        self.partner = {}   # (reporter, code, ym) -> {partner: (value, qty)}

    def add_comtrade(self, text):
        for r in csv.DictReader(io.StringIO(text)):
            key = (r["reporterISO"], r["cmdCode"],
                   (int(r["refYear"]), int(r["refMonth"])))
            fig = (int(r["primaryValue"]), int(r["qty"] or 0))
            if r["partnerISO"] == "W00":
                assert key not in self.world, key
                self.world[key] = fig
            else:
                p = self.partner.setdefault(key, {})
                assert r["partnerISO"] not in p
                p[r["partnerISO"]] = fig

    def total(self, reporter, codes, ym):
        v = q = 0
        for c in codes:
            key = (reporter, c, ym)
            if key in self.world:
                fv, fq = self.world[key]
            else:
                parts = self.partner.get(key, {}).values()
                fv, fq = sum(p[0] for p in parts), sum(p[1] for p in parts)
            v, q = v + fv, q + fq
        return v, q

    def partner_value(self, reporter, codes, ym, partner):
        return sum(self.partner.get((reporter, c, ym), {}).get(partner, (0, 0))[0]
                   for c in codes)

    def partners(self, reporter, codes, ym):
        out = {}
        for c in codes:
            for p, (v, _) in self.partner.get((reporter, c, ym), {}).items():
                out[p] = out.get(p, 0) + v
        return out


def check(texts):
    """Recomputes the key figures from the written files; asserts targets."""
    s = Store()
    s.add_comtrade(texts["comtrade_chn_8703_2021_2022.csv"])
    s.add_comtrade(texts["comtrade_jpn_deu_8703_2021_2022.csv"])
    nov22, nov21, oct22, sep22 = (2022, 11), (2021, 11), (2022, 10), (2022, 9)
    ev = {ym: s.total("CHN", EV_CODES, ym)[0] for ym in MONTHS}
    allv = {ym: s.total("CHN", ALL_CODES, ym)[0] for ym in MONTHS}
    allq = {ym: s.total("CHN", ALL_CODES, ym)[1] for ym in MONTHS}
    f = {}
    f["chn_ev_value_2022_11"] = ev[nov22]
    f["chn_ev_value_2021_11"] = ev[nov21]
    f["chn_ev_value_2022_10"] = ev[oct22]
    f["chn_ev_yoy_pct_2022_11"] = (ev[nov22] - ev[nov21]) / ev[nov21] * 100
    earlier = [ym for ym in MONTHS if ym < nov22]
    prev_record = max(earlier, key=lambda ym: (ev[ym], ym))
    f["chn_ev_previous_record"] = "%04d-%02d" % prev_record
    parts = s.partners("CHN", EV_CODES, nov22)
    ranked = sorted(parts.items(), key=lambda kv: (-kv[1], kv[0]))
    f["chn_ev_top_partners_2022_11"] = [p for p, _ in ranked[:3]]
    f["chn_ev_bel_value_2022_11"] = parts["BEL"]
    f["chn_ev_gbr_value_2022_11"] = parts["GBR"]
    f["chn_ev_bel_gbr_share_pct_2022_11"] = (
        (parts["BEL"] + parts["GBR"]) / ev[nov22] * 100)
    f["chn_ev_bel_gbr_share_of_partner_sum_pct_2022_11"] = (
        (parts["BEL"] + parts["GBR"]) / sum(parts.values()) * 100)
    for ym in (sep22, oct22, nov22):
        f["chn_ev_share_pct_%04d_%02d" % ym] = ev[ym] / allv[ym] * 100
    streak = 0
    for ym in reversed([m for m in MONTHS if m <= nov22]):
        if ev[ym] * 2 <= allv[ym]:
            break
        streak += 1
    f["chn_ev_majority_streak_2022_11"] = streak
    evq = {ym: s.total("CHN", EV_CODES, ym)[1] for ym in MONTHS}
    f["chn_ev_units_2022_11"] = evq[nov22]
    f["chn_ev_units_2021_11"] = evq[nov21]
    for name, codes in (("bev", ["870380"]), ("phev", ["870360", "870370"]),
                        ("hev", ["870340", "870350"]),
                        ("ice", ["870321", "870322", "870323", "870324",
                                 "870331", "870332", "870333"]),
                        ("other", ["870310", "870390"])):
        f["chn_%s_value_2022_11" % name] = s.total("CHN", codes, nov22)[0]
    f["chn_all_value_2022_11"] = allv[nov22]
    f["chn_all_value_2021_11"] = allv[nov21]
    f["chn_all_value_yoy_pct_2022_11"] = (
        (allv[nov22] - allv[nov21]) / allv[nov21] * 100)
    f["chn_all_value_2022_10"] = allv[oct22]
    f["chn_all_units_2022_11"] = allq[nov22]
    jan_nov = [(2022, m) for m in range(1, 12)]
    f["chn_all_units_2022_01_11"] = sum(allq[ym] for ym in jan_nov)
    f["chn_ev_value_2022_01_11"] = sum(ev[ym] for ym in jan_nov)
    f["chn_ev_units_2022_01_11"] = sum(evq[ym] for ym in jan_nov)
    f["chn_all_units_2022"] = sum(allq[(2022, m)] for m in range(1, 13))
    f["chn_all_units_2021"] = sum(allq[(2021, m)] for m in range(1, 13))
    for rep in ("JPN", "CHN", "DEU"):
        v = q = 0
        for ym in jan_nov:
            tv, tq = s.total(rep, ALL_CODES, ym)
            v, q = v + tv, q + tq
        f["%s_all_value_2022_01_11" % rep.lower()] = v
        f["%s_all_units_2022_01_11" % rep.lower()] = q

    # Targets (data/sample/README.md).
    assert 3_200_000_000 <= f["chn_ev_value_2022_11"] < 3_250_000_000
    assert abs(f["chn_ev_yoy_pct_2022_11"] - 165.0) <= 0.2
    assert all(ev[nov22] > ev[ym] for ym in earlier)
    assert all(ev[oct22] > ev[ym] for ym in MONTHS if ym < oct22)
    assert f["chn_ev_previous_record"] == "2022-10"
    assert f["chn_ev_top_partners_2022_11"][:2] == ["BEL", "GBR"]
    assert 68 <= f["chn_ev_bel_gbr_share_pct_2022_11"] < 70
    assert 68 <= f["chn_ev_bel_gbr_share_of_partner_sum_pct_2022_11"] < 70
    assert f["chn_ev_share_pct_2022_10"] > 50
    assert f["chn_ev_share_pct_2022_11"] > 50
    assert f["chn_ev_share_pct_2022_09"] < 50
    assert f["chn_ev_majority_streak_2022_11"] == 2
    assert 6_000_000_000 <= f["chn_all_value_2022_11"] < 6_050_000_000
    assert all(allv[nov22] > allv[ym] for ym in earlier)
    assert 2_950_000 <= f["chn_all_units_2022_01_11"] <= 3_050_000
    assert (f["jpn_all_value_2022_01_11"] > f["chn_all_value_2022_01_11"]
            > f["deu_all_value_2022_01_11"])
    assert (f["jpn_all_units_2022_01_11"] > f["chn_all_units_2022_01_11"]
            > f["deu_all_units_2022_01_11"])
    # World rows are never below their partner sum.
    for key, (wv, wq) in s.world.items():
        parts = s.partner.get(key, {}).values()
        assert wv >= sum(p[0] for p in parts) and wq >= sum(p[1] for p in parts)
    # Tesla is a part of the official 870380 World row, never more.
    for r in csv.DictReader(io.StringIO(texts["manufacturers.csv"])):
        y, m = map(int, r["period"].split("-"))
        wv, wq = s.world[("CHN", "870380", (y, m))]
        assert int(r["value_usd"]) < wv and int(r["quantity"]) < wq, r
    assert s.total("CHN", ["870380"], nov22)[1] > 37_000
    return f


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "sample"))
    ap.add_argument("--check-only", action="store_true",
                    help="verify the files on disk are what this writes")
    args = ap.parse_args()
    texts = {name: make() for name, make in FILES.items()}
    figures = check(texts)
    for name, text in texts.items():
        path = os.path.join(args.out, name)
        if args.check_only:
            with open(path, newline="") as fh:
                if fh.read() != text:
                    sys.exit("%s differs from the generator's output" % path)
        else:
            os.makedirs(args.out, exist_ok=True)
            with open(path, "w", newline="") as fh:
                fh.write(text)
    for k, v in figures.items():
        if isinstance(v, float):
            print("%-50s %.4f" % (k, v))
        elif isinstance(v, int):
            print("%-50s %d" % (k, v))
        else:
            print("%-50s %s" % (k, v))


if __name__ == "__main__":
    main()
