// Sha256 against the FIPS 180-2 / NIST test vectors, and incremental hashing against one-shot.

#include "artifacts/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace chatdb::artifacts {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256::of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256::of(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesEqualOneShotAtEverySplit) {
  std::string message;
  for (int i = 0; i < 200; ++i) message += static_cast<char>(i * 7 + 3);
  const std::string expected = Sha256::of(message);
  for (std::size_t split = 0; split <= message.size(); ++split) {
    Sha256 hasher;
    hasher.update(std::string_view(message).substr(0, split));
    hasher.update(std::string_view(message).substr(split));
    ASSERT_EQ(hasher.finish(), expected) << "split at " << split;
  }
}

TEST(Sha256, FinishResetsForTheNextMessage) {
  Sha256 hasher;
  hasher.update("first message");
  (void)hasher.finish();
  hasher.update("abc");
  EXPECT_EQ(hasher.finish(), Sha256::of("abc"));
}

TEST(Sha256, RecognisesHexDigests) {
  EXPECT_TRUE(Sha256::is_hex_digest(Sha256::of("x")));
  EXPECT_FALSE(Sha256::is_hex_digest(""));
  EXPECT_FALSE(Sha256::is_hex_digest(std::string(63, 'a')));
  EXPECT_FALSE(Sha256::is_hex_digest(std::string(64, 'A')));  // uppercase is not the canonical form
  EXPECT_FALSE(Sha256::is_hex_digest(std::string(64, 'g')));
}

}  // namespace
}  // namespace chatdb::artifacts
