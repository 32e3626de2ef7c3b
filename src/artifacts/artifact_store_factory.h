#pragma once

#include "artifacts/artifact_store.h"
#include "common/config.h"

#include <memory>

namespace chatdb::artifacts {

/// The artifact store the configuration names: the bucket S3_BUCKET at S3_ENDPOINT (s3://),
/// with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, when S3_ENDPOINT is set; otherwise the
/// directory CHATDB_DATA_DIR/artifacts (file://). Does not contact S3, so a service can start
/// while S3 is down and report it on /ready. Errors: kInvalidArgument for unusable settings,
/// kUnavailable when the local directory cannot be created.
Result<std::unique_ptr<ArtifactStore>> make_artifact_store(const Config& config);

}  // namespace chatdb::artifacts
