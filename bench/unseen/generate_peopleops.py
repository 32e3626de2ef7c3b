#!/usr/bin/env python3
"""Deterministic generator for the `peopleops` HR database (bench/unseen).

Writes peopleops.sql next to this file.  Fixed seed, no external inputs.
"""
import datetime as dt
import os
import random

R = random.Random(20261207)
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
    out = []
    for r in rows:
        out.append("INSERT INTO %s (%s) VALUES (%s);" % (
            table, ", ".join(cols), ", ".join(lit(v) for v in r)))
    return "\n".join(out)


def rdate(start, end):
    a = dt.date.fromisoformat(start)
    b = dt.date.fromisoformat(end)
    return a + dt.timedelta(days=R.randint(0, (b - a).days))


FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Mateo", "Isabella", "Lucas",
         "Mia", "Ethan", "Amelia", "James", "Harper", "Benjamin", "Priya", "Arjun", "Mei", "Hiroshi",
         "Fatima", "Omar", "Chloe", "Daniel", "Grace", "Samuel", "Zoe", "Gabriel", "Nora", "Isaac",
         "Leah", "Kofi", "Ama", "Diego", "Lucia", "Ivan", "Katya", "Sean", "Aisling", "Tomas"]
LAST = ["Nguyen", "Patel", "Garcia", "Smith", "Johnson", "O'Brien", "Kowalski", "Tanaka", "Okafor",
        "Rossi", "Müller", "Haddad", "Chen", "Williams", "Brown", "Lopez", "Fischer", "Kim", "Singh",
        "Martin", "Dubois", "Andersen", "Novak", "Mensah", "Reyes", "Walsh", "Ivanova", "Cohen",
        "Park", "Silva"]

DEPTS = [
    # dept_cd, dept_nm, cost_center, floor_no, location_city
    ("ENG", "Engineering", "CC-1100", 4, "Austin"),
    ("DAT", "Data Science", "CC-1150", 4, "Austin"),
    ("ITS", "IT Infrastructure", "CC-1200", 2, "Denver"),
    ("FIN", "Finance", "CC-2100", 7, "New York"),
    ("PAY", "Payroll", "CC-2150", 7, "New York"),
    ("PPL", "People Operations", "CC-3100", 3, "Chicago"),
    ("TAL", "Talent Acquisition", "CC-3150", 3, "Chicago"),
    ("MKT", "Marketing", "CC-4100", 5, "New York"),
    ("SAL", "Sales", "CC-4200", 6, "Chicago"),
    ("SUP", "Customer Support", "CC-5100", 1, "Denver"),
    ("LEG", "Legal", "CC-6100", 8, "New York"),
    ("OPS", "Operations", "CC-7100", None, "Denver"),
    ("PRC", "Procurement", "CC-7200", None, "Seattle"),
    ("FAC", "Facilities", "CC-7300", 1, "Seattle"),
    ("PRD", "Product Management", "CC-1300", 5, "Seattle"),
]

TITLES = {
    "ENG": ["Software Engineer", "Senior Software Engineer", "QA Engineer", "DevOps Engineer"],
    "DAT": ["Data Scientist", "Data Analyst", "ML Engineer"],
    "ITS": ["Systems Administrator", "Network Engineer", "IT Support Specialist"],
    "FIN": ["Financial Analyst", "Senior Accountant", "Controller"],
    "PAY": ["Payroll Specialist", "Payroll Analyst"],
    "PPL": ["HR Business Partner", "HR Generalist", "Benefits Coordinator"],
    "TAL": ["Recruiter", "Sourcer", "Recruiting Coordinator"],
    "MKT": ["Marketing Manager", "Content Strategist", "Brand Designer"],
    "SAL": ["Account Executive", "Sales Development Rep", "Sales Engineer"],
    "SUP": ["Support Agent", "Support Team Lead"],
    "LEG": ["Corporate Counsel", "Paralegal"],
    "OPS": ["Operations Analyst", "Program Manager"],
    "PRC": ["Buyer", "Procurement Specialist"],
    "FAC": ["Facilities Coordinator", "Office Manager"],
    "PRD": ["Product Manager", "Product Owner"],
}
SAL_BAND = {"ENG": (95000, 175000), "DAT": (90000, 170000), "ITS": (65000, 120000),
            "FIN": (70000, 140000), "PAY": (55000, 90000), "PPL": (60000, 110000),
            "TAL": (55000, 100000), "MKT": (60000, 125000), "SAL": (55000, 130000),
            "SUP": (42000, 70000), "LEG": (85000, 190000), "OPS": (60000, 115000),
            "PRC": (55000, 95000), "FAC": (45000, 75000), "PRD": (100000, 165000)}


def main():
    # ---------------- employees
    emps = []
    used = set()
    heads = {}
    emp_no = 1001
    dept_sizes = [12, 5, 6, 7, 4, 5, 5, 7, 10, 9, 4, 5, 4, 3, 6]  # sums to 92
    for (dcd, dnm, _cc, _fl, _city), size in zip(DEPTS, dept_sizes):
        for k in range(size):
            while True:
                nm = R.choice(FIRST) + " " + R.choice(LAST)
                if nm not in used:
                    used.add(nm)
                    break
            first, last = nm.split(" ", 1)
            email = (first[0] + last).lower().replace("'", "").replace("ü", "u") + "@northwind-hq.com"
            if k == 0:
                title = "Head of " + dnm
                hire = rdate("2008-01-01", "2014-12-31")
                lo, hi = SAL_BAND[dcd]
                sal = float(round(hi * R.uniform(1.05, 1.3), -2))
                heads[dcd] = emp_no
                reports_to = None  # filled below
            else:
                title = R.choice(TITLES[dcd])
                hire = rdate("2010-01-01", "2024-09-30")
                lo, hi = SAL_BAND[dcd]
                sal = float(round(R.uniform(lo, hi), -2))
                reports_to = heads[dcd]
            term = None
            if k > 0 and R.random() < 0.13:
                t = hire + dt.timedelta(days=R.randint(200, 2500))
                if t < dt.date(2024, 11, 30):
                    term = t.isoformat()
            is_remote = 1 if R.random() < 0.3 else 0
            phone_ext = None if R.random() < 0.2 else str(R.randint(2000, 7999))
            emps.append([emp_no, nm, email, dcd, title, hire.isoformat(), term, sal,
                         reports_to, is_remote, phone_ext])
            emp_no += 1
    # heads report to head of Operations (the COO), who reports to no one
    coo = heads["OPS"]
    for e in emps:
        if e[4].startswith("Head of") and e[0] != coo:
            e[8] = coo
    by_no = {e[0]: e for e in emps}

    # ---------------- leave requests
    leaves = []
    types = ["Vacation"] * 6 + ["Sick"] * 3 + ["Parental", "Bereavement", "Unpaid"]
    for rid in range(1, 96):
        e = R.choice(emps)
        ltype = R.choice(types)
        start = rdate("2021-01-04", "2024-11-20")
        hire = dt.date.fromisoformat(e[5])
        if start < hire:
            start = hire + dt.timedelta(days=R.randint(30, 200))
        days = {"Vacation": R.randint(1, 10), "Sick": R.randint(1, 4), "Parental": R.randint(20, 60),
                "Bereavement": R.randint(2, 5), "Unpaid": R.randint(3, 15)}[ltype]
        end = start + dt.timedelta(days=days - 1)
        r = R.random()
        status = "Approved" if r < 0.72 else ("Rejected" if r < 0.85 else "Pending")
        approver = e[8] if status == "Approved" else None
        reason = None if R.random() < 0.6 else R.choice(
            ["family trip", "medical appointment", "moving house", "wedding", "school holidays",
             "recovering from surgery", "personal matters"])
        submitted = start - dt.timedelta(days=R.randint(1, 40))
        leaves.append((rid, e[0], ltype, start.isoformat(), end.isoformat(), days, status,
                       approver, submitted.isoformat(), reason))

    # ---------------- trainings
    courses = [
        ("SEC-101", "Security Awareness Basics", "KnowBe4", 2, "0"),
        ("SEC-201", "Secure Coding in Practice", "SANS Institute", 16, "2450.00"),
        ("LDR-110", "First-Time Manager Bootcamp", "Harvard ManageMentor", 24, "1899.00"),
        ("LDR-210", "Leading Hybrid Teams", "Harvard ManageMentor", 8, "950.00"),
        ("CMP-100", "Anti-Harassment Training", "In-house", 2, "0"),
        ("CMP-120", "Data Privacy and GDPR", "In-house", 3, "0"),
        ("DAT-150", "SQL for Analysts", "Coursera", 12, "399.00"),
        ("DAT-250", "Applied Machine Learning", "Coursera", 40, "1250.50"),
        ("CLD-200", "AWS Solutions Architect Prep", "A Cloud Guru", 30, "1499.00"),
        ("CLD-210", "Kubernetes Fundamentals", "Linux Foundation", 20, "895.00"),
        ("SAL-130", "Consultative Selling", "Sandler Training", 14, "1750.00"),
        ("SAL-140", "Negotiation Skills", "Sandler Training", 10, "1325.00"),
        ("COM-105", "Business Writing", "LinkedIn Learning", 4, "59.99"),
        ("COM-115", "Presenting with Confidence", "LinkedIn Learning", 5, "59.99"),
        ("FIN-160", "Excel Financial Modelling", "Wall Street Prep", 18, "699.00"),
        ("PMO-300", "PMP Exam Preparation", "PMI", 35, "2100.00"),
        ("WEL-101", "Mindfulness at Work", None, 3, None),
        ("DEI-101", "Inclusive Hiring Practices", "In-house", 3, "0"),
    ]
    attend = []
    seen = set()
    while len(attend) < 110:
        e = R.choice(emps)
        c = R.choice(courses)
        if (e[0], c[0]) in seen:
            continue
        seen.add((e[0], c[0]))
        enrolled = rdate("2021-02-01", "2024-10-31")
        if R.random() < 0.8:
            done = (enrolled + dt.timedelta(days=R.randint(3, 90))).isoformat()
            score = R.randint(55, 100)
        else:
            done, score = None, None
        attend.append((e[0], c[0], enrolled.isoformat(), done, score))

    # ---------------- performance reviews (yearly, for a subset)
    reviews = []
    rid = 5001
    for yr in (2021, 2022, 2023):
        for e in emps:
            hire = dt.date.fromisoformat(e[5])
            if hire.year >= yr:
                continue
            if e[6] and dt.date.fromisoformat(e[6]).year <= yr:
                continue
            if e[8] is None:
                continue
            if R.random() < 0.42:
                rating = R.choices([1, 2, 3, 4, 5], weights=[1, 3, 8, 6, 3])[0]
                comment = None if R.random() < 0.5 else R.choice(
                    ["exceeds expectations on delivery", "needs to improve documentation",
                     "strong collaborator", "missed several deadlines", "ready for promotion",
                     "solid year", "great customer feedback"])
                rdt = dt.date(yr, 12, 1) + dt.timedelta(days=R.randint(0, 50))
                reviews.append((rid, e[0], yr, rating, e[8], rdt.isoformat(), comment))
                rid += 1

    ddl = """-- peopleops: HR / people-operations database for a mid-size company (bench/unseen)
-- Generated by generate_peopleops.py (seed 20261207). Do not edit by hand.
PRAGMA foreign_keys = OFF;
CREATE TABLE departments (
    dept_cd      TEXT PRIMARY KEY,
    dept_nm      TEXT NOT NULL,
    cost_center  TEXT,
    floor_no     INTEGER,
    location_city TEXT
);
CREATE TABLE employees (
    emp_no       INTEGER PRIMARY KEY,
    full_nm      TEXT NOT NULL,
    email_addr   TEXT,
    dept_cd      TEXT REFERENCES departments(dept_cd),
    job_title    TEXT,
    hire_dt      TEXT NOT NULL,
    term_dt      TEXT,
    base_sal_usd REAL,
    reports_to   INTEGER,
    is_remote    INTEGER NOT NULL DEFAULT 0,
    phone_ext    TEXT
);
CREATE TABLE leave_requests (
    req_id       INTEGER PRIMARY KEY,
    emp_no       INTEGER NOT NULL REFERENCES employees(emp_no),
    leave_type   TEXT NOT NULL,
    start_dt     TEXT NOT NULL,
    end_dt       TEXT NOT NULL,
    days_cnt     INTEGER,
    status       TEXT NOT NULL,
    approved_by  INTEGER REFERENCES employees(emp_no),
    submitted_dt TEXT,
    reason_txt   TEXT
);
CREATE TABLE trainings (
    course_code  TEXT PRIMARY KEY,
    course_title TEXT NOT NULL,
    provider     TEXT,
    duration_hrs INTEGER,
    cost_usd     TEXT
);
CREATE TABLE training_attendance (
    emp_no       INTEGER NOT NULL,
    course_code  TEXT NOT NULL,
    enrolled_on  TEXT,
    completed_on TEXT,
    score        INTEGER,
    PRIMARY KEY (emp_no, course_code)
);
CREATE TABLE perf_reviews (
    review_id    INTEGER PRIMARY KEY,
    emp_no       INTEGER NOT NULL REFERENCES employees(emp_no),
    review_yr    INTEGER NOT NULL,
    rating       INTEGER,
    reviewer     INTEGER,
    review_dt    TEXT,
    comments     TEXT
);
"""
    parts = [ddl,
             inserts("departments", ["dept_cd", "dept_nm", "cost_center", "floor_no", "location_city"], DEPTS),
             inserts("employees", ["emp_no", "full_nm", "email_addr", "dept_cd", "job_title", "hire_dt",
                                   "term_dt", "base_sal_usd", "reports_to", "is_remote", "phone_ext"], emps),
             inserts("leave_requests", ["req_id", "emp_no", "leave_type", "start_dt", "end_dt", "days_cnt",
                                        "status", "approved_by", "submitted_dt", "reason_txt"], leaves),
             inserts("trainings", ["course_code", "course_title", "provider", "duration_hrs", "cost_usd"], courses),
             inserts("training_attendance", ["emp_no", "course_code", "enrolled_on", "completed_on", "score"], attend),
             inserts("perf_reviews", ["review_id", "emp_no", "review_yr", "rating", "reviewer", "review_dt",
                                      "comments"], reviews)]
    with open(os.path.join(HERE, "peopleops.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
