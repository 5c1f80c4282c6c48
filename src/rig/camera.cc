#include "diareid/rig/camera.h"

#include <mutex>

#include "diareid/core/error.h"
#include "opencv_camera.h"

namespace diareid {
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, CameraFactory>& Backends() {
  static std::map<std::string, CameraFactory> backends = [] {
    std::map<std::string, CameraFactory> b;
    b["opencv"] = rig_internal::OpenOpenCvCamera;
    return b;
  }();
  return backends;
}

}  // namespace

void RegisterCameraBackend(const std::string& name, CameraFactory factory) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Backends()[name] = std::move(factory);
}

std::unique_ptr<Camera> OpenCamera(const std::string& backend,
                                   const CameraSettings& settings,
                                   const CameraContext& context) {
  CameraFactory factory;
  {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    auto it = Backends().find(backend);
    if (it == Backends().end()) {
      std::string known;
      for (const auto& [name, unused] : Backends())
        known += (known.empty() ? "" : ", ") + name;
      throw InputError("camera.backend '" + backend +
                       "' is unknown; expected one of: " + known);
    }
    factory = it->second;
  }
  return factory(settings, context);
}

}  // namespace diareid
