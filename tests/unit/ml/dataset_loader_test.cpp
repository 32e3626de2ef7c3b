#include "artifacts/s3_artifact_store.h"
#include "ml/dataset_loader.h"
#include "ml/demo_datasets.h"
#include "tests/support/ports.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_s3_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace chatdb::ml {
namespace {

namespace fs = std::filesystem;
using chatdb::testing::free_port;
using chatdb::testing::TempDir;
using namespace std::chrono_literals;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string slurp(const fs::path& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

class DatasetLoaderFiles : public ::testing::Test {
 protected:
  DatasetLoaderFiles() : root_(dir_.path() / "datasets"), loader_(DatasetSources{root_, "", "", "", {}, {}}) {
    write(root_ / "a" / "good.csv", "x,y\n1,0\n2,1\n");
    write(dir_.path() / "secret.csv", "x,y\n9,9\n");
  }
  ErrorCode code_of(const std::string& location) {
    auto d = loader_.load(location);
    return d.ok() ? ErrorCode::kInternal : d.error().code;
  }
  TempDir dir_;
  fs::path root_;
  DatasetLoader loader_;
};

TEST_F(DatasetLoaderFiles, ReadsFilesUnderTheRootByRelativeOrAbsolutePath) {
  for (const std::string& location : {std::string("file://a/good.csv"), "file://" + (root_ / "a" / "good.csv").string(),
                                      std::string("file://a/../a/./good.csv")}) {
    auto d = loader_.load(location);
    ASSERT_TRUE(d.ok()) << location << ": " << d.error().message;
    EXPECT_EQ(d->rows, 2u);
  }
}

TEST_F(DatasetLoaderFiles, RefusesAnythingOutsideTheRoot) {
  for (const std::string& location : {"file://" + (dir_.path() / "secret.csv").string(), std::string("file://../secret.csv"),
                                      std::string("file://a/../../secret.csv"), std::string("file:///etc/passwd")}) {
    auto d = loader_.load(location);
    ASSERT_FALSE(d.ok()) << location;
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument) << location;
    EXPECT_FALSE(d.error().retryable);
    EXPECT_NE(d.error().message.find("outside the dataset root"), std::string::npos) << d.error().message;
  }
}

TEST_F(DatasetLoaderFiles, RefusesSymlinksThatEscapeTheRoot) {
  fs::create_symlink(dir_.path() / "secret.csv", root_ / "link.csv");
  fs::create_directory_symlink(dir_.path(), root_ / "up");
  EXPECT_EQ(code_of("file://link.csv"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("file://up/secret.csv"), ErrorCode::kInvalidArgument);
  // A symlink that stays inside the root is fine.
  fs::create_symlink(root_ / "a" / "good.csv", root_ / "inside.csv");
  EXPECT_TRUE(loader_.load("file://inside.csv").ok());
}

TEST_F(DatasetLoaderFiles, NamesMissingFilesAndUnsupportedLocations) {
  auto missing = loader_.load("file://a/nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message.rfind("no dataset at file://a/nope.csv", 0), 0u) << missing.error().message;
  EXPECT_EQ(code_of("file://a"), ErrorCode::kInvalidArgument);  // a directory
  EXPECT_EQ(code_of("http://example.com/x.csv"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("file://"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("s3://bucket/key.csv"), ErrorCode::kInvalidArgument);  // no S3_ENDPOINT configured
}

TEST_F(DatasetLoaderFiles, RefusesAFileOverTheSizeLimitBeforeReadingIt) {
  DatasetLoader small(DatasetSources{root_, "", "", "", DatasetLimits{8, 100, 10}, {}});
  auto d = small.load("file://a/good.csv");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kPayloadTooLarge);
}

TEST_F(DatasetLoaderFiles, InterruptStopsReading) {
  auto d = loader_.load("file://a/good.csv", [] { return Status(Error::conflict("job cancelled")); });
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "job cancelled");
}

TEST(DemoDatasets, AreGeneratedOnceAndDeterministically) {
  TempDir a, b;
  ASSERT_TRUE(DemoDatasets::ensure(a.path()).ok());
  ASSERT_TRUE(DemoDatasets::ensure(b.path()).ok());
  for (const char* name : {"demo/churn.csv", "demo/house_prices.csv"}) {
    EXPECT_EQ(slurp(a.path() / name), slurp(b.path() / name)) << name;
  }
  DatasetLoader loader(DatasetSources{a.path(), "", "", "", {}, {}});
  auto churn = loader.load("file://demo/churn.csv");
  ASSERT_TRUE(churn.ok()) << churn.error().message;
  EXPECT_EQ(churn->rows, 5000u);
  EXPECT_EQ(churn->columns.back().name, "churned");
  EXPECT_LT(churn->columns[*churn->index_of("total_charges")].present(), 5000u);  // some missing values
  EXPECT_EQ(churn->columns[*churn->index_of("contract")].type, ColumnType::kCategorical);
  auto houses = loader.load("file://demo/house_prices.csv");
  ASSERT_TRUE(houses.ok());
  EXPECT_EQ(houses->rows, 3000u);
  EXPECT_EQ(houses->columns.back().name, "price");

  // An existing file is left alone.
  write(a.path() / "demo" / "churn.csv", "mine\n");
  ASSERT_TRUE(DemoDatasets::ensure(a.path()).ok());
  EXPECT_EQ(slurp(a.path() / "demo" / "churn.csv"), "mine\n");
}

// ---- S3, against a real s3rver on loopback ----

class DatasetLoaderS3 : public ::testing::Test {
 protected:
  std::string endpoint() const { return server_.endpoint(); }

  TempDir dir_;
  chatdb::testing::TestS3Server server_{chatdb::testing::free_port(), dir_.path()};
};

TEST_F(DatasetLoaderS3, StreamsAnObjectAndGivesTheSameDatasetAsTheFile) {
  // Larger than one S3 read chunk, so the parser sees the object in pieces.
  std::string csv = "id,x,label\n";
  for (int i = 0; i < 40000; ++i) csv += "r" + std::to_string(i) + "," + std::to_string(i * 0.5) + "," + (i % 3 ? "a" : "\"b,c\"") + "\n";
  artifacts::S3Options options{endpoint(), "datasets", "S3RVER", "S3RVER"};
  auto store = artifacts::S3ArtifactStore::open(options);
  ASSERT_TRUE(store.ok());
  std::istringstream in(csv);
  ASSERT_TRUE((*store)->put("team/data.csv", in).ok());
  write(dir_.path() / "root" / "data.csv", csv);

  DatasetLoader loader(DatasetSources{dir_.path() / "root", endpoint(), "S3RVER", "S3RVER", {}, {}});
  auto from_s3 = loader.load("s3://datasets/team/data.csv");
  ASSERT_TRUE(from_s3.ok()) << from_s3.error().message;
  auto from_file = loader.load("file://data.csv");
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_s3->rows, 40000u);
  EXPECT_EQ(from_s3->sha256, from_file->sha256);
  EXPECT_EQ(from_s3->columns[2].categories, (std::vector<std::string>{"b,c", "a"}));
  EXPECT_EQ(from_s3->columns[1].numbers, from_file->columns[1].numbers);

  auto missing = loader.load("s3://datasets/team/none.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(missing.error().retryable);
  EXPECT_EQ(loader.load("s3://datasets").error().code, ErrorCode::kInvalidArgument);
}

TEST(DatasetLoaderS3Down, IsRetryableUnavailable) {
  DatasetLoader loader(DatasetSources{"/tmp", "http://127.0.0.1:" + std::to_string(free_port()), "k", "s", {}, {}});
  auto d = loader.load("s3://datasets/x.csv");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(d.error().retryable);
}

}  // namespace
}  // namespace chatdb::ml
