// What verify and identify print and record, and what they refuse before
// anything is judged or stored: pictures in a format the gallery does not
// keep, paths that are not regular files, a wrong key file, an operator
// name with control characters.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "jobs_fixture.h"
#include "testing.h"

namespace diareid {
namespace {

// The payloads of the gallery's events of one kind, oldest first.
std::vector<nlohmann::json> EventPayloads(const fs::path& gallery,
                                          const std::string& kind) {
  RunResult r = RunCommand("sqlite3 " + (gallery / "gallery.sqlite").string() +
                           " \"SELECT payload FROM events WHERE kind = '" +
                           kind + "' ORDER BY id\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> payloads;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    if (end > start)
      payloads.push_back(
          nlohmann::json::parse(r.out.substr(start, end - start)));
    start = end + 1;
  }
  return payloads;
}

int CountLines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST_F(JobsTest, PictureInAFormatTheGalleryDoesNotKeepIsRefusedUpFront) {
  EnrolStones(1);
  // OpenCV decodes PPM, the picture store does not keep it.
  fs::path ppm = dir() / "return.ppm";
  ASSERT_TRUE(cv::imwrite(ppm.string(), cv::imread(Shots(0)[6])));
  RunResult verify = RunCommand(
      DiareidBinary() + " --log-level info --gallery " + gallery().string() +
      " verify --id stone-0 --images " + ppm.string());
  EXPECT_EQ(verify.exit_code, 2) << verify.out << verify.err;
  EXPECT_NE(verify.err.find("return.ppm"), std::string::npos) << verify.err;
  EXPECT_NE(verify.err.find("PNG, JPEG, TIFF or BMP"), std::string::npos)
      << verify.err;
  EXPECT_EQ(verify.err.find("Verification of stone"), std::string::npos)
      << "a verdict was reached on a picture that cannot be kept: "
      << verify.err;
  EXPECT_EQ(EventPayloads(gallery(), "verify").size(), 0u);
  // `embed` accepts exactly what the gallery accepts.
  RunResult embed =
      Diareid("embed --images " + ppm.string() + " " + Shots(0)[6]);
  EXPECT_EQ(embed.exit_code, 2) << embed.err;
  EXPECT_NE(embed.out.find("PNG, JPEG, TIFF or BMP"), std::string::npos)
      << embed.out;
  RunResult enrol = Diareid("enrol --id stone-5 --images " + ppm.string());
  EXPECT_EQ(enrol.exit_code, 2) << enrol.err;
  EXPECT_EQ(CountLines(enrol.err), 1) << enrol.err;
  EXPECT_EQ(GalleryList().find("stone-5"), std::string::npos);
}

TEST_F(JobsTest, InconclusiveVerificationSaysWhyAndShowsNoDistance) {
  EnrolStones(1);
  cv::imwrite((dir() / "black.png").string(),
              cv::Mat(256, 256, CV_8UC3, cv::Scalar::all(0)));
  std::string args =
      "verify --id stone-0 --images " + (dir() / "black.png").string();
  RunResult text = Diareid(args);
  EXPECT_EQ(text.exit_code, 2) << text.err;
  EXPECT_NE(text.out.find("INCONCLUSIVE"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("none of the 1 pictures could be used"),
            std::string::npos)
      << text.out;
  EXPECT_EQ(text.out.find("distance"), std::string::npos) << text.out;
  RunResult json = Diareid("--json " + args);
  EXPECT_EQ(json.exit_code, 2) << json.err;
  auto result = nlohmann::json::parse(json.out);
  EXPECT_TRUE(result["distance"].is_null()) << json.out;
  EXPECT_TRUE(result["inconclusive_reason"].is_string()) << json.out;
  // The event says the same, with who asked; `gallery show` shows it.
  RunResult by_bob = Diareid("--operator bob " + args);
  EXPECT_EQ(by_bob.exit_code, 2) << by_bob.err;
  auto events = EventPayloads(gallery(), "verify");
  ASSERT_EQ(events.size(), 3u);
  const nlohmann::json& last = events.back();
  ASSERT_TRUE(last.contains("result")) << last.dump();
  EXPECT_TRUE(last["result"]["distance"].is_null()) << last.dump();
  EXPECT_TRUE(last["result"]["inconclusive_reason"].is_string()) << last.dump();
  EXPECT_EQ(last.value("operator", ""), "bob") << last.dump();
  RunResult show = Diareid("--json gallery show stone-0");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const auto shown = nlohmann::json::parse(show.out)["events"].back();
  EXPECT_EQ(shown.value("operator", ""), "bob") << shown.dump();
  EXPECT_TRUE(shown["result"]["inconclusive_reason"].is_string())
      << shown.dump();
}

TEST_F(JobsTest, StoredQueriesKeepStageTimesAndHowTheyWereMatched) {
  EnrolStones(2);
  ASSERT_EQ(
      Diareid("verify --id stone-0 --images" + Join(Shots(0), 6, 8)).exit_code,
      0);
  ASSERT_EQ(Diareid("identify --images" + Join(Shots(1), 6, 8)).exit_code, 0);
  for (const char* kind : {"verify", "identify"}) {
    auto events = EventPayloads(gallery(), kind);
    ASSERT_EQ(events.size(), 1u) << kind;
    const nlohmann::json& result = events.front()["result"];
    EXPECT_GT(result["times_ms"]["decode"].get<double>(), 0) << result.dump();
    EXPECT_GT(result["times_ms"]["embed"].get<double>(), 0) << result.dump();
    EXPECT_EQ(result["metric"], ShippedMetric()) << result.dump();
    EXPECT_TRUE(result["method"].is_string()) << result.dump();
    EXPECT_GT(result["threshold"].get<double>(), 0) << result.dump();
    EXPECT_EQ(result["model"].get<std::string>().size(), 64u) << result.dump();
  }
}

TEST_F(JobsTest, IdentifyCallsOnlyTheOneBestMatchTheSameStone) {
  EnrolStones(2);
  // Stone 1 enrolled a second time under another ID: two stones are now
  // within the threshold of its pictures.
  ASSERT_EQ(
      Diareid("enrol --id copy-of-1 --images" + Join(Shots(1), 3, 6)).exit_code,
      0);
  RunResult twice = Diareid("identify --images" + Join(Shots(1), 6, 8));
  EXPECT_EQ(twice.exit_code, 2) << twice.out << twice.err;
  EXPECT_EQ(twice.out.find("same stone"), std::string::npos) << twice.out;
  EXPECT_NE(twice.out.find("INCONCLUSIVE"), std::string::npos) << twice.out;
  EXPECT_NE(twice.out.find("copy-of-1"), std::string::npos) << twice.out;
  RunResult top1 =
      Diareid("--json identify --top 1 --images" + Join(Shots(1), 6, 8));
  EXPECT_EQ(top1.exit_code, 2) << top1.err;
  auto result = nlohmann::json::parse(top1.out);
  EXPECT_EQ(result["verdict"], "INCONCLUSIVE");
  EXPECT_TRUE(result["stone"].is_null());
  EXPECT_TRUE(result["rival"].is_object()) << top1.out;
  EXPECT_EQ(result["ranking"].size(), 1u);
  EXPECT_FALSE(result["ranking"][0]["same_stone"].get<bool>());

  RunResult one = Diareid("--json identify --images" + Join(Shots(0), 6, 8));
  EXPECT_EQ(one.exit_code, 0) << one.err;
  auto found = nlohmann::json::parse(one.out);
  EXPECT_EQ(found["verdict"], "SAME STONE");
  EXPECT_EQ(found["stone"], "stone-0");
  int same = 0;
  for (const auto& row : found["ranking"]) same += row["same_stone"] ? 1 : 0;
  EXPECT_EQ(same, 1) << one.out;

  RunResult none = Diareid("identify --images" + Join(Shots(3), 6, 8));
  EXPECT_EQ(none.exit_code, 1) << none.out << none.err;
  EXPECT_NE(none.out.find("NOT FOUND"), std::string::npos) << none.out;
}

TEST_F(JobsTest, WrongKeyFileIsRefusedForWrites) {
  std::ofstream(dir() / "shop.key") << "0123456789abcdef0123456789abcdef";
  std::ofstream(dir() / "other.key") << "fedcba9876543210fedcba9876543210";
  std::string key = " --key-file " + (dir() / "shop.key").string() + " ";
  std::string other = " --key-file " + (dir() / "other.key").string() + " ";
  ASSERT_EQ(Diareid(key + "enrol --id stone-0 --images" + Join(Shots(0), 0, 6))
                .exit_code,
            0);
  RunResult wrong =
      Diareid(other + "verify --id stone-0 --images" + Join(Shots(0), 6, 8));
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
  EXPECT_NE(wrong.err.find("other.key"), std::string::npos) << wrong.err;
  EXPECT_EQ(CountLines(wrong.err), 1) << wrong.err;
  RunResult enrol =
      Diareid(other + "enrol --id stone-1 --images" + Join(Shots(1), 0, 6));
  EXPECT_EQ(enrol.exit_code, 2) << enrol.err;
  // Nothing was signed with the other key: the chain checks clean.
  RunResult check = Diareid(key + "gallery check");
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(Diareid(key + "verify --id stone-0 --images" + Join(Shots(0), 6, 8))
                .exit_code,
            0);
}

TEST_F(JobsTest, OperatorWithAControlCharacterIsRefused) {
  RunResult r = Diareid(
      "--operator \"$(printf 'counter-1\\nFORGED')\" enrol "
      "--id stone-0 --images" +
      Join(Shots(0), 0, 6));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--operator"), std::string::npos) << r.err;
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(gallery()));
  EXPECT_EQ(Diareid("--operator 'counter 1' enrol --id stone-0 --images" +
                    Join(Shots(0), 0, 6))
                .exit_code,
            0);
}

TEST_F(JobsTest, PicturePathsThatAreNotRegularFilesAreRefusedAtOnce) {
  EnrolStones(1);
  fs::path fifo = dir() / "pictures.png";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A FIFO without a writer would block a read forever: `timeout` turns a
  // hang into exit 124.
  for (const char* command : {"verify --id stone-0", "identify", "embed"}) {
    RunResult r = RunCommand(
        "timeout 60 " + DiareidBinary() + " --log-level warn --gallery " +
        gallery().string() + " " + command + " --images " + fifo.string());
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
    EXPECT_NE(r.err.find("not a regular file"), std::string::npos)
        << command << ": " << r.err;
  }
  RunResult folder = Diareid("verify --id stone-0 --images " + dir().string());
  EXPECT_EQ(folder.exit_code, 2) << folder.err;
}

TEST_F(JobsTest, ExportToAPathUnderAFileIsBadInput) {
  EnrolStones(1);
  std::ofstream(dir() / "plain") << "a file, not a folder";
  std::string out = (dir() / "plain" / "export.json").string();
  RunResult r = Diareid("gallery export --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
  RunResult missing = Diareid("gallery export --out " +
                              (dir() / "absent" / "export.json").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("absent"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace diareid
