// Enrol and verify wall time for 8 pictures at the shipped model's input
// size, split into decode, preprocessing, embedding and database, through
// the same typed functions the binary calls. Prints one table.
//
//   build/tools/bench/jobs [--repeats N] [--threads T] [--model FILE]
#include <spdlog/spdlog.h>

#include <unistd.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "diareid/app/enrol.h"
#include "diareid/app/verify.h"
#include "diareid/sim/dataset.h"

namespace fs = std::filesystem;
using namespace diareid;  // NOLINT(google-build-using-namespace): a tool

namespace {

struct Row {
  StageTimes times;
  double wall_ms = 0;
};

void Accumulate(Row& total, const StageTimes& t, double wall_ms) {
  total.times.acquire_ms += t.acquire_ms;
  total.times.decode_ms += t.decode_ms;
  total.times.preprocess_ms += t.preprocess_ms;
  total.times.embed_ms += t.embed_ms;
  total.times.database_ms += t.database_ms;
  total.wall_ms += wall_ms;
}

void PrintRow(const char* stage, double enrol, double verify, double n,
              double enrol_wall, double verify_wall) {
  std::printf("| %-22s | %9.1f | %5.1f%% | %9.1f | %5.1f%% |\n", stage,
              enrol / n, 100 * enrol / enrol_wall, verify / n,
              100 * verify / verify_wall);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Enrol and verify wall time, split by stage"};
  int repeats = 5;
  int threads = 0;
  std::string model;
  app.add_option("--repeats", repeats, "Enrol + verify rounds")
      ->capture_default_str();
  app.add_option("--threads", threads, "Threads, 0: all cores");
  app.add_option("--model", model, "Model file (default: shipped)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  fs::path work = fs::temp_directory_path() /
                  ("diareid-bench-jobs-" + std::to_string(::getpid()));
  sim::DatasetOptions data;
  data.out = work / "data";
  data.stones = 1;
  data.shots = 16;
  data.seed = 99;
  data.threads = threads;
  sim::RenderDataset(data);
  std::vector<fs::path> shots;
  for (const auto& entry : fs::directory_iterator(data.out / "s99-00000"))
    shots.push_back(entry.path());
  std::sort(shots.begin(), shots.end());

  Row enrol_total, verify_total;
  for (int round = 0; round < repeats; ++round) {
    SessionOptions options;
    options.gallery.dir = work / ("gallery-" + std::to_string(round));
    options.model = model;
    options.embedder.threads = threads;
    options.create_gallery = true;
    EnrolOptions enrol;
    enrol.stone_id = "bench-stone";
    enrol.source.images.assign(shots.begin(), shots.begin() + 8);
    auto start = std::chrono::steady_clock::now();
    Session enrol_session(options);
    EnrolResult enrolled = Enrol(enrol_session, enrol);
    double enrol_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count();
    VerifyOptions verify;
    verify.stone_id = "bench-stone";
    verify.source.images.assign(shots.begin() + 8, shots.end());
    start = std::chrono::steady_clock::now();
    Session verify_session(options);
    VerifyResult verified = Verify(verify_session, verify);
    double verify_ms = std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - start)
                           .count();
    if (round > 0 || repeats == 1) {  // the first round warms caches
      Accumulate(enrol_total, enrolled.times, enrol_ms);
      Accumulate(verify_total, verified.times, verify_ms);
    }
  }
  double n = repeats > 1 ? repeats - 1 : 1;
  double ew = enrol_total.wall_ms, vw = verify_total.wall_ms;
  std::printf("8 pictures per job, %d timed rounds, means in ms\n\n", int(n));
  std::printf("| %-22s | %9s | %6s | %9s | %6s |\n", "stage", "enrol ms",
              "share", "verify ms", "share");
  std::printf("|%s|%s|%s|%s|%s|\n", "------------------------", "-----------",
              "--------", "-----------", "--------");
  const StageTimes& e = enrol_total.times;
  const StageTimes& v = verify_total.times;
  PrintRow("read files", e.acquire_ms, v.acquire_ms, n, ew, vw);
  PrintRow("decode", e.decode_ms, v.decode_ms, n, ew, vw);
  PrintRow("preprocess", e.preprocess_ms, v.preprocess_ms, n, ew, vw);
  PrintRow("embed", e.embed_ms, v.embed_ms, n, ew, vw);
  PrintRow("database", e.database_ms, v.database_ms, n, ew, vw);
  double e_rest = ew - e.acquire_ms - e.decode_ms - e.preprocess_ms -
                  e.embed_ms - e.database_ms;
  double v_rest = vw - v.acquire_ms - v.decode_ms - v.preprocess_ms -
                  v.embed_ms - v.database_ms;
  PrintRow("open model + gallery", e_rest, v_rest, n, ew, vw);
  PrintRow("whole job", ew, vw, n, ew, vw);
  fs::remove_all(work);
  return 0;
}
