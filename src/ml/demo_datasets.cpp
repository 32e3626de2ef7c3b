#include "ml/demo_datasets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

namespace chatdb::ml {
namespace {

namespace fs = std::filesystem;

// Draws from a Mersenne Twister with formulas written out here, so that the files do not
// depend on the standard library's distributions (which differ between implementations).
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  int integer(int low, int high) { return low + static_cast<int>(uniform() * (high - low + 1)); }
  double normal(double mean, double sd) {
    double u = uniform(), v = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(2.0 * M_PI * v);
  }
  bool chance(double p) { return uniform() < p; }
  template <std::size_t N>
  const char* pick(const char* const (&items)[N]) { return items[static_cast<std::size_t>(uniform() * N)]; }

 private:
  std::mt19937_64 rng_;
};

std::string format(const char* pattern, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, v);
  return buffer;
}

std::string churn() {
  static const char* const kContracts[] = {"month-to-month", "one-year", "two-year"};
  static const char* const kPayments[] = {"electronic check", "mailed check", "bank transfer", "credit card"};
  static const char* const kInternet[] = {"dsl", "fiber", "none"};
  Draw d(20240601);
  std::string out =
      "customer_id,tenure_months,monthly_charges,contract,payment_method,internet_service,support_calls,"
      "senior_citizen,total_charges,churned\n";
  for (int i = 1; i <= 5000; ++i) {
    int tenure = d.integer(1, 72);
    const char* contract = d.pick(kContracts);
    const char* payment = d.pick(kPayments);
    const char* internet = d.pick(kInternet);
    double charges = std::round((std::string(internet) == "fiber" ? 80 : std::string(internet) == "dsl" ? 55 : 25) +
                                d.normal(0, 12));
    charges = std::max(15.0, charges) + d.integer(0, 99) / 100.0;
    int calls = std::min(10, static_cast<int>(std::fabs(d.normal(0, 2.2))));
    int senior = d.chance(0.16) ? 1 : 0;
    double z = -0.8 + (std::string(contract) == "month-to-month" ? 2.0 : std::string(contract) == "one-year" ? 0.0 : -1.8) +
               (std::string(internet) == "fiber" ? 0.9 : 0.0) + (std::string(payment) == "electronic check" ? 0.7 : 0.0) +
               0.5 * calls - 0.06 * tenure + 0.02 * (charges - 60) + 0.5 * senior + d.normal(0, 0.3);
    bool churned = d.chance(1.0 / (1.0 + std::exp(-z)));
    char id[16];
    std::snprintf(id, sizeof id, "C%05d", i);
    std::string total = d.chance(0.02) ? "" : format("%.2f", charges * tenure);
    std::string pay = d.chance(0.01) ? "" : payment;
    out += std::string(id) + "," + std::to_string(tenure) + "," + format("%.2f", charges) + "," + contract + "," + pay + "," +
           internet + "," + std::to_string(calls) + "," + std::to_string(senior) + "," + total + "," +
           (churned ? "yes" : "no") + "\n";
  }
  return out;
}

std::string house_prices() {
  static const char* const kNeighborhoods[] = {"riverside", "old town", "hillcrest", "industrial", "lakeview"};
  static const double kPremium[] = {40000, 25000, 60000, -30000, 90000};
  Draw d(19700101);
  std::string out = "area_sqft,bedrooms,bathrooms,year_built,neighborhood,garage,lot_size_sqft,distance_to_center_km,price\n";
  for (int i = 0; i < 3000; ++i) {
    double area = std::round(std::max(450.0, d.normal(1800, 550)));
    int bedrooms = std::clamp(static_cast<int>(area / 550 + d.normal(0, 0.7)), 1, 7);
    int bathrooms = std::clamp(static_cast<int>(bedrooms / 2.0 + d.normal(0.5, 0.5)), 1, 5);
    int year = d.integer(1920, 2023);
    int n = d.integer(0, 4);
    bool garage = d.chance(0.65);
    double lot = std::round(area * (2.0 + d.uniform() * 3.0));
    double distance = std::round(std::fabs(d.normal(8, 5)) * 10) / 10;
    double price = 30000 + 140 * area + 9000 * bedrooms + 12000 * bathrooms + 700 * (year - 1920) + kPremium[n] +
                   (garage ? 18000 : 0) + 4 * lot - 3500 * distance + d.normal(0, 25000);
    std::string lot_text = d.chance(0.05) ? "" : format("%.0f", lot);
    out += format("%.0f", area) + "," + std::to_string(bedrooms) + "," + std::to_string(bathrooms) + "," + std::to_string(year) +
           "," + kNeighborhoods[n] + "," + (garage ? "yes" : "no") + "," + lot_text + "," + format("%.1f", distance) + "," +
           format("%.0f", std::max(50000.0, std::round(price / 100) * 100)) + "\n";
  }
  return out;
}

Status write_if_missing(const fs::path& path, std::string (*make)()) {
  std::error_code ec;
  if (fs::exists(path, ec)) return Status::success();
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Error::unavailable("cannot create " + path.parent_path().string() + ": " + ec.message());
  fs::path tmp = path;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    const std::string text = make();
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) return Error::unavailable("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Error::unavailable("cannot write " + path.string() + ": " + ec.message());
  return Status::success();
}

}  // namespace

Status DemoDatasets::ensure(const fs::path& root) {
  if (Status s = write_if_missing(root / "demo" / "churn.csv", churn); !s) return s;
  return write_if_missing(root / "demo" / "house_prices.csv", house_prices);
}

}  // namespace chatdb::ml
