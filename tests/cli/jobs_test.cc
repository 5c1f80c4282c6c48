// Enrol, verify and identify end to end through the binary, on pictures
// rendered by the simulator, with the shipped model; and what each command
// does with bad input: its exit code, its one line, and a gallery unchanged.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "jobs_fixture.h"
#include "testing.h"

namespace diareid {
namespace {

TEST_F(JobsTest, ReturnedStoneVerifiesAndSwitchedStoneIsCaught) {
  EnrolStones(4);
  for (int i = 0; i < 4; ++i) {
    RunResult same = Diareid("verify --id stone-" + std::to_string(i) +
                             " --images" + Join(Shots(i), 6, 10));
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    EXPECT_NE(same.out.find("SAME STONE"), std::string::npos) << same.out;
  }
  // Stone 1's pictures presented as stone 0: a switch.
  RunResult switched =
      Diareid("verify --id stone-0 --images" + Join(Shots(1), 6, 10));
  EXPECT_EQ(switched.exit_code, 1) << switched.out << switched.err;
  EXPECT_NE(switched.out.find("DIFFERENT STONE"), std::string::npos);
  EXPECT_NE(switched.out.find("stone-1"), std::string::npos)
      << "verify should say which enrolled stone the pictures match: "
      << switched.out;
}

TEST_F(JobsTest, IdentifyRanksTheRightStoneFirst) {
  EnrolStones(4);
  for (int i = 0; i < 4; ++i) {
    RunResult r =
        Diareid("--json identify --top 2 --images" + Join(Shots(i), 7, 8));
    // One picture may land just outside the threshold (NOT FOUND, exit 1);
    // the ranking is what this test checks.
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    size_t first = r.out.find("\"stone\"");
    ASSERT_NE(first, std::string::npos) << r.out;
    EXPECT_EQ(r.out.substr(first, 30).find("stone-" + std::to_string(i)) !=
                  std::string::npos,
              true)
        << r.out;
  }
}

TEST_F(JobsTest, EnrollingAnIdTwiceNeedsReEnrol) {
  EnrolStones(1);
  RunResult again =
      Diareid("enrol --id stone-0 --images" + Join(Shots(0), 3, 6));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--re-enrol"), std::string::npos) << again.err;
  RunResult re =
      Diareid("enrol --re-enrol --id stone-0 --images" + Join(Shots(0), 3, 6));
  EXPECT_EQ(re.exit_code, 0) << re.err;
  RunResult show = Diareid("--json gallery show stone-0");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("re-enrol"), std::string::npos) << show.out;
}

TEST_F(JobsTest, EnrollingTheSameStoneUnderAnotherIdWarns) {
  EnrolStones(1);
  RunResult r = Diareid("enrol --id copy-of-0 --images" + Join(Shots(0), 3, 6));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("looks like enrolled stone stone-0"), std::string::npos)
      << r.out;
}

TEST_F(JobsTest, CorruptEmptyAndStonelessPicturesAreRefusedAndChangeNothing) {
  EnrolStones(1);
  std::string before = GalleryList();
  std::ofstream(dir() / "corrupt.png") << "\x89PNG\r\n\x1a\n garbage";
  std::ofstream(dir() / "empty.png");
  cv::imwrite((dir() / "black.png").string(),
              cv::Mat(256, 256, CV_8UC3, cv::Scalar::all(0)));
  for (const char* name : {"corrupt.png", "empty.png", "black.png"}) {
    RunResult r = Diareid("enrol --id stone-9 --images " + Shots(2)[0] + " " +
                          (dir() / name).string());
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  RunResult none =
      Diareid("verify --id stone-0 --images " + (dir() / "black.png").string());
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_NE(none.out.find("INCONCLUSIVE"), std::string::npos) << none.out;
  EXPECT_EQ(GalleryList().find("stone-9"), std::string::npos);
  EXPECT_EQ(Diareid("gallery check").exit_code, 0);
  (void)before;
}

TEST_F(JobsTest, UnknownAndMalformedIdsAreBadInput) {
  EnrolStones(1);
  RunResult unknown = Diareid("verify --id stone-7 --images " + Shots(0)[4]);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("stone-7"), std::string::npos) << unknown.err;
  RunResult malformed =
      Diareid("enrol --id 'bad id/..' --images " + Shots(0)[4]);
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("bad id/.."), std::string::npos)
      << malformed.err;
  RunResult history = Diareid("gallery show stone-7");
  EXPECT_EQ(history.exit_code, 2) << history.err;
}

TEST_F(JobsTest, VerifyOnAMissingGalleryDoesNotCreateOne) {
  RunResult r = Diareid("verify --id stone-0 --images " + Shots(0)[0]);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(gallery()));
}

TEST_F(JobsTest, GalleryThatIsAFileIsBadInput) {
  std::ofstream(gallery()) << "not a folder";
  RunResult r = Diareid("enrol --id stone-0 --images " + Shots(0)[0]);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find(gallery().string()), std::string::npos) << r.err;
}

TEST_F(JobsTest, FullDiskFailsTheEnrolmentAndLosesNothing) {
  EnrolStones(1);
  // A file-size limit makes writes fail as on a full disk (EFBIG); the
  // signal it raises is ignored so that the write itself reports the error.
  RunResult r =
      RunCommand("trap '' XFSZ; ulimit -f 64; " + DiareidBinary() +
                 " --log-level error --gallery " + gallery().string() +
                 " enrol --id stone-1 " + "--images" + Join(Shots(1), 0, 6));
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(GalleryList().find("stone-1"), std::string::npos);
  EXPECT_EQ(Diareid("gallery check").exit_code, 0);
  RunResult still =
      Diareid("verify --id stone-0 --images" + Join(Shots(0), 6, 10));
  EXPECT_EQ(still.exit_code, 0) << still.err;
}

TEST_F(JobsTest, TamperingWithTheDatabaseIsFoundByCheck) {
  EnrolStones(2);
  ASSERT_EQ(Diareid("gallery check").exit_code, 0);
  fs::path db = gallery() / "gallery.sqlite";
  RunResult edit =
      RunCommand("sqlite3 " + db.string() +
                 " \"UPDATE embeddings SET vector = zeroblob(length(vector)) "
                 "WHERE id = 1\"");
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  RunResult check = Diareid("gallery check");
  EXPECT_EQ(check.exit_code, 4) << check.out << check.err;
}

TEST_F(JobsTest, DeletingAnEventIsFoundByCheck) {
  EnrolStones(2);
  fs::path db = gallery() / "gallery.sqlite";
  RunResult del = RunCommand(
      "sqlite3 " + db.string() +
      " \"DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = 2\"");
  ASSERT_EQ(del.exit_code, 0) << del.err;
  RunResult check = Diareid("gallery check");
  EXPECT_EQ(check.exit_code, 4) << check.out << check.err;
}

}  // namespace
}  // namespace diareid

namespace diareid {
namespace {

TEST_F(JobsTest, AnotherMetricNeedsItsOwnThreshold) {
  EnrolStones(2);
  // The model's threshold is a distance in its own metric; under another
  // it would accept every stone or none.
  const std::string other =
      ShippedMetric() == "cosine" ? "euclidean" : "cosine";
  RunResult r = Diareid("verify --metric " + other + " --id stone-0 --images" +
                        Join(Shots(1), 6, 10));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--threshold"), std::string::npos) << r.err;
  RunResult bad = Diareid("verify --threshold nan --id stone-0 --images" +
                          Join(Shots(0), 6, 10));
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
}

TEST_F(JobsTest, ExportNeverOverwritesAFile) {
  EnrolStones(1);
  fs::path db = gallery() / "gallery.sqlite";
  RunResult r = Diareid("gallery export --out " + db.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Diareid("gallery check").exit_code, 0);
}

TEST_F(JobsTest, SignedGalleryRefusesWritesWithoutItsKey) {
  std::ofstream(dir() / "shop.key") << "0123456789abcdef0123456789abcdef";
  std::string key = " --key-file " + (dir() / "shop.key").string() + " ";
  RunResult enrol =
      Diareid(key + "enrol --id stone-0 --images" + Join(Shots(0), 0, 6));
  ASSERT_EQ(enrol.exit_code, 0) << enrol.err;
  RunResult unsigned_verify =
      Diareid("verify --id stone-0 --images" + Join(Shots(0), 6, 10));
  EXPECT_EQ(unsigned_verify.exit_code, 2) << unsigned_verify.err;
  EXPECT_NE(unsigned_verify.err.find("--key-file"), std::string::npos);
  EXPECT_EQ(Diareid(key + "gallery check").exit_code, 0);
}

}  // namespace
}  // namespace diareid
