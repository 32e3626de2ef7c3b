#include "http/metrics_registry.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <variant>

namespace chatdb::http {
namespace {

void atomic_add(std::atomic<double>& target, double by) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
  }
}

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string label_text(const std::vector<std::string>& names, const Labels& values, const std::string& extra = {}) {
  if (names.empty() && extra.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ",";
    out += names[i] + "=\"" + escape_label(i < values.size() ? values[i] : std::string{}) + "\"";
  }
  if (!extra.empty()) out += (names.empty() ? "" : ",") + extra;
  return out + "}";
}

}  // namespace

void Counter::inc(double by) { atomic_add(value_, by); }
void Gauge::add(double by) { atomic_add(value_, by); }

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size()]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (v <= bounds_[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
}

struct MetricsRegistry::Entry {
  std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>, std::unique_ptr<Family<Histogram>>> family;
  std::string name, help;
  std::function<double()> callback;  // for callback gauges and counters
  bool callback_counter = false;
};

Family<Counter>& MetricsRegistry::counter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  auto e = std::make_shared<Entry>();
  auto fam = std::make_unique<Family<Counter>>(name, help, std::move(labels), [] { return std::make_unique<Counter>(); });
  auto& ref = *fam;
  e->family = std::move(fam);
  entries_.push_back(e);
  return ref;
}

Family<Gauge>& MetricsRegistry::gauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  auto e = std::make_shared<Entry>();
  auto fam = std::make_unique<Family<Gauge>>(name, help, std::move(labels), [] { return std::make_unique<Gauge>(); });
  auto& ref = *fam;
  e->family = std::move(fam);
  entries_.push_back(e);
  return ref;
}

Family<Histogram>& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                              std::vector<std::string> labels, std::vector<double> bounds) {
  auto e = std::make_shared<Entry>();
  auto fam = std::make_unique<Family<Histogram>>(name, help, std::move(labels),
                                                 [bounds] { return std::make_unique<Histogram>(bounds); });
  auto& ref = *fam;
  e->family = std::move(fam);
  entries_.push_back(e);
  return ref;
}

void MetricsRegistry::gauge_callback(const std::string& name, const std::string& help, std::function<double()> read) {
  auto e = std::make_shared<Entry>();
  e->name = name;
  e->help = help;
  e->callback = std::move(read);
  entries_.push_back(e);
}

void MetricsRegistry::counter_callback(const std::string& name, const std::string& help, std::function<double()> read) {
  gauge_callback(name, help, std::move(read));
  entries_.back()->callback_counter = true;
}

std::vector<double> MetricsRegistry::default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

std::string MetricsRegistry::render() const {
  std::ostringstream out;
  for (const auto& e : entries_) {
    if (e->callback) {
      out << "# HELP " << e->name << ' ' << e->help << "\n# TYPE " << e->name << (e->callback_counter ? " counter\n" : " gauge\n")
          << e->name << ' ' << format_value(e->callback()) << '\n';
      continue;
    }
    std::visit(
        [&](const auto& fam) {
          using F = std::decay_t<decltype(*fam)>;
          const auto& names = fam->label_names();
          out << "# HELP " << fam->name() << ' ' << fam->help() << '\n';
          if constexpr (std::is_same_v<F, Family<Counter>>) {
            out << "# TYPE " << fam->name() << " counter\n";
            fam->for_each([&](const Labels& l, const Counter& c) {
              out << fam->name() << label_text(names, l) << ' ' << format_value(c.value()) << '\n';
            });
          } else if constexpr (std::is_same_v<F, Family<Gauge>>) {
            out << "# TYPE " << fam->name() << " gauge\n";
            fam->for_each([&](const Labels& l, const Gauge& g) {
              out << fam->name() << label_text(names, l) << ' ' << format_value(g.value()) << '\n';
            });
          } else {
            out << "# TYPE " << fam->name() << " histogram\n";
            fam->for_each([&](const Labels& l, const Histogram& h) {
              std::uint64_t cumulative = 0;
              for (std::size_t i = 0; i < h.bounds().size(); ++i) {
                cumulative += h.bucket(i);
                out << fam->name() << "_bucket" << label_text(names, l, "le=\"" + format_value(h.bounds()[i]) + "\"")
                    << ' ' << cumulative << '\n';
              }
              out << fam->name() << "_bucket" << label_text(names, l, "le=\"+Inf\"") << ' ' << h.count() << '\n';
              out << fam->name() << "_sum" << label_text(names, l) << ' ' << format_value(h.sum()) << '\n';
              out << fam->name() << "_count" << label_text(names, l) << ' ' << h.count() << '\n';
            });
          }
        },
        e->family);
  }
  return out.str();
}

}  // namespace chatdb::http
