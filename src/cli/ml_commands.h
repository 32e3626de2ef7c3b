#pragma once

#include "cli/command.h"

namespace chatdb::cli {

// The ML tools talk to the running services (URLs from the same settings as the services).

/// `chatdb train --model NAME --dataset URL ...`: submits a job and, unless --no-wait, follows it
/// with a progress bar. Exit status 0 when the job succeeded (or was only submitted), 1 when it
/// failed or could not be submitted.
Command add_train(CLI::App& app);

/// `chatdb jobs [ID] [--status S] [--model M] [--cancel]`: a table of jobs, one job, or a cancel.
Command add_jobs(CLI::App& app);

/// `chatdb models [NAME]`: registered models, or one model's versions with their metrics.
Command add_models(CLI::App& app);

/// `chatdb predict --model NAME [--version N | --alias A] INSTANCES`: INSTANCES is a JSON array of
/// objects (or one object) in a file, or "-" for standard input. Prints the response.
Command add_predict(CLI::App& app);

}  // namespace chatdb::cli
