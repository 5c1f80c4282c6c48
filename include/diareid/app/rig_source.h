// Pictures taken now through the rig, for enrol, verify and identify.
#pragma once

#include <vector>

#include "diareid/app/session.h"

namespace diareid {

// Opens the rig of source.rig_file, homes it, brings source.well under the
// camera and takes source.shots pictures (PNG-encoded for the gallery).
// Throws RigError for a rig fault and InputError for a bad rig file or well.
std::vector<Picture> CapturePictures(const PictureSource& source);

}  // namespace diareid
