#!/usr/bin/env python3
"""Deterministic generator for the `plantops` manufacturing plant / maintenance database (bench/unseen).

Writes plantops.sql next to this file.  Fixed seed, no external inputs.
"""
import datetime as dt
import os
import random

R = random.Random(99173)
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


MACHINES = [
    # asset_tag, machine_nm, machine_type, line_no, install_dt, vendor, is_down, hourly_rate, rated_uph
    ("CNC-01", "Haas VF-2 #1", "CNC Mill", 1, "2014-05-12", "Haas Automation", 0, 85.0, 40),
    ("CNC-02", "Haas VF-2 #2", "CNC Mill", 1, "2014-05-12", "Haas Automation", 0, 85.0, 40),
    ("CNC-03", "DMG Mori NLX 2500", "CNC Lathe", 1, "2018-09-03", "DMG Mori", 1, 110.0, 55),
    ("CNC-04", "Okuma Genos L3000", "CNC Lathe", 2, "2021-02-22", "Okuma", 0, 105.0, 60),
    ("CNC-05", "Mazak Integrex i-200", "CNC Mill-Turn", 2, "2022-11-07", "Mazak", 0, 140.0, 35),
    ("PRS-01", "Aida 200t Stamping Press", "Stamping Press", 3, "2011-03-28", "Aida", 0, 95.0, 900),
    ("PRS-02", "Schuler 400t Transfer Press", "Stamping Press", 3, "2016-07-18", "Schuler", 0, 150.0, 600),
    ("PRS-03", "Amada HG 1303 Press Brake", "Press Brake", 4, "2019-01-14", "Amada", 1, 70.0, 120),
    ("WLD-01", "Fanuc Arc Mate Cell A", "Robotic Welder", 4, "2017-04-03", "Fanuc", 0, 75.0, 80),
    ("WLD-02", "Fanuc Arc Mate Cell B", "Robotic Welder", 4, "2017-04-03", "Fanuc", 0, 75.0, 80),
    ("WLD-03", "Lincoln Spot Welder", "Spot Welder", 5, "2012-10-22", "Lincoln Electric", 0, 40.0, 150),
    ("INJ-01", "Engel Victory 200", "Injection Molder", 6, "2015-06-01", "Engel", 0, 90.0, 240),
    ("INJ-02", "Arburg Allrounder 570", "Injection Molder", 6, "2020-08-10", "Arburg", 0, 95.0, 260),
    ("INJ-03", "Husky HyPET 300", "Injection Molder", 6, "2023-03-27", "Husky", 0, 130.0, 400),
    ("LSR-01", "Trumpf TruLaser 3030", "Laser Cutter", 5, "2019-11-25", "Trumpf", 0, 120.0, None),
    ("PNT-01", "Wagner Powder Coat Booth", "Paint Booth", 7, "2013-02-04", "Wagner", 0, 60.0, None),
    ("ASM-01", "Line 8 Assembly Conveyor", "Conveyor", 8, "2010-08-16", "Dorner", 0, 25.0, 300),
    ("ASM-02", "Bosch Rexroth Screwdriving Cell", "Assembly Cell", 8, "2021-06-14", "Bosch Rexroth", 0, 55.0, 180),
    ("CMM-01", "Zeiss Contura CMM", "Inspection", 9, "2018-05-07", "Zeiss", 0, 65.0, None),
    ("CMP-01", "Atlas Copco GA37 Compressor", "Utility", None, "2012-01-09", "Atlas Copco", 0, 15.0, None),
]
TECHS = [
    # tech_no, tech_name, shift, cert_level, hourly_wage, hired, supervisor
    (41, "Ray Kowalski", "Day", 3, 44.5, "2006-04-03", None),
    (42, "Denise Harmon", "Swing", 3, 43.0, "2009-08-17", None),
    (43, "Victor Alvarez", "Night", 3, 45.25, "2008-01-21", None),
    (44, "Jamal Pritchard", "Day", 2, 36.0, "2014-03-10", 41),
    (45, "Kelly Brandt", "Day", 1, 28.5, "2021-06-07", 41),
    (46, "Tran Minh", "Day", 2, 35.25, "2016-09-26", 41),
    (47, "Shawna Ellis", "Day", 2, 37.0, "2013-11-04", 41),
    (48, "Marco Bellini", "Swing", 2, 34.75, "2017-02-13", 42),
    (49, "Becky Lindgren", "Swing", 1, 27.0, "2022-10-03", 42),
    (50, "Hector Ruiz", "Swing", 2, 36.5, "2015-05-18", 42),
    (51, "Curtis Odom", "Night", 2, 38.0, "2012-07-30", 43),
    (52, "Ngozi Adeyemi", "Night", 1, 29.0, "2020-01-13", 43),
    (53, "Pete Szabo", "Night", 2, 35.5, "2018-04-23", 43),
    (54, "Lorraine Fisk", "Day", 3, 42.0, "2010-02-08", 41),
    (55, "Andre Thibodeaux", "Swing", 1, 26.5, "2023-08-14", 42),
    (56, "Wendy Cho", "Night", 2, 34.0, "2019-06-03", 43),
    (57, "Gus Papadakis", "Day", 1, 27.75, "2024-02-26", 41),
    (58, "Irina Volkova", "Swing", 3, 41.5, "2011-12-05", 42),
]
PARTS = [
    # part_no, part_desc, unit_cost (TEXT), qty_on_hand, reorder_pt, supplier, is_obsolete
    ("BRG-6205", "Deep groove ball bearing 6205-2RS", "12.80", 46, 20, "SKF", 0),
    ("BRG-6308", "Deep groove ball bearing 6308", "31.15", 8, 10, "SKF", 0),
    ("BLT-A42", "V-belt A42", "9.60", 25, 10, "Gates", 0),
    ("BLT-T10", "Timing belt T10-1210", "74.00", 3, 4, "Gates", 0),
    ("FLT-HYD10", "Hydraulic filter 10 micron", "58.90", 14, 6, "Parker Hannifin", 0),
    ("FLT-AIR37", "Compressor air filter element", "112.00", 2, 3, "Atlas Copco", 0),
    ("SEL-KIT22", "Hydraulic cylinder seal kit", "145.50", 5, 4, "Parker Hannifin", 0),
    ("SNS-PRX18", "Inductive proximity sensor M18", "48.25", 19, 8, "Balluff", 0),
    ("SNS-PE12", "Photoelectric sensor", "89.00", 7, 5, "Keyence", 0),
    ("TIP-WLD14", "MIG contact tip 1.4mm (box of 25)", "36.40", 40, 15, "Lincoln Electric", 0),
    ("NOZ-WLD5", "Welding gas nozzle", "22.10", 12, 10, "Lincoln Electric", 0),
    ("ELC-SPOT", "Spot welding electrode cap", "6.75", 120, 50, "Lincoln Electric", 0),
    ("CTR-INS55", "Carbide turning insert CNMG (10 pk)", "96.00", 30, 12, "Sandvik", 0),
    ("CTR-EM12", "12mm carbide end mill", "64.30", 18, 10, "Kennametal", 0),
    ("SPN-CART", "Spindle cartridge rebuild kit", "3850.00", 1, 1, "Haas Automation", 0),
    ("SRV-MTR3", "AC servo motor 3kW", "2240.00", 2, 1, "Fanuc", 0),
    ("DRV-AMP", "Servo amplifier module", "1675.00", 1, 1, "Fanuc", 0),
    ("HTR-BND", "Barrel heater band", "138.00", 9, 6, "Watlow", 0),
    ("TC-J", "Type J thermocouple", "18.50", 33, 12, "Watlow", 0),
    ("SCR-INJ40", "Injection screw tip & check ring", "920.00", 1, 2, "Engel", 0),
    ("LNS-LSR", "Laser focusing lens", "410.00", 4, 2, "Trumpf", 0),
    ("NZL-LSR", "Laser cutting nozzle", "27.00", 25, 10, "Trumpf", 0),
    ("OIL-ISO68", "Hydraulic oil ISO 68 (20L)", "96.50", 11, 6, "Mobil", 0),
    ("GRS-EP2", "EP2 grease cartridge", "8.20", 60, 24, "Mobil", 0),
    ("FUS-30A", "30A fuse", "4.10", 75, 30, "Littelfuse", 0),
    ("RLY-24V", "24V control relay", "21.90", 16, 8, "Omron", 0),
    ("PLC-IO16", "PLC 16-pt digital input card", "540.00", 2, 1, "Siemens", 0),
    ("PLC-S5CPU", "S5 PLC CPU module", "1200.00", 1, 0, "Siemens", 1),
    ("CHN-80", "Roller chain #80 (10 ft)", "142.00", 3, 2, "Tsubaki", 0),
    ("GSK-DIE", "Die cushion gasket set", "265.00", 0, 2, None, 1),
]
TYPE_PARTS = {
    "CNC Mill": ["BRG-6205", "CTR-EM12", "SPN-CART", "BLT-T10", "FLT-HYD10", "GRS-EP2", "SNS-PRX18"],
    "CNC Lathe": ["CTR-INS55", "BRG-6308", "FLT-HYD10", "SEL-KIT22", "SNS-PRX18", "GRS-EP2"],
    "CNC Mill-Turn": ["CTR-INS55", "CTR-EM12", "SRV-MTR3", "DRV-AMP", "GRS-EP2"],
    "Stamping Press": ["SEL-KIT22", "OIL-ISO68", "FLT-HYD10", "GSK-DIE", "CHN-80", "RLY-24V"],
    "Press Brake": ["SEL-KIT22", "OIL-ISO68", "SNS-PE12", "FUS-30A"],
    "Robotic Welder": ["TIP-WLD14", "NOZ-WLD5", "SRV-MTR3", "DRV-AMP", "SNS-PRX18"],
    "Spot Welder": ["ELC-SPOT", "FUS-30A", "RLY-24V"],
    "Injection Molder": ["HTR-BND", "TC-J", "SCR-INJ40", "FLT-HYD10", "OIL-ISO68", "PLC-IO16"],
    "Laser Cutter": ["LNS-LSR", "NZL-LSR", "FUS-30A"],
    "Paint Booth": ["FUS-30A", "RLY-24V", "BLT-A42"],
    "Conveyor": ["BLT-A42", "CHN-80", "BRG-6205", "GRS-EP2", "SNS-PE12"],
    "Assembly Cell": ["SNS-PRX18", "RLY-24V", "PLC-IO16"],
    "Inspection": ["FUS-30A"],
    "Utility": ["FLT-AIR37", "BLT-A42", "OIL-ISO68"],
}
FAULTS = {
    "Corrective": ["spindle vibration", "hydraulic leak", "sensor fault", "motor overheating", "belt snapped",
                   "servo alarm", "jam at infeed", "coolant pump failure", "E-stop circuit fault", "tool breakage"],
    "Preventive": ["quarterly PM", "monthly lubrication", "annual PM", "filter change", "belt inspection"],
    "Inspection": ["safety inspection", "calibration check", "guard interlock test"],
    "Improvement": ["install light curtain", "retrofit LED lighting", "add part counter"],
}
SKUS = {"CNC": ["BRK-1120", "HSG-2040", "SHF-0880"], "PRS": ["PNL-3300", "BRK-1120", "CLP-0410"],
        "WLD": ["FRM-5100", "FRM-5200"], "INJ": ["CAP-0012", "HSG-2040", "KNB-0075"],
        "ASM": ["ASSY-9000", "ASSY-9100"], "LSR": ["PNL-3300"]}


def main():
    mach_w = {"CNC-03": 9, "PRS-02": 7, "INJ-01": 7, "WLD-01": 6, "CNC-01": 6, "PRS-01": 6, "ASM-01": 5}
    machines_for_wo = [m for m in MACHINES]
    weights = [mach_w.get(m[0], 3) for m in machines_for_wo]
    wos = []
    wo_parts = []
    for k in range(110):
        m = R.choices(machines_for_wo, weights=weights)[0]
        wtype = R.choices(["Corrective", "Preventive", "Inspection", "Improvement"], weights=[5, 4, 2, 1])[0]
        if m[0] == "CMM-01" and wtype == "Corrective":
            wtype = "Inspection"
        opened = rdate(max(m[4], "2021-01-01"), "2024-11-28")
        pri = {"Corrective": R.choice(["P1", "P1", "P2"]), "Preventive": "P3", "Inspection": R.choice(["P2", "P3"]),
               "Improvement": "P3"}[wtype]
        tech = R.choice(TECHS)
        if pri == "P1" and tech[3] == 1:
            tech = R.choice([t for t in TECHS if t[3] >= 2])
        closed = None
        labor = None
        if opened < dt.date(2024, 11, 10) or R.random() < 0.3:
            if R.random() < 0.93:
                closed = opened + dt.timedelta(days=R.choice([0, 0, 1, 1, 2, 3, 5, 8, 14]))
                labor = round(R.choice([0.5, 1, 1.5, 2, 3, 4, 6, 8, 12]) * R.uniform(0.8, 1.2), 1)
        downtime = 0 if wtype in ("Preventive", "Inspection") and R.random() < 0.5 else R.choice(
            [15, 30, 45, 60, 90, 120, 180, 240, 480, 720, 1440])
        fault = R.choice(FAULTS[wtype])
        if m[6] == 1 and k >= 100:
            closed, labor = None, None
        assigned = tech[0] if R.random() > 0.05 else None
        wo_no = 240001 + k
        wos.append([wo_no, m[0], opened.isoformat(), closed.isoformat() if closed else None, wtype, pri,
                    assigned, labor, downtime, fault])
        if wtype in ("Corrective", "Preventive") and len(wo_parts) < 110:
            cand = TYPE_PARTS[m[2]]
            for p in R.sample(cand, min(len(cand), R.choice([1, 1, 2, 3]))):
                qty = R.choice([1, 1, 1, 2, 4]) if p not in ("ELC-SPOT", "GRS-EP2", "FUS-30A") else R.choice([2, 6, 10])
                wo_parts.append((wo_no, p, qty))
    # number work orders chronologically, as a CMMS would
    wos.sort(key=lambda w: (w[2], w[0]))
    renum = {w[0]: 240001 + i for i, w in enumerate(wos)}
    for w in wos:
        w[0] = renum[w[0]]
    wo_parts = sorted((renum[a], b, c) for a, b, c in wo_parts)

    runs = []
    producing = [m for m in MACHINES if m[0][:3] in SKUS]
    for i in range(120):
        m = R.choice(producing)
        d = rdate("2023-01-02", "2024-11-29")
        shift = R.choice(["Day", "Day", "Swing", "Night"])
        sku = R.choice(SKUS[m[0][:3]])
        cap = m[8] or 100
        made = int(cap * 8 * R.uniform(0.55, 0.95))
        scrap = int(made * R.choice([0.002, 0.005, 0.01, 0.02, 0.04, 0.08]))
        oper = None if R.random() < 0.1 else R.choice(["J. Moss", "K. Patel", "L. Romero", "S. Yoon",
                                                        "T. Brennan", "A. Okafor"])
        runs.append((5001 + i, m[0], d.isoformat(), shift, sku, made, scrap, oper))
    runs.sort(key=lambda r: (r[2], r[0]))
    runs = [(5001 + i,) + r[1:] for i, r in enumerate(runs)]

    ddl = """-- plantops: manufacturing plant maintenance & production database (bench/unseen)
-- Generated by generate_plantops.py (seed 99173). Do not edit by hand.
CREATE TABLE machines (
    asset_tag     TEXT PRIMARY KEY,
    machine_nm    TEXT NOT NULL,
    machine_type  TEXT,
    line_no       INTEGER,
    install_dt    TEXT,
    vendor        TEXT,
    is_down       INTEGER NOT NULL DEFAULT 0,
    hourly_rate   REAL,
    rated_uph     INTEGER
);
CREATE TABLE technicians (
    tech_no      INTEGER PRIMARY KEY,
    tech_name    TEXT NOT NULL,
    shift        TEXT,
    cert_level   INTEGER,
    hourly_wage  REAL,
    hired        TEXT,
    supervisor   INTEGER REFERENCES technicians(tech_no)
);
CREATE TABLE work_orders (
    wo_no          INTEGER PRIMARY KEY,
    asset_tag      TEXT NOT NULL REFERENCES machines(asset_tag),
    opened_dt      TEXT NOT NULL,
    closed_dt      TEXT,
    wo_type        TEXT,
    priority       TEXT,
    assigned_tech  INTEGER,
    labor_hrs      REAL,
    downtime_min   INTEGER,
    fault_desc     TEXT
);
CREATE TABLE parts (
    part_no      TEXT PRIMARY KEY,
    part_desc    TEXT,
    unit_cost    TEXT,
    qty_on_hand  INTEGER,
    reorder_pt   INTEGER,
    supplier     TEXT,
    is_obsolete  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE wo_parts (
    wo_no     INTEGER NOT NULL REFERENCES work_orders(wo_no),
    part_no   TEXT NOT NULL,
    qty_used  INTEGER NOT NULL,
    PRIMARY KEY (wo_no, part_no)
);
CREATE TABLE production_runs (
    run_id       INTEGER PRIMARY KEY,
    asset_tag    TEXT,
    run_dt       TEXT,
    shift        TEXT,
    product_sku  TEXT,
    units_made   INTEGER,
    scrap_units  INTEGER,
    operator     TEXT
);
"""
    parts = [ddl,
             inserts("machines", ["asset_tag", "machine_nm", "machine_type", "line_no", "install_dt", "vendor",
                                  "is_down", "hourly_rate", "rated_uph"], MACHINES),
             inserts("technicians", ["tech_no", "tech_name", "shift", "cert_level", "hourly_wage", "hired",
                                     "supervisor"], TECHS),
             inserts("work_orders", ["wo_no", "asset_tag", "opened_dt", "closed_dt", "wo_type", "priority",
                                     "assigned_tech", "labor_hrs", "downtime_min", "fault_desc"], wos),
             inserts("parts", ["part_no", "part_desc", "unit_cost", "qty_on_hand", "reorder_pt", "supplier",
                               "is_obsolete"], PARTS),
             inserts("wo_parts", ["wo_no", "part_no", "qty_used"], wo_parts),
             inserts("production_runs", ["run_id", "asset_tag", "run_dt", "shift", "product_sku", "units_made",
                                         "scrap_units", "operator"], runs)]
    with open(os.path.join(HERE, "plantops.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
