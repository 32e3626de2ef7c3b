#!/usr/bin/env python3
"""Deterministic generator for the `matchday` football-league database (bench/unseen2).

Writes matchday.sql next to this file.  Fixed seed, no external inputs.
tbl_ prefixed singular tables, PascalCase columns, DATE / DATETIME declared columns;
tbl_player.WeeklyWage and tbl_team_sponsor.AnnualValue are numbers stored as TEXT.
"""
import datetime as dt
import os
import random

R = random.Random(90303)
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


def poisson(lam):
    import math
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= R.random()
        if p <= limit:
            return k
        k += 1


# TeamName, ShortCode, City, Founded, Ground, Capacity, Division, strength
TEAMS = [
    ("Atlético Norte", "ATN", "Porto Alegre", 1902, "Estádio do Norte", 42000, "Premier", 1.35),
    ("Real Sevastián", "RSV", "Valdemora", 1911, "Campo Sevastián", 38500, "Premier", 1.25),
    ("Union Saint-Étienne", "USE", "Saint-Étienne", 1905, "Stade Geoffroy", 35000, "Premier", 1.05),
    ("Kickers Münster", "KMU", "Münster", 1919, "Preußenpark", 22000, "Premier", 0.95),
    ("Olympique Rivière", "OLR", "Rivière", 1923, "Stade de la Rivière", 29500, "Premier", 1.0),
    ("Dynamo Hradec", "DYH", "Hradec", 1948, "Městský stadion", 18000, "Premier", 0.85),
    ("Harbour City FC", "HCF", "Harbour City", 1888, "Quayside Park", 51000, "Premier", 1.45),
    ("Northfield United", "NFU", "Northfield", 1894, "Mill Lane", 27000, "Premier", 1.1),
    ("Westbrook Rovers", "WBR", "Westbrook", 1899, "Rovers Ground", 24500, "Premier", 0.9),
    ("Kingsport Athletic", "KGA", "Kingsport", 1907, "The Citadel", 31000, "Premier", 1.15),
    ("Sporting Alcântara", "SPA", "Alcântara", 1926, "Estádio José Alvalade II", 20500, "Premier", 0.8),
    ("FC Zürichsee", "FCZ", "Rapperswil", 1931, "Seepark", 14000, "Premier", 0.75),
    ("Deportivo Pamplona", "DEP", "Pamplona", 1940, "El Sadar Viejo", 23000, "Premier", 0.88),
    ("Lokomotiv Brno", "LKB", "Brno", 1951, "Stadion Srbská", 16500, "Premier", 0.7),
    ("Eastgate Town", "EGT", "Eastgate", 1912, "Gatehouse Road", 12800, "Premier", 0.78),
    ("Ashford Wanderers", "ASW", "Ashford", 1921, "Wanderers Way", 9800, "Championship", 1.2),
    ("Calder Vale", "CDV", "Calder", 1933, "Vale Park", 8600, "Championship", 0.9),
    ("Bridgend Borough", "BBO", "Bridgend", 1928, "Borough Field", 7400, "Championship", 0.85),
    ("Racing Córdoba", "RCO", "Córdoba", 1937, "Estadio Guadalquivir", 15500, "Championship", 1.1),
    ("SV Lübeck-Süd", "LUS", "Lübeck", 1946, "Südstadion", 11000, "Championship", 1.0),
    ("AS Nîmes Garrigues", "ANG", "Nîmes", 1952, "Stade des Costières Nord", 13200, "Championship", 0.95),
    ("Górnik Zabrze-Wschód", "GZW", "Zabrze", 1955, "Arena Wschód", 12000, "Championship", 0.8),
    ("Millbrook City", "MBC", "Millbrook", 1903, "Millbrook Stadium", 10500, "Championship", 1.3),
    ("Stanton Villa", "STV", "Stanton", 1910, "Villa Meadow", 6900, "Championship", 0.75),
    ("Ferencváros Dunai", "FED", "Dunaújváros", 1950, "Duna Aréna", 9000, "Championship", 0.9),
    ("Portland Albion", "PAL", "Portland", 1886, "Albion Road", 8200, "Championship", 1.05),
    ("Inter Valletta", "INV", "Valletta", 1944, "Ta' Qali Annex", 5200, "Championship", 0.7),
    ("Crossley Rangers", "CRR", "Crossley", 1915, "Ranger Lane", 7800, "Championship", 0.95),
    ("Hallam Forest", "HLF", "Hallam", 1897, "Forest Road", 9100, "Championship", 1.0),
    ("Oakridge Town", "OKT", "Oakridge", 1920, "Oak Park", 6100, "Championship", 0.82),
]
FIRST = ["João", "Pedro", "Luís", "Andrés", "Álvaro", "Iñigo", "Hugo", "Théo", "Jérôme", "Lukas", "Jonas", "Niklas",
         "Jiří", "Tomáš", "Ondřej", "Jakub", "Kacper", "Bence", "Dávid", "Harry", "Jack", "George", "Callum",
         "Kieran", "Mason", "Declan", "Marco", "Luca", "Kwame", "Ibrahima", "Youssef", "Mehmet", "Emre", "Matías",
         "Thiago", "Kenji", "Søren", "Mikkel", "Ruairí", "Niall"]
LAST = ["Silva", "Santos", "Gonçalves", "Fernández", "Muñoz", "Ibáñez", "Lefèvre", "Girard", "Dupré", "Müller",
        "Schäfer", "Krüger", "Dvořák", "Novotný", "Procházka", "Wójcik", "Kowalczyk", "Szabó", "Tóth", "Walker",
        "Robinson", "Hughes", "Clarke", "Doyle", "Bianchi", "Greco", "Mensah", "Diallo", "El Amrani", "Yılmaz",
        "Şahin", "Acosta", "Pereira", "Takahashi", "Jørgensen", "Ó Briain", "Kearney", "Brennan", "Okafor",
        "Nkemelu"]
NATION = {"João": "POR", "Pedro": "POR", "Luís": "POR", "Andrés": "ESP", "Álvaro": "ESP", "Iñigo": "ESP", "Hugo": "FRA",
          "Théo": "FRA", "Jérôme": "FRA", "Lukas": "GER", "Jonas": "GER", "Niklas": "GER", "Jiří": "CZE", "Tomáš": "CZE",
          "Ondřej": "CZE", "Jakub": "POL", "Kacper": "POL", "Bence": "HUN", "Dávid": "HUN", "Harry": "ENG",
          "Jack": "ENG", "George": "ENG", "Callum": "SCO", "Kieran": "ENG", "Mason": "ENG", "Declan": "IRL",
          "Marco": "ITA", "Luca": "ITA", "Kwame": "GHA", "Ibrahima": "SEN", "Youssef": "MAR", "Mehmet": "TUR",
          "Emre": "TUR", "Matías": "ARG", "Thiago": "BRA", "Kenji": "JPN", "Søren": "DEN", "Mikkel": "DEN",
          "Ruairí": "IRL", "Niall": "IRL"}
SQUAD = ["GK", "GK", "DF", "DF", "DF", "DF", "MF", "MF", "MF", "MF", "FW", "FW"]
REFS = [("R01", "Björn Kuipers", "NED", 2004), ("R02", "Szymon Marciniak", "POL", 2008), ("R03", "Clément Turpin", "FRA", 2008),
        ("R04", "Anthony Taylor", "ENG", 2010), ("R05", "Daniele Orsato", "ITA", 2006), ("R06", "Felix Zwayer", "GER", 2009),
        ("R07", "Jesús Gil Manzano", "ESP", 2011), ("R08", "Artur Soares Dias", "POR", 2010), ("R09", "István Kovács", "ROU", 2012),
        ("R10", "Slavko Vinčić", "SVN", 2010), ("R11", "Michael Oliver", "ENG", 2012), ("R12", "François Letexier", "FRA", 2017),
        ("R13", "Daniel Siebert", "GER", 2015), ("R14", "José María Sánchez", "ESP", 2013), ("R15", "Orel Grinfeld", "ISR", 2014),
        ("R16", "Glenn Nyberg", "SWE", 2013), ("R17", "Halil Umut Meler", "TUR", 2017), ("R18", "Sandro Schärer", "SUI", 2015),
        ("R19", "Ivan Kružliak", "SVK", 2012), ("R20", "Marco Guida", "ITA", 2014), ("R21", "João Pinheiro", "POR", 2016),
        ("R22", "Srđan Jovanović", "SRB", 2016), ("R23", "Espen Eskås", "NOR", 2014), ("R24", "Chris Kavanagh", "ENG", 2017),
        ("R25", "Benoît Bastien", "FRA", 2015), ("R26", "Tobias Stieler", "GER", 2014), ("R27", "Alejandro Hernández", "ESP", 2015),
        ("R28", "Georgi Kabakov", "BUL", 2011), ("R29", "Donatas Rumšas", "LTU", 2015), ("R30", "Irfan Peljto", "BIH", 2017),
        ("R31", "Morten Krogh", "DEN", 2019), ("R32", "Ana Fernández Ruiz", "ESP", 2021)]
SPONSORS = [("ALZ", "Allianz Seguros", "Insurance"), ("EMI", "Emirates Air", "Airline"), ("TUI", "TUI Reisen", "Travel"),
            ("CAI", "CaixaNova", "Banking"), ("SAN", "Banco Santamaría", "Banking"), ("REN", "Renault Sport", "Automotive"),
            ("SKO", "Škoda Motors", "Automotive"), ("KIA", "Kia Europe", "Automotive"), ("BET", "Bet365 Sports", "Betting"),
            ("BWN", "Bwin", "Betting"), ("NKE", "Nike", "Sportswear"), ("ADI", "adidas", "Sportswear"),
            ("PUM", "Puma", "Sportswear"), ("UMB", "Umbro", "Sportswear"), ("JAK", "Jako", "Sportswear"),
            ("HEI", "Heineken", "Beverages"), ("EST", "Estrella Damm", "Beverages"), ("COC", "Coca-Cola", "Beverages"),
            ("RBL", "Red Bull", "Beverages"), ("VOD", "Vodafone", "Telecom"), ("ORA", "Orange", "Telecom"),
            ("TEL", "Telekom", "Telecom"), ("SAP", "SAP", "Technology"), ("SAM", "Samsung", "Technology"),
            ("LGE", "LG Electronics", "Technology"), ("VIS", "Visit Málaga", "Tourism"), ("GAZ", "Gazprom Neft", "Energy"),
            ("EDP", "EDP Energia", "Energy"), ("IBE", "Iberdrola", "Energy"), ("LID", "Lidl", "Retail"),
            ("ALD", "Aldi Süd", "Retail"), ("CRF", "Carrefour", "Retail"), ("QAT", "Qatar Airways", "Airline")]


def main():
    teams = []
    for i, t in enumerate(TEAMS):
        teams.append([i + 1, t[0], t[1], t[2], t[3], t[4], t[5], t[6]])
    strength = {i + 1: t[7] for i, t in enumerate(TEAMS)}

    players = []
    pid = 1001
    used = set()
    for t in teams:
        squad = list(SQUAD)
        for k, pos in enumerate(squad):
            while True:
                fn, ln = R.choice(FIRST), R.choice(LAST)
                if (fn, ln) not in used:
                    used.add((fn, ln))
                    break
            dob = rdate("1988-01-01", "2006-06-30")
            base = 9000 if t[7] == "Premier" else 2500
            wage = int(base * strength[t[0]] * R.uniform(0.35, 2.2) / 50) * 50
            if pos == "FW":
                wage = int(wage * 1.25 / 50) * 50
            shirt = [1, 13, 2, 3, 4, 5, 6, 8, 10, 14, 9, 11][k] if R.random() < 0.9 else R.randint(15, 44)
            injured = 1 if R.random() < 0.08 else 0
            height = None if R.random() < 0.1 else R.randint(168, 196) if pos != "GK" else R.randint(185, 199)
            players.append([pid, fn, ln, pos, dob.isoformat(), NATION[fn], t[0], shirt, str(wage), injured, height])
            pid += 1

    matches = []
    goals = []
    mid = 1
    gid = 1
    scorers_by_team = {}
    for p in players:
        if p[3] != "GK":
            w = {"FW": 6.0, "MF": 2.5, "DF": 0.8}[p[3]] * R.uniform(0.5, 1.6)
            scorers_by_team.setdefault(p[6], []).append((p, w))
    refs = [r[0] for r in REFS]
    for div in ("Premier", "Championship"):
        ids = [t[0] for t in teams if t[7] == div]
        fixtures = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        R.shuffle(fixtures)
        start = dt.date(2024, 9, 14)
        per_round = len(ids) // 2
        for k, (a, b) in enumerate(fixtures):
            if R.random() < 0.5:
                a, b = b, a
            rnd = k // per_round + 1
            day = start + dt.timedelta(days=7 * (rnd - 1) + R.choice([0, 0, 1, 1, 2]))
            kick = "%s %s" % (day.isoformat(), R.choice(["13:30:00", "15:00:00", "15:00:00", "17:30:00", "20:00:00"]))
            played = day < dt.date(2024, 12, 1)
            postponed = played and R.random() < 0.02
            ref = R.choice(refs) if R.random() > 0.03 else None
            if played and not postponed:
                hg = min(7, poisson(1.45 * strength[a] / strength[b] ** 0.8))
                ag = min(6, poisson(1.1 * strength[b] / strength[a] ** 0.8))
                cap = teams[a - 1][6]
                att = int(cap * R.uniform(0.55, 0.99))
                if R.random() < 0.05:
                    att = None
                matches.append([mid, "2024/25", div, rnd, kick, a, b, hg, ag, att, ref, "played"])
                for side, n in ((a, hg), (b, ag)):
                    for _ in range(n):
                        own = R.random() < 0.04
                        if own:
                            opp = b if side == a else a
                            sc = R.choice([p for p, w in scorers_by_team[opp]])
                        else:
                            cand = scorers_by_team[side]
                            sc = R.choices([p for p, w in cand], weights=[w for p, w in cand])[0]
                        goals.append([gid, mid, sc[0], side, R.randint(1, 94), 1 if (not own and R.random() < 0.1) else 0,
                                      1 if own else 0])
                        gid += 1
            else:
                status = "postponed" if postponed else "scheduled"
                matches.append([mid, "2024/25", div, rnd, kick, a, b, None, None, None, ref if played else None, status])
            mid += 1
    matches.sort(key=lambda m: (m[4], m[0]))
    goals.sort(key=lambda g: (g[1], g[4]))
    goals = [[k + 1] + g[1:] for k, g in enumerate(goals)]

    team_sp = []
    for t in teams:
        n = R.choice([1, 2, 2, 3]) if t[7] == "Premier" else R.choice([1, 1, 2])
        for s in R.sample(SPONSORS, n):
            kind = R.choice(["Shirt", "Sleeve", "Kit", "Stadium", "Training"])
            val = int((2500000 if t[7] == "Premier" else 400000) * strength[t[0]] * R.uniform(0.2, 1.5) / 1000) * 1000
            since = R.randint(2014, 2024)
            until = None if R.random() < 0.5 else since + R.randint(2, 6)
            team_sp.append([t[0], s[0], kind, str(val), since, until])

    ddl = """-- matchday: football league database (bench/unseen2)
-- Generated by generate_matchday.py (seed 90303). Do not edit by hand.
CREATE TABLE tbl_team (
    TeamID     INTEGER PRIMARY KEY,
    TeamName   TEXT NOT NULL,
    ShortCode  TEXT,
    City       TEXT,
    Founded    INTEGER,
    Ground     TEXT,
    Capacity   INTEGER,
    Division   TEXT
);
CREATE TABLE tbl_player (
    PlayerID    INTEGER PRIMARY KEY,
    FirstName   TEXT,
    LastName    TEXT NOT NULL,
    Pos         TEXT,
    DOB         DATE,
    Nationality TEXT,
    TeamID      INTEGER REFERENCES tbl_team(TeamID),
    ShirtNo     INTEGER,
    WeeklyWage  TEXT,
    IsInjured   INTEGER NOT NULL DEFAULT 0,
    HeightCm    INTEGER
);
CREATE TABLE tbl_referee (
    RefCode    TEXT PRIMARY KEY,
    RefName    TEXT NOT NULL,
    Country    TEXT,
    FifaSince  INTEGER
);
CREATE TABLE tbl_match (
    MatchID     INTEGER PRIMARY KEY,
    Season      TEXT,
    Division    TEXT,
    Round       INTEGER,
    KickOff     DATETIME,
    HomeTeam    INTEGER REFERENCES tbl_team(TeamID),
    AwayTeam    INTEGER REFERENCES tbl_team(TeamID),
    HomeGoals   INTEGER,
    AwayGoals   INTEGER,
    Attendance  INTEGER,
    Referee     TEXT,
    MatchStatus TEXT
);
CREATE TABLE tbl_goal (
    GoalID     INTEGER PRIMARY KEY,
    MatchID    INTEGER REFERENCES tbl_match(MatchID),
    ScoredBy   INTEGER REFERENCES tbl_player(PlayerID),
    ForTeam    INTEGER,
    GoalMinute INTEGER,
    IsPenalty  INTEGER NOT NULL DEFAULT 0,
    IsOwnGoal  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE tbl_sponsor (
    SponsorCode TEXT PRIMARY KEY,
    SponsorName TEXT NOT NULL,
    Industry    TEXT
);
CREATE TABLE tbl_team_sponsor (
    TeamID      INTEGER NOT NULL REFERENCES tbl_team(TeamID),
    SponsorCode TEXT NOT NULL REFERENCES tbl_sponsor(SponsorCode),
    DealType    TEXT,
    AnnualValue TEXT,
    SinceYear   INTEGER,
    UntilYear   INTEGER,
    PRIMARY KEY (TeamID, SponsorCode)
);
"""
    parts = [ddl,
             inserts("tbl_team", ["TeamID", "TeamName", "ShortCode", "City", "Founded", "Ground", "Capacity", "Division"],
                     teams),
             inserts("tbl_player", ["PlayerID", "FirstName", "LastName", "Pos", "DOB", "Nationality", "TeamID",
                                    "ShirtNo", "WeeklyWage", "IsInjured", "HeightCm"], players),
             inserts("tbl_referee", ["RefCode", "RefName", "Country", "FifaSince"], REFS),
             inserts("tbl_match", ["MatchID", "Season", "Division", "Round", "KickOff", "HomeTeam", "AwayTeam",
                                   "HomeGoals", "AwayGoals", "Attendance", "Referee", "MatchStatus"], matches),
             inserts("tbl_goal", ["GoalID", "MatchID", "ScoredBy", "ForTeam", "GoalMinute", "IsPenalty", "IsOwnGoal"],
                     goals),
             inserts("tbl_sponsor", ["SponsorCode", "SponsorName", "Industry"], SPONSORS),
             inserts("tbl_team_sponsor", ["TeamID", "SponsorCode", "DealType", "AnnualValue", "SinceYear", "UntilYear"],
                     team_sp)]
    with open(os.path.join(HERE, "matchday.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
