#pragma once

#include "common/config.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chatdb::cli {

/// NAME=VALUE pairs as a params object: numbers and true/false become JSON numbers and booleans.
/// Throws ConfigError on an entry without '='.
nlohmann::json parse_params(const std::vector<std::string>& pairs);

struct TrainOptions {
  nlohmann::json job;  // the POST /jobs body
  bool wait = true;    // follow the job to its end with a progress bar
};

/// `chatdb train`: submits a job; with `wait`, shows progress until it ends. Exit status 0 when
/// the job succeeded (or was only submitted), 1 when it failed or could not be submitted.
int train(const Config& config, const TrainOptions& options);

/// `chatdb jobs [ID] [--status S] [--model M] [--cancel]`: a table of jobs, one job, or a cancel.
int jobs(const Config& config, const std::string& id, const std::string& status, const std::string& model, bool cancel);

/// `chatdb models [NAME]`: registered models, or one model's versions with their metrics.
int models(const Config& config, const std::string& name);

/// `chatdb predict --model NAME [--version N | --alias A] INSTANCES`: INSTANCES is a JSON array of
/// objects (or one object) in a file, or "-" for standard input. Prints the response.
int predict(const Config& config, const std::string& model, const std::string& version, const std::string& alias,
            const std::string& instances_path);

}  // namespace chatdb::cli
