// The sharpness score of rendered pictures, as taken and blurred by a
// Gaussian of growing sigma: the evidence behind the default blur gate
// (PreprocessOptions::min_sharpness, docs/preprocessing.md).
//   sharpness --data DIR [--sigmas 1,2,3,4]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "diareid/core/logging.h"
#include "diareid/image/preprocess.h"
#include "diareid/train/dataset.h"

namespace {

// "min / 1st percentile / median" of a list.
void PrintSpread(const char* label, std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::printf("%-14s %6zu %10.3f %10.3f %10.3f %10.3f\n", label, values.size(),
              values.front(), values[values.size() / 100],
              values[values.size() / 2], values.back());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sharpness of sharp and blurred rendered pictures"};
  std::string data;
  std::vector<double> sigmas = {1, 2, 3, 4};
  app.add_option("--data", data, "Rendered stones: DIR/<stone-id>/*.png")
      ->required();
  app.add_option("--sigmas", sigmas, "Gaussian blurs, pixels of the picture")
      ->delimiter(',');
  CLI11_PARSE(app, argc, argv);
  diareid::SetUpLogging("warn", "");
  diareid::PreprocessOptions options;
  options.input_size = 64;
  std::vector<std::vector<double>> scores(sigmas.size() + 1);
  for (const auto& picture : diareid::ListDataset(data)) {
    const cv::Mat bgr = diareid::LoadPicture(picture.path);
    for (size_t i = 0; i <= sigmas.size(); ++i) {
      cv::Mat shown = bgr;
      if (i > 0) cv::GaussianBlur(bgr, shown, {0, 0}, sigmas[i - 1]);
      try {
        scores[i].push_back(
            diareid::PreparePicture(shown, options, picture.path.string())
                .sharpness);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
      }
    }
  }
  std::printf("%-14s %6s %10s %10s %10s %10s\n", "picture", "count", "min",
              "1st pct", "median", "max");
  PrintSpread("as rendered", scores[0]);
  for (size_t i = 0; i < sigmas.size(); ++i) {
    const std::string label =
        "blur sigma " + std::to_string(sigmas[i]).substr(0, 3);
    PrintSpread(label.c_str(), scores[i + 1]);
  }
  return 0;
}
