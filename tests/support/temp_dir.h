#pragma once

#include <filesystem>

namespace chatdb::testing {

/// A fresh directory under the system's temporary directory, removed with everything in it
/// when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace chatdb::testing
