// Time to rank a gallery of N stones for one query (nearest average and
#include <algorithm>
#include <vector>
// k-NN over 8 references a stone), as a table. Not a test: never fails.
//
//   match [dims]     (default 1024)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "diareid/match/matcher.h"

namespace {

double CpuMs() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Median wall time and median processor time of a ranking, in ms: on a
// busy machine the wall time also counts the time other processes ran.
std::string MedianMs(const diareid::Matcher& matcher,
                     const diareid::EmbeddingMatrix& query) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < 9; ++i) {
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuMs();
    matcher.Rank(query, 10);
    cpu.push_back(CpuMs() - cpu_start);
    wall.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  char text[64];
  std::snprintf(text, sizeof(text), "%.2f (CPU %.2f)", wall[4], cpu[4]);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const int dims = argc > 1 ? std::atoi(argv[1]) : 1024;
  std::printf(
      "| stones | references | dims | nearest average ms | k-NN ms |\n");
  std::printf("| --- | --- | --- | --- | --- |\n");
  for (int stones : {1000, 10000, 100000}) {
    diareid::ReferenceSet mean_refs, all_refs;
    mean_refs.vectors = diareid::EmbeddingMatrix::Random(stones, dims);
    for (int s = 0; s < stones; ++s)
      mean_refs.stone_ids.push_back("s" + std::to_string(s));
    diareid::EmbeddingMatrix query = mean_refs.vectors.row(stones / 2);
    diareid::Matcher average(std::move(mean_refs), {});
    const std::string average_ms = MedianMs(average, query);
    std::string knn_ms = "not run";
    const int per_stone = 8;
    // k-NN keeps every reference: 8 x 100,000 x 1024 floats is 3 GiB, so
    // it is measured up to 10,000 stones only.
    if (stones <= 10000) {
      all_refs.vectors =
          diareid::EmbeddingMatrix::Random(stones * per_stone, dims);
      for (int s = 0; s < stones; ++s)
        for (int p = 0; p < per_stone; ++p)
          all_refs.stone_ids.push_back("s" + std::to_string(s));
      diareid::MatchOptions knn;
      knn.method = diareid::MatchMethod::kKnn;
      diareid::Matcher matcher(std::move(all_refs), knn);
      knn_ms = MedianMs(matcher, query);
    }
    std::printf("| %d | %d | %d | %s | %s |\n", stones, per_stone, dims,
                average_ms.c_str(), knn_ms.c_str());
  }
}
