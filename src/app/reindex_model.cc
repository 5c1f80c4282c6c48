// Reindex() with a real model file: LoadPicture, PreparePicture, Embedder.
#include <spdlog/spdlog.h>

#include "diareid/app/reindex.h"
#include "diareid/core/error.h"
#include "diareid/image/preprocess.h"
#include "diareid/model/default_model.h"

namespace diareid {

ReindexSummary Reindex(const ReindexOptions& options) {
  options.Check();
  std::filesystem::path file =
      options.model.empty() ? DefaultModelPath() : options.model;
  std::unique_ptr<Embedder> embedder = Embedder::Load(file, options.embedder);
  // The switch at the end would leave the shop unable to verify anything.
  if (embedder->info().verify_threshold <= 0)
    throw InputError("model " + file.string() +
                     " has no calibrated verdict threshold: calibrate it "
                     "with `diareid eval --calibrate` before re-indexing "
                     "the gallery with it");
  GalleryOptions gallery_options = options.gallery;
  if (!std::filesystem::exists(gallery_options.dir / "gallery.sqlite"))
    throw InputError("there is no gallery at " + gallery_options.dir.string() +
                     " to re-index");
  std::unique_ptr<Gallery> gallery = Gallery::Open(gallery_options);
  const ModelInfo& model = embedder->info();
  PictureBatchEmbedder embed =
      [&](const std::vector<std::filesystem::path>& pictures,
          EmbeddingMatrix& rows, std::vector<std::string>& failures) {
        std::vector<cv::Mat> inputs;
        std::vector<size_t> which;
        for (size_t i = 0; i < pictures.size(); ++i) {
          try {
            cv::Mat bgr = LoadPicture(pictures[i]);
            inputs.push_back(PreparePicture(bgr, model.preprocess,
                                            pictures[i].filename().string())
                                 .input);
            which.push_back(i);
          } catch (const InputError& e) {
            failures[i] = e.what();
          } catch (const cv::Exception& e) {
            // A damaged file OpenCV chokes on is the picture's fault, not
            // an internal error.
            failures[i] = "picture " + pictures[i].string() +
                          " cannot be decoded: " + e.err;
          }
        }
        rows.setZero(static_cast<Eigen::Index>(pictures.size()),
                     model.embedding_size);
        if (inputs.empty()) return;
        EmbeddingMatrix embedded = embedder->Embed(inputs);
        for (size_t k = 0; k < which.size(); ++k)
          rows.row(static_cast<Eigen::Index>(which[k])) =
              embedded.row(static_cast<Eigen::Index>(k));
      };
  return ReindexGallery(*gallery, model, file, embed, options);
}

}  // namespace diareid
