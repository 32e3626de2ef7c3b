#!/usr/bin/env python3
"""Deterministic generator for the `cyclehire` city bike-share database (bench/unseen2).

Writes cyclehire.sql next to this file.  Fixed seed, no external inputs.
Plural snake_case tables, DATE / TIMESTAMP declared columns; rides.distance_km and
repairs.parts_cost are numbers stored as TEXT.
"""
import datetime as dt
import os
import random

R = random.Random(50505)
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


# code, name, borough, docks, lat, lon, opened, is_hub, popularity
STATIONS = [
    ("S001", "Métro Berri-UQAM", "Ville-Marie", 39, 45.5152, -73.5610, "2014-04-15", 1, 3.0),
    ("S002", "Place des Arts", "Ville-Marie", 31, 45.5082, -73.5665, "2014-04-15", 0, 2.4),
    ("S003", "Gare Centrale", "Ville-Marie", 43, 45.4998, -73.5668, "2014-04-15", 1, 2.8),
    ("S004", "Vieux-Port / Quai de l'Horloge", "Ville-Marie", 27, 45.5121, -73.5497, "2015-05-01", 0, 2.0),
    ("S005", "Square Victoria", "Ville-Marie", 23, 45.5019, -73.5630, "2016-04-20", 0, 1.4),
    ("S006", "Université McGill", "Ville-Marie", 35, 45.5048, -73.5772, "2014-04-15", 0, 2.2),
    ("S007", "Parc La Fontaine", "Le Plateau-Mont-Royal", 29, 45.5270, -73.5700, "2014-04-15", 0, 2.1),
    ("S008", "Métro Mont-Royal", "Le Plateau-Mont-Royal", 33, 45.5246, -73.5816, "2014-04-15", 1, 2.6),
    ("S009", "Rue Saint-Denis / Rachel", "Le Plateau-Mont-Royal", 25, 45.5224, -73.5748, "2015-05-01", 0, 1.8),
    ("S010", "Boulevard Saint-Laurent / Duluth", "Le Plateau-Mont-Royal", 21, 45.5186, -73.5790, "2017-04-18", 0, 1.5),
    ("S011", "Marché Jean-Talon", "Rosemont–La Petite-Patrie", 31, 45.5363, -73.6147, "2015-05-01", 0, 1.9),
    ("S012", "Métro Beaubien", "Rosemont–La Petite-Patrie", 19, 45.5353, -73.6041, "2018-04-23", 0, 1.0),
    ("S013", "Parc Molson", "Rosemont–La Petite-Patrie", 17, 45.5425, -73.5930, "2019-04-15", 0, 0.7),
    ("S014", "Métro Jarry", "Villeray–Saint-Michel–Parc-Extension", 19, 45.5430, -73.6281, "2017-04-18", 0, 0.9),
    ("S015", "Parc Jarry", "Villeray–Saint-Michel–Parc-Extension", 23, 45.5338, -73.6288, "2016-04-20", 0, 1.2),
    ("S016", "Université de Montréal", "Côte-des-Neiges–Notre-Dame-de-Grâce", 37, 45.5040, -73.6130, "2016-04-20", 1, 1.7),
    ("S017", "Métro Côte-des-Neiges", "Côte-des-Neiges–Notre-Dame-de-Grâce", 21, 45.4966, -73.6230, "2018-04-23", 0, 0.9),
    ("S018", "Métro Villa-Maria", "Côte-des-Neiges–Notre-Dame-de-Grâce", 15, 45.4796, -73.6195, "2021-05-03", 0, 0.5),
    ("S019", "Marché Atwater", "Le Sud-Ouest", 27, 45.4790, -73.5770, "2015-05-01", 0, 1.6),
    ("S020", "Canal de Lachine / Écluse", "Le Sud-Ouest", 23, 45.4822, -73.5730, "2016-04-20", 0, 1.5),
    ("S021", "Métro Charlevoix", "Le Sud-Ouest", 15, 45.4782, -73.5694, "2020-05-04", 0, 0.6),
    ("S022", "Métro Verdun", "Verdun", 19, 45.4594, -73.5718, "2019-04-15", 0, 0.8),
    ("S023", "Plage de Verdun", "Verdun", 21, 45.4555, -73.5660, "2022-05-02", 0, 0.7),
    ("S024", "Stade olympique", "Mercier–Hochelaga-Maisonneuve", 29, 45.5580, -73.5515, "2016-04-20", 0, 1.1),
    ("S025", "Marché Maisonneuve", "Mercier–Hochelaga-Maisonneuve", 17, 45.5530, -73.5400, "2019-04-15", 0, 0.6),
    ("S026", "Parc Jean-Drapeau", "Ville-Marie", 25, 45.5085, -73.5330, "2017-04-18", 0, 0.9),
    ("S027", "Métro Laurier", "Le Plateau-Mont-Royal", 23, 45.5275, -73.5893, "2016-04-20", 0, 1.4),
    ("S028", "Mile End / Bernard", "Outremont", 19, 45.5254, -73.5995, "2018-04-23", 0, 1.1),
    ("S029", "Avenue du Parc / Fairmount", "Outremont", 17, 45.5228, -73.5965, "2021-05-03", 0, 0.8),
    ("S030", "Métro Angrignon", "LaSalle", 15, 45.4462, -73.6036, "2023-05-01", 0, 0.3),
    ("S031", "Îlot Saint-Pierre", "LaSalle", 11, 45.4500, -73.6300, "2024-05-06", 0, 0.2),
    ("S032", "Pôle Maisonneuve (fermé)", "Mercier–Hochelaga-Maisonneuve", 13, 45.5550, -73.5450, "2015-05-01", 0, 0.0),
]
FIRST = ["Émilie", "Étienne", "Gabrielle", "Félix", "Léa", "Mathis", "Océane", "Raphaël", "Zoé", "Éloïse",
         "Thomas", "William", "Olivia", "Noah", "Chloé", "Samuel", "Jérémie", "Anaïs", "Maëlle", "Benoît", "Amir",
         "Fatou", "Nguyễn", "Mei", "Carlos", "Sofía", "Liam", "Emma", "Hélène", "François"]
LAST = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
        "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard",
        "Boucher", "Nguyen", "Diallo", "Haddad", "Smith", "O'Connor", "Rodríguez", "Chen", "Lefebvre"]
PLANS = ["Annual", "Monthly", "Pay-as-you-go", "Student"]
PLAN_W = [30, 20, 40, 10]
MODELS = [("ICONIC 2", 0), ("ICONIC 2", 0), ("Boost E-Fit", 1), ("PBSC FIT", 0), ("E-FIT G5", 1)]
ISSUES = ["Flat tyre", "Brake adjustment", "Chain replaced", "Battery fault", "Broken light", "Bent wheel",
          "Dock lock jammed", "Saddle replaced", "Gear cable", "Vandalism"]
PROMOS = [
    ("BIENVENUE", "Welcome ride free", 100, "2019-01-01", None, 1), ("ETE2021", "Summer 2021 half price", 50, "2021-06-01", "2021-08-31", 0),
    ("ETE2022", "Summer 2022 half price", 50, "2022-06-01", "2022-08-31", 0), ("ETE2023", "Summer 2023 half price", 50, "2023-06-01", "2023-08-31", 0),
    ("ETE2024", "Summer 2024 half price", 50, "2024-06-01", "2024-08-31", 0), ("ETUDIANT", "Student discount", 30, "2019-09-01", None, 1),
    ("BIXIJOUR", "Day pass discount", 20, "2020-05-01", None, 1), ("MTLVELO", "Festival Go Vélo", 40, "2022-05-25", "2022-06-05", 0),
    ("MTLVELO23", "Festival Go Vélo 2023", 40, "2023-05-24", "2023-06-04", 0), ("MTLVELO24", "Festival Go Vélo 2024", 40, "2024-05-29", "2024-06-09", 0),
    ("NOEL21", "Winter holidays", 25, "2021-12-15", "2022-01-05", 0), ("NOEL22", "Winter holidays", 25, "2022-12-15", "2023-01-05", 0),
    ("NOEL23", "Winter holidays", 25, "2023-12-15", "2024-01-05", 0), ("PARRAIN", "Refer a friend", 15, "2020-03-01", None, 1),
    ("EBIKE10", "E-bike intro offer", 10, "2022-04-15", "2022-10-31", 0), ("EBIKE15", "E-bike spring offer", 15, "2023-04-15", "2023-06-30", 0),
    ("EBIKE20", "E-bike spring offer", 20, "2024-04-15", "2024-06-30", 0), ("STM", "Transit pass holders", 10, "2021-01-01", None, 1),
    ("EMPLOYE", "Corporate partner staff", 25, "2020-01-01", None, 1), ("SANTE", "Health-care workers", 50, "2020-04-01", "2020-12-31", 0),
    ("RENTREE22", "Back to school 2022", 20, "2022-08-20", "2022-09-30", 0), ("RENTREE23", "Back to school 2023", 20, "2023-08-20", "2023-09-30", 0),
    ("RENTREE24", "Back to school 2024", 20, "2024-08-20", "2024-09-30", 0), ("NUIT", "Night rides discount", 30, "2023-07-01", "2023-09-30", 0),
    ("PRINTEMPS", "Spring reopening", 25, "2024-04-15", "2024-05-15", 0), ("AINE", "Seniors 65+", 30, "2021-04-15", None, 1),
    ("JEUNE", "Under 25", 20, "2022-04-15", None, 1), ("FIDELE", "Loyalty reward", 35, "2023-01-01", None, 1),
    ("GRANDPRIX", "Grand Prix weekend", 30, "2023-06-15", "2023-06-18", 0), ("JAZZ", "Festival de Jazz", 30, "2024-06-27", "2024-07-06", 0),
    ("OSHEAGA", "Osheaga weekend", 30, "2024-08-02", "2024-08-04", 0),
]


def main():
    stations = [s[:8] for s in STATIONS]
    pop = {s[0]: s[8] for s in STATIONS}
    active_stations = [s for s in STATIONS if s[8] > 0]

    bikes = []
    for i in range(140):
        model, ebike = R.choice(MODELS)
        comm = rdate("2014-04-15" if not ebike else "2019-05-01", "2024-05-31")
        home = R.choices(active_stations, weights=[s[8] for s in active_stations])[0]
        while home[6] > comm.isoformat():
            home = R.choice(active_stations)
        retired = None
        if comm.year < 2021 and R.random() < 0.18:
            retired = (comm + dt.timedelta(days=R.randint(700, 2200))).isoformat()
            if retired > "2024-11-15":
                retired = None
        bikes.append([100 + i * 3 + R.randint(0, 2), model, ebike, comm.isoformat(), home[0], retired])

    members = []
    for i in range(240):
        fn, ln = R.choice(FIRST), R.choice(LAST)
        plan = R.choices(PLANS, weights=PLAN_W)[0]
        joined = rdate("2018-04-01", "2024-10-31")
        by = None if R.random() < 0.2 else (R.randint(1998, 2006) if plan == "Student" else R.randint(1950, 2004))
        active = 0 if R.random() < 0.17 else 1
        email = None if R.random() < 0.07 else "%s%d@courriel.example" % (
            ln.lower().replace("é", "e").replace("è", "e").replace("ô", "o").replace("í", "i").replace("'", ""),
            R.randint(1, 999))
        members.append(["M%05d" % (20000 + i * 11 + R.randint(0, 10)), fn + " " + ln, email, plan, joined.isoformat(),
                        by, active])

    rides = []
    rid = 700001
    live_bikes = bikes
    for i in range(400):
        m = R.choice(members)
        d = dt.date.fromisoformat(m[4]) + dt.timedelta(days=R.randint(0, 900))
        if d < dt.date(2022, 4, 15):
            d = dt.date(2022, 4, 15) + dt.timedelta(days=R.randint(0, 940))
        if d > dt.date(2024, 11, 14):
            d = dt.date(2024, 4, 15) + dt.timedelta(days=R.randint(0, 210))
        if d.month in (12, 1, 2, 3):
            d = d.replace(month=R.choice([5, 6, 7, 8, 9]))
        cand = [b for b in live_bikes if b[3] <= d.isoformat() and (b[5] is None or b[5] > d.isoformat())]
        b = R.choice(cand)
        st_ok = [s for s in active_stations if s[6] <= d.isoformat()]
        s1 = R.choices(st_ok, weights=[s[8] for s in st_ok])[0]
        s2 = R.choices(st_ok, weights=[s[8] for s in st_ok])[0]
        hour = R.choices(range(6, 24), weights=[2, 6, 9, 6, 3, 3, 5, 5, 4, 4, 5, 8, 9, 6, 4, 3, 3, 2])[0]
        start = dt.datetime(d.year, d.month, d.day, hour, R.randint(0, 59), R.randint(0, 59))
        mins = max(2, int(R.lognormvariate(2.6, 0.55)))
        if b[2]:
            mins = max(2, int(mins * 0.8))
        dist = round(mins * (0.28 if b[2] else 0.22) * R.uniform(0.7, 1.2), 2) if s1 != s2 else round(R.uniform(0.8, 6), 2)
        end = start + dt.timedelta(minutes=mins)
        ended = end.strftime("%Y-%m-%d %H:%M:%S")
        end_station = s2[0]
        if R.random() < 0.015:
            ended, end_station, dist = None, None, None
        if m[3] in ("Annual", "Monthly", "Student"):
            fare = 0.0 if mins <= 45 else round(0.15 * (mins - 45), 2)
        else:
            fare = round(1.25 + 0.15 * mins, 2)
        if b[2]:
            fare = round(fare + 0.10 * mins, 2)
        rides.append([rid, m[0], b[0], s1[0], end_station, start.strftime("%Y-%m-%d %H:%M:%S"), ended,
                      None if dist is None else "%.2f" % dist, fare])
        rid += R.randint(1, 40)
    rides.sort(key=lambda r: r[5])
    rides = [[700001 + k] + r[1:] for k, r in enumerate(rides)]

    repairs = []
    for i in range(150):
        b = R.choice(bikes)
        lo = max(b[3], "2022-01-01")
        hi = b[5] or "2024-11-25"
        if lo >= hi:
            continue
        op = rdate(lo, hi)
        issue = R.choice(ISSUES if b[2] else [x for x in ISSUES if x != "Battery fault"])
        days = R.choice([0, 0, 1, 1, 2, 3, 5, 8, 14])
        closed = op + dt.timedelta(days=days)
        closed_s = None if closed > dt.date(2024, 11, 28) or R.random() < 0.04 else closed.isoformat() + " 16:00:00"
        base = {"Flat tyre": 12, "Brake adjustment": 8, "Chain replaced": 35, "Battery fault": 180, "Broken light": 15,
                "Bent wheel": 60, "Dock lock jammed": 0, "Saddle replaced": 25, "Gear cable": 18, "Vandalism": 90}[issue]
        cost = None if base == 0 else "%.2f" % (base * R.uniform(0.8, 1.3))
        mech = R.choice(["Julien Côté", "Marie-Ève Roy", "Karim Haddad", "Sébastien Roy", "Ana Rodríguez"])
        repairs.append([op.isoformat() + " %02d:%02d:00" % (R.randint(7, 17), R.randint(0, 59)), b[0], issue,
                        cost, mech, closed_s])
    repairs.sort()
    repairs = [[9001 + k] + r for k, r in enumerate(repairs)]

    redemptions = []
    for m in members:
        k = R.choices([0, 1, 2], weights=[55, 33, 12])[0]
        for p in R.sample(PROMOS, k):
            lo = max(p[3], m[4])
            hi = p[4] or "2024-11-30"
            if lo > hi:
                continue
            redemptions.append([m[0], p[0], rdate(lo, hi).isoformat()])

    ddl = """-- cyclehire: city bike-share database (bench/unseen2)
-- Generated by generate_cyclehire.py (seed 50505). Do not edit by hand.
CREATE TABLE stations (
    station_code   TEXT PRIMARY KEY,
    station_name   TEXT NOT NULL,
    borough        TEXT,
    dock_count     INTEGER,
    lat            REAL,
    lon            REAL,
    opened_on      DATE,
    is_hub         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE bikes (
    bike_no        INTEGER PRIMARY KEY,
    model          TEXT,
    is_electric    INTEGER NOT NULL DEFAULT 0,
    commissioned   DATE,
    home_station   TEXT REFERENCES stations(station_code),
    retired_on     DATE
);
CREATE TABLE members (
    member_no      TEXT PRIMARY KEY,
    full_name      TEXT NOT NULL,
    email          TEXT,
    plan           TEXT,
    joined_on      DATE,
    birth_year     INTEGER,
    is_active      INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE rides (
    ride_id        INTEGER PRIMARY KEY,
    member_no      TEXT REFERENCES members(member_no),
    bike_no        INTEGER REFERENCES bikes(bike_no),
    from_station   TEXT REFERENCES stations(station_code),
    to_station     TEXT,
    started_at     TIMESTAMP NOT NULL,
    ended_at       TIMESTAMP,
    distance_km    TEXT,
    fare_cad       REAL
);
CREATE TABLE repairs (
    repair_id      INTEGER PRIMARY KEY,
    reported_at    TIMESTAMP,
    bike           INTEGER,
    issue          TEXT,
    parts_cost     TEXT,
    mechanic       TEXT,
    resolved_at    TIMESTAMP
);
CREATE TABLE promotions (
    promo_code     TEXT PRIMARY KEY,
    description    TEXT,
    discount_pct   INTEGER,
    valid_from     DATE,
    valid_to       DATE,
    is_permanent   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE promo_redemptions (
    member_no      TEXT NOT NULL REFERENCES members(member_no),
    promo_code     TEXT NOT NULL REFERENCES promotions(promo_code),
    redeemed_on    DATE,
    PRIMARY KEY (member_no, promo_code)
);
"""
    parts = [ddl,
             inserts("stations", ["station_code", "station_name", "borough", "dock_count", "lat", "lon", "opened_on",
                                  "is_hub"], stations),
             inserts("bikes", ["bike_no", "model", "is_electric", "commissioned", "home_station", "retired_on"], bikes),
             inserts("members", ["member_no", "full_name", "email", "plan", "joined_on", "birth_year", "is_active"],
                     members),
             inserts("rides", ["ride_id", "member_no", "bike_no", "from_station", "to_station", "started_at",
                               "ended_at", "distance_km", "fare_cad"], rides),
             inserts("repairs", ["repair_id", "reported_at", "bike", "issue", "parts_cost", "mechanic", "resolved_at"],
                     repairs),
             inserts("promotions", ["promo_code", "description", "discount_pct", "valid_from", "valid_to",
                                    "is_permanent"], PROMOS),
             inserts("promo_redemptions", ["member_no", "promo_code", "redeemed_on"], redemptions)]
    with open(os.path.join(HERE, "cyclehire.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
