#!/usr/bin/env python3
"""Deterministic generator for the `saasbill` SaaS subscriptions & billing database (bench/unseen).

Writes saasbill.sql next to this file.  Fixed seed, no external inputs.
"""
import datetime as dt
import os
import random

R = random.Random(424242)
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
    y = d.year + m // 12
    m = m % 12 + 1
    return dt.date(y, m, min(d.day, 28))


PLANS = [
    # plan_code, plan_name, price_per_seat_mo, seats_included, is_legacy, launched_on, tier
    ("FREE", "Free", 0.0, 3, 0, "2019-03-01", "Free"),
    ("STARTER-19", "Starter (2019)", 8.0, 5, 1, "2019-03-01", "Starter"),
    ("STARTER-22", "Starter", 10.0, 5, 0, "2022-01-15", "Starter"),
    ("TEAM-19", "Team (2019)", 15.0, 10, 1, "2019-03-01", "Team"),
    ("TEAM-22", "Team", 18.0, 10, 0, "2022-01-15", "Team"),
    ("TEAMPLUS-23", "Team Plus", 24.0, 15, 0, "2023-04-03", "Team"),
    ("BUS-19", "Business (2019)", 29.0, 25, 1, "2019-06-10", "Business"),
    ("BUS-22", "Business", 35.0, 25, 0, "2022-01-15", "Business"),
    ("BUSPLUS-23", "Business Plus", 45.0, 50, 0, "2023-04-03", "Business"),
    ("ENT-20", "Enterprise (2020)", 55.0, 100, 1, "2020-02-01", "Enterprise"),
    ("ENT-23", "Enterprise", 65.0, 100, 0, "2023-04-03", "Enterprise"),
    ("ENTGOV-23", "Enterprise Government", 72.0, 100, 0, "2023-09-01", "Enterprise"),
    ("EDU-21", "Education", 4.0, 50, 0, "2021-08-16", "Special"),
    ("NONPROF-21", "Nonprofit", 5.0, 20, 0, "2021-08-16", "Special"),
    ("STARTUP-22", "Startup Program", 6.0, 10, 0, "2022-05-02", "Special"),
    ("PARTNER-20", "Partner Sandbox", 0.0, 10, 1, "2020-02-01", "Special"),
]
FEATURES = [
    ("sso", "Single Sign-On (SAML)", "Security"),
    ("scim", "SCIM User Provisioning", "Security"),
    ("audit_log", "Audit Log", "Security"),
    ("ip_allowlist", "IP Allowlisting", "Security"),
    ("data_residency", "EU Data Residency", "Compliance"),
    ("hipaa", "HIPAA Compliance", "Compliance"),
    ("api", "Public API Access", "Integrations"),
    ("webhooks", "Webhooks", "Integrations"),
    ("slack", "Slack Integration", "Integrations"),
    ("salesforce", "Salesforce Connector", "Integrations"),
    ("dashboards", "Custom Dashboards", "Analytics"),
    ("exports", "Scheduled CSV Exports", "Analytics"),
    ("ai_summaries", "AI Summaries", "Analytics"),
    ("guest_access", "Guest Access", "Collaboration"),
    ("unlimited_projects", "Unlimited Projects", "Collaboration"),
    ("priority_support", "Priority Support", "Support"),
    ("dedicated_csm", "Dedicated Customer Success Manager", "Support"),
    ("uptime_sla", "99.9% Uptime SLA", "Support"),
    ("sandbox", "Sandbox Workspace", "Platform"),
    ("custom_roles", "Custom Roles & Permissions", "Platform"),
]
TIER_FEATS = {
    "Free": ["slack", "exports"],
    "Starter": ["slack", "exports", "guest_access"],
    "Team": ["slack", "exports", "guest_access", "api", "webhooks", "unlimited_projects", "dashboards"],
    "Business": ["slack", "exports", "guest_access", "api", "webhooks", "unlimited_projects",
                 "dashboards", "sso", "audit_log", "salesforce", "priority_support", "custom_roles"],
    "Enterprise": ["slack", "exports", "guest_access", "api", "webhooks", "unlimited_projects",
                   "dashboards", "sso", "audit_log", "salesforce", "priority_support", "custom_roles",
                   "scim", "ip_allowlist", "dedicated_csm", "uptime_sla", "sandbox", "data_residency"],
    "Special": ["slack", "exports", "unlimited_projects"],
}
STAFF = [
    (501, "Megan Holt", "CSM", "NA East", "2019-04-01"),
    (502, "Rafael Souza", "CSM", "LATAM", "2019-09-16"),
    (503, "Ingrid Solberg", "CSM", "EMEA", "2020-01-06"),
    (504, "Tobias Klein", "CSM", "EMEA", "2021-03-15"),
    (505, "Aisha Bello", "CSM", "NA West", "2021-06-01"),
    (506, "Kenji Watanabe", "CSM", "APAC", "2022-02-14"),
    (507, "Laura Chen", "CSM", "NA West", "2022-10-03"),
    (508, "Sam Whitmore", "Account Executive", "NA East", "2019-03-01"),
    (509, "Priyanka Rao", "Account Executive", "APAC", "2020-07-20"),
    (510, "Jonas Berg", "Account Executive", "EMEA", "2021-01-11"),
    (511, "Carla Mendes", "Account Executive", "LATAM", "2022-05-09"),
    (512, "Derek Foss", "Support Engineer", "NA East", "2020-11-02"),
    (513, "Hana Novotna", "Support Engineer", "EMEA", "2023-01-09"),
    (514, "Luis Ortega", "Support Engineer", "LATAM", "2023-08-21"),
    (515, "Olivia Grant", "CSM", "NA East", "2024-03-04"),
]
REGION_COUNTRIES = {"NA East": ["US", "US", "CA"], "NA West": ["US", "US", "CA"], "EMEA": ["GB", "DE", "FR", "NL", "SE", "ES"],
                    "LATAM": ["BR", "MX", "AR", "CO"], "APAC": ["AU", "JP", "SG", "IN"]}
NAME_A = ["Blue", "Bright", "Cloud", "Data", "Green", "Hyper", "Iron", "Lumen", "Nova", "Pixel", "Quantum",
          "Silver", "Swift", "Terra", "Vector", "Zen", "North", "Apex", "Coral", "Orbit"]
NAME_B = ["Labs", "Analytics", "Systems", "Health", "Logistics", "Media", "Works", "Capital", "Robotics",
          "Foods", "Learning", "Studio", "Energy", "Security", "Retail Group", "Legal", "Bio", "Ventures"]
INDUSTRIES = {"Labs": "Technology", "Analytics": "Technology", "Systems": "Technology", "Health": "Healthcare",
              "Logistics": "Transportation", "Media": "Media", "Works": "Manufacturing", "Capital": "Financial Services",
              "Robotics": "Manufacturing", "Foods": "Food & Beverage", "Learning": "Education", "Studio": "Media",
              "Energy": "Energy", "Security": "Technology", "Retail Group": "Retail", "Legal": "Professional Services",
              "Bio": "Healthcare", "Ventures": "Financial Services"}


def main():
    csms = [s for s in STAFF if s[2] == "CSM"]
    accounts = []
    used = set()
    for i in range(60):
        while True:
            a, b = R.choice(NAME_A), R.choice(NAME_B)
            if (a, b) not in used:
                used.add((a, b))
                break
        nm = a + b if R.random() < 0.4 and b not in ("Retail Group",) else a + " " + b
        owner = R.choice(csms)
        country = R.choice(REGION_COUNTRIES[owner[3]])
        signup = rdate("2019-04-01", "2024-09-30")
        if signup.isoformat() < owner[4]:
            signup = dt.date.fromisoformat(owner[4]) + dt.timedelta(days=R.randint(5, 120))
        emp = None if R.random() < 0.15 else R.choice([8, 15, 30, 45, 80, 120, 250, 600, 1500, 4000])
        churned = None
        if R.random() < 0.2:
            c = signup + dt.timedelta(days=R.randint(120, 900))
            if c < dt.date(2024, 11, 30):
                churned = c.isoformat()
        owner_no = owner[0] if R.random() > 0.08 else None
        accounts.append((1000 + i * 4 + R.randint(0, 3), nm, INDUSTRIES[b], country, signup.isoformat(), owner_no,
                         emp, churned))

    plan_by = {p[0]: p for p in PLANS}
    subs = []
    sid = 7001
    for acc in accounts:
        signup = dt.date.fromisoformat(acc[4])
        end_all = dt.date.fromisoformat(acc[7]) if acc[7] else None
        n_subs = R.choices([1, 2], weights=[3, 1])[0]
        start = signup
        for k in range(n_subs):
            avail = [p for p in PLANS if p[5] <= start.isoformat() and
                     (not p[4] or start.year < 2022 or p[0] in ("FREE", "PARTNER-20"))]
            emp = acc[6] or 30
            if emp >= 600:
                avail = [p for p in avail if p[6] in ("Enterprise", "Business")] or avail
            elif emp <= 30:
                avail = [p for p in avail if p[6] in ("Free", "Starter", "Team", "Special")] or avail
            tier_w = {"Free": 1.0, "Starter": 3.0, "Team": 4.0, "Business": 4.0, "Enterprise": 3.0, "Special": 0.8}
            plan = R.choices(avail, weights=[tier_w[p[6]] * (0.3 if p[0] == "PARTNER-20" else 1.0)
                                             for p in avail])[0]
            if acc[2] == "Education" and any(p[0] == "EDU-21" for p in avail):
                plan = plan_by["EDU-21"]
            seats = max(plan[3], int((emp) * R.uniform(0.2, 0.9)))
            cycle = "annual" if R.random() < 0.45 else "monthly"
            auto = 0 if R.random() < 0.25 else 1
            disc = None if R.random() < 0.65 else R.choice([5, 10, 15, 20, 25])
            if k == 0 and n_subs == 2:
                end = start + dt.timedelta(days=R.randint(200, 700))
                if end > dt.date(2024, 11, 1):
                    end = dt.date(2024, 6, 30)
                if end <= start:
                    end = start + dt.timedelta(days=60)
            else:
                end = end_all
            subs.append([sid, acc[0], plan[0], start.isoformat(), end.isoformat() if end else None, seats, cycle,
                         auto, disc])
            sid += 1
            if end:
                start = end + dt.timedelta(days=1)
            if end_all and start >= end_all:
                break

    # invoices: the most recent billing periods of each paid subscription
    invoices = []
    inv_seq = 10001
    today = dt.date(2024, 12, 1)
    paid_subs = [s for s in subs if plan_by[s[2]][2] > 0]
    R.shuffle(paid_subs)
    for s in paid_subs:
        if len(invoices) >= 120:
            break
        plan = plan_by[s[2]]
        start = dt.date.fromisoformat(s[3])
        end = dt.date.fromisoformat(s[4]) if s[4] else today
        step = 12 if s[6] == "annual" else 1
        periods = []
        d = start
        while d <= end and d <= today:
            periods.append(d)
            d = add_months(d, step)
        take = sorted(R.sample(periods, min(len(periods), R.randint(1, 3))))
        for p in take:
            if len(invoices) >= 120:
                break
            amt = plan[2] * s[5] * step * (1 - (s[8] or 0) / 100.0)
            due = p + dt.timedelta(days=30)
            r = R.random()
            if due > today:
                status, paid = ("open", None) if r < 0.7 else ("paid", (p + dt.timedelta(days=R.randint(1, 10))).isoformat())
            elif r < 0.8:
                status, paid = "paid", (p + dt.timedelta(days=R.randint(0, 45))).isoformat()
            elif r < 0.93:
                status, paid = "overdue", None
            else:
                status, paid = "void", None
            invoices.append(("INV-%d" % inv_seq, s[0], p.isoformat(), due.isoformat(), "%.2f" % amt, paid, status))
            inv_seq += 1
    invoices.sort(key=lambda x: (x[2], x[0]))
    invoices = [("INV-%d" % (10001 + k),) + inv[1:] for k, inv in enumerate(invoices)]

    plan_feats = []
    legacy_missing = {"webhooks", "dashboards", "custom_roles", "salesforce", "audit_log", "scim", "sandbox",
                      "data_residency", "guest_access", "ip_allowlist"}
    for p in PLANS:
        feats = list(TIER_FEATS[p[6]])
        if p[4] == 1:
            feats = [f for f in feats if f not in legacy_missing]
        if p[0] == "ENTGOV-23":
            feats = [f for f in feats if f not in ("sandbox", "data_residency")]
        if p[0] == "BUSPLUS-23":
            feats.append("ip_allowlist")
        if p[0] == "STARTUP-22":
            feats.append("api")
        if p[0] in ("TEAMPLUS-23", "BUSPLUS-23", "ENT-23", "ENTGOV-23"):
            feats.append("ai_summaries")
        if p[0] in ("ENT-23", "ENTGOV-23", "BUSPLUS-23"):
            feats.append("hipaa") if p[0] != "BUSPLUS-23" else None
        if p[0] == "PARTNER-20":
            feats = ["api", "webhooks", "sandbox"]
        if p[0] == "EDU-21":
            feats.append("sso")
        for f in feats:
            plan_feats.append((p[0], f))

    ddl = """-- saasbill: B2B SaaS subscriptions and billing database (bench/unseen)
-- Generated by generate_saasbill.py (seed 424242). Do not edit by hand.
CREATE TABLE plans (
    plan_code        TEXT PRIMARY KEY,
    plan_name        TEXT NOT NULL,
    price_per_seat_mo REAL,
    seats_included   INTEGER,
    is_legacy        INTEGER NOT NULL DEFAULT 0,
    launched_on      TEXT,
    tier             TEXT
);
CREATE TABLE features (
    feat_key   TEXT PRIMARY KEY,
    feat_name  TEXT NOT NULL,
    category   TEXT
);
CREATE TABLE plan_features (
    plan_code  TEXT NOT NULL REFERENCES plans(plan_code),
    feat_key   TEXT NOT NULL,
    PRIMARY KEY (plan_code, feat_key)
);
CREATE TABLE staff (
    staff_no   INTEGER PRIMARY KEY,
    staff_name TEXT NOT NULL,
    role       TEXT,
    region     TEXT,
    start_dt   TEXT
);
CREATE TABLE accounts (
    acct_id       INTEGER PRIMARY KEY,
    company_nm    TEXT NOT NULL,
    industry      TEXT,
    country_cd    TEXT,
    signup_dt     TEXT,
    csm_owner     INTEGER,
    employees_cnt INTEGER,
    churned_dt    TEXT
);
CREATE TABLE subscriptions (
    sub_id        INTEGER PRIMARY KEY,
    acct_id       INTEGER NOT NULL REFERENCES accounts(acct_id),
    plan_code     TEXT NOT NULL REFERENCES plans(plan_code),
    start_dt      TEXT NOT NULL,
    end_dt        TEXT,
    seats         INTEGER,
    billing_cycle TEXT,
    auto_renew    INTEGER NOT NULL DEFAULT 1,
    discount_pct  INTEGER
);
CREATE TABLE invoices (
    inv_no     TEXT PRIMARY KEY,
    sub_id     INTEGER REFERENCES subscriptions(sub_id),
    issued_on  TEXT,
    due_on     TEXT,
    amt_usd    TEXT,
    paid_on    TEXT,
    status     TEXT
);
"""
    parts = [ddl,
             inserts("plans", ["plan_code", "plan_name", "price_per_seat_mo", "seats_included", "is_legacy",
                               "launched_on", "tier"], PLANS),
             inserts("features", ["feat_key", "feat_name", "category"], FEATURES),
             inserts("plan_features", ["plan_code", "feat_key"], plan_feats),
             inserts("staff", ["staff_no", "staff_name", "role", "region", "start_dt"], STAFF),
             inserts("accounts", ["acct_id", "company_nm", "industry", "country_cd", "signup_dt", "csm_owner",
                                  "employees_cnt", "churned_dt"], accounts),
             inserts("subscriptions", ["sub_id", "acct_id", "plan_code", "start_dt", "end_dt", "seats",
                                       "billing_cycle", "auto_renew", "discount_pct"], subs),
             inserts("invoices", ["inv_no", "sub_id", "issued_on", "due_on", "amt_usd", "paid_on", "status"], invoices)]
    with open(os.path.join(HERE, "saasbill.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
