// Gallery benchmark: fills a gallery with synthetic stones (8 embeddings
// each, no rendering) in large transactions through the gallery's own API,
// then times what the shop waits for:
//   identify (1:N): the Matcher over the contiguous per-stone means, and a
//     plain loop over the same matrix for the ratio;
//   verify (1:1) beyond the embedding: FindStone, one stone's references
//     from SQLite, the matcher and the distance;
//   loading every reference (what each `diareid identify` command pays);
//   the re-index: nothing to embed (same model), and a new model's
//     embeddings from a synthetic embedder (all the work but the network);
//   peak memory and database size.
// With --model and --pictures (PNG files, e.g. from `diareid simulate
// dataset`), also the re-index through that model file on those pictures.
//   gallery [--stones N] [--dims 256,1024] [--dir DIR] [--queries Q]
//           [--reindex-pictures P] [--model FILE] [--pictures DIR] [--keep]
#include <spdlog/spdlog.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "diareid/app/reindex.h"
#include "diareid/core/files.h"
#include "diareid/core/hash.h"
#include "diareid/core/logging.h"
#include "diareid/store/gallery.h"

namespace diareid {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kShots = 8;
constexpr int kStonesPerTransaction = 2000;

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since)
      .count();
}

// Resident and peak resident memory from /proc, MiB.
double ProcMiB(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0)
      return std::stod(line.substr(field.size())) / 1024;
  return 0;
}

ModelInfo SyntheticModel(const std::string& name, int dim) {
  ModelInfo model;
  model.id = Sha256Hex("bench " + name + std::to_string(dim));
  model.name = name;
  model.embedding_size = dim;
  model.preprocess.input_size = 128;
  return model;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

int NearestLoop(const EmbeddingMatrix& means, const Eigen::RowVectorXf& q) {
  const float* data = means.data();
  const int n = static_cast<int>(means.rows());
  const int d = static_cast<int>(means.cols());
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

struct Settings {
  int stones = 100000;
  int queries = 30;
  long reindex_pictures = 50000;
  std::vector<int> dims = {256};
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "diareid-gallery-bench";
  std::filesystem::path model_file;
  std::filesystem::path pictures;
  bool keep = false;
};

struct Row {
  int stones = 0, dim = 0;
  double fill_s = 0, load_ms = 0, build_ms = 0;
  double identify_ms = 0, eigen_ms = 0, loop_ms = 0, verify_ms = 0;
  int correct = 0, queries = 0;
  double noop_reindex_s = 0, reindex_pps = 0;
  double rss_mib = 0, peak_mib = 0, db_mib = 0;
};

Row RunOne(const Settings& settings, const ModelInfo& model) {
  Row row;
  row.stones = settings.stones;
  row.dim = model.embedding_size;
  const int dim = model.embedding_size;
  std::filesystem::path dir = settings.dir / ("gallery-" + std::to_string(dim));
  std::filesystem::remove_all(dir);
  GalleryOptions options;
  options.dir = dir;
  auto gallery = Gallery::Open(options);
  gallery->RegisterModel(model, settings.model_file);
  std::mt19937 random(static_cast<unsigned>(dim));
  std::normal_distribution<float> normal;
  // One shared picture file: the benchmark is about embeddings.
  const std::string picture = "\x89PNG\r\n\x1a\n synthetic";

  auto fill_start = Clock::now();
  for (int first = 0; first < settings.stones; first += kStonesPerTransaction) {
    std::vector<EnrolmentInput> inputs;
    const int last = std::min(settings.stones, first + kStonesPerTransaction);
    for (int s = first; s < last; ++s) {
      EnrolmentInput input;
      input.stone_id = "S" + std::to_string(s);
      input.model_id = model.id;
      input.embeddings.resize(kShots, dim);
      // Eight views of one stone: a centre plus small deviations.
      Eigen::RowVectorXf centre(dim);
      for (int c = 0; c < dim; ++c) centre[c] = normal(random);
      for (int i = 0; i < kShots; ++i) {
        input.captures.push_back({picture, "bench", "A1", "synthetic"});
        for (int c = 0; c < dim; ++c)
          input.embeddings(i, c) = centre[c] + 0.1f * normal(random);
      }
      inputs.push_back(std::move(input));
    }
    gallery->EnrolMany(inputs);
    std::fprintf(stderr, "\rfilled %d/%d stones", last, settings.stones);
  }
  std::fprintf(stderr, "\n");
  row.fill_s = Ms(fill_start) / 1000;

  auto load_start = Clock::now();
  ReferenceSet set = gallery->LoadReferences(model.id);
  row.load_ms = Ms(load_start);
  auto build_start = Clock::now();
  MatchOptions match;
  Matcher matcher(set, match);
  row.build_ms = Ms(build_start);
  // The contiguous means the Matcher searches, for the plain loop.
  EmbeddingMatrix means = EmbeddingMatrix::Zero(matcher.StoneCount(), dim);
  std::vector<std::string> ids;
  for (Eigen::Index r = 0; r < set.vectors.rows(); r += kShots) {
    means.row(r / kShots) = set.vectors.middleRows(r, kShots).colwise().mean();
    ids.push_back(set.stone_ids[static_cast<size_t>(r)]);
  }
  row.rss_mib = ProcMiB("VmRSS:");

  std::vector<double> identify_ms, eigen_ms, loop_ms, verify_ms;
  for (int k = 0; k < settings.queries; ++k) {
    int target = static_cast<int>(random() % ids.size());
    EmbeddingMatrix query = set.vectors.middleRows(target * kShots, 2);
    query.array() += 0.05f;
    Eigen::RowVectorXf q = query.colwise().mean();
    auto t = Clock::now();
    std::vector<Candidate> ranking = matcher.Rank(query, 5);
    identify_ms.push_back(Ms(t));
    t = Clock::now();
    Eigen::VectorXf scores =
        means.rowwise().squaredNorm() - 2.0f * (means * q.transpose());
    Eigen::Index eigen_best;
    scores.minCoeff(&eigen_best);
    eigen_ms.push_back(Ms(t));
    t = Clock::now();
    int loop_best = NearestLoop(means, q);
    loop_ms.push_back(Ms(t));
    row.correct += ranking.front().stone_id == ids[target] &&
                   eigen_best == loop_best && loop_best == target;
    // Verify beyond the embedding: what Verify() does with a gallery.
    t = Clock::now();
    if (!gallery->FindStone(ids[target])) std::abort();
    Matcher one(gallery->LoadStoneReferences(model.id, ids[target]), match);
    double distance = one.DistanceTo(query, ids[target]);
    verify_ms.push_back(Ms(t));
    if (!(distance >= 0)) std::abort();
  }
  row.queries = settings.queries;
  row.identify_ms = Median(identify_ms);
  row.eigen_ms = Median(eigen_ms);
  row.loop_ms = Median(loop_ms);
  row.verify_ms = Median(verify_ms);
  set = ReferenceSet();
  means.resize(0, 0);

  // Re-index with nothing to embed: rebuild, check and switch only.
  ReindexOptions reindex;
  reindex.gallery = options;
  PictureBatchEmbedder unused = [](const std::vector<std::filesystem::path>&,
                                   EmbeddingMatrix&,
                                   std::vector<std::string>&) { std::abort(); };
  auto noop_start = Clock::now();
  ReindexSummary noop = ReindexGallery(*gallery, model, "", unused, reindex);
  row.noop_reindex_s = Ms(noop_start) / 1000;
  if (!noop.switched || noop.embedded != 0) std::abort();

  // Re-index without the network: a new model's embeddings for a slice of
  // the pictures, written in the re-index's short transactions.
  ModelInfo next = SyntheticModel("bench-next", dim);
  reindex.max_pictures = settings.reindex_pictures;
  reindex.batch_size = 16;
  PictureBatchEmbedder embed =
      [&](const std::vector<std::filesystem::path>& pictures,
          EmbeddingMatrix& rows, std::vector<std::string>& failures) {
        rows.setRandom(static_cast<Eigen::Index>(pictures.size()), dim);
        std::fill(failures.begin(), failures.end(), "");
      };
  auto reindex_start = Clock::now();
  ReindexSummary summary = ReindexGallery(*gallery, next, "", embed, reindex);
  row.reindex_pps = summary.embedded / (Ms(reindex_start) / 1000);
  row.db_mib = std::filesystem::file_size(dir / "gallery.sqlite") / 1048576.0;
  row.peak_mib = ProcMiB("VmHWM:");
  return row;
}

// The re-index through a real model file on real pictures: enrols them
// (eight per stone) with a synthetic model, then re-indexes.
double ReindexWithEmbedding(const Settings& settings, int* pictures_done) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(settings.pictures))
    if (entry.path().extension() == ".png") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::filesystem::path dir = settings.dir / "gallery-rendered";
  std::filesystem::remove_all(dir);
  GalleryOptions options;
  options.dir = dir;
  auto gallery = Gallery::Open(options);
  ModelInfo old = SyntheticModel("bench-old", 16);
  gallery->RegisterModel(old);
  std::vector<EnrolmentInput> inputs;
  for (size_t first = 0; first + kShots <= files.size(); first += kShots) {
    EnrolmentInput input;
    input.stone_id = "R" + std::to_string(first / kShots);
    input.model_id = old.id;
    input.embeddings.setRandom(kShots, old.embedding_size);
    for (size_t i = first; i < first + kShots; ++i)
      input.captures.push_back({ReadFile(files[i]), "", "", files[i].string()});
    inputs.push_back(std::move(input));
  }
  gallery->EnrolMany(inputs);
  gallery.reset();
  ReindexOptions reindex;
  reindex.gallery = options;
  reindex.model = settings.model_file;
  ReindexSummary summary = Reindex(reindex);
  *pictures_done = static_cast<int>(summary.embedded);
  if (!summary.switched)
    std::fprintf(stderr, "re-index with embedding did not switch: %s\n",
                 summary.needs_person.empty()
                     ? "pictures pending"
                     : summary.needs_person.front().c_str());
  return summary.pictures_per_second;
}

void PrintTables(const std::vector<Row>& rows) {
  std::printf(
      "\n| stones | dim | fill (s) | identify: Matcher::Rank (ms) | Eigen "
      "product (ms) | plain loop (ms) | loop / Eigen | verify beyond "
      "embedding (ms) | correct |\n|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& r : rows)
    std::printf(
        "| %d | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %.3f | %d/%d |\n",
        r.stones, r.dim, r.fill_s, r.identify_ms, r.eigen_ms, r.loop_ms,
        r.loop_ms / r.eigen_ms, r.verify_ms, r.correct, r.queries);
  std::printf(
      "\n| stones | dim | load all references (ms) | build matcher (ms) | RSS "
      "after load (MiB) | peak RSS (MiB) | database (MiB) | re-index, "
      "nothing to embed (s) | re-index without network (pictures/s) "
      "|\n|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& r : rows)
    std::printf(
        "| %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.0f |\n",
        r.stones, r.dim, r.load_ms, r.build_ms, r.rss_mib, r.peak_mib, r.db_mib,
        r.noop_reindex_s, r.reindex_pps);
  std::fflush(stdout);
}

}  // namespace
}  // namespace diareid

int main(int argc, char** argv) {
  diareid::Settings settings;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--keep") {
      settings.keep = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "gallery: %s needs a value\n", argv[i]);
      return 2;
    }
    std::string value = argv[++i];
    if (flag == "--stones") {
      settings.stones = std::stoi(value);
    } else if (flag == "--queries") {
      settings.queries = std::stoi(value);
    } else if (flag == "--reindex-pictures") {
      settings.reindex_pictures = std::stol(value);
    } else if (flag == "--dir") {
      settings.dir = value;
    } else if (flag == "--model") {
      settings.model_file = value;
    } else if (flag == "--pictures") {
      settings.pictures = value;
    } else if (flag == "--dims") {
      settings.dims.clear();
      std::stringstream list(value);
      std::string item;
      while (std::getline(list, item, ','))
        settings.dims.push_back(std::stoi(item));
    } else {
      std::fprintf(stderr, "gallery: unknown option %s\n", argv[i - 1]);
      return 2;
    }
  }
  if (settings.stones < 1 || settings.queries < 1 || settings.dims.empty()) {
    std::fprintf(stderr, "gallery: --stones and --queries must be positive\n");
    return 2;
  }
  diareid::SetUpLogging("warn", "");
  // With --model, the gallery of its size uses its ID, so that `diareid
  // identify` with that model can be timed against the kept gallery.
  diareid::ModelInfo real;
  if (!settings.model_file.empty()) {
    diareid::EmbedderOptions embedder;
    real = diareid::Embedder::Load(settings.model_file, embedder)->info();
  }
  std::vector<diareid::Row> rows;
  for (int dim : settings.dims) {
    diareid::ModelInfo model =
        !settings.model_file.empty() && real.embedding_size == dim
            ? real
            : diareid::SyntheticModel("bench", dim);
    rows.push_back(diareid::RunOne(settings, model));
    diareid::PrintTables(rows);
  }
  if (!settings.model_file.empty() && !settings.pictures.empty()) {
    int pictures = 0;
    double rate = diareid::ReindexWithEmbedding(settings, &pictures);
    std::printf(
        "\n| re-index with embedding (%s) | pictures | pictures/s |\n"
        "|---|---|---|\n| %s | %d | %.1f |\n",
        settings.model_file.filename().c_str(),
        settings.pictures.filename().c_str(), pictures, rate);
  }
  if (!settings.keep) std::filesystem::remove_all(settings.dir);
  return 0;
}
