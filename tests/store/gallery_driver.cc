// A small program that writes synthetic data into a gallery, for the tests
// that kill it at random points or run two of it at once:
//   gallery_driver enrol DIR FIRST COUNT   enrols stones S<FIRST>... and
//                                          prints "committed ID" after each
//   gallery_driver reindex DIR MODEL       re-indexes with a synthetic model
#include <cstdio>
#include <cstdlib>
#include <string>

#include "diareid/app/reindex.h"
#include "diareid/core/error.h"
#include "diareid/core/logging.h"
#include "synthetic.h"

namespace {

int Enrol(const std::filesystem::path& dir, int first, int count) {
  diareid::GalleryOptions options;
  options.dir = dir;
  auto gallery = diareid::Gallery::Open(options);
  // Enrol with the active model, as the shop does: the first model, or the
  // one a finished re-index switched to.
  auto model = diareid::testing::SyntheticModel("driver-a", 32);
  auto model_b = diareid::testing::SyntheticModel("driver-b", 24);
  if (gallery->ActiveModel() == model_b.id) model = model_b;
  gallery->RegisterModel(model);
  for (int i = first; i < first + count; ++i) {
    std::string id = diareid::testing::DriverStoneId(i);
    gallery->Enrol(diareid::testing::SyntheticEnrolment(id, model, 4, i));
    std::printf("committed %s %s\n", id.c_str(), model.name.c_str());
    std::fflush(stdout);
  }
  return 0;
}

int Reindex(const std::filesystem::path& dir, const std::string& name) {
  diareid::GalleryOptions options;
  options.dir = dir;
  auto gallery = diareid::Gallery::Open(options);
  auto model = diareid::testing::SyntheticModel(name, 24);
  diareid::ReindexOptions reindex;
  reindex.gallery = options;
  reindex.batch_size = 3;
  auto summary = diareid::ReindexGallery(
      *gallery, model, "", diareid::testing::SyntheticPictureEmbedder(model),
      reindex);
  std::printf("%s\n", diareid::ToJson(summary).dump().c_str());
  return summary.switched ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    diareid::SetUpLogging("warn", "");
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "enrol" && argc == 5)
      return Enrol(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
    if (mode == "reindex" && argc == 4) return Reindex(argv[2], argv[3]);
    std::fprintf(stderr,
                 "usage: gallery_driver enrol DIR FIRST COUNT | reindex DIR "
                 "MODEL\n");
    return 2;
  } catch (const diareid::Error& e) {
    std::fprintf(stderr, "gallery_driver: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}
