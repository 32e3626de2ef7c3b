// The XGBoost C API alone, the baseline of the ML pipeline benchmark. Trains binary:logistic
// (tree_method=hist) on the first 80% of the rows of a header-less CSV (what the pipeline
// trains on), twice:
//  - "xgboost_csv": the file loaded by XGBoost's own CSV parser (a sparse matrix), sliced;
//  - "dense": the file parsed here into a dense float array (parse time reported apart), then
//    XGDMatrixCreateFromMat: the training cost alone, as the engine incurs it.
// Each trains ROUNDS rounds on THREADS threads and saves the model as JSON. Prints one JSON line.
// With a fifth argument "dense", only the second.
//
//   bench_xgboost_baseline FILE.csv LABEL_COLUMN ROUNDS THREADS [dense]

#include <xgboost/c_api.h>

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void check(int code, const char* what) {
  if (code != 0) {
    std::fprintf(stderr, "%s: %s\n", what, XGBGetLastError());
    std::exit(1);
  }
}

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU seconds (user + system) this process has used, all threads.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Timing {
  double wall = 0;
  double cpu = 0;
};

// Trains on `train` and saves the model; returns the wall and CPU seconds that took.
Timing train_and_save(DMatrixHandle train, int rounds, const std::string& threads) {
  auto start = Clock::now();
  double cpu = cpu_seconds();
  BoosterHandle booster = nullptr;
  check(XGBoosterCreate(&train, 1, &booster), "creating the booster");
  for (auto [name, value] : {std::pair{"objective", "binary:logistic"}, {"tree_method", "hist"}, {"seed", "42"},
                             {"max_depth", "6"}, {"eta", "0.3"}, {"max_bin", "256"}, {"verbosity", "0"}}) {
    check(XGBoosterSetParam(booster, name, value), name);
  }
  check(XGBoosterSetParam(booster, "nthread", threads.c_str()), "nthread");
  for (int i = 0; i < rounds; ++i) check(XGBoosterUpdateOneIter(booster, i, train), "training");
  bst_ulong length = 0;
  const char* bytes = nullptr;
  check(XGBoosterSaveModelToBuffer(booster, R"({"format": "json"})", &length, &bytes), "saving");
  XGBoosterFree(booster);
  return {since(start), cpu_seconds() - cpu};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && !(argc == 6 && std::string(argv[5]) == "dense")) {
    std::fprintf(stderr, "usage: %s FILE.csv LABEL_COLUMN ROUNDS THREADS [dense]\n", argv[0]);
    return 2;
  }
  const bool dense_only = argc == 6;
  const std::string path = argv[1];
  const int label_column = std::atoi(argv[2]);
  const int rounds = std::atoi(argv[3]);
  const std::string threads = argv[4];

  // XGBoost's own CSV loader.
  double csv_load = 0;
  Timing csv_train;
  bst_ulong rows = 0;
  if (!dense_only) {
    auto start = Clock::now();
    DMatrixHandle all = nullptr;
    check(XGDMatrixCreateFromFile((path + "?format=csv&label_column=" + argv[2]).c_str(), 1, &all), "loading the CSV");
    check(XGDMatrixNumRow(all, &rows), "counting rows");
    std::vector<int> keep(rows * 4 / 5);
    std::iota(keep.begin(), keep.end(), 0);
    DMatrixHandle sliced = nullptr;
    check(XGDMatrixSliceDMatrix(all, keep.data(), keep.size(), &sliced), "slicing");
    csv_load = since(start);
    csv_train = train_and_save(sliced, rounds, threads);
    XGDMatrixFree(sliced);
    XGDMatrixFree(all);
  }

  // A dense matrix, as the engine builds it.
  auto start = Clock::now();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string data = text.str();
  if (dense_only) rows = static_cast<bst_ulong>(std::count(data.begin(), data.end(), '\n'));
  const std::size_t train_rows = rows * 4 / 5;
  std::vector<float> features, labels;
  std::size_t columns = 0, row = 0;
  for (std::size_t at = 0; at < data.size() && row < train_rows; ++row) {
    std::size_t column = 0;
    while (true) {
      float v = std::numeric_limits<float>::quiet_NaN();
      auto [end, ec] = std::from_chars(data.data() + at, data.data() + data.size(), v);
      (static_cast<int>(column) == label_column ? labels : features).push_back(v);
      at = static_cast<std::size_t>(end - data.data());
      ++column;
      if (at >= data.size() || data[at] == '\n') break;
      ++at;  // the comma
    }
    ++at;
    columns = column - 1;
  }
  double parse = since(start);
  DMatrixHandle dense = nullptr;
  check(XGDMatrixCreateFromMat_omp(features.data(), row, columns, std::numeric_limits<float>::quiet_NaN(), &dense,
                                   std::atoi(threads.c_str())),
        "building the dense matrix");
  check(XGDMatrixSetFloatInfo(dense, "label", labels.data(), row), "setting labels");
  Timing dense_train = train_and_save(dense, rounds, threads);
  XGDMatrixFree(dense);

  std::printf("{\"rows\": %llu, \"train_rows\": %zu, \"xgboost_csv\": {\"load_seconds\": %.3f, \"train_seconds\": %.3f, "
              "\"total_seconds\": %.3f}, \"dense\": {\"parse_seconds\": %.3f, \"train_seconds\": %.3f, "
              "\"train_cpu_seconds\": %.3f}}\n",
              static_cast<unsigned long long>(rows), train_rows, csv_load, csv_train.wall, csv_load + csv_train.wall, parse,
              dense_train.wall, dense_train.cpu);
  return 0;
}
