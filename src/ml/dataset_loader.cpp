#include "ml/dataset_loader.h"

#include "artifacts/s3_artifact_store.h"
#include "common/logger.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace chatdb::ml {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunkBytes = 1 << 20;

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// True when `path` is `root` or below it; both absolute and normal.
bool inside(const fs::path& path, const fs::path& root) {
  fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

DatasetLoader::DatasetLoader(DatasetSources sources) : sources_(std::move(sources)) {}

Result<Dataset> DatasetLoader::load(const std::string& location, const Interrupt& interrupt) const {
  if (starts_with(location, "file://")) return load_file(location, location.substr(7), interrupt);
  if (starts_with(location, "s3://")) return load_s3(location, location.substr(5), interrupt);
  if (starts_with(location, "table://")) return load_table(location, location.substr(8));
  return Error::invalid("dataset_location '" + location +
                        "' is not supported: use s3://BUCKET/KEY, file://PATH (under the dataset root) or table://SOURCE/TABLE");
}

Result<Dataset> DatasetLoader::load_table(const std::string& location, const std::string& rest) const {
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) {
    return Error::invalid("dataset_location '" + location + "' must be table://SOURCE/TABLE");
  }
  if (!sources_.tables) return Error::invalid("table:// datasets need data sources; configure CHATDB_DATA_SOURCES");
  auto csv = sources_.tables(rest.substr(0, slash), rest.substr(slash + 1));
  if (!csv.ok()) return csv.error();
  CsvDatasetReader reader(sources_.limits);
  if (Status s = reader.feed(csv.value()); !s.ok()) return s.error();
  return reader.finish();
}

Result<Dataset> DatasetLoader::load_file(const std::string& location, const std::string& path_text,
                                         const Interrupt& interrupt) const {
  if (path_text.empty()) return Error::invalid("dataset_location '" + location + "' names no file");
  if (path_text.find('\0') != std::string::npos) return Error::invalid("dataset_location contains a NUL byte");
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(sources_.root, ec), ec);
  if (ec) {
    Logger::error("dataset root unresolvable", {{"root", sources_.root.string()}, {"error", ec.message()}});
    return Error::unavailable("cannot resolve the dataset root (CHATDB_DATASET_ROOT); the engine's log has the details");
  }
  fs::path requested(path_text);
  fs::path lexical = (requested.is_absolute() ? requested : root / requested).lexically_normal();
  // Messages name the location as given, never the root's absolute path.
  const std::string refusal = "dataset_location '" + location + "' is outside the dataset root" +
                              "; put the file under it (CHATDB_DATASET_ROOT) or upload it to S3";
  if (!inside(lexical, root)) return Error::invalid(refusal);

  Descriptor fd(::open(lexical.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      return Error::not_found("no dataset at " + location);
    }
    return Error::invalid("cannot open the dataset " + location + ": " + std::strerror(error));
  }
  // O_NONBLOCK only kept a FIFO from blocking the open; fstat below refuses anything irregular.
  // Judge the file that was opened, not the name: symlinks anywhere on the path are resolved.
  fs::path real = fs::read_symlink("/proc/self/fd/" + std::to_string(fd.get()), ec);
  if (ec) return Error::internal("cannot resolve the opened dataset " + location + ": " + ec.message());
  fs::path real_root = fs::canonical(root, ec);
  if (ec || !inside(real, real_root)) return Error::invalid(refusal);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return Error::invalid("dataset_location '" + location + "' is not a regular file");
  }
  if (static_cast<std::uint64_t>(info.st_size) > sources_.limits.max_bytes) {
    return Error{ErrorCode::kPayloadTooLarge,
                 "the dataset is " + std::to_string(info.st_size) + " bytes, over the limit of " +
                     std::to_string(sources_.limits.max_bytes) + "; sample it or raise the engine's dataset limit",
                 false};
  }

  CsvDatasetReader reader(sources_.limits);
  std::vector<char> buffer(kChunkBytes);
  while (true) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::unavailable("cannot read the dataset " + location + ": " + std::strerror(errno));
    if (n == 0) break;
    if (Status s = reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !s) return s.error();
    if (interrupt) {
      if (Status s = interrupt(); !s) return s.error();
    }
  }
  return reader.finish();
}

Result<Dataset> DatasetLoader::load_s3(const std::string& location, const std::string& rest, const Interrupt& interrupt) const {
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) {
    return Error::invalid("dataset_location '" + location + "' must be s3://BUCKET/KEY");
  }
  if (sources_.s3_endpoint.empty()) {
    return Error::invalid("dataset_location '" + location + "' needs S3, and S3_ENDPOINT is not configured");
  }
  std::string key = rest.substr(slash + 1);
  if (std::string problem = artifacts::ArtifactStore::key_problem(key); !problem.empty()) {
    return Error::invalid("dataset_location '" + location + "': " + problem);
  }
  artifacts::S3Options options;
  options.endpoint = sources_.s3_endpoint;
  options.bucket = rest.substr(0, slash);
  options.access_key_id = sources_.s3_access_key_id;
  options.secret_access_key = sources_.s3_secret_access_key;
  auto store = artifacts::S3ArtifactStore::open(options);
  if (!store) return Error::invalid("dataset_location '" + location + "': " + store.error().message);

  CsvDatasetReader reader(sources_.limits);
  auto got = (*store)->get(key, [&](std::string_view chunk) -> Status {
    if (Status s = reader.feed(chunk); !s) return s;
    return interrupt ? interrupt() : Status::success();
  });
  if (!got) {
    if (got.error().code == ErrorCode::kNotFound) return Error::not_found("no dataset at " + location);
    return got.error();
  }
  return reader.finish();
}

}  // namespace chatdb::ml
