#include "common/logger.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chatdb {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> g_text{false};

// Each thread appends its lines to a buffer of its own (an uncontended lock), and a writer
// thread hands all buffers to stderr in batches every few milliseconds: a request thread never
// waits on write(2) or on another request thread. Warnings and errors wake the writer at once.
// Buffers are flushed when the process exits normally; a crash can lose the last few ms.
class Sink {
 public:
  Sink() : writer_([this] { run(); }) {}
  ~Sink() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
  }

  void append(const std::string& line, bool urgent) {
    thread_local std::shared_ptr<Shard> mine = add_shard();
    {
      std::lock_guard lock(mine->mutex);
      mine->text += line;
    }
    if (urgent) wake_.notify_one();
  }

 private:
  struct Shard {
    std::mutex mutex;
    std::string text;
  };

  std::shared_ptr<Shard> add_shard() {
    auto shard = std::make_shared<Shard>();
    std::lock_guard lock(mutex_);
    shards_.push_back(shard);
    return shard;
  }

  void run() {
    std::string batch;
    while (true) {
      std::unique_lock lock(mutex_);
      bool stopping = wake_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stopping_; });
      for (auto& shard : shards_) {
        std::lock_guard shard_lock(shard->mutex);
        batch += shard->text;
        shard->text.clear();
      }
      lock.unlock();
      if (!batch.empty()) {
        std::fwrite(batch.data(), 1, batch.size(), stderr);
        std::fflush(stderr);
        batch.clear();
      }
      if (stopping) return;
    }
  }

  std::mutex mutex_;  // guards shards_ and stopping_
  std::condition_variable wake_;
  std::vector<std::shared_ptr<Shard>> shards_;
  bool stopping_ = false;
  std::thread writer_;  // last: starts after the members it uses exist
};

Sink& sink() {
  static Sink instance;
  return instance;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  // gmtime_r takes glibc's timezone lock: format each second once per thread.
  thread_local std::time_t cached_secs = -1;
  thread_local char cached[32];
  if (secs != cached_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_secs = secs;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s.%03dZ", cached, static_cast<int>(millis));
  return buf;
}

// "12:04:05.123 info  request service=query-parser status=200 ...": the time of day, the
// level, the message, then each field (strings bare unless they hold a space).
std::string text_line(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  std::string ts = utc_now();
  std::string out = ts.substr(11, 12) + " " + std::string(level_name(level));
  out.append(6 - level_name(level).size(), ' ');
  out += message;
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      std::string v = value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (value.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", value.get<double>());
        v = buf;
      }
      if (v.find(' ') != std::string::npos) v = nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      out += " " + key + "=" + v;
    }
  }
  return out + "\n";
}

}  // namespace

void Logger::set_level(LogLevel level) { g_level.store(static_cast<int>(level)); }

void Logger::set_format(LogFormat format) { g_text.store(format == LogFormat::kText); }

bool Logger::enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void Logger::log(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  if (g_text.load(std::memory_order_relaxed)) {
    sink().append(text_line(level, message, fields), level >= LogLevel::kWarn);
    return;
  }
  nlohmann::json line = {{"ts", utc_now()}, {"level", level_name(level)}, {"msg", message}};
  if (fields.is_object()) line.update(fields);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  sink().append(text, level >= LogLevel::kWarn);
}

void Logger::log(LogLevel level, std::string_view message, const JsonLine& fields) {
  if (!enabled(level)) return;
  if (g_text.load(std::memory_order_relaxed)) {
    auto parsed = nlohmann::json::parse("{" + fields.members().substr(fields.members().empty() ? 0 : 1) + "}", nullptr, false);
    sink().append(text_line(level, message, parsed), level >= LogLevel::kWarn);
    return;
  }
  JsonLine head;
  head.add("ts", utc_now()).add("level", level_name(level)).add("msg", message);
  std::string text = "{";
  text.append(head.members(), 1);  // drop the leading comma
  text += fields.members();
  text += "}\n";
  sink().append(text, level >= LogLevel::kWarn);
}

void Logger::info(std::string_view message, const nlohmann::json& fields) { log(LogLevel::kInfo, message, fields); }
void Logger::warn(std::string_view message, const nlohmann::json& fields) { log(LogLevel::kWarn, message, fields); }
void Logger::error(std::string_view message, const nlohmann::json& fields) { log(LogLevel::kError, message, fields); }

}  // namespace chatdb
