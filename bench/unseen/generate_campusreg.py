#!/usr/bin/env python3
"""Deterministic generator for the `campusreg` university registrar database (bench/unseen).

Writes campusreg.sql next to this file.  Fixed seed, no external inputs.
"""
import datetime as dt
import os
import random

R = random.Random(1868)
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


DEPTS = [
    # dept_id, dept_name, building, annual_budget, est_year, prefix
    (10, "Computer Science", "Turing Hall", 4200000, 1972, "CS"),
    (11, "Mathematics", "Noether Building", 2100000, 1891, "MATH"),
    (12, "Physics", "Faraday Labs", 3300000, 1891, "PHYS"),
    (13, "Chemistry", "Curie Science Center", 2900000, 1895, "CHEM"),
    (14, "Biology", "Darwin Hall", 3100000, 1902, "BIO"),
    (15, "History", "Gibbon House", 950000, 1891, "HIST"),
    (16, "English", "Austen Hall", 1050000, 1891, "ENGL"),
    (17, "Economics", "Keynes Center", 1800000, 1920, "ECON"),
    (18, "Psychology", "James Hall", 1400000, 1948, "PSY"),
    (19, "Philosophy", "Gibbon House", 600000, 1891, "PHIL"),
    (20, "Mechanical Engineering", "Watt Engineering Complex", 3800000, 1955, "ME"),
    (21, "Electrical Engineering", "Watt Engineering Complex", 3500000, 1958, "EE"),
    (22, "Music", "Clara Schumann Conservatory", 800000, 1931, "MUS"),
    (23, "Art History", "Austen Hall", 520000, 1964, "ARTH"),
    (24, "Political Science", "Keynes Center", 1150000, 1939, "POLS"),
]
COURSE_TITLES = {
    "CS": [("Intro to Programming", 4), ("Data Structures", 4), ("Operating Systems", 3), ("Machine Learning", 3), ("Database Systems", 3)],
    "MATH": [("Calculus I", 4), ("Linear Algebra", 3), ("Probability Theory", 3), ("Real Analysis", 3)],
    "PHYS": [("Classical Mechanics", 4), ("Electromagnetism", 4), ("Quantum Physics", 3)],
    "CHEM": [("General Chemistry", 4), ("Organic Chemistry", 4), ("Biochemistry", 3)],
    "BIO": [("Cell Biology", 4), ("Genetics", 3), ("Ecology", 3)],
    "HIST": [("The Roman Republic", 3), ("Modern Europe", 3), ("History of the Americas", 3)],
    "ENGL": [("Shakespeare", 3), ("Creative Writing", 3), ("The Victorian Novel", 3)],
    "ECON": [("Principles of Microeconomics", 3), ("Macroeconomics", 3), ("Econometrics", 4)],
    "PSY": [("Intro to Psychology", 3), ("Cognitive Psychology", 3), ("Developmental Psychology", 3)],
    "PHIL": [("Ethics", 3), ("Logic", 3)],
    "ME": [("Thermodynamics", 4), ("Fluid Mechanics", 4), ("Robotics", 3)],
    "EE": [("Circuit Analysis", 4), ("Signals and Systems", 4), ("Embedded Systems", 3)],
    "MUS": [("Music Theory", 3), ("Jazz Ensemble", 1)],
    "ARTH": [("Renaissance Art", 3), ("Modern Art", 3)],
    "POLS": [("American Government", 3), ("International Relations", 3)],
}
FIRST = ["Aaliyah", "Ben", "Camila", "Dev", "Elena", "Felix", "Gia", "Hassan", "Imani", "Jonah", "Kira",
         "Leo", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Stefan", "Tara", "Umar", "Vera",
         "Wyatt", "Ximena", "Yusuf", "Zara", "Aiden", "Bianca", "Caleb", "Dalia", "Emeka", "Freya"]
LAST = ["Abbott", "Bergstrom", "Castillo", "Dvorak", "Eze", "Fontaine", "Gallagher", "Hoffman", "Iyer",
        "Jablonski", "Kaur", "Lindqvist", "Moreno", "Nakamura", "Osei", "Petrakis", "Quintero", "Rahman",
        "Sato", "Thornton", "Uchenna", "Varga", "Whitaker", "Xu", "Yilmaz", "Zimmerman"]
STATES = ["CA", "NY", "TX", "MA", "IL", "WA", "FL", "OH", "PA", "NJ", "GA", "MI"]
TERMS = ["2021-FA", "2022-SP", "2022-FA", "2023-SP", "2023-FA", "2024-SP", "2024-FA"]
TERM_START = {"2021-FA": "2021-08-01", "2022-SP": "2021-12-01", "2022-FA": "2022-08-01", "2023-SP": "2022-12-01",
              "2023-FA": "2023-08-01", "2024-SP": "2023-12-01", "2024-FA": "2024-08-01"}
GRADES = [("A", 4.0), ("A-", 3.7), ("B+", 3.3), ("B", 3.0), ("B-", 2.7), ("C+", 2.3), ("C", 2.0), ("D", 1.0), ("F", 0.0)]


def main():
    # instructors
    instructors = []
    used = set()
    ranks = ["Professor", "Associate Professor", "Assistant Professor", "Lecturer", "Adjunct Instructor"]
    for i in range(42):
        while True:
            fn, ln = R.choice(FIRST), R.choice(LAST)
            if (fn, ln) not in used:
                used.add((fn, ln))
                break
        d = DEPTS[i % len(DEPTS)] if i < 30 else R.choice(DEPTS)
        rank = R.choices(ranks, weights=[4, 4, 4, 2, 2])[0]
        base = {"Professor": 150000, "Associate Professor": 118000, "Assistant Professor": 98000,
                "Lecturer": 72000, "Adjunct Instructor": 48000}[rank]
        sal = int(round(base * R.uniform(0.85, 1.25), -2))
        tenured = 1 if rank in ("Professor", "Associate Professor") and R.random() < 0.9 else 0
        room = None if rank == "Adjunct Instructor" or R.random() < 0.1 else "%s-%d" % (d[2].split()[0][:4].upper(), R.randint(101, 420))
        hire = rdate("1995-07-01" if rank == "Professor" else "2005-07-01", "2024-07-01").isoformat()
        instructors.append((3001 + i, ln, fn, d[0], rank, sal, tenured, room, hire))

    # courses
    courses = []
    for d in DEPTS:
        staff = [x for x in instructors if x[3] == d[0]]
        for k, (title, cr) in enumerate(COURSE_TITLES[d[5]]):
            num = [101, 201, 310, 420, 480][k] if d[5] != "MATH" else [121, 220, 330, 410][k]
            code = "%s%d" % (d[5], num)
            level = "Graduate" if num >= 400 else "Undergraduate"
            t = R.choice(staff)[0] if staff and R.random() < 0.93 else None
            seats = R.choice([20, 25, 30, 40, 60, 120, 200]) if num < 300 else R.choice([12, 15, 20, 25, 30])
            courses.append((code, title, cr, d[0], t, seats, level))

    # students
    students = []
    used = set()
    for i in range(110):
        while True:
            fn, ln = R.choice(FIRST), R.choice(LAST)
            if (fn, ln) not in used and (fn, ln) not in {(x[2], x[1]) for x in instructors}:
                used.add((fn, ln))
                break
        major = R.choices(DEPTS, weights=[9, 4, 3, 3, 5, 2, 3, 6, 5, 1, 4, 4, 1, 1, 3])[0]
        if R.random() < 0.07:
            major = None
        yr = R.choice([2019, 2020, 2021, 2021, 2022, 2022, 2023, 2023, 2024, 2024])
        gpa = None if yr == 2024 and R.random() < 0.6 else round(R.uniform(2.0, 4.0), 2)
        intl = 1 if R.random() < 0.18 else 0
        state = None if intl else R.choice(STATES)
        email = "%s.%s%d@student.hollisu.edu" % (fn.lower(), ln.lower(), R.randint(1, 99))
        dob = rdate("%d-01-01" % (yr - 20), "%d-12-31" % (yr - 18)).isoformat()
        students.append((20240 + i * 11, fn, ln, major[0] if major else None, yr, gpa, state, intl, email, dob))

    # enrollments
    enr = []
    seen = set()
    course_codes = [c[0] for c in courses]
    popular = {"CS101": 5, "MATH121": 4, "ECON101": 4, "PSY101": 4, "CS201": 3, "CHEM101": 3, "BIO101": 3}
    weights = [popular.get(c, 1) for c in course_codes]
    while len(enr) < 120:
        s = R.choice(students)
        c = R.choices(course_codes, weights=weights)[0]
        if (s[0], c) in seen:
            continue
        valid_terms = [t for t in TERMS if int(t[:4]) > s[4] or (int(t[:4]) == s[4] and t.endswith("FA"))]
        if not valid_terms:
            continue
        term = R.choice(valid_terms)
        seen.add((s[0], c))
        on = (dt.date.fromisoformat(TERM_START[term]) + dt.timedelta(days=R.randint(-80, 20))).isoformat()
        if term == "2024-FA" or R.random() < 0.05:
            lg, gp = None, None
        else:
            lg, gp = R.choices(GRADES, weights=[6, 5, 5, 5, 3, 2, 2, 1, 1])[0]
        enr.append((s[0], c, term, on, lg, gp))

    # scholarships
    sponsors = ["Hollis Alumni Fund", "Hollis Alumni Fund", "National Merit Foundation", "Gates Millennium",
                "Dean's Excellence Award", "STEM Futures Trust", "Rotary Club", "Ellison Family Trust"]
    schol = []
    winners = R.sample(students, 28)
    for k, s in enumerate(winners):
        sp = R.choice(sponsors)
        amt = "%.2f" % R.choice([500, 1000, 1500, 2500, 3000, 5000, 7500, 10000, 12500, 20000])
        yr = max(s[4], 2019) + R.randint(0, 2)
        on = rdate("%d-05-01" % min(yr, 2024), "%d-09-15" % min(yr, 2024)).isoformat()
        renew = 1 if R.random() < 0.4 else 0
        schol.append(("SCH-%03d" % (k + 1), s[0], sp, amt, on, renew))

    ddl = """-- campusreg: university registrar database (bench/unseen)
-- Generated by generate_campusreg.py (seed 1868). Do not edit by hand.
CREATE TABLE departments (
    dept_id       INTEGER PRIMARY KEY,
    dept_name     TEXT NOT NULL,
    building      TEXT,
    annual_budget INTEGER,
    est_year      INTEGER
);
CREATE TABLE instructors (
    instr_no    INTEGER PRIMARY KEY,
    last_nm     TEXT NOT NULL,
    first_nm    TEXT NOT NULL,
    dept_id     INTEGER REFERENCES departments(dept_id),
    rank_title  TEXT,
    salary      INTEGER,
    is_tenured  INTEGER NOT NULL DEFAULT 0,
    office_room TEXT,
    hire_dt     TEXT
);
CREATE TABLE courses (
    course_cd  TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    credits    INTEGER,
    dept_id    INTEGER,
    taught_by  INTEGER,
    max_seats  INTEGER,
    level      TEXT
);
CREATE TABLE students (
    stu_id      INTEGER PRIMARY KEY,
    given_name  TEXT NOT NULL,
    family_name TEXT NOT NULL,
    major_dept  INTEGER REFERENCES departments(dept_id),
    enroll_yr   INTEGER,
    gpa         REAL,
    home_state  TEXT,
    is_intl     INTEGER NOT NULL DEFAULT 0,
    email       TEXT,
    dob         TEXT
);
CREATE TABLE enrollments (
    stu_id       INTEGER NOT NULL REFERENCES students(stu_id),
    course_cd    TEXT NOT NULL REFERENCES courses(course_cd),
    term         TEXT NOT NULL,
    enrolled_on  TEXT,
    letter_grade TEXT,
    grade_pts    REAL,
    PRIMARY KEY (stu_id, course_cd)
);
CREATE TABLE scholarships (
    award_no    TEXT PRIMARY KEY,
    stu_id      INTEGER,
    sponsor_nm  TEXT,
    amount      TEXT,
    awarded_on  TEXT,
    renewable   INTEGER DEFAULT 0
);
"""
    parts = [ddl,
             inserts("departments", ["dept_id", "dept_name", "building", "annual_budget", "est_year"],
                     [d[:5] for d in DEPTS]),
             inserts("instructors", ["instr_no", "last_nm", "first_nm", "dept_id", "rank_title", "salary",
                                     "is_tenured", "office_room", "hire_dt"], instructors),
             inserts("courses", ["course_cd", "title", "credits", "dept_id", "taught_by", "max_seats", "level"], courses),
             inserts("students", ["stu_id", "given_name", "family_name", "major_dept", "enroll_yr", "gpa",
                                  "home_state", "is_intl", "email", "dob"], students),
             inserts("enrollments", ["stu_id", "course_cd", "term", "enrolled_on", "letter_grade", "grade_pts"], enr),
             inserts("scholarships", ["award_no", "stu_id", "sponsor_nm", "amount", "awarded_on", "renewable"], schol)]
    with open(os.path.join(HERE, "campusreg.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
