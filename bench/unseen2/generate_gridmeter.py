#!/usr/bin/env python3
"""Deterministic generator for the `gridmeter` energy-supplier database (bench/unseen2).

Writes gridmeter.sql next to this file.  Fixed seed, no external inputs.
Singular snake_case tables, dates as ISO TEXT; tariff.unit_rate_p and meter_read.reading_kwh
are numbers stored as TEXT.
"""
import datetime as dt
import os
import random

R = random.Random(60404)
HERE = os.path.dirname(os.path.abspath(__file__))


def lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(round(v, 2))
    return "'" + str(v).replace("'", "''") + "'"


def inserts(table, cols, rows):
    return "\n".join("INSERT INTO %s (%s) VALUES (%s);" % (
        table, ", ".join(cols), ", ".join(lit(v) for v in r)) for r in rows)


def rdate(start, end):
    a = dt.date.fromisoformat(start)
    b = dt.date.fromisoformat(end)
    return a + dt.timedelta(days=R.randint(0, (b - a).days))


def add_months(d, n):
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, min(d.day, 28))


TOWNS = [("Bristol", "BS"), ("Bath", "BA"), ("Cardiff", "CF"), ("Swansea", "SA"), ("Exeter", "EX"),
         ("Plymouth", "PL"), ("Gloucester", "GL"), ("Taunton", "TA"), ("Newport", "NP"), ("Truro", "TR")]
TOWN_W = [22, 8, 16, 7, 9, 8, 7, 5, 6, 3]
FIRST = ["Olivia", "Amelia", "Isla", "Ava", "Harry", "George", "Noah", "Jack", "Rhys", "Dylan", "Cerys", "Seren",
         "Ffion", "Gwen", "Siân", "Dafydd", "Zoë", "Renée", "Chloë", "André", "José", "Raúl", "Anaïs", "Bartosz",
         "Agnieszka", "Priya", "Mohammed", "Aisha", "Tomás", "Niamh"]
LAST = ["Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan", "Griffiths",
        "Smith", "Taylor", "Brown", "Wilson", "Baker", "Patel", "Khan", "Nowak", "Müller", "Fernández", "Ó Murchú",
        "Lefèvre", "Pryce", "Llewellyn", "Owen"]
STREETS = ["High Street", "Church Road", "Station Road", "Mill Lane", "Heol y Nant", "Ffordd Celyn", "Park View",
           "Victoria Terrace", "Queen's Walk", "Chapel Row", "Orchard Close", "Harbour Way"]
# tariff_cd, tariff_nm, fuel, unit_rate_p (TEXT), standing_chg_p, green_flg, exit_fee, launched, withdrawn
TARIFFS = []
TNAMES = [("FLEX", "Flexible Variable", 0, 0), ("FIX12", "Fixed 12M", 0, 75), ("FIX24", "Fixed 24M", 0, 150),
          ("GRN12", "Green Fixed 12M", 1, 75), ("EV", "EV Night Saver", 1, 0), ("TRK", "Tracker", 0, 0),
          ("E7", "Economy 7", 0, 0)]
ADDONS = [
    ("BOIL-B", "Boiler cover Basic", "Home cover", 8.5, 0), ("BOIL-P", "Boiler cover Plus", "Home cover", 14.0, 0),
    ("BOIL-C", "Boiler & central heating cover", "Home cover", 18.5, 0), ("ELEC-C", "Home electrics cover", "Home cover", 6.0, 0),
    ("PLMB", "Plumbing & drains cover", "Home cover", 7.5, 0), ("APPL", "Appliance cover", "Home cover", 9.0, 0),
    ("EVCH", "EV charger installation", "Electric vehicle", 0.0, 1), ("EVMT", "EV charger maintenance", "Electric vehicle", 4.0, 0),
    ("EVRT", "EV smart-charging rate", "Electric vehicle", 0.0, 0), ("SOL-I", "Solar panel installation", "Renewables", 0.0, 1),
    ("SOL-M", "Solar panel monitoring", "Renewables", 3.5, 0), ("SEG", "Smart Export Guarantee", "Renewables", 0.0, 0),
    ("BATT", "Home battery rental", "Renewables", 22.0, 0), ("HP-I", "Heat pump installation", "Renewables", 0.0, 1),
    ("HP-S", "Heat pump servicing", "Renewables", 11.0, 0), ("OFFS", "Carbon offset", "Renewables", 2.5, 0),
    ("SMRT", "Smart thermostat", "Smart home", 4.5, 1), ("TRV", "Smart radiator valves", "Smart home", 3.0, 1),
    ("HUB", "Energy insights hub", "Smart home", 1.5, 0), ("PLUG", "Smart plugs pack", "Smart home", 1.0, 1),
    ("PAPER", "Paper bills", "Billing", 1.0, 0), ("BUDG", "Budget planner", "Billing", 0.0, 0),
    ("PRE", "Prepayment top-up card", "Billing", 0.0, 0), ("SPLT", "Split bill for flatmates", "Billing", 0.5, 0),
    ("PRIO", "Priority engineer visits", "Service", 5.0, 0), ("LANG", "Welsh-language service", "Service", 0.0, 0),
    ("BRAIL", "Braille & large-print bills", "Service", 0.0, 0), ("INS", "Annual home energy survey", "Service", 0.0, 1),
    ("LOFT", "Loft insulation", "Efficiency", 0.0, 1), ("DRAFT", "Draught-proofing kit", "Efficiency", 0.0, 1),
    ("WALL", "Cavity wall insulation", "Efficiency", 0.0, 1),
]


def main():
    tariffs = []
    start = dt.date(2019, 4, 1)
    for k in range(32):
        base = TNAMES[k % len(TNAMES)]
        launched = start + dt.timedelta(days=55 * k + R.randint(0, 20))
        fuel = "Dual" if base[0] not in ("EV", "E7") else "Electricity"
        year_factor = {2019: 1.0, 2020: 0.95, 2021: 1.15, 2022: 2.1, 2023: 1.8, 2024: 1.45}[launched.year]
        rate = round(16.5 * year_factor * R.uniform(0.9, 1.1) * (0.8 if base[0] in ("EV", "E7") else 1.0), 2)
        standing = round(24.0 * year_factor ** 0.7 * R.uniform(0.92, 1.08), 2)
        withdrawn = None
        if launched < dt.date(2024, 1, 1) and R.random() < 0.7:
            withdrawn = (launched + dt.timedelta(days=R.randint(120, 500))).isoformat()
            if withdrawn > "2024-11-30":
                withdrawn = None
        code = "%s-%s" % (base[0], launched.strftime("%y%m"))
        tariffs.append([code, "%s %s" % (base[1], launched.strftime("%b %Y")), fuel, "%.2f" % rate, standing,
                        base[2], base[3], launched.isoformat(), withdrawn])

    accounts = []
    for i in range(150):
        fn, ln = R.choice(FIRST), R.choice(LAST)
        town, pc = R.choices(TOWNS, weights=TOWN_W)[0]
        opened = rdate("2019-05-01", "2024-09-30")
        avail = [t for t in tariffs if t[7] <= opened.isoformat() and (t[8] is None or t[8] > opened.isoformat())]
        if not avail:
            avail = [t for t in tariffs if t[7] <= opened.isoformat()][-3:]
        tariff = R.choice(avail)
        closed = None
        if R.random() < 0.14:
            c = opened + dt.timedelta(days=R.randint(90, 1200))
            if c < dt.date(2024, 11, 15):
                closed = c.isoformat()
        psr = 1 if R.random() < 0.12 else 0
        dd = 0 if R.random() < 0.28 else 1
        email = None if R.random() < 0.1 else "%s.%s@%s" % (
            fn.lower().replace("ë", "e").replace("é", "e").replace("â", "a").replace("ú", "u").replace("ï", "i")
            .replace("á", "a"), ln.lower().replace(" ", "").replace("ü", "u").replace("á", "a").replace("è", "e")
            .replace("ó", "o").replace("ú", "u"), R.choice(["mail.co.uk", "inbox.example", "post.example"]))
        addr = "%d %s, %s %s%d %d%s%s" % (R.randint(1, 180), R.choice(STREETS), town, pc, R.randint(1, 30),
                                         R.randint(1, 9), R.choice("ABDEFGHJ"), R.choice("LNPQRSTUW"))
        prop = R.choices(["Flat", "Terraced", "Semi-detached", "Detached", "Bungalow"], weights=[28, 30, 22, 12, 8])[0]
        beds = None if R.random() < 0.15 else {"Flat": R.randint(1, 2), "Terraced": R.randint(2, 3),
                                                "Semi-detached": R.randint(3, 4), "Detached": R.randint(3, 5),
                                                "Bungalow": R.randint(2, 3)}[prop]
        accounts.append(["A%06d" % (104000 + i * 7 + R.randint(0, 6)), fn + " " + ln, email, addr, town, prop, beds,
                         opened.isoformat(), closed, tariff[0], psr, dd])

    meters = []
    for a in accounts:
        n_fuel = ["ELEC"] if R.random() < 0.22 else ["ELEC", "GAS"]
        for fuel in n_fuel:
            smart = 1 if R.random() < 0.62 else 0
            make = R.choice(["Landis+Gyr", "Aclara", "Secure", "Itron", "Elster"]) if fuel == "ELEC" else \
                R.choice(["Itron", "Elster", "Secure"])
            inst = dt.date.fromisoformat(a[7]) - dt.timedelta(days=R.randint(0, 3000)) if not smart else \
                dt.date.fromisoformat(a[7]) + dt.timedelta(days=R.randint(0, 400))
            if inst > dt.date(2024, 11, 1):
                inst = dt.date(2024, 11, 1) - dt.timedelta(days=R.randint(1, 60))
            serial = ("%02dE%07d" if fuel == "ELEC" else "G4A%07d") % ((R.randint(10, 24), R.randint(0, 10 ** 7 - 1))
                                                                      if fuel == "ELEC" else R.randint(0, 10 ** 7 - 1))
            meters.append([serial, a[0], fuel, smart, make, inst.isoformat()])

    reads = []
    rid = 1
    by_acct = {a[0]: a for a in accounts}
    for m in R.sample(meters, 90):
        a = by_acct[m[1]]
        start = max(dt.date.fromisoformat(a[7]), dt.date(2023, 6, 1))
        end = dt.date.fromisoformat(a[8]) if a[8] else dt.date(2024, 11, 30)
        if end <= start:
            continue
        val = R.randint(1000, 60000) * 1.0
        d = start
        while d < end and len(reads) < 400:
            src = "Smart" if m[3] else R.choices(["Customer", "Estimated", "Engineer"], weights=[55, 35, 10])[0]
            reads.append([rid, m[0], d.isoformat(), "%.1f" % val, src])
            rid += 1
            daily = (8.5 if m[2] == "ELEC" else 30.0) * R.uniform(0.5, 1.6)
            step = R.choice([30, 61, 92, 120])
            val += daily * step * (1.4 if d.month in (11, 12, 1, 2) else 0.8)
            d += dt.timedelta(days=step)
        if len(reads) >= 400:
            break

    tariff_by = {t[0]: t for t in tariffs}
    bills = []
    bno = 300001
    for a in R.sample(accounts, 110):
        opened = dt.date.fromisoformat(a[7])
        end = dt.date.fromisoformat(a[8]) if a[8] else dt.date(2024, 11, 1)
        periods = []
        d = dt.date(opened.year, opened.month, 1)
        while add_months(d, 3) <= end:
            periods.append(d)
            d = add_months(d, 3)
        for p in sorted(R.sample(periods, min(len(periods), R.randint(1, 5)))):
            if len(bills) >= 380:
                break
            pe = add_months(p, 3) - dt.timedelta(days=1)
            t = tariff_by[a[9]]
            kwh = round(R.uniform(450, 1400) * (1.5 if p.month in (10, 11, 12, 1) else 1.0) * (
                1.3 if a[5] == "Detached" else 1.0), 1)
            amt = round(kwh * float(t[3]) / 100.0 + 91 * t[4] / 100.0, 2)
            issued = pe + dt.timedelta(days=R.randint(2, 9))
            due = issued + dt.timedelta(days=14)
            r = R.random()
            if due > dt.date(2024, 11, 30):
                paid = None if r < 0.6 else amt
            elif a[11] == 1:
                paid = amt if r < 0.97 else round(amt * R.uniform(0.2, 0.8), 2)
            else:
                paid = amt if r < 0.72 else (None if r < 0.87 else round(amt * R.uniform(0.2, 0.8), 2))
            bills.append([bno, a[0], p.isoformat(), pe.isoformat(), kwh, amt, paid, issued.isoformat(), due.isoformat()])
            bno += 1
    bills.sort(key=lambda b: (b[7], b[0]))
    bills = [[300001 + k] + b[1:] for k, b in enumerate(bills)]

    acct_addon = []
    for a in accounts:
        k = R.choices([0, 1, 2, 3], weights=[30, 38, 22, 10])[0]
        for ad in R.sample(ADDONS, k):
            since = dt.date.fromisoformat(a[7]) + dt.timedelta(days=R.randint(0, 500))
            if since > dt.date(2024, 11, 20):
                since = dt.date(2024, 11, 20)
            acct_addon.append([a[0], ad[0], since.isoformat(), None if ad[3] == 0 else round(ad[3] * R.choice([1, 1, 1, 0.9, 0.8]), 2)])

    ddl = """-- gridmeter: energy supplier / metering database (bench/unseen2)
-- Generated by generate_gridmeter.py (seed 60404). Do not edit by hand.
CREATE TABLE tariff (
    tariff_cd      TEXT PRIMARY KEY,
    tariff_nm      TEXT NOT NULL,
    fuel_type      TEXT,
    unit_rate_p    TEXT,
    standing_chg_p REAL,
    green_flg      INTEGER NOT NULL DEFAULT 0,
    exit_fee_gbp   INTEGER,
    launched       TEXT,
    withdrawn      TEXT
);
CREATE TABLE account (
    acct_ref     TEXT PRIMARY KEY,
    holder_nm    TEXT NOT NULL,
    email        TEXT,
    supply_addr  TEXT,
    town         TEXT,
    prop_type    TEXT,
    bedrooms     INTEGER,
    opened       TEXT,
    closed       TEXT,
    on_tariff    TEXT REFERENCES tariff(tariff_cd),
    psr_flg      INTEGER NOT NULL DEFAULT 0,
    dd_flg       INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE meter (
    serial_no    TEXT PRIMARY KEY,
    supply_acct  TEXT,
    fuel         TEXT,
    smart        INTEGER NOT NULL DEFAULT 0,
    make         TEXT,
    installed    TEXT
);
CREATE TABLE meter_read (
    read_id      INTEGER PRIMARY KEY,
    serial_no    TEXT REFERENCES meter(serial_no),
    read_dt      TEXT,
    reading_kwh  TEXT,
    read_src     TEXT
);
CREATE TABLE bill (
    bill_no      INTEGER PRIMARY KEY,
    acct_ref     TEXT REFERENCES account(acct_ref),
    period_start TEXT,
    period_end   TEXT,
    kwh_used     REAL,
    amount_gbp   REAL,
    paid_gbp     REAL,
    issued       TEXT,
    due          TEXT
);
CREATE TABLE addon (
    addon_cd     TEXT PRIMARY KEY,
    addon_nm     TEXT NOT NULL,
    category     TEXT,
    monthly_gbp  REAL,
    one_off      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE account_addon (
    acct_ref     TEXT NOT NULL REFERENCES account(acct_ref),
    addon_cd     TEXT NOT NULL REFERENCES addon(addon_cd),
    since        TEXT,
    price_gbp    REAL,
    PRIMARY KEY (acct_ref, addon_cd)
);
"""
    parts = [ddl,
             inserts("tariff", ["tariff_cd", "tariff_nm", "fuel_type", "unit_rate_p", "standing_chg_p", "green_flg",
                                "exit_fee_gbp", "launched", "withdrawn"], tariffs),
             inserts("account", ["acct_ref", "holder_nm", "email", "supply_addr", "town", "prop_type", "bedrooms",
                                 "opened", "closed", "on_tariff", "psr_flg", "dd_flg"], accounts),
             inserts("meter", ["serial_no", "supply_acct", "fuel", "smart", "make", "installed"], meters),
             inserts("meter_read", ["read_id", "serial_no", "read_dt", "reading_kwh", "read_src"], reads),
             inserts("bill", ["bill_no", "acct_ref", "period_start", "period_end", "kwh_used", "amount_gbp", "paid_gbp",
                              "issued", "due"], bills),
             inserts("addon", ["addon_cd", "addon_nm", "category", "monthly_gbp", "one_off"], ADDONS),
             inserts("account_addon", ["acct_ref", "addon_cd", "since", "price_gbp"], acct_addon)]
    with open(os.path.join(HERE, "gridmeter.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
