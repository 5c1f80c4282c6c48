// `gallery check --repair`, `backup`, `restore` and signed galleries as a
// user meets them: what each says, and with which exit code.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "jobs_fixture.h"

namespace diareid {
namespace {

using GalleryCmdTest = JobsTest;

TEST_F(GalleryCmdTest, RepairSaysWhatItRepairedAndRecordsIt) {
  EnrolStones(1);
  // A picture file no capture uses, older than an hour: what an
  // interrupted enrolment leaves, and what --repair removes.
  const fs::path stray = gallery() / "pictures" / "00" / "stray.png";
  fs::create_directories(stray.parent_path());
  std::ofstream(stray) << "left by an interrupted enrolment";
  fs::last_write_time(stray,
                      fs::file_time_type::clock::now() - std::chrono::hours(2));
  RunResult r = Diareid("--json gallery check --repair");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(fs::exists(stray));
  auto result = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(result.contains("repairs")) << r.out;
  ASSERT_EQ(result["repairs"].size(), 1u) << r.out;
  EXPECT_NE(result["repairs"][0].get<std::string>().find("removed 1 picture"),
            std::string::npos)
      << r.out;
  RunResult events =
      RunCommand("sqlite3 " + (gallery() / "gallery.sqlite").string() +
                 " \"SELECT payload FROM events WHERE kind = 'check'\"");
  ASSERT_EQ(events.exit_code, 0) << events.err;
  EXPECT_NE(events.out.find("removed 1 picture"), std::string::npos)
      << "the check event does not record the repair: " << events.out;
  RunResult text = Diareid("gallery check --repair");
  EXPECT_NE(text.out.find("is intact"), std::string::npos) << text.out;
}

TEST_F(GalleryCmdTest, BackupIntoAMissingFolderNamesTheGivenPath) {
  EnrolStones(1);
  const fs::path out = dir() / "absent" / "bk.sqlite";
  RunResult r = Diareid("gallery backup --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(out.string() + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(".partial"), std::string::npos) << r.err;
}

TEST_F(GalleryCmdTest, RestoreFromAFileThatIsNoBackupIsBadInput) {
  const fs::path junk = dir() / "junk.sqlite";
  std::ofstream(junk) << "these are not the pages of a database";
  RunResult r = Diareid("gallery restore --from " + junk.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("backup file " + junk.string() +
                       " is not a diareid gallery backup"),
            std::string::npos)
      << r.err;
  const fs::path empty = dir() / "empty.sqlite";
  ASSERT_EQ(RunCommand("sqlite3 " + empty.string() + " 'CREATE TABLE t(x)'")
                .exit_code,
            0);
  RunResult other = Diareid("gallery restore --from " + empty.string());
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("not a diareid gallery backup"), std::string::npos)
      << other.err;
  EXPECT_FALSE(fs::exists(gallery()));
}

TEST_F(GalleryCmdTest, SignedGallerySaysWhichWriteNeedsTheKey) {
  std::ofstream(dir() / "shop.key") << "0123456789abcdef0123456789abcdef";
  const std::string key = " --key-file " + (dir() / "shop.key").string() + " ";
  ASSERT_EQ(Diareid(key + "enrol --id stone-0 --images" + Join(Shots(0), 0, 6))
                .exit_code,
            0);
  RunResult verify =
      Diareid("verify --id stone-0 --images" + Join(Shots(0), 6, 10));
  EXPECT_EQ(verify.exit_code, 2) << verify.err;
  EXPECT_NE(verify.err.find("this command writes to it"), std::string::npos)
      << verify.err;
  EXPECT_NE(verify.err.find("verify"), std::string::npos) << verify.err;

  RunResult check = Diareid("gallery check");
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("signatures were not checked"), std::string::npos)
      << check.out;
  RunResult json = Diareid("--json gallery check");
  auto result = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(result.is_object()) << json.out;
  EXPECT_TRUE(result["findings"].empty()) << json.out;
  EXPECT_NE(result["notes"].dump().find("signatures were not checked"),
            std::string::npos)
      << json.out;
  RunResult keyed = Diareid(key + "gallery check");
  EXPECT_EQ(keyed.out.find("not checked"), std::string::npos) << keyed.out;
}

TEST_F(GalleryCmdTest, NightlyScriptHelpListsItsSettings) {
  const std::string script = DIAREID_SOURCE_DIR "/tools/nightly-reindex.sh";
  const fs::path state = dir() / "state";
  for (const char* flag : {"--help", "-h"}) {
    RunResult r = RunCommand("DIAREID_STATE=" + state.string() + " bash " +
                             script + " " + flag);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const char* key : {"DIAREID_GALLERY", "DIAREID_STATE", "DIAREID_MODEL",
                            "DIAREID_KEY", "KEEP_NIGHTS"})
      EXPECT_NE(r.out.find(key), std::string::npos) << flag << ": " << r.out;
  }
  EXPECT_FALSE(fs::exists(state)) << "--help started a run";
  RunResult unknown = RunCommand("DIAREID_STATE=" + state.string() + " bash " +
                                 script + " --verbose");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
}

}  // namespace
}  // namespace diareid
