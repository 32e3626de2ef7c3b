#include "nl2sql/demo_database.h"

#include <sqlite3.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace chatdb::nl2sql {
namespace {

constexpr int kVersion = 1;

// A fixed-seed generator: the same database on every machine.
class Random {
 public:
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  int between(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[next() % v.size()]; }

 private:
  std::uint64_t state_ = 0x9E3779B97F4A7C15ULL;
};

const char* kSchema = R"(
CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT
);
CREATE TABLE suppliers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT NOT NULL
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  category_id INTEGER NOT NULL REFERENCES categories(id),
  supplier_id INTEGER REFERENCES suppliers(id),
  unit_price REAL NOT NULL,
  stock_quantity INTEGER NOT NULL,
  discontinued INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT,
  city TEXT NOT NULL,
  country TEXT NOT NULL,
  signup_date DATE NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  order_date DATE NOT NULL,
  status TEXT NOT NULL,
  total_amount REAL NOT NULL
);
CREATE TABLE order_items (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL,
  unit_price REAL NOT NULL
);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX order_items_order ON order_items(order_id);
CREATE INDEX order_items_product ON order_items(product_id);
)";

struct Category {
  std::string name;
  std::string description;
  std::vector<std::string> products;
  int min_price;
  int max_price;
};

const std::vector<Category>& categories() {
  static const std::vector<Category> k = {
      {"Books", "Printed books and e-books", {"The Silent Harbor", "Cooking for Two", "A Short History of Maps", "Learning SQL", "Garden Birds", "The Last Orchard", "Night Trains", "Mountain Trails"}, 8, 45},
      {"Electronics", "Gadgets and accessories", {"Wireless Headphones", "USB-C Charger", "Bluetooth Speaker", "Smart Watch", "E-Reader", "Webcam", "Mechanical Keyboard", "Portable SSD"}, 15, 350},
      {"Kitchen", "Cookware and utensils", {"Cast Iron Pan", "Chef Knife", "Espresso Maker", "Salad Spinner", "Cutting Board", "Tea Kettle", "Mixing Bowls", "Pepper Mill"}, 9, 180},
      {"Garden", "Tools and plants", {"Pruning Shears", "Watering Can", "Garden Hose", "Seed Starter Kit", "Raised Bed", "Leaf Rake", "Bird Feeder"}, 7, 120},
      {"Toys", "Games and toys for all ages", {"Wooden Puzzle", "Building Blocks", "Board Game Classic", "Kite", "Plush Bear", "Model Train"}, 6, 90},
      {"Sports", "Equipment and apparel", {"Yoga Mat", "Running Shoes", "Tennis Racket", "Water Bottle", "Cycling Helmet", "Dumbbell Set", "Jump Rope"}, 8, 160},
      {"Clothing", "Everyday clothing", {"Rain Jacket", "Wool Sweater", "Denim Jeans", "Cotton T-Shirt", "Winter Gloves", "Sun Hat"}, 10, 140},
      {"Beauty", "Care and cosmetics", {"Face Cream", "Shampoo", "Lip Balm", "Sunscreen", "Hand Soap"}, 4, 55},
  };
  return k;
}

struct Place {
  const char* city;
  const char* country;
};

const std::vector<Place>& places() {
  static const std::vector<Place> k = {
      {"Berlin", "Germany"},     {"Munich", "Germany"},       {"Hamburg", "Germany"},   {"Paris", "France"},
      {"Lyon", "France"},        {"London", "United Kingdom"}, {"Manchester", "United Kingdom"},
      {"Madrid", "Spain"},       {"Barcelona", "Spain"},      {"Rome", "Italy"},        {"Milan", "Italy"},
      {"Amsterdam", "Netherlands"}, {"New York", "United States"}, {"Chicago", "United States"},
      {"Austin", "United States"}, {"Toronto", "Canada"},     {"Vancouver", "Canada"},  {"Tokyo", "Japan"},
      {"Sydney", "Australia"},   {"Zürich", "Switzerland"}};
  return k;
}

std::string date_of(int day_index) {
  // Days from 2022-01-01 as a civil date.
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int year = 2022;
  for (;;) {
    int len = (year % 4 == 0) ? 366 : 365;
    if (day_index < len) break;
    day_index -= len;
    ++year;
  }
  int month = 0;
  for (;; ++month) {
    int len = kDays[month] + (month == 1 && year % 4 == 0 ? 1 : 0);
    if (day_index < len) break;
    day_index -= len;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month + 1, day_index + 1);
  return buf;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close_v2(db); }
};

class Inserter {
 public:
  Inserter(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Inserter() { sqlite3_finalize(stmt_); }
  Inserter& text(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), -1, SQLITE_TRANSIENT);
    return *this;
  }
  Inserter& null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Inserter& integer(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Inserter& real(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  bool run() {
    bool ok = sqlite3_step(stmt_) == SQLITE_DONE;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return ok;
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

bool current(const std::string& path) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(raw);
    return false;
  }
  Db db{raw};
  sqlite3_stmt* stmt = nullptr;
  bool ok = sqlite3_prepare_v2(db.db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == kVersion;
  sqlite3_finalize(stmt);
  return ok;
}

Status write(const std::string& path) {
  Db db;
  if (sqlite3_open_v2(path.c_str(), &db.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return Error::unavailable("cannot create the demo database at " + path);
  }
  char* err = nullptr;
  std::string script = std::string("BEGIN;") + kSchema;
  if (sqlite3_exec(db.db, script.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    return Error::internal("cannot create the demo schema: " + m);
  }
  Random rnd;
  bool ok = true;

  Inserter category(db.db, "INSERT INTO categories (id, name, description) VALUES (?, ?, ?)");
  for (std::size_t i = 0; i < categories().size(); ++i) {
    ok &= category.integer(1, static_cast<int>(i + 1)).text(2, categories()[i].name).text(3, categories()[i].description).run();
  }

  const std::vector<std::pair<std::string, std::string>> suppliers = {
      {"Nordic Goods", "Sweden"},   {"Pacific Trading", "United States"}, {"Alpine Supply", "Switzerland"},
      {"Lumen Works", "Germany"},   {"Sakura Imports", "Japan"},          {"Atlas Wholesale", "Spain"}};
  Inserter supplier(db.db, "INSERT INTO suppliers (id, name, country) VALUES (?, ?, ?)");
  for (std::size_t i = 0; i < suppliers.size(); ++i) {
    ok &= supplier.integer(1, static_cast<int>(i + 1)).text(2, suppliers[i].first).text(3, suppliers[i].second).run();
  }

  struct Product {
    int id;
    double price;
  };
  std::vector<Product> products;
  Inserter product(db.db,
                   "INSERT INTO products (id, name, category_id, supplier_id, unit_price, stock_quantity, discontinued) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)");
  int product_id = 0;
  for (std::size_t c = 0; c < categories().size(); ++c) {
    for (const auto& name : categories()[c].products) {
      ++product_id;
      double price = rnd.between(categories()[c].min_price * 100, categories()[c].max_price * 100) / 100.0;
      price = static_cast<int>(price) + 0.99;
      product.integer(1, product_id).text(2, name).integer(3, static_cast<int>(c + 1));
      // A few products have no known supplier.
      if (product_id % 9 == 0) product.null(4);
      else product.integer(4, rnd.between(1, static_cast<int>(suppliers.size())));
      ok &= product.real(5, price).integer(6, rnd.between(0, 250)).integer(7, product_id % 13 == 0 ? 1 : 0).run();
      products.push_back({product_id, price});
    }
  }

  const std::vector<std::string> first = {"Anna", "Ben", "Clara", "David", "Elena", "Felix", "Grace", "Hugo", "Ines",
                                          "Jonas", "Karin", "Liam", "Maya", "Noah", "Olga", "Paul", "Rosa", "Sam",
                                          "Tara", "Umar", "Vera", "Will", "Yuki", "Zoe"};
  const std::vector<std::string> last = {"Schmidt", "Martin", "Rossi", "Garcia", "Smith", "Tanaka", "Dubois", "Jansen",
                                         "Novak", "Brown", "Keller", "Moreau", "Silva", "Weber", "Lopez", "Clark"};
  constexpr int kCustomers = 240;
  Inserter customer(db.db, "INSERT INTO customers (id, name, email, city, country, signup_date) VALUES (?, ?, ?, ?, ?, ?)");
  std::vector<int> signup_day(kCustomers + 1);
  for (int id = 1; id <= kCustomers; ++id) {
    std::string f = rnd.pick(first);
    std::string l = rnd.pick(last);
    const Place& p = places()[rnd.next() % places().size()];
    signup_day[id] = rnd.between(0, 3 * 365);
    customer.integer(1, id).text(2, f + " " + l);
    // About one customer in eight gave no email address.
    if (rnd.between(1, 8) == 1) customer.null(3);
    else customer.text(3, lower_ascii(f) + "." + lower_ascii(l) + std::to_string(id) + "@example.com");
    ok &= customer.text(4, p.city).text(5, p.country).text(6, date_of(signup_day[id])).run();
  }

  // Orders from 2022 to the end of 2025; about one customer in ten never ordered.
  Inserter order(db.db, "INSERT INTO orders (id, customer_id, order_date, status, total_amount) VALUES (?, ?, ?, ?, ?)");
  Inserter item(db.db, "INSERT INTO order_items (id, order_id, product_id, quantity, unit_price) VALUES (?, ?, ?, ?, ?)");
  const std::vector<std::string> statuses = {"delivered", "delivered", "delivered", "delivered", "shipped", "pending", "cancelled"};
  constexpr int kLastDay = 4 * 365;  // through 2025-12-31
  int order_id = 0;
  int item_id = 0;
  for (int c = 1; c <= kCustomers; ++c) {
    if (c % 10 == 7) continue;
    int n = rnd.between(1, 12);
    for (int k = 0; k < n; ++k) {
      ++order_id;
      int day = rnd.between(signup_day[c], kLastDay);
      std::string status = day > kLastDay - 20 ? (rnd.between(0, 1) ? "pending" : "shipped") : rnd.pick(statuses);
      double total = 0;
      int lines = rnd.between(1, 4);
      std::vector<std::array<double, 3>> rows;
      for (int l = 0; l < lines; ++l) {
        const Product& p = products[rnd.next() % products.size()];
        int qty = rnd.between(1, 5);
        total += qty * p.price;
        rows.push_back({static_cast<double>(p.id), static_cast<double>(qty), p.price});
      }
      total = static_cast<double>(static_cast<long long>(total * 100 + 0.5)) / 100;
      ok &= order.integer(1, order_id).integer(2, c).text(3, date_of(day)).text(4, status).real(5, total).run();
      for (const auto& r : rows) {
        ok &= item.integer(1, ++item_id).integer(2, order_id).integer(3, static_cast<int>(r[0])).integer(4, static_cast<int>(r[1]))
                  .real(5, r[2]).run();
      }
    }
  }
  std::string done = "PRAGMA user_version = " + std::to_string(kVersion) + "; COMMIT;";
  if (!ok || sqlite3_exec(db.db, done.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error::internal(std::string("cannot write the demo data: ") + sqlite3_errmsg(db.db));
  }
  return Status::success();
}

}  // namespace

Status DemoDatabase::ensure(const std::string& path) {
  if (current(path)) return Status::success();
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::string tmp = path + ".tmp";
  std::filesystem::remove(tmp, ec);
  if (Status s = write(tmp); !s.ok()) {
    std::filesystem::remove(tmp, ec);
    return s;
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error::unavailable("cannot move the demo database into place at " + path + ": " + ec.message());
  return Status::success();
}

}  // namespace chatdb::nl2sql
