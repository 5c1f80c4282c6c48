// Gallery benchmark: fills a gallery with synthetic stones (8 embeddings
// each, no rendering), then times identify (1:N) over a contiguous cached
// matrix of per-stone mean references (Eigen matrix-vector product against a
// plain loop), verify (1:1, from the database and from the cache), memory,
// database size and re-index throughput without embedding.
//   gallery_bench [--stones N] [--dims 1024,256] [--dir DIR] [--queries Q]
#include <spdlog/spdlog.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "diareid/app/reindex.h"
#include "diareid/core/hash.h"
#include "diareid/core/logging.h"
#include "diareid/store/gallery.h"

namespace diareid {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kShots = 8;

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since)
      .count();
}

double ResidentMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  return 0;
}

ModelInfo Model(const std::string& name, int dim) {
  ModelInfo model;
  model.id = Sha256Hex("bench " + name + std::to_string(dim));
  model.name = name;
  model.embedding_size = dim;
  return model;
}

// Per-stone mean references, one contiguous row each, with squared norms.
struct MeanMatrix {
  EmbeddingMatrix means;
  Eigen::VectorXf norms;
  std::vector<std::string> ids;
  std::unordered_map<std::string, int> row_of;
};

MeanMatrix BuildMeans(const ReferenceSet& set) {
  MeanMatrix out;
  std::unordered_map<std::string, int> count;
  for (const auto& id : set.stone_ids)
    if (out.row_of.emplace(id, static_cast<int>(out.ids.size())).second)
      out.ids.push_back(id);
  out.means.setZero(static_cast<Eigen::Index>(out.ids.size()),
                    set.vectors.cols());
  for (size_t r = 0; r < set.stone_ids.size(); ++r) {
    int row = out.row_of[set.stone_ids[r]];
    out.means.row(row) += set.vectors.row(static_cast<Eigen::Index>(r));
    ++count[set.stone_ids[r]];
  }
  for (size_t i = 0; i < out.ids.size(); ++i)
    out.means.row(static_cast<Eigen::Index>(i)) /=
        static_cast<float>(count[out.ids[i]]);
  out.norms = out.means.rowwise().squaredNorm();
  return out;
}

// Index of the nearest mean (squared Euclidean): |m|^2 - 2 m.q (+ |q|^2).
int NearestEigen(const MeanMatrix& m, const Eigen::RowVectorXf& q) {
  Eigen::VectorXf scores = m.norms - 2.0f * (m.means * q.transpose());
  Eigen::Index best;
  scores.minCoeff(&best);
  return static_cast<int>(best);
}

int NearestLoop(const MeanMatrix& m, const Eigen::RowVectorXf& q) {
  const float* data = m.means.data();
  const int n = static_cast<int>(m.means.rows());
  const int d = static_cast<int>(m.means.cols());
  int best = 0;
  float best_distance = 1e30f;
  for (int i = 0; i < n; ++i) {
    float sum = 0;
    for (int c = 0; c < d; ++c) {
      float diff = data[static_cast<size_t>(i) * d + c] - q[c];
      sum += diff * diff;
    }
    if (sum < best_distance) {
      best_distance = sum;
      best = i;
    }
  }
  return best;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void RunOne(const std::filesystem::path& root, int stones, int dim,
            int queries) {
  std::filesystem::path dir = root / ("gallery-" + std::to_string(dim));
  std::filesystem::remove_all(dir);
  GalleryOptions options;
  options.dir = dir;
  auto gallery = Gallery::Open(options);
  ModelInfo model = Model("bench", dim);
  gallery->RegisterModel(model);
  std::mt19937 random(dim);
  std::normal_distribution<float> normal;
  // One shared picture file: the benchmark is about embeddings.
  std::string picture = "\x89PNG\r\n\x1a\n synthetic";

  auto fill_start = Clock::now();
  constexpr int kStonesPerTransaction = 500;
  for (int first = 0; first < stones; first += kStonesPerTransaction) {
    std::vector<EnrolmentInput> inputs;
    for (int s = first; s < std::min(stones, first + kStonesPerTransaction);
         ++s) {
      EnrolmentInput input;
      input.stone_id = "S" + std::to_string(s);
      input.model_id = model.id;
      input.embeddings.resize(kShots, dim);
      for (int i = 0; i < kShots; ++i) {
        input.captures.push_back({picture, "bench", "A1", "synthetic"});
        for (int c = 0; c < dim; ++c) input.embeddings(i, c) = normal(random);
      }
      inputs.push_back(std::move(input));
    }
    gallery->EnrolMany(inputs);
  }
  double fill_s = Ms(fill_start) / 1000;

  auto load_start = Clock::now();
  ReferenceSet set = gallery->LoadReferences(model.id);
  double load_ms = Ms(load_start);
  auto build_start = Clock::now();
  MeanMatrix means = BuildMeans(set);
  double build_ms = Ms(build_start);
  double rss = ResidentMiB();

  std::vector<double> eigen_ms, loop_ms, verify_db_ms, verify_cache_ms;
  int agree = 0;
  for (int k = 0; k < queries; ++k) {
    int target = static_cast<int>(random() % means.ids.size());
    Eigen::RowVectorXf q = means.means.row(target);
    for (int c = 0; c < dim; ++c) q[c] += 0.05f * normal(random);
    auto t = Clock::now();
    int a = NearestEigen(means, q);
    eigen_ms.push_back(Ms(t));
    t = Clock::now();
    int b = NearestLoop(means, q);
    loop_ms.push_back(Ms(t));
    agree += (a == b && a == target);
    t = Clock::now();
    ReferenceSet one =
        gallery->LoadStoneReferences(model.id, means.ids[target]);
    float distance = (one.vectors.colwise().mean() - q).norm();
    verify_db_ms.push_back(Ms(t));
    t = Clock::now();
    float cached =
        (means.means.row(means.row_of[means.ids[target]]) - q).norm();
    verify_cache_ms.push_back(Ms(t));
    if (distance < 0 || cached < 0) std::abort();
  }

  // Re-index throughput without embedding: a second model's embeddings for
  // a slice of the pictures, written in the re-index's short transactions.
  ModelInfo next = Model("bench-next", dim);
  long slice = std::min<long>(20000, static_cast<long>(stones) * kShots);
  ReindexOptions reindex;
  reindex.gallery = options;
  reindex.max_pictures = slice;
  reindex.batch_size = 64;
  PictureBatchEmbedder embed =
      [&](const std::vector<std::filesystem::path>& pictures,
          EmbeddingMatrix& rows, std::vector<std::string>& failures) {
        rows.setRandom(static_cast<Eigen::Index>(pictures.size()), dim);
        std::fill(failures.begin(), failures.end(), "");
      };
  auto reindex_start = Clock::now();
  spdlog::set_level(spdlog::level::warn);
  ReindexSummary summary = ReindexGallery(*gallery, next, "", embed, reindex);
  double reindex_s = Ms(reindex_start) / 1000;
  double db_mib =
      std::filesystem::file_size(dir / "gallery.sqlite") / 1048576.0;

  std::printf(
      "| %7d | %4d | %8.1f | %8.2f | %8.2f | %6.1f | %8.3f | %8.4f | %7.0f "
      "| %7.0f | %6.0f | %5d/%d | %8.0f |\n",
      stones, dim, fill_s, Median(eigen_ms), Median(loop_ms),
      Median(loop_ms) / Median(eigen_ms), Median(verify_db_ms),
      Median(verify_cache_ms), load_ms + build_ms, rss, db_mib, agree, queries,
      summary.embedded / reindex_s);
  std::fflush(stdout);
}

}  // namespace
}  // namespace diareid

int main(int argc, char** argv) {
  int stones = 100000;
  int queries = 30;
  std::vector<int> dims = {1024, 256};
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "diareid-gallery-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--stones") {
      stones = std::stoi(argv[i + 1]);
    } else if (flag == "--queries") {
      queries = std::stoi(argv[i + 1]);
    } else if (flag == "--dir") {
      dir = argv[i + 1];
    } else if (flag == "--dims") {
      dims.clear();
      std::stringstream list(argv[i + 1]);
      std::string item;
      while (std::getline(list, item, ',')) dims.push_back(std::stoi(item));
    } else {
      std::fprintf(stderr, "gallery_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  diareid::SetUpLogging("warn", "");
  std::printf(
      "| stones |  dim | fill (s) | identify Eigen (ms) | identify loop (ms) "
      "| ratio | verify DB (ms) | verify cached (ms) | load+means (ms) | RSS "
      "(MiB) | DB (MiB) | correct | reindex w/o embedding (pictures/s) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int dim : dims) diareid::RunOne(dir, stones, dim, queries);
  std::filesystem::remove_all(dir);
  return 0;
}
