#include "artifacts/s3_artifact_store.h"
#include "ml/dataset_loader.h"
#include "ml/demo_datasets.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace chatdb::ml {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("chatdb-ml-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

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
  DatasetLoaderFiles() : root_(dir_.path() / "datasets"), loader_(DatasetSources{root_, "", "", "", {}}) {
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
  DatasetLoader small(DatasetSources{root_, "", "", "", DatasetLimits{8, 100, 10}});
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
  DatasetLoader loader(DatasetSources{a.path(), "", "", "", {}});
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

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool port_answers(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class DatasetLoaderS3 : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(CHATDB_S3RVER)) << CHATDB_S3RVER << " is missing: run scripts/install-deps.sh";
    port_ = free_port();
    std::string port = std::to_string(port_), directory = dir_.path().string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::setenv("NODE_OPTIONS", "--openssl-legacy-provider", 1);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(CHATDB_S3RVER, CHATDB_S3RVER, "--address", "127.0.0.1", "--port", port.c_str(), "--directory",
              directory.c_str(), "--silent", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!port_answers(port_)) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "s3rver did not start";
      std::this_thread::sleep_for(20ms);
    }
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  TempDir dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
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

  DatasetLoader loader(DatasetSources{dir_.path() / "root", endpoint(), "S3RVER", "S3RVER", {}});
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
  DatasetLoader loader(DatasetSources{"/tmp", "http://127.0.0.1:" + std::to_string(free_port()), "k", "s", {}});
  auto d = loader.load("s3://datasets/x.csv");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(d.error().retryable);
}

}  // namespace
}  // namespace chatdb::ml
