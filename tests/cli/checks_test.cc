// What verify, identify and eval refuse to conclude: a stone shown by a
// replayed enrolment picture or by pictures of two stones, distractors that
// are the test stones themselves, and a calibration without impostors.
#include <gtest/gtest.h>

#include "diareid/core/files.h"
#include "jobs_fixture.h"
#include "testing.h"

namespace diareid {
namespace {

TEST_F(JobsTest, ReplayedEnrolmentPictureIsInconclusive) {
  EnrolStones(1);
  // Shot 2 was enrolled; shots 6 and 7 are new pictures of the same stone.
  RunResult r = Diareid("verify --id stone-0 --images" + Join(Shots(0), 6, 8) +
                        " " + Shots(0)[2]);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("INCONCLUSIVE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replayed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fs::path(Shots(0)[2]).filename().string()),
            std::string::npos)
      << r.out;
  // The new pictures alone pass.
  EXPECT_EQ(
      Diareid("verify --id stone-0 --images" + Join(Shots(0), 6, 8)).exit_code,
      0);
}

TEST_F(JobsTest, IdentifyCallsAReplayedEnrolmentPictureInconclusive) {
  EnrolStones(2);
  RunResult r = Diareid("identify --images " + Shots(1)[3]);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("INCONCLUSIVE: replayed pictures"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("enrolment picture of stone-1"), std::string::npos)
      << r.out;
  // A new picture of the same stone is identified.
  RunResult fresh = Diareid("identify --images " + Shots(1)[7]);
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  EXPECT_NE(fresh.out.find("SAME STONE: enrolled stone stone-1"),
            std::string::npos)
      << fresh.out;
}

TEST_F(JobsTest, PicturesOfTwoStonesAreInconclusiveNotAveraged) {
  EnrolStones(2);
  // Three new pictures of stone 0 and one of stone 1: their average may
  // still be near stone 0, but one picture is far from it.
  RunResult r = Diareid("verify --id stone-0 --images" + Join(Shots(0), 6, 9) +
                        " " + Shots(1)[6]);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("INCONCLUSIVE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("disagree"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fs::path(Shots(1)[6]).filename().string()),
            std::string::npos)
      << r.out;
  // All of stone 1: a plain DIFFERENT STONE, naming stone 1.
  RunResult other =
      Diareid("verify --id stone-0 --images" + Join(Shots(1), 6, 9));
  EXPECT_EQ(other.exit_code, 1) << other.out << other.err;
  EXPECT_NE(other.out.find("stone-1"), std::string::npos) << other.out;
}

TEST_F(JobsTest, DistractorsThatAreTheTestStonesAreRefused) {
  RunResult r = RunCommand(DiareidBinary() + " --log-level warn eval --data " +
                           data_.string() + " --distractors " + data_.string() +
                           " --refs 2 --repeats 1");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("both in --data"), std::string::npos) << r.err;
}

TEST_F(JobsTest, CalibrationWithoutImpostorsLeavesTheModelAlone) {
  const fs::path model = dir() / "copy.dmodel";
  fs::copy_file(DIAREID_SOURCE_DIR "/models/diareid-default.dmodel", model);
  const std::string before = ReadFile(model);
  const fs::path one = dir() / "one-stone";
  fs::create_directories(one);
  fs::copy(fs::path(Shots(0)[0]).parent_path(),
           one / fs::path(Shots(0)[0]).parent_path().filename());
  RunResult r = RunCommand(DiareidBinary() + " --log-level warn --model " +
                           model.string() + " eval --data " + one.string() +
                           " --refs 2 --repeats 1 --calibrate");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("impostor"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(model), before);
}

}  // namespace
}  // namespace diareid
