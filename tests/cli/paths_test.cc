// Paths the binary writes and reads outside the gallery: output paths that
// cannot be written, a log file in a missing folder, a tampered model file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing.h"

namespace diareid {
namespace {

namespace fs = std::filesystem;
using testing::DiareidBinary;
using testing::RunCommand;
using testing::RunResult;

class PathsTest : public testing::TempDirTest {
 protected:
  RunResult Diareid(const std::string& args) {
    return RunCommand(DiareidBinary() + " --log-level warn " + args);
  }
  // A regular file, for paths that lead through it.
  fs::path PlainFile() {
    fs::path file = dir() / "plain";
    std::ofstream(file) << "a file, not a folder";
    return file;
  }
  // A small model file (three layers, 64 px) written by `model init`.
  fs::path SmallModel() {
    fs::path model = dir() / "small.dmodel";
    RunResult r = Diareid("model init --layers 3 --input-size 64 --out " +
                          model.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return model;
  }
};

TEST_F(PathsTest, ModelInitToAPathThatCannotBeWrittenIsBadInput) {
  for (const fs::path& out :
       {PlainFile() / "m.dmodel", dir() / "absent" / "m.dmodel"}) {
    RunResult r =
        Diareid("model init --layers 3 --input-size 64 --out " + out.string());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(out.string()), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir() / "absent"));
  RunResult folder =
      Diareid("model init --layers 3 --input-size 64 --out " + dir().string());
  EXPECT_EQ(folder.exit_code, 2) << folder.err;
}

TEST_F(PathsTest, DatasetUnderAFileIsBadInput) {
  fs::path out = PlainFile() / "dataset";
  RunResult r = Diareid(
      "simulate dataset --stones 1 --shots 1 --size 64 --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(out.string()), std::string::npos) << r.err;
  RunResult stone =
      Diareid("simulate stone --size 64 --out " + (out / "s.png").string());
  EXPECT_EQ(stone.exit_code, 2) << stone.err;
}

TEST_F(PathsTest, SimulatedPictureInAMissingFolderIsBadInput) {
  for (const std::string& command :
       {std::string("simulate stone --size 64"),
        std::string("simulate contact-sheet --stones 1 --shots 1 --size 64")}) {
    const fs::path out = dir() / "absent" / "x.png";
    RunResult r = Diareid(command + " --out " + out.string());
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
    EXPECT_NE(r.err.find(out.string()), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir() / "absent")) << command;
  }
}

TEST_F(PathsTest, LogFileInAMissingFolderIsRefused) {
  fs::path log = dir() / "logs" / "diareid.log";
  RunResult r = Diareid("--log-file " + log.string() + " version");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--log-file"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir() / "logs")) << "the folder was created";
  fs::create_directory(dir() / "logs");
  EXPECT_EQ(Diareid("--log-file " + log.string() + " version").exit_code, 0);
  EXPECT_TRUE(fs::exists(log));
}

TEST_F(PathsTest, ModelInfoRefusesATamperedFile) {
  fs::path model = SmallModel();
  RunResult good = Diareid("model info " + model.string());
  ASSERT_EQ(good.exit_code, 0) << good.err;
  // Flip one byte of the last tensor: the file still parses, but its
  // content no longer hashes to its ID.
  {
    std::fstream file(model, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-2, std::ios::end);
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x5a);
    file.seekp(-2, std::ios::end);
    file.write(&byte, 1);
  }
  RunResult tampered = Diareid("model info " + model.string());
  EXPECT_NE(tampered.exit_code, 0) << tampered.out;
  EXPECT_TRUE(tampered.exit_code == 2 || tampered.exit_code == 4)
      << tampered.exit_code << " " << tampered.err;
  EXPECT_NE(tampered.err.find("damaged"), std::string::npos) << tampered.err;
  EXPECT_TRUE(tampered.out.empty()) << tampered.out;
}

}  // namespace
}  // namespace diareid
