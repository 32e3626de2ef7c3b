#!/usr/bin/env python3
"""Deterministic generator for the `freightline` logistics / shipping database (bench/unseen).

Writes freightline.sql next to this file.  Fixed seed, no external inputs.
"""
import datetime as dt
import os
import random

R = random.Random(7031)
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


HUBS = [
    # code, hub_name, city, country_cd, capacity_pallets, opened_on, is_bonded, site_mgr
    ("ORD", "Chicago O'Hare Crossdock", "Chicago", "US", 5200, "2009-03-01", 1, "Dana Whitfield"),
    ("MEM", "Memphis Superhub", "Memphis", "US", 8800, "2006-06-15", 1, "Marcus Greer"),
    ("DFW", "Dallas Fort Worth DC", "Dallas", "US", 6100, "2011-09-12", 0, "Lena Ortiz"),
    ("ATL", "Atlanta South Terminal", "Atlanta", "US", 4300, "2014-02-03", 0, None),
    ("LAX", "Los Angeles Port Gateway", "Los Angeles", "US", 7400, "2008-11-20", 1, "Kevin Tran"),
    ("EWR", "Newark Northeast Hub", "Newark", "US", 3900, "2016-05-09", 1, "Rosa Delgado"),
    ("SEA", "Seattle Tacoma Yard", "Tacoma", "US", 2800, "2018-08-27", 0, None),
    ("DEN", "Denver Mountain DC", "Denver", "US", 2100, "2020-01-13", 0, "Paul Henning"),
    ("YYZ", "Toronto Mississauga Hub", "Mississauga", "CA", 3300, "2013-04-22", 1, "Aileen Cho"),
    ("YVR", "Vancouver Delta Terminal", "Delta", "CA", 1900, "2019-10-01", 0, None),
    ("MEX", "Mexico City Norte", "Mexico City", "MX", 2600, "2017-07-17", 1, "Jorge Salinas"),
    ("MTY", "Monterrey Industrial Park", "Monterrey", "MX", 3100, "2015-03-30", 0, "Ana Lucia Vera"),
    ("RTM", "Rotterdam Maasvlakte", "Rotterdam", "NL", 9500, "2010-06-01", 1, "Joost de Vries"),
    ("FRA", "Frankfurt Air Cargo Center", "Frankfurt", "DE", 4800, "2012-12-10", 1, "Sabine Krug"),
    ("LGG", "Liege Airport Hub", "Liege", "BE", 2400, "2021-03-15", 1, None),
    ("PHX", "Phoenix Desert DC", "Phoenix", "US", 1700, "2022-09-05", 0, "Tyler Banks"),
]
CARRIERS = [
    # carrier_id, carrier_nm, scac, mode, is_active, on_time_pct
    (1, "Redline Trucking", "RDLT", "Road", 1, 94.5),
    (2, "Great Plains Freight", "GPFR", "Road", 1, 91.2),
    (3, "BlueSky Air Cargo", "BSAC", "Air", 1, 97.1),
    (4, "Atlantic Container Line", "ACLU", "Ocean", 1, 82.4),
    (5, "Northern Rail Services", "NRSV", "Rail", 1, 88.0),
    (6, "Cactus Express", "CCTX", "Road", 1, 89.9),
    (7, "Maple Leaf Haulage", "MLHG", "Road", 1, 92.3),
    (8, "Transpacific Shipping Co", "TPSC", "Ocean", 1, 79.8),
    (9, "Eagle Air Logistics", "EALG", "Air", 0, 93.6),
    (10, "Lone Star Carriers", "LSCR", "Road", 1, None),
    (11, "Rhine Barge & Rail", "RBRL", "Rail", 1, 86.5),
    (12, "Sierra Flatbed Inc", "SRFB", "Road", 0, 84.1),
    (13, "Azteca Transportes", "AZTR", "Road", 1, 90.4),
    (14, "Polar Reefer Lines", "PRFL", "Road", 1, None),
    (15, "Horizon Intermodal", "HZIM", "Rail", 1, 87.7),
]
CUST_NAMES = ["Acme Industrial Supply", "BrightPath Pharma", "Cobalt Auto Parts", "Delta Home Furnishings",
              "Evergreen Organics", "Falcon Electronics", "Granite Building Materials", "Harbor Seafood Co",
              "Ironclad Tools", "Juniper Apparel", "Keystone Medical Devices", "Lakeside Paper Mills",
              "Meridian Chemicals", "Northstar Beverages", "Orchid Cosmetics", "Pinnacle Sporting Goods",
              "Quartz Solar Panels", "Riverbend Toys", "Summit Outdoor Gear", "Titan Steel Works",
              "Urban Bikes Ltd", "Vantage Office Furniture", "Willow Pet Foods", "Xenon Lighting",
              "Yellowstone Coffee Roasters", "Zephyr Wind Components", "Bayview Frozen Foods",
              "Crescent Textiles", "Driftwood Wine Importers", "Emberly Candles"]
INDUSTRY = {"Acme Industrial Supply": "Industrial", "BrightPath Pharma": "Healthcare",
            "Cobalt Auto Parts": "Automotive", "Delta Home Furnishings": "Home Goods",
            "Evergreen Organics": "Food & Beverage", "Falcon Electronics": "Electronics",
            "Granite Building Materials": "Construction", "Harbor Seafood Co": "Food & Beverage",
            "Ironclad Tools": "Industrial", "Juniper Apparel": "Apparel",
            "Keystone Medical Devices": "Healthcare", "Lakeside Paper Mills": "Industrial",
            "Meridian Chemicals": "Chemicals", "Northstar Beverages": "Food & Beverage",
            "Orchid Cosmetics": "Consumer Goods", "Pinnacle Sporting Goods": "Consumer Goods",
            "Quartz Solar Panels": "Energy", "Riverbend Toys": "Consumer Goods",
            "Summit Outdoor Gear": "Apparel", "Titan Steel Works": "Industrial",
            "Urban Bikes Ltd": "Consumer Goods", "Vantage Office Furniture": "Home Goods",
            "Willow Pet Foods": "Food & Beverage", "Xenon Lighting": "Electronics",
            "Yellowstone Coffee Roasters": "Food & Beverage", "Zephyr Wind Components": "Energy",
            "Bayview Frozen Foods": "Food & Beverage", "Crescent Textiles": "Apparel",
            "Driftwood Wine Importers": "Food & Beverage", "Emberly Candles": "Home Goods"}
CITIES = ["Chicago", "Memphis", "Dallas", "Atlanta", "Los Angeles", "Newark", "Denver", "Toronto",
          "Monterrey", "Rotterdam", "Phoenix", "Seattle"]
FIRST = ["Jake", "Maria", "Tyrone", "Jessica", "Carlos", "Brenda", "Wei", "Anil", "Rita", "Dmitri",
         "Heather", "Luis", "Sandra", "Pieter", "Klaus", "Monique", "Raj", "Tomasz", "Owen", "Grace",
         "Hector", "Yuki", "Bobby", "Darnell", "Ines"]
LAST = ["Miller", "Hernandez", "Jackson", "Kowalczyk", "Nguyen", "Schmidt", "Baker", "Ramirez",
        "Van Dijk", "Okoro", "Sullivan", "Dubois", "Yamada", "Petrov", "Reid", "Castillo", "Brooks",
        "Gupta", "Moreau", "Larsen"]


def main():
    customers = []
    for i, nm in enumerate(CUST_NAMES):
        ref = "C-%04d" % (1010 + i * 7)
        limit = R.choice([25000, 50000, 75000, 100000, 150000, 250000, 500000])
        since = rdate("2012-01-01", "2023-06-30").isoformat()
        contact = None if R.random() < 0.25 else R.choice(FIRST) + " " + R.choice(LAST)
        customers.append((ref, nm, INDUSTRY[nm], R.choice(CITIES), limit, since, contact))

    hub_codes = [h[0] for h in HUBS]
    # the big hubs see more traffic
    hub_weights = {"MEM": 7, "ORD": 6, "LAX": 6, "DFW": 5, "RTM": 5, "EWR": 4, "ATL": 4, "FRA": 3,
                   "YYZ": 3, "MTY": 3, "MEX": 2, "SEA": 2, "DEN": 2, "YVR": 1, "LGG": 1, "PHX": 1}
    road = [c for c in CARRIERS if c[3] == "Road"]

    drivers = []
    used = set()
    for i in range(40):
        while True:
            nm = R.choice(FIRST) + " " + R.choice(LAST)
            if nm not in used:
                used.add(nm)
                break
        car = R.choice(road + [CARRIERS[4], CARRIERS[14]])
        home = R.choices(hub_codes, weights=[hub_weights[h] for h in hub_codes])[0]
        lic = R.choice(["CDL-A", "CDL-A", "CDL-A", "CDL-B", "CE", "C1"])
        if home in ("RTM", "FRA", "LGG"):
            lic = R.choice(["CE", "C1"])
        hired = rdate("2010-01-01", "2024-06-30").isoformat()
        phone = None if R.random() < 0.2 else "+1-555-%04d" % R.randint(0, 9999)
        drivers.append((201 + i, nm, lic, car[0], home, hired, phone))

    shipments = []
    crew = []
    for n in range(120):
        sno = "SH-%05d" % (24000 + n * 3)
        cust = R.choice(customers)
        o = R.choices(hub_codes, weights=[hub_weights[h] for h in hub_codes])[0]
        while True:
            d = R.choices(hub_codes, weights=[hub_weights[h] for h in hub_codes])[0]
            if d != o:
                break
        svc = R.choices(["Standard", "Express", "Economy", "Same Day"], weights=[6, 3, 3, 1])[0]
        carrier = R.choice([c for c in CARRIERS if c[4] == 1 or R.random() < 0.3])
        if svc in ("Express", "Same Day") and R.random() < 0.6:
            carrier = R.choice([CARRIERS[2], CARRIERS[8]])
        ship = rdate("2021-01-05", "2024-12-20")
        transit = {"Same Day": 0, "Express": R.randint(1, 3), "Standard": R.randint(3, 8),
                   "Economy": R.randint(6, 20)}[svc]
        eta = ship + dt.timedelta(days=transit)
        r = R.random()
        if ship > dt.date(2024, 12, 5):
            status = "IN_TRANSIT"
        elif r < 0.06:
            status = "CANCELLED"
        elif r < 0.13:
            status = "EXCEPTION"
        else:
            status = "DELIVERED"
        delivered = None
        if status == "DELIVERED":
            delivered = (eta + dt.timedelta(days=R.choice([-1, 0, 0, 0, 0, 1, 1, 2, 4]))).isoformat()
            if delivered < ship.isoformat():
                delivered = ship.isoformat()
        wt = round(R.choice([R.uniform(5, 80), R.uniform(80, 900), R.uniform(900, 18000)]), 1)
        rate = {"Same Day": 4.2, "Express": 2.6, "Standard": 0.9, "Economy": 0.45}[svc]
        chg = "%.2f" % round(95 + wt * rate * R.uniform(0.7, 1.3), 2)
        if status == "CANCELLED" and R.random() < 0.5:
            chg = None
        hazmat = 1 if (INDUSTRY[cust[1]] in ("Chemicals", "Energy") and R.random() < 0.6) or R.random() < 0.04 else 0
        shipments.append((sno, cust[0], o, d, carrier[0], ship.isoformat(), eta.isoformat(), delivered,
                          wt, chg, svc, hazmat, status))
        if carrier[3] in ("Road", "Rail") and status != "CANCELLED" and len(crew) < 118:
            pool = [dd for dd in drivers if dd[3] == carrier[0]] or drivers
            legs = 2 if wt > 5000 and R.random() < 0.6 else 1
            chosen = R.sample(pool, min(legs, len(pool)))
            for k, dd in enumerate(chosen, 1):
                crew.append((sno, dd[0], k))

    ddl = """-- freightline: freight forwarding / shipping operations database (bench/unseen)
-- Generated by generate_freightline.py (seed 7031). Do not edit by hand.
CREATE TABLE hubs (
    code             TEXT PRIMARY KEY,
    hub_name         TEXT NOT NULL,
    city             TEXT,
    country_cd       TEXT,
    capacity_pallets INTEGER,
    opened_on        TEXT,
    is_bonded        INTEGER NOT NULL DEFAULT 0,
    site_mgr         TEXT
);
CREATE TABLE carriers (
    carrier_id   INTEGER PRIMARY KEY,
    carrier_nm   TEXT NOT NULL,
    scac         TEXT,
    mode         TEXT,
    is_active    INTEGER NOT NULL DEFAULT 1,
    on_time_pct  REAL
);
CREATE TABLE customers (
    cust_ref      TEXT PRIMARY KEY,
    cust_name     TEXT NOT NULL,
    industry      TEXT,
    billing_city  TEXT,
    credit_limit  INTEGER,
    acct_since    TEXT,
    contact_person TEXT
);
CREATE TABLE shipments (
    shpmt_no     TEXT PRIMARY KEY,
    cust_ref     TEXT,
    origin_hub   TEXT REFERENCES hubs(code),
    dest_hub     TEXT,
    carrier_id   INTEGER REFERENCES carriers(carrier_id),
    ship_dt      TEXT,
    eta_dt       TEXT,
    delivered_dt TEXT,
    wt_kg        REAL,
    freight_chg  TEXT,
    svc_level    TEXT,
    is_hazmat    INTEGER DEFAULT 0,
    status_cd    TEXT
);
CREATE TABLE drivers (
    drv_id        INTEGER PRIMARY KEY,
    drv_name      TEXT NOT NULL,
    license_class TEXT,
    carrier_id    INTEGER,
    home_hub      TEXT,
    hired_on      TEXT,
    mobile        TEXT
);
CREATE TABLE shipment_drivers (
    shpmt_no  TEXT NOT NULL REFERENCES shipments(shpmt_no),
    drv_id    INTEGER NOT NULL REFERENCES drivers(drv_id),
    leg_seq   INTEGER NOT NULL,
    PRIMARY KEY (shpmt_no, drv_id)
);
"""
    parts = [ddl,
             inserts("hubs", ["code", "hub_name", "city", "country_cd", "capacity_pallets", "opened_on",
                              "is_bonded", "site_mgr"], HUBS),
             inserts("carriers", ["carrier_id", "carrier_nm", "scac", "mode", "is_active", "on_time_pct"], CARRIERS),
             inserts("customers", ["cust_ref", "cust_name", "industry", "billing_city", "credit_limit",
                                   "acct_since", "contact_person"], customers),
             inserts("shipments", ["shpmt_no", "cust_ref", "origin_hub", "dest_hub", "carrier_id", "ship_dt",
                                   "eta_dt", "delivered_dt", "wt_kg", "freight_chg", "svc_level", "is_hazmat",
                                   "status_cd"], shipments),
             inserts("drivers", ["drv_id", "drv_name", "license_class", "carrier_id", "home_hub", "hired_on",
                                 "mobile"], drivers),
             inserts("shipment_drivers", ["shpmt_no", "drv_id", "leg_seq"], crew)]
    with open(os.path.join(HERE, "freightline.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
