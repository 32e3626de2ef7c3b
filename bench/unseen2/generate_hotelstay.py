#!/usr/bin/env python3
"""Deterministic generator for the `hotelstay` hotel-group bookings database (bench/unseen2).

Writes hotelstay.sql next to this file.  Fixed seed, no external inputs.
Dates are ISO strings in TEXT columns; reservations.nightly_rt is a number stored as TEXT.
"""
import datetime as dt
import os
import random

R = random.Random(70101)
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


# prop_cd, prop_nm, city, country, star_rtg, rooms_cnt, opened_dt, spa_flg
PROPERTIES = [
    ("LIS01", "Hotel Alfama Lisboa", "Lisbon", "Portugal", 4, 112, "2011-05-02", 1),
    ("LIS02", "Casa do Tejo", "Lisbon", "Portugal", 3, 48, "2016-03-14", 0),
    ("OPO01", "Ribeira Riverside", "Porto", "Portugal", 4, 86, "2014-06-01", 0),
    ("MAD01", "Gran Hotel Retiro", "Madrid", "Spain", 5, 210, "2009-09-21", 1),
    ("MAD02", "Hostal Lavapiés", "Madrid", "Spain", 2, 36, "2018-02-05", 0),
    ("BCN01", "Hotel Eixample Nou", "Barcelona", "Spain", 4, 134, "2012-04-16", 1),
    ("BCN02", "Barceloneta Beach Suites", "Barcelona", "Spain", 4, 72, "2019-06-10", 0),
    ("AGP01", "Málaga Puerto", "Málaga", "Spain", 3, 64, "2017-07-01", 0),
    ("SVQ01", "Palacio Triana", "Seville", "Spain", 5, 58, "2021-03-29", 1),
    ("PAR01", "Hôtel Saint-Germain", "Paris", "France", 4, 95, "2010-01-11", 0),
    ("PAR02", "Le Petit Marais", "Paris", "France", 3, 41, "2015-10-05", 0),
    ("PAR03", "Grand Hôtel Opéra", "Paris", "France", 5, 188, "2008-05-19", 1),
    ("NCE01", "Promenade Azur", "Nice", "France", 4, 77, "2013-05-27", 1),
    ("LYS01", "Hôtel des Célestins", "Lyon", "France", 3, 52, "2020-09-14", 0),
    ("ZRH01", "Seehotel Zürich", "Zürich", "Switzerland", 5, 120, "2012-11-05", 1),
    ("GVA01", "Hôtel du Léman", "Geneva", "Switzerland", 4, 90, "2016-04-18", 1),
    ("MUC01", "Hotel Schwabing", "Munich", "Germany", 3, 110, "2014-02-03", 0),
    ("BER01", "Spree Loft Berlin", "Berlin", "Germany", 3, 140, "2017-08-28", 0),
    ("BER02", "Hotel Kurfürstendamm", "Berlin", "Germany", 4, 165, "2011-12-01", 1),
    ("HAM01", "Alster Residenz", "Hamburg", "Germany", 4, 80, "2022-04-04", 0),
    ("VIE01", "Hotel Wien Mitte", "Vienna", "Austria", 4, 128, "2013-03-11", 1),
    ("SZG01", "Mozartblick Salzburg", "Salzburg", "Austria", 3, 46, "2019-05-20", 0),
    ("PRG01", "Hotel Malá Strana", "Prague", "Czechia", 4, 84, "2015-06-22", 0),
    ("KRK01", "Kraków Kazimierz Inn", "Kraków", "Poland", 3, 60, "2018-10-01", 0),
    ("BUD01", "Danube Palace Budapest", "Budapest", "Hungary", 5, 150, "2010-07-05", 1),
    ("AMS01", "Canal House Amsterdam", "Amsterdam", "Netherlands", 4, 62, "2016-09-12", 0),
    ("BRU01", "Hôtel Grand-Place", "Brussels", "Belgium", 3, 70, "2014-11-17", 0),
    ("CPH01", "Nyhavn Harbour Hotel", "Copenhagen", "Denmark", 4, 99, "2020-02-24", 1),
    ("DUB01", "Liffey Quay Hotel", "Dublin", "Ireland", 3, 88, "2023-01-16", 0),
    ("ROM01", "Albergo Trastevere", "Rome", "Italy", 4, 74, "2012-06-25", 0),
    ("MIL01", "Hotel Navigli Milano", "Milan", "Italy", 4, 105, "2021-10-04", 1),
    ("FLR01", "Palazzo Oltrarno", "Florence", "Italy", 5, 40, "2022-05-30", 1),
]
BASE_RATE = {2: 65.0, 3: 95.0, 4: 150.0, 5: 290.0}
CITY_FACTOR = {"Paris": 1.35, "Zürich": 1.45, "Geneva": 1.4, "Barcelona": 1.15, "Amsterdam": 1.3, "Copenhagen": 1.25,
               "Dublin": 1.2, "Florence": 1.2, "Milan": 1.15, "Rome": 1.15, "Kraków": 0.7, "Budapest": 0.75,
               "Prague": 0.8, "Lisbon": 0.95, "Porto": 0.9, "Seville": 1.0}
ROOM_FACTOR = {"Standard": 1.0, "Deluxe": 1.3, "Family": 1.45, "Suite": 2.1}

FIRST = ["José", "María", "Lucía", "João", "Inês", "François", "Amélie", "Zoë", "Jürgen", "Anna", "Lukas", "Søren",
         "Björn", "Ágnes", "Tomás", "Chloé", "Hélène", "Matteo", "Giulia", "Noah", "Emma", "Oliver", "Sophie",
         "Liam", "Mia", "Ethan", "Olivia", "Jakub", "Zofia", "Dávid", "Aoife", "Seán", "Kenji", "Yuki", "Priya",
         "Arjun", "Fatima", "Omar", "Chen", "Wei", "Isabel", "Daniel", "Sarah", "Thomas", "Laura", "Michael"]
LAST = ["García", "Fernández", "Silva", "Gonçalves", "Dubois", "Lefèvre", "Müller", "Schröder", "Nielsen", "Novák",
        "Kowalski", "Nagy", "Rossi", "Bianchi", "Smith", "Johnson", "Brown", "Murphy", "O'Brien", "Tanaka",
        "Sato", "Patel", "Sharma", "Haddad", "Wang", "Li", "Jansen", "de Vries", "Peeters", "Larsen", "Moreau",
        "Martínez", "López", "Weber", "Fischer", "Costa", "Ricci", "Kelly", "Walsh", "Andersson"]
NATIONALITIES = ["ES", "PT", "FR", "DE", "IT", "GB", "US", "IE", "NL", "BE", "CH", "AT", "DK", "SE", "PL", "CZ",
                 "HU", "JP", "IN", "CN", "CA", "BR"]
NAT_W = [8, 5, 9, 10, 6, 12, 14, 3, 4, 3, 3, 2, 2, 2, 2, 1, 1, 3, 2, 2, 3, 2]

AMENITIES = [
    ("SPA", "Spa & sauna", "Wellness", 1), ("POOL", "Indoor pool", "Wellness", 0), ("OPOOL", "Outdoor pool", "Wellness", 0),
    ("GYM", "Fitness centre", "Wellness", 0), ("MASS", "Massage treatments", "Wellness", 1),
    ("YOGA", "Morning yoga class", "Wellness", 1), ("REST", "On-site restaurant", "Dining", 0),
    ("BAR", "Lobby bar", "Dining", 0), ("ROOF", "Rooftop terrace bar", "Dining", 0),
    ("BRKF", "Breakfast buffet", "Dining", 1), ("RSVC", "24h room service", "Dining", 1),
    ("MINI", "Minibar", "Dining", 1), ("MEET", "Meeting rooms", "Business", 1), ("BCTR", "Business centre", "Business", 0),
    ("WIFI", "Free Wi-Fi", "Business", 0), ("COWK", "Co-working lounge", "Business", 1),
    ("KIDS", "Kids' club", "Family", 1), ("CRIB", "Baby cots", "Family", 0), ("PLAY", "Playground", "Family", 0),
    ("BSIT", "Babysitting", "Family", 1), ("PARK", "Car park", "Transport", 1), ("VALET", "Valet parking", "Transport", 1),
    ("SHTL", "Airport shuttle", "Transport", 1), ("EVCH", "EV charging", "Transport", 1),
    ("BIKE", "Bike rental", "Transport", 1), ("PETS", "Pets allowed", "Services", 1),
    ("LNDY", "Laundry service", "Services", 1), ("CONC", "Concierge desk", "Services", 0),
    ("LUGG", "Luggage storage", "Services", 0), ("ACCS", "Step-free access", "Services", 0),
    ("CHRG", "Late check-out", "Services", 1), ("TOUR", "Guided city tours", "Services", 1),
]
STAFF_ROLES = ["Front Desk", "Front Desk", "Housekeeping", "Housekeeping", "Concierge", "Chef", "Night Auditor",
               "Revenue Manager"]
WAGE = {"General Manager": 48.0, "Front Desk": 17.5, "Housekeeping": 14.0, "Concierge": 19.0, "Chef": 24.0,
        "Night Auditor": 18.5, "Revenue Manager": 33.0}
CHANNELS = ["Direct", "Booking.com", "Expedia", "Corporate", "Phone"]
CHANNEL_W = [30, 34, 16, 12, 8]
REVIEW_TITLES = ["Great location", "Lovely staff", "Would stay again", "Noisy room", "Excellent breakfast",
                 "Too expensive", "Perfect city break", "Room was tiny", "Fantastic view", "Average stay",
                 "Très bien", "Muy recomendable", "Clean and quiet", "Slow check-in"]


def main():
    props = PROPERTIES
    # staff: one general manager per property plus 0-2 others, ids not in property order
    staff = []
    emp = 2001
    gm_of = {}
    used_names = set()

    def person():
        while True:
            n = R.choice(FIRST) + " " + R.choice(LAST)
            if n not in used_names:
                used_names.add(n)
                return n
    for p in props:
        hire = rdate("2008-01-01", "2024-06-30")
        if hire.isoformat() < p[6]:
            hire = dt.date.fromisoformat(p[6]) - dt.timedelta(days=R.randint(10, 90))
        gm_of[p[0]] = emp
        staff.append([emp, person(), "General Manager", p[0], hire.isoformat(),
                      round(WAGE["General Manager"] * R.uniform(0.85, 1.25), 2), 1])
        emp += R.randint(1, 3)
    for i in range(40):
        p = R.choice(props)
        role = R.choice(STAFF_ROLES)
        hire = rdate(max(p[6], "2012-01-01"), "2024-10-31")
        active = 0 if R.random() < 0.15 else 1
        wage = round(WAGE[role] * R.uniform(0.9, 1.2), 2)
        staff.append([emp, person(), role, p[0] if R.random() > 0.05 else None, hire.isoformat(),
                      wage if R.random() > 0.06 else None, active])
        emp += R.randint(1, 3)
    staff.sort(key=lambda s: s[0])

    properties = [p + (gm_of[p[0]] if p[0] != "DUB01" else None,) for p in props]

    guests = []
    for i in range(260):
        fn, ln = R.choice(FIRST), R.choice(LAST)
        nat = R.choices(NATIONALITIES, weights=NAT_W)[0]
        email = None if R.random() < 0.12 else (
            fn.lower().replace("é", "e").replace("ë", "e").replace("ü", "u").replace("ø", "o").replace("ö", "o")
            .replace("á", "a").replace("è", "e").replace("ç", "c").replace("í", "i").replace("ó", "o")
            .replace("ê", "e") + "." + ln.lower().replace(" ", "").replace("'", "").replace("í", "i")
            .replace("á", "a").replace("é", "e").replace("ç", "c").replace("è", "e").replace("ü", "u")
            .replace("ö", "o") + "%d@example.com" % R.randint(1, 99))
        tier = R.choices([None, "Silver", "Gold", "Platinum"], weights=[55, 25, 14, 6])[0]
        dob = None if R.random() < 0.3 else rdate("1950-01-01", "2003-12-31").isoformat()
        created = rdate("2019-01-01", "2024-09-30").isoformat()
        vip = 1 if (tier == "Platinum" and R.random() < 0.7) or R.random() < 0.04 else 0
        guests.append([50001 + i, fn, ln, email, nat, tier, dob, vip, created])

    res = []
    rid = 880001
    weights_prop = [R.uniform(0.4, 2.0) * (p[5] / 80.0) ** 0.5 for p in props]
    for i in range(400):
        g = R.choice(guests)
        p = R.choices(props, weights=weights_prop)[0]
        created = dt.date.fromisoformat(g[8])
        lo = max(created, dt.date.fromisoformat(p[6]), dt.date(2022, 1, 1))
        chk_in = lo + dt.timedelta(days=R.randint(0, max(1, (dt.date(2025, 3, 31) - lo).days)))
        lead = R.choice([1, 3, 7, 14, 21, 30, 45, 60, 90, 120])
        booked = chk_in - dt.timedelta(days=R.randint(0, lead))
        nights = R.choices([1, 2, 3, 4, 5, 7, 10, 14], weights=[18, 26, 20, 12, 9, 9, 4, 2])[0]
        chk_out = chk_in + dt.timedelta(days=nights)
        room = R.choices(["Standard", "Deluxe", "Family", "Suite"], weights=[50, 28, 12, 10])[0]
        season = 1.25 if chk_in.month in (6, 7, 8) else (0.85 if chk_in.month in (1, 2, 11) else 1.0)
        rate = BASE_RATE[p[4]] * CITY_FACTOR.get(p[2], 1.0) * ROOM_FACTOR[room] * season * R.uniform(0.88, 1.12)
        rate = round(rate, 2)
        adults = R.choices([1, 2, 3, 4], weights=[30, 55, 8, 7])[0]
        children = 0 if room not in ("Family", "Suite") or R.random() < 0.3 else R.randint(1, 3)
        channel = R.choices(CHANNELS, weights=CHANNEL_W)[0]
        refundable = 1 if R.random() < 0.6 else 0
        today = dt.date(2024, 12, 1)
        cancel_dt = None
        r = R.random()
        if r < (0.17 if refundable else 0.06):
            status = "cancelled"
            cd = booked + dt.timedelta(days=R.randint(0, max(0, (chk_in - booked).days)))
            cancel_dt = min(cd, today).isoformat()
        elif chk_in > today:
            status = "confirmed"
        elif r > 0.97:
            status = "no_show"
        elif chk_out > today:
            status = "in_house"
        else:
            status = "checked_out"
        total = round(rate * nights, 2)
        res.append([rid, g[0], p[0], booked.isoformat(), chk_in.isoformat(), chk_out.isoformat(), room, adults,
                    children, "%.2f" % rate, total, channel, refundable, status, cancel_dt])
        rid += R.randint(1, 7)
    res.sort(key=lambda x: (x[3], x[0]))

    prop_amen = []
    for p in props:
        k = {2: 4, 3: 6, 4: 9, 5: 13}[p[4]] + R.randint(-1, 2)
        pool = [a for a in AMENITIES if a[0] != "SPA" or p[7]]
        chosen = R.sample(pool, k)
        if p[7] and not any(a[0] == "SPA" for a in chosen):
            chosen.append(AMENITIES[0])
        if not any(a[0] == "WIFI" for a in chosen) and p[0] not in ("SVQ01",):
            chosen.append([a for a in AMENITIES if a[0] == "WIFI"][0])
        for a in sorted(chosen, key=lambda a: a[0]):
            fee = None
            if a[3]:
                fee = float(R.choice([5, 8, 10, 12, 15, 18, 20, 25, 30, 35, 45, 60]))
            prop_amen.append((p[0], a[0], fee))

    reviews = []
    rev_id = 1
    done = [r for r in res if r[13] == "checked_out"]
    for r in done:
        if R.random() < 0.62:
            p = [x for x in props if x[0] == r[2]][0]
            base = {2: 6.4, 3: 7.2, 4: 8.0, 5: 8.7}[p[4]] + (0.6 if p[0] in ("SVQ01", "FLR01", "CPH01") else 0) \
                - (1.1 if p[0] in ("BER01", "MAD02") else 0)
            score = max(1, min(10, int(round(R.gauss(base, 1.3)))))
            rdt = dt.date.fromisoformat(r[5]) + dt.timedelta(days=R.randint(0, 20))
            comment = None if R.random() < 0.35 else R.choice(REVIEW_TITLES)
            ret = 1 if score >= 8 or (score >= 6 and R.random() < 0.4) else 0
            reviews.append((rev_id, r[0], rdt.isoformat(), score, comment, ret))
            rev_id += 1

    ddl = """-- hotelstay: hotel group bookings database (bench/unseen2)
-- Generated by generate_hotelstay.py (seed 70101). Do not edit by hand.
CREATE TABLE properties (
    prop_cd     TEXT PRIMARY KEY,
    prop_nm     TEXT NOT NULL,
    city        TEXT,
    country     TEXT,
    star_rtg    INTEGER,
    rooms_cnt   INTEGER,
    opened_dt   TEXT,
    spa_flg     INTEGER NOT NULL DEFAULT 0,
    gm_emp_no   INTEGER
);
CREATE TABLE staff (
    emp_no      INTEGER PRIMARY KEY,
    full_nm     TEXT NOT NULL,
    job_title   TEXT,
    works_at    TEXT REFERENCES properties(prop_cd),
    hire_dt     TEXT,
    hourly_wage REAL,
    active_flg  INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE guests (
    guest_no     INTEGER PRIMARY KEY,
    first_nm     TEXT,
    last_nm      TEXT NOT NULL,
    email_addr   TEXT,
    nationality  TEXT,
    loyalty_tier TEXT,
    birth_dt     TEXT,
    vip_flg      INTEGER NOT NULL DEFAULT 0,
    created_dt   TEXT
);
CREATE TABLE reservations (
    res_id      INTEGER PRIMARY KEY,
    guest_no    INTEGER NOT NULL REFERENCES guests(guest_no),
    prop_cd     TEXT NOT NULL REFERENCES properties(prop_cd),
    booked_dt   TEXT,
    chk_in_dt   TEXT NOT NULL,
    chk_out_dt  TEXT NOT NULL,
    room_typ    TEXT,
    adults      INTEGER,
    children    INTEGER,
    nightly_rt  TEXT,
    total_amt   REAL,
    channel     TEXT,
    refundable  INTEGER NOT NULL DEFAULT 1,
    status      TEXT,
    cancel_dt   TEXT
);
CREATE TABLE amenities (
    amen_cd     TEXT PRIMARY KEY,
    amen_nm     TEXT NOT NULL,
    category    TEXT,
    chargeable  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE property_amenities (
    prop_cd     TEXT NOT NULL REFERENCES properties(prop_cd),
    amen_cd     TEXT NOT NULL REFERENCES amenities(amen_cd),
    fee_eur     REAL,
    PRIMARY KEY (prop_cd, amen_cd)
);
CREATE TABLE reviews (
    review_id    INTEGER PRIMARY KEY,
    res_id       INTEGER,
    review_dt    TEXT,
    score        INTEGER,
    headline     TEXT,
    would_return INTEGER
);
"""
    parts = [ddl,
             inserts("properties", ["prop_cd", "prop_nm", "city", "country", "star_rtg", "rooms_cnt", "opened_dt",
                                    "spa_flg", "gm_emp_no"], properties),
             inserts("staff", ["emp_no", "full_nm", "job_title", "works_at", "hire_dt", "hourly_wage", "active_flg"],
                     staff),
             inserts("guests", ["guest_no", "first_nm", "last_nm", "email_addr", "nationality", "loyalty_tier",
                                "birth_dt", "vip_flg", "created_dt"], guests),
             inserts("reservations", ["res_id", "guest_no", "prop_cd", "booked_dt", "chk_in_dt", "chk_out_dt",
                                      "room_typ", "adults", "children", "nightly_rt", "total_amt", "channel",
                                      "refundable", "status", "cancel_dt"], res),
             inserts("amenities", ["amen_cd", "amen_nm", "category", "chargeable"], AMENITIES),
             inserts("property_amenities", ["prop_cd", "amen_cd", "fee_eur"], prop_amen),
             inserts("reviews", ["review_id", "res_id", "review_dt", "score", "headline", "would_return"], reviews)]
    with open(os.path.join(HERE, "hotelstay.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
