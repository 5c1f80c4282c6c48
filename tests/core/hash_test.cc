#include "diareid/core/hash.h"

#include <gtest/gtest.h>

#include <fstream>

#include "diareid/core/error.h"
#include "testing.h"

namespace diareid {
namespace {

// Known answers from FIPS 180-2 and RFC 4231.
TEST(HashTest, Sha256MatchesPublishedVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashTest, HmacMatchesRfc4231Case2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HashTest, IncrementalEqualsOneShot) {
  std::string data(100000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = char(i * 7 + 3);
  Sha256 sha;
  sha.Update(data.data(), 1234);
  sha.Update(data.data() + 1234, data.size() - 1234);
  EXPECT_EQ(sha.FinishHex(), Sha256Hex(data));
}

class HashFileTest : public testing::TempDirTest {};

TEST_F(HashFileTest, FileHashEqualsContentHash) {
  std::string data(300000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = char(i % 251);
  auto path = dir() / "blob.bin";
  std::ofstream(path, std::ios::binary) << data;
  EXPECT_EQ(Sha256FileHex(path), Sha256Hex(data));
}

TEST_F(HashFileTest, MissingFileIsAnInputErrorNamingIt) {
  try {
    Sha256FileHex(dir() / "absent.png");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("absent.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace diareid
