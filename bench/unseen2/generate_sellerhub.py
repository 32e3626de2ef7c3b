#!/usr/bin/env python3
"""Deterministic generator for the `sellerhub` online-marketplace database (bench/unseen2).

Writes sellerhub.sql next to this file.  Fixed seed, no external inputs.
camelCase columns, singular table names, DATE / TIMESTAMP declared columns;
purchase.shippingFee is a number stored as TEXT.
"""
import datetime as dt
import os
import random
import unicodedata

R = random.Random(80202)
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


def ascii_lower(s):
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower().replace(" ", "")


def rtime(d):
    return "%s %02d:%02d:%02d" % (d.isoformat(), R.randint(7, 23), R.randint(0, 59), R.randint(0, 59))


# code, label, parentCode
CATEGORIES = [
    ("HOME", "Home & Living", None), ("KITCH", "Kitchen", "HOME"), ("DECOR", "Home Décor", "HOME"),
    ("LIGHT", "Lighting", "HOME"), ("TEXT", "Textiles & Bedding", "HOME"), ("GARD", "Garden", "HOME"),
    ("FASH", "Fashion", None), ("JEWL", "Jewellery", "FASH"), ("BAGS", "Bags & Purses", "FASH"),
    ("KNIT", "Knitwear", "FASH"), ("SHOE", "Shoes", "FASH"), ("ACCS", "Accessories", "FASH"),
    ("ART", "Art & Prints", None), ("PRNT", "Posters & Prints", "ART"), ("CERA", "Ceramics", "ART"),
    ("PHOT", "Photography", "ART"), ("PAINT", "Original Paintings", "ART"),
    ("TOYS", "Toys & Games", None), ("WOOD", "Wooden Toys", "TOYS"), ("PUZZ", "Puzzles", "TOYS"),
    ("BOARD", "Board Games", "TOYS"), ("BEAU", "Beauty", None), ("SOAP", "Soaps & Bath", "BEAU"),
    ("SKIN", "Skincare", "BEAU"), ("CAND", "Candles", "HOME"), ("FOOD", "Food & Drink", None),
    ("TEA", "Tea & Coffee", "FOOD"), ("SWEET", "Chocolate & Sweets", "FOOD"), ("SPICE", "Spices", "FOOD"),
    ("PAPR", "Stationery", None), ("NOTE", "Notebooks", "PAPR"), ("CARD", "Greeting Cards", "PAPR"),
    ("PETS", "Pet Supplies", None),
]
LEAF = [c for c in CATEGORIES if c[2] is not None]
SHOP_A = ["Atelier", "Maison", "Studio", "Casa", "Bottega", "Workshop", "Little", "Nordic", "Wild", "Golden",
          "Old", "Happy", "Blue", "Copper", "Linen", "Clay", "Paper", "Forest"]
SHOP_B = ["Lumière", "Crafts", "Goods", "Fox", "Loom", "Kiln", "Bee", "Owl", "Oak", "Hare", "Moon", "Ember",
          "Nest", "Thread", "Pine", "Wren", "Smith", "Mercado"]
COUNTRIES = ["FR", "DE", "ES", "IT", "PT", "NL", "BE", "GB", "PL", "SE", "IE", "AT"]
COUNTRY_W = [14, 12, 10, 9, 5, 6, 3, 11, 4, 3, 2, 3]
CITIES = {"FR": ["Paris", "Lyon", "Nantes", "Bordeaux"], "DE": ["Berlin", "Köln", "München", "Hamburg"],
          "ES": ["Madrid", "Valencia", "Sevilla", "A Coruña"], "IT": ["Milano", "Torino", "Bologna"],
          "PT": ["Lisboa", "Porto"], "NL": ["Utrecht", "Amsterdam"], "BE": ["Liège", "Gent"],
          "GB": ["London", "Leeds", "Bristol", "Glasgow"], "PL": ["Łódź", "Kraków", "Gdańsk"],
          "SE": ["Malmö", "Göteborg"], "IE": ["Dublin", "Cork"], "AT": ["Wien", "Graz"]}
FIRST = ["Léa", "Hugo", "Chloé", "Lukas", "Jonas", "Leonie", "Lucía", "Álvaro", "Sofia", "Giulia", "Marco",
         "Beatriz", "Sanne", "Daan", "Emma", "Oliver", "Amelia", "Zofia", "Piotr", "Astrid", "Niamh", "Felix",
         "Renée", "Noémie", "Jörg", "Inés", "Tomasz", "Saoirse", "Matías", "Elif"]
LAST = ["Martin", "Bernard", "Dubois", "Schmidt", "Schäfer", "Wagner", "García", "Núñez", "Rossi", "Esposito",
        "Ferreira", "de Jong", "Bakker", "Jones", "Taylor", "Nowak", "Wiśniewski", "Lindqvist", "Byrne",
        "Gruber", "Peña", "Leroy", "Conti", "Öztürk", "Ó Súilleabháin"]
ITEM = {"KITCH": ["Olive Wood Spoon Set", "Linen Tea Towel", "Copper Measuring Cups", "Stoneware Mixing Bowl"],
        "DECOR": ["Macramé Wall Hanging", "Rattan Mirror", "Dried Flower Bouquet", "Ceramic Vase"],
        "LIGHT": ["Paper Pendant Lamp", "Brass Table Lamp", "Rattan Lampshade"],
        "TEXT": ["Linen Duvet Cover", "Wool Throw Blanket", "Block-Print Cushion"],
        "GARD": ["Terracotta Planter", "Bird House", "Herb Seed Kit"],
        "JEWL": ["Silver Hoop Earrings", "Gold Vermeil Necklace", "Pearl Ring", "Beaded Bracelet"],
        "BAGS": ["Leather Crossbody Bag", "Canvas Tote", "Woven Market Basket"],
        "KNIT": ["Merino Beanie", "Chunky Cardigan", "Alpaca Scarf"],
        "SHOE": ["Espadrilles", "Felt Slippers", "Leather Sandals"],
        "ACCS": ["Silk Scrunchie", "Leather Wallet", "Straw Hat"],
        "PRNT": ["Botanical Print A3", "City Map Poster", "Risograph Print"],
        "CERA": ["Handmade Mug", "Speckled Plate", "Espresso Cup Pair"],
        "PHOT": ["Alpine Lake Photo Print", "Film Photo Postcards"],
        "PAINT": ["Watercolour Seascape", "Oil Painting Still Life", "Abstract Acrylic Canvas"],
        "WOOD": ["Wooden Rainbow Stacker", "Wooden Train Set", "Balance Board"],
        "PUZZ": ["1000-Piece Puzzle Café de Flore", "Wooden Jigsaw Map"],
        "BOARD": ["Card Game Légendes", "Family Dice Game"],
        "SOAP": ["Lavender Soap Bar", "Bath Salts Jar", "Shampoo Bar"],
        "SKIN": ["Rosehip Face Oil", "Shea Body Butter", "Lip Balm Trio"],
        "CAND": ["Soy Candle Figue", "Beeswax Taper Pair", "Scented Candle Crème Brûlée"],
        "TEA": ["Earl Grey Loose Leaf", "Single-Origin Coffee Beans", "Matcha Starter Kit"],
        "SWEET": ["Dark Chocolate Bar", "Nougat de Montélimar", "Salted Caramels"],
        "SPICE": ["Smoked Paprika Tin", "Ras el Hanout", "Saffron Threads"],
        "NOTE": ["Dot Grid Notebook", "Leather Journal", "Recycled Sketchbook"],
        "CARD": ["Letterpress Birthday Card", "Wedding Card", "Thank-You Card Set"],
        "ACCS2": []}
PRICE = {"KITCH": 22, "DECOR": 38, "LIGHT": 65, "TEXT": 70, "GARD": 24, "JEWL": 48, "BAGS": 75, "KNIT": 55,
         "SHOE": 60, "ACCS": 26, "PRNT": 28, "CERA": 24, "PHOT": 35, "PAINT": 240, "WOOD": 42, "PUZZ": 29,
         "BOARD": 27, "SOAP": 9, "SKIN": 21, "CAND": 19, "TEA": 14, "SWEET": 8, "SPICE": 11, "NOTE": 17,
         "CARD": 5}
STATUSES = ["delivered", "shipped", "cancelled", "refunded", "pending"]


def main():
    sellers = []
    used = set()
    for i in range(36):
        while True:
            nm = R.choice(SHOP_A) + " " + R.choice(SHOP_B)
            if nm not in used:
                used.add(nm)
                break
        cc = R.choices(COUNTRIES, weights=COUNTRY_W)[0]
        joined = rdate("2019-02-01", "2024-06-30")
        verified = 1 if R.random() < 0.7 else 0
        comm = R.choice([0.08, 0.10, 0.10, 0.12, 0.12, 0.15])
        vat = None if R.random() < 0.2 else "%s%09d" % (cc, R.randint(10 ** 8, 10 ** 9 - 1))
        sellers.append([301 + i * 3 + R.randint(0, 2), nm, R.choice(FIRST) + " " + R.choice(LAST), cc,
                        joined.isoformat(), verified, comm, vat])

    products = []
    leaf_with_items = [c for c in LEAF if ITEM.get(c[0])]
    seller_specialty = {s[0]: R.sample(leaf_with_items, R.randint(1, 3)) for s in sellers}
    skus = set()
    for s in sellers:
        n = R.choices([2, 4, 6, 8, 11], weights=[2, 4, 4, 2, 1])[0]
        for k in range(n):
            cat = R.choice(seller_specialty[s[0]])
            title = R.choice(ITEM[cat[0]])
            while True:
                sku = "%s-%04d" % (cat[0][:3], R.randint(1, 9999))
                if sku not in skus:
                    skus.add(sku)
                    break
            price = round(PRICE[cat[0]] * R.uniform(0.6, 1.7), 2) - 0.01 * R.randint(0, 1)
            price = round(price, 2)
            stock = R.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 35, 50, 120])
            active = 0 if R.random() < 0.12 else 1
            listed = dt.date.fromisoformat(s[4]) + dt.timedelta(days=R.randint(0, 600))
            if listed > dt.date(2024, 11, 1):
                listed = dt.date(2024, 11, 1) - dt.timedelta(days=R.randint(0, 90))
            handmade = 1 if R.random() < 0.55 else 0
            weight = None if R.random() < 0.25 else R.randint(40, 3500)
            products.append([sku, title, cat[0], s[0], price, stock, active, rtime(listed), handmade, weight])
    products.sort(key=lambda p: p[0])

    buyers = []
    for i in range(220):
        fn, ln = R.choice(FIRST), R.choice(LAST)
        cc = R.choices(COUNTRIES, weights=COUNTRY_W)[0]
        signed = rdate("2020-01-01", "2024-10-31")
        prime = 1 if R.random() < 0.22 else 0
        referred = None
        if buyers and R.random() < 0.15:
            referred = R.choice(buyers)[0]
        buyers.append([7001 + i, fn + " " + ln[0] + ".", ascii_lower(fn)[:1] + ascii_lower(ln)[:6]
                       + str(R.randint(10, 999)) + "@mail.example", R.choice(CITIES[cc]), cc, rtime(signed), prime,
                       referred])

    purchases = []
    items = []
    pid = 500001
    prod_w = [R.uniform(0.2, 3.0) for _ in products]
    for i in range(285):
        b = R.choice(buyers)
        signed = dt.date.fromisoformat(b[5][:10])
        d = signed + dt.timedelta(days=R.randint(0, max(1, (dt.date(2024, 11, 30) - signed).days)))
        if d > dt.date(2024, 11, 30):
            d = dt.date(2024, 11, 30)
        placed = rtime(d)
        n_lines = R.choices([1, 2, 3], weights=[70, 23, 7])[0]
        avail = [p for p in products if p[7][:10] <= d.isoformat()]
        if not avail:
            continue
        aw = [prod_w[products.index(p)] for p in avail]
        lines = []
        for p in R.choices(avail, weights=aw, k=n_lines):
            if any(l[1] == p[0] for l in lines):
                continue
            qty = R.choices([1, 2, 3, 4], weights=[75, 17, 5, 3])[0]
            lines.append((pid, p[0], qty, p[4]))
        age = (dt.date(2024, 12, 1) - d).days
        r = R.random()
        if age < 4:
            status = "pending" if r < 0.6 else "shipped"
        elif age < 10:
            status = "shipped" if r < 0.8 else "delivered"
        elif r < 0.08:
            status = "cancelled"
        elif r < 0.13:
            status = "refunded"
        else:
            status = "delivered"
        delivered = (d + dt.timedelta(days=R.randint(2, 9))).isoformat() if status in ("delivered", "refunded") else None
        fee = R.choice(["0.00", "3.90", "4.50", "4.90", "5.95", "6.50", "9.90"]) if not b[6] else "0.00"
        coupon = None if R.random() < 0.8 else R.choice(["WELCOME10", "SPRING15", "BLACKFRI20", "NOEL5"])
        purchases.append([pid, b[0], placed, status, fee, coupon, delivered])
        items.extend(lines)
        pid += R.randint(1, 4)

    # monthly payouts for a subset of seller-months, gross from delivered lines
    prod_by = {p[0]: p for p in products}
    pur_by = {p[0]: p for p in purchases}
    gross = {}
    for it in items:
        pu = pur_by[it[0]]
        if pu[3] != "delivered":
            continue
        s = prod_by[it[1]][3]
        month = pu[2][:7]
        gross[(s, month)] = gross.get((s, month), 0.0) + it[2] * it[3]
    comm = {s[0]: s[6] for s in sellers}
    payouts = []
    poid = 9001
    for (s, month) in sorted(gross, key=lambda k: (k[1], k[0])):
        g = round(gross[(s, month)], 2)
        fee = round(g * comm[s], 2)
        y, m = int(month[:4]), int(month[5:])
        nxt = dt.date(y + (m == 12), m % 12 + 1, 5)
        paid = None if nxt > dt.date(2024, 11, 20) or R.random() < 0.04 else (nxt + dt.timedelta(days=R.randint(0, 6))).isoformat()
        payouts.append([poid, s, month, g, fee, paid])
        poid += 1
    payouts = payouts[-240:]

    ddl = """-- sellerhub: online marketplace database (bench/unseen2)
-- Generated by generate_sellerhub.py (seed 80202). Do not edit by hand.
CREATE TABLE category (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    parentCode  TEXT
);
CREATE TABLE seller (
    sellerId       INTEGER PRIMARY KEY,
    shopName       TEXT NOT NULL,
    ownerName      TEXT,
    countryCode    TEXT,
    joinedOn       DATE,
    isVerified     INTEGER NOT NULL DEFAULT 0,
    commissionRate REAL,
    vatNumber      TEXT
);
CREATE TABLE product (
    sku          TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    categoryCode TEXT REFERENCES category(code),
    listedBy     INTEGER REFERENCES seller(sellerId),
    priceEur     REAL,
    stockQty     INTEGER,
    isActive     INTEGER NOT NULL DEFAULT 1,
    listedAt     TIMESTAMP,
    isHandmade   INTEGER,
    weightGrams  INTEGER
);
CREATE TABLE buyer (
    buyerId      INTEGER PRIMARY KEY,
    displayName  TEXT NOT NULL,
    email        TEXT,
    city         TEXT,
    countryCode  TEXT,
    signedUpAt   TIMESTAMP,
    isPremium    INTEGER NOT NULL DEFAULT 0,
    referredBy   INTEGER
);
CREATE TABLE purchase (
    purchaseId   INTEGER PRIMARY KEY,
    buyerId      INTEGER NOT NULL REFERENCES buyer(buyerId),
    placedAt     TIMESTAMP NOT NULL,
    status       TEXT,
    shippingFee  TEXT,
    couponCode   TEXT,
    deliveredOn  DATE
);
CREATE TABLE purchaseItem (
    purchaseId   INTEGER NOT NULL REFERENCES purchase(purchaseId),
    sku          TEXT NOT NULL REFERENCES product(sku),
    qty          INTEGER NOT NULL,
    unitPrice    REAL NOT NULL,
    PRIMARY KEY (purchaseId, sku)
);
CREATE TABLE payout (
    payoutId     INTEGER PRIMARY KEY,
    sellerId     INTEGER NOT NULL,
    periodMonth  TEXT,
    grossAmt     REAL,
    feeAmt       REAL,
    paidOn       DATE
);
"""
    parts = [ddl,
             inserts("category", ["code", "label", "parentCode"], CATEGORIES),
             inserts("seller", ["sellerId", "shopName", "ownerName", "countryCode", "joinedOn", "isVerified",
                                "commissionRate", "vatNumber"], sellers),
             inserts("product", ["sku", "title", "categoryCode", "listedBy", "priceEur", "stockQty", "isActive",
                                 "listedAt", "isHandmade", "weightGrams"], products),
             inserts("buyer", ["buyerId", "displayName", "email", "city", "countryCode", "signedUpAt", "isPremium",
                               "referredBy"], buyers),
             inserts("purchase", ["purchaseId", "buyerId", "placedAt", "status", "shippingFee", "couponCode",
                                  "deliveredOn"], purchases),
             inserts("purchaseItem", ["purchaseId", "sku", "qty", "unitPrice"], items),
             inserts("payout", ["payoutId", "sellerId", "periodMonth", "grossAmt", "feeAmt", "paidOn"], payouts)]
    with open(os.path.join(HERE, "sellerhub.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
