#include "artifacts/local_artifact_store.h"

#include "common/ids.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>
#include <utility>

namespace chatdb::artifacts {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kChunkSize = 256 * 1024;
constexpr auto kStaleTemporary = std::chrono::hours(1);

/// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closing reports write-back errors on some file systems, so a put checks it.
  int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Makes a rename or unlink in `directory` survive a crash.
void sync_directory(const fs::path& directory) {
  Fd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

std::string file_url(const fs::path& path) { return "file://" + path.string(); }

Error nested_key_conflict(const std::string& key) {
  return Error::conflict("artifact key '" + key +
                         "' and an existing key are each other's directory (like a and a/b), which a "
                         "file:// store cannot hold; choose keys where no key is a directory of another");
}

}  // namespace

LocalArtifactStore::LocalArtifactStore(fs::path root)
    : root_(std::move(root)), objects_(root_ / "objects"), tmp_(root_ / "tmp") {}

Result<std::unique_ptr<LocalArtifactStore>> LocalArtifactStore::open(const fs::path& root) {
  std::error_code ec;
  fs::path absolute = fs::absolute(root, ec).lexically_normal();
  if (ec) return Error::unavailable("artifact directory " + root.string() + " is unusable: " + ec.message());
  std::unique_ptr<LocalArtifactStore> store(new LocalArtifactStore(absolute));
  for (const auto& dir : {store->objects_, store->tmp_}) {
    fs::create_directories(dir, ec);
    if (ec) {
      return Error{ErrorCode::kUnavailable,
                   "cannot create artifact directory " + dir.string() + ": " + ec.message() +
                       "; check CHATDB_DATA_DIR and its permissions",
                   false};
    }
  }
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(store->tmp_, ec)) {
    std::error_code ignored;
    if (now - entry.last_write_time(ignored) > kStaleTemporary) fs::remove(entry.path(), ignored);
  }
  return store;
}

fs::path LocalArtifactStore::path_of(const std::string& key) const { return objects_ / key; }

Error LocalArtifactStore::failure(const std::string& what, const fs::path& path, int error_number) const {
  return Error{ErrorCode::kUnavailable,
               "artifact store " + file_url(root_) + ": " + what + " " + path.string() + " failed: " +
                   std::strerror(error_number) + "; check free space and permissions",
               false};
}

Status LocalArtifactStore::do_put(const std::string& key, const Reader& reader) {
  const fs::path temporary = tmp_ / (new_id() + ".part");
  Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return failure("creating", temporary, errno);

  auto discard = [&](Error error) -> Status {
    ::unlink(temporary.c_str());
    return error;
  };
  std::string buffer(kChunkSize, '\0');
  for (;;) {
    auto n = reader(buffer.data(), buffer.size());
    if (!n.ok()) return discard(n.error());
    if (*n == 0) break;
    if (!write_all(fd.get(), buffer.data(), *n)) return discard(failure("writing", temporary, errno));
  }
  if (::fsync(fd.get()) != 0) return discard(failure("flushing", temporary, errno));
  if (fd.close() != 0) return discard(failure("closing", temporary, errno));

  const fs::path target = path_of(key);
  // A concurrent remove may prune the directory between its creation and the rename: retry.
  for (int attempt = 0;; ++attempt) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec == std::errc::not_a_directory || ec == std::errc::file_exists) return discard(nested_key_conflict(key));
    if (ec) return discard(failure("creating the directory of", target, ec.value()));
    if (::rename(temporary.c_str(), target.c_str()) == 0) break;
    if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) return discard(nested_key_conflict(key));
    if (errno != ENOENT || attempt == 2) return discard(failure("renaming into", target, errno));
  }
  sync_directory(target.parent_path());
  return Status::success();
}

Status LocalArtifactStore::do_get(const std::string& key, const Writer& writer) {
  const fs::path path = path_of(key);
  auto not_found = [&] { return Error::not_found("artifact '" + key + "' not found in " + file_url(root_)); };
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return not_found();
    return failure("opening", path, errno);
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return failure("inspecting", path, errno);
  // A directory holds longer keys; it is no object.
  if (!S_ISREG(info.st_mode)) return not_found();
  std::string buffer(kChunkSize, '\0');
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("reading", path, errno);
    }
    if (n == 0) return Status::success();
    if (auto status = writer(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !status.ok()) {
      return status;
    }
  }
}

Result<bool> LocalArtifactStore::do_exists(const std::string& key) {
  const fs::path path = path_of(key);
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) return S_ISREG(info.st_mode);
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return failure("inspecting", path, errno);
}

Status LocalArtifactStore::do_remove(const std::string& key) {
  const fs::path path = path_of(key);
  if (::unlink(path.c_str()) != 0) {
    // No file by that name (nothing there, or a directory of longer keys): nothing to remove.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return Status::success();
    return failure("deleting", path, errno);
  }
  // Prune directories the removal left empty; rmdir refuses any that still hold something.
  fs::path dir = path.parent_path();
  while (dir != objects_ && ::rmdir(dir.c_str()) == 0) dir = dir.parent_path();
  sync_directory(dir);
  return Status::success();
}

Result<std::vector<ObjectEntry>> LocalArtifactStore::do_list(const std::string& prefix) {
  std::vector<ObjectEntry> entries;
  // Only the directory named by the prefix's complete segments can hold matching keys.
  const std::string base_key = prefix.substr(0, prefix.rfind('/') + 1);
  std::vector<std::pair<fs::path, std::string>> pending{{objects_ / base_key, base_key}};
  while (!pending.empty()) {
    auto [dir, dir_key] = std::move(pending.back());
    pending.pop_back();
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    // A directory that a concurrent remove pruned holds nothing.
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) continue;
    if (ec) return failure("listing", dir, ec.value());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      std::string key = dir_key + it->path().filename().string();
      std::error_code entry_ec;
      if (it->is_directory(entry_ec)) {
        if (key.starts_with(prefix)) pending.emplace_back(it->path(), key + "/");
      } else if (key.starts_with(prefix)) {
        auto size = it->file_size(entry_ec);
        if (!entry_ec) entries.push_back({std::move(key), size});
      }
    }
    if (ec) return failure("listing", dir, ec.value());
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return entries;
}

}  // namespace chatdb::artifacts
