// kill -9 during enrolment and re-index, and two writers at once: the
// gallery stays intact and every committed enrolment stays whole.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "diareid/core/error.h"
#include "diareid/store/gallery.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

// Starts the driver with stdout to `log`; returns its pid.
pid_t StartDriver(const std::vector<std::string>& args,
                  const std::filesystem::path& log) {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* out = std::fopen(log.c_str(), "a");
    if (out != nullptr) dup2(fileno(out), STDOUT_FILENO);
    std::vector<char*> argv;
    std::string program = DIAREID_GALLERY_DRIVER;
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (auto& arg : copy) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::set<std::string> Committed(const std::filesystem::path& log) {
  std::set<std::string> ids;
  std::ifstream in(log);
  std::string word, id, model;
  while (in >> word) {
    if (word == "committed" && in >> id >> model) ids.insert(id);
  }
  return ids;
}

class GalleryCrashTest : public testing::TempDirTest {
 protected:
  // Every stone in the gallery holds exactly its enrolment's embeddings,
  // from the model it was enrolled with; no committed stone is missing.
  void ExpectEnrolmentsWhole(Gallery& gallery,
                             const std::set<std::string>& committed) {
    std::set<std::string> present;
    for (const StoneSummary& stone : gallery.ListStones()) {
      present.insert(stone.id);
      bool whole = false;
      for (const char* name : {"driver-a", "driver-b"}) {
        auto model = testing::SyntheticModel(name, name[7] == 'a' ? 32 : 24);
        EnrolmentInput expected = testing::SyntheticEnrolment(
            stone.id, model, 4, std::stoull(stone.id.substr(1)));
        EmbeddingMatrix stored = References(gallery, model.id, stone.id);
        whole = whole || (stored.rows() == expected.embeddings.rows() &&
                          stored.cols() == expected.embeddings.cols() &&
                          stored == expected.embeddings);
      }
      EXPECT_TRUE(whole) << stone.id << " is not whole";
    }
    for (const std::string& id : committed)
      EXPECT_EQ(present.count(id), 1u) << "committed " << id << " was lost";
  }

  // One stone's references from a model (empty when the model is unknown).
  EmbeddingMatrix References(Gallery& gallery, const std::string& model,
                             const std::string& stone) {
    auto found = cache_.find(model);
    if (found == cache_.end()) {
      ReferenceSet set;
      try {
        set = gallery.LoadReferences(model);
      } catch (const InputError&) {
      }
      found = cache_.emplace(model, std::move(set)).first;
    }
    const ReferenceSet& set = found->second;
    std::vector<Eigen::Index> rows;
    for (size_t r = 0; r < set.stone_ids.size(); ++r)
      if (set.stone_ids[r] == stone)
        rows.push_back(static_cast<Eigen::Index>(r));
    EmbeddingMatrix out(static_cast<Eigen::Index>(rows.size()),
                        set.vectors.cols());
    for (size_t k = 0; k < rows.size(); ++k)
      out.row(static_cast<Eigen::Index>(k)) = set.vectors.row(rows[k]);
    return out;
  }

  std::map<std::string, ReferenceSet> cache_;
};

TEST_F(GalleryCrashTest, KillNineDuringEnrolAndReindexLosesNothing) {
  std::filesystem::path gallery_dir = dir() / "gallery";
  std::filesystem::path log = dir() / "driver.log";
  std::mt19937 random(20261204);
  int next = 0;
  int kills = 0;
  constexpr int kRounds = 72;
  for (int round = 0; round < kRounds; ++round) {
    bool reindex = round % 3 == 2;
    std::vector<std::string> args =
        reindex ? std::vector<std::string>{"reindex", gallery_dir.string(),
                                           "driver-b"}
                : std::vector<std::string>{"enrol", gallery_dir.string(),
                                           std::to_string(next), "40"};
    if (!reindex) next += 40;
    pid_t pid = StartDriver(args, log);
    // Mostly early kills; every fourth round runs longer, so that commits
    // happen even on a slow or busy machine.
    int longest_ms = round % 4 == 3 ? 2500 : 300;
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<>(10, longest_ms)(random)));
    if (kill(pid, SIGKILL) == 0) ++kills;
    Wait(pid);
    if (round % 10 == 9) {
      GalleryOptions options;
      options.dir = gallery_dir;
      for (const CheckFinding& finding : Gallery::Open(options)->Check(false))
        ADD_FAILURE() << "after round " << round << ": " << finding.what;
    }
  }
  EXPECT_GE(kills, 50);
  GalleryOptions options;
  options.dir = gallery_dir;
  auto gallery = Gallery::Open(options);
  for (const CheckFinding& finding : gallery->Check(false))
    ADD_FAILURE() << finding.what;
  std::set<std::string> committed = Committed(log);
  EXPECT_GT(committed.size(), 10u);
  ExpectEnrolmentsWhole(*gallery, committed);

  // A re-index left alone finishes, and the stones keep their references.
  pid_t pid = StartDriver({"reindex", gallery_dir.string(), "driver-b"}, log);
  EXPECT_EQ(Wait(pid), 0);
  auto model_b = testing::SyntheticModel("driver-b", 24);
  EXPECT_EQ(gallery->ActiveModel(), model_b.id);
  EXPECT_EQ(gallery->LoadReferences(model_b.id).vectors.rows(),
            static_cast<Eigen::Index>(gallery->ListStones().size() * 4));
  EXPECT_TRUE(gallery->Check(false).empty());
}

TEST_F(GalleryCrashTest, TwoWritersAtOnceBothSucceed) {
  std::filesystem::path gallery_dir = dir() / "gallery";
  std::filesystem::path log = dir() / "driver.log";
  pid_t a = StartDriver({"enrol", gallery_dir.string(), "0", "25"}, log);
  pid_t b = StartDriver({"enrol", gallery_dir.string(), "1000", "25"}, log);
  EXPECT_EQ(Wait(a), 0);
  EXPECT_EQ(Wait(b), 0);
  GalleryOptions options;
  options.dir = gallery_dir;
  auto gallery = Gallery::Open(options);
  std::set<std::string> committed = Committed(log);
  EXPECT_EQ(committed.size(), 50u);
  EXPECT_EQ(gallery->ListStones().size(), 50u);
  ExpectEnrolmentsWhole(*gallery, committed);
  EXPECT_TRUE(gallery->Check(false).empty());
}

}  // namespace
}  // namespace diareid
