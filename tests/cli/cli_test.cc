// The binary as a user meets it: help, version, usage errors, config files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "testing.h"

namespace diareid {
namespace {

using testing::DiareidBinary;
using testing::RunCommand;

class CliTest : public testing::TempDirTest {
 protected:
  testing::RunResult Diareid(const std::string& args) {
    return RunCommand(DiareidBinary() + " " + args);
  }
};

TEST_F(CliTest, HelpListsTheJewellersCommands) {
  auto r = Diareid("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* command : {"enrol", "verify", "identify", "version"})
    EXPECT_NE(r.out.find(command), std::string::npos) << command;
}

TEST_F(CliTest, VersionNamesLibTorchAndOpenCv) {
  auto r = Diareid("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("LibTorch 1."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OpenCV 4."), std::string::npos) << r.out;
  auto j = Diareid("version --json");
  EXPECT_EQ(j.exit_code, 0);
  EXPECT_NE(j.out.find("\"libtorch\""), std::string::npos) << j.out;
}

TEST_F(CliTest, UnknownCommandIsBadUsage) {
  auto r = Diareid("polish");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("polish"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownLogLevelIsBadUsageNamingTheOption) {
  auto r = Diareid("--log-level loud version");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--log-level"), std::string::npos) << r.err;
}

TEST_F(CliTest, MalformedConfigIsBadInput) {
  std::ofstream(dir() / "bad.toml") << "gallery = [unclosed\n";
  auto r = Diareid("--config " + (dir() / "bad.toml").string() + " version");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(r.err.empty());
}

TEST_F(CliTest, MissingConfigFileIsBadInput) {
  auto r = Diareid("--config " + (dir() / "absent.toml").string() + " version");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("absent.toml"), std::string::npos) << r.err;
}

TEST_F(CliTest, ConfigSetsGlobalOptionsAndCommandLineWins) {
  std::ofstream(dir() / "c.toml") << "log-level = \"loud\"\n";
  auto from_config =
      Diareid("--config " + (dir() / "c.toml").string() + " version");
  EXPECT_EQ(from_config.exit_code, 2) << "config value was not used";
  auto overridden = Diareid("--config " + (dir() / "c.toml").string() +
                            " --log-level warn version");
  EXPECT_EQ(overridden.exit_code, 0) << overridden.err;
}

TEST_F(CliTest, EnrolWithMissingPictureNamesIt) {
  auto r =
      Diareid("--gallery " + dir().string() + "/g enrol --id S1 --images " +
              dir().string() + "/absent.png");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("absent.png"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir() / "g"))
      << "a failing command created the gallery";
}

TEST_F(CliTest, EnrolNeedsEitherPicturesOrRig) {
  auto r = Diareid("--gallery " + dir().string() + "/g enrol --id S1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--images"), std::string::npos) << r.err;
}

// Every parse failure is one line that starts with the product's prefix.
void ExpectOneErrorLine(const testing::RunResult& r) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("diareid: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(CliTest, ParseFailuresAreOneErrorLine) {
  const std::string gallery = "--gallery " + (dir() / "g").string();
  for (const std::string& args :
       {gallery + " verify --id S --images " + (dir() / "none.png").string(),
        gallery + " verify --id S --rig " + (dir() / "nope.toml").string(),
        gallery + " verify --id S --threshold 0 --images x.png",
        std::string("--threads 2000 version"),
        std::string("capture --wells A1 --all --rig r.toml"), gallery,
        std::string("polish"), std::string("--log-level loud version"),
        std::string("--json")}) {
    SCOPED_TRACE(args);
    ExpectOneErrorLine(Diareid(args));
  }
}

// A FIFO or a folder given as the config file is refused at once (a FIFO
// used to wait for a writer forever).
TEST_F(CliTest, ConfigThatIsNotARegularFileIsRefusedAtOnce) {
  const std::string fifo = (dir() / "config.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& config : {fifo, dir().string()}) {
    auto r = RunCommand("timeout 60 " + DiareidBinary() + " --config " +
                        config + " version");
    ExpectOneErrorLine(r);
    EXPECT_NE(r.err.find("config file " + config + " is not a regular file"),
              std::string::npos)
        << r.err;
  }
}

TEST_F(CliTest, ConfigFileFaultsNameTheFileAndTheKey) {
  const std::string unknown = (dir() / "unknown.toml").string();
  std::ofstream(unknown) << "bogus = 1\n";
  auto r = Diareid("--config " + unknown + " version");
  ExpectOneErrorLine(r);
  EXPECT_NE(r.err.find("config file " + unknown), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown key 'bogus'"), std::string::npos) << r.err;

  const std::string wrong = (dir() / "wrong.toml").string();
  std::ofstream(wrong) << "[identify]\ntop = \"two\"\n";
  auto w = Diareid("--config " + wrong + " --gallery " +
                   (dir() / "g").string() + " identify --images x.png");
  ExpectOneErrorLine(w);
  EXPECT_NE(w.err.find("config file " + wrong), std::string::npos) << w.err;
  EXPECT_NE(w.err.find("'top'"), std::string::npos) << w.err;
  EXPECT_NE(w.err.find("expected"), std::string::npos) << w.err;

  const std::string range = (dir() / "range.toml").string();
  std::ofstream(range) << "threads = 2000\n";
  auto t = Diareid("--config " + range + " version");
  ExpectOneErrorLine(t);
  EXPECT_NE(t.err.find("config file " + range + ": key 'threads'"),
            std::string::npos)
      << t.err;
}

}  // namespace
}  // namespace diareid
