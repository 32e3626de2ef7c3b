#pragma once

#include "common/error.h"
#include "ml/csv_dataset_reader.h"
#include "ml/dataset.h"

#include <filesystem>
#include <functional>
#include <string>

namespace chatdb::ml {

/// A table of a registered data source as CSV text (header first), for table:// datasets.
using TableExport = std::function<Result<std::string>(const std::string& source, const std::string& table)>;

/// Where datasets may come from.
struct DatasetSources {
  std::filesystem::path root;  // file:// datasets must resolve inside it
  std::string s3_endpoint;     // empty: s3:// locations are refused
  std::string s3_access_key_id;
  std::string s3_secret_access_key;
  DatasetLimits limits;
  TableExport tables;          // empty: table:// locations are refused
};

/// Called between chunks while a dataset streams in; an error stops reading and is returned.
using Interrupt = std::function<Status()>;

/// Reads a CSV dataset named by a location, streaming it through CsvDatasetReader:
/// - `file://PATH`: PATH relative to the root, or absolute inside it. `..` that leaves the root,
///   and symlinks that resolve outside it, are refused (the check is on the file actually
///   opened, so a symlink swapped in between cannot escape).
/// - `s3://BUCKET/KEY`: the object, through an S3ArtifactStore for that bucket.
/// - `table://SOURCE/TABLE`: a table of a registered data source, through `tables`.
/// Errors: a malformed or disallowed location, or bad CSV, is kInvalidArgument; a missing file or
/// object kNotFound; over a limit kPayloadTooLarge (all not retryable); S3 unreachable
/// kUnavailable (retryable). Thread-safe (no shared state between calls).
class DatasetLoader {
 public:
  explicit DatasetLoader(DatasetSources sources);

  Result<Dataset> load(const std::string& location, const Interrupt& interrupt = {}) const;

  const DatasetSources& sources() const { return sources_; }

 private:
  Result<Dataset> load_file(const std::string& location, const std::string& path, const Interrupt& interrupt) const;
  Result<Dataset> load_s3(const std::string& location, const std::string& rest, const Interrupt& interrupt) const;
  Result<Dataset> load_table(const std::string& location, const std::string& rest) const;

  DatasetSources sources_;
};

}  // namespace chatdb::ml
