#include "diareid/app/rig_source.h"

#include <spdlog/spdlog.h>

#include <opencv2/imgcodecs.hpp>

#include "diareid/rig/capture.h"

namespace diareid {

std::vector<Picture> CapturePictures(const PictureSource& source) {
  Rig rig(source.rig_file, source.tray_file);
  // Refuse a well the tray does not have before the table moves at all.
  rig.tray().Find(source.well);
  spdlog::info("Rig: {}", rig.Describe());
  rig.Home();
  std::vector<Shot> shots = rig.Shots(source.well, source.shots);
  std::vector<Picture> pictures;
  pictures.reserve(shots.size());
  for (auto& shot : shots) {
    Picture picture;
    picture.name = rig.rig_file().name + " well " + shot.well + " shot " +
                   std::to_string(shot.index + 1);
    std::vector<unsigned char> png;
    if (!cv::imencode(".png", shot.image, png))
      throw InternalError("cannot encode " + picture.name + " as PNG");
    picture.encoded.assign(png.begin(), png.end());
    picture.bgr = std::move(shot.image);
    picture.rig = rig.rig_file().name;
    picture.well = shot.well;
    pictures.push_back(std::move(picture));
  }
  return pictures;
}

}  // namespace diareid
