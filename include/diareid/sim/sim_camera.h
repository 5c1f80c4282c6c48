// The simulated camera: a camera back end ("simulated") that renders the
// stone lying in the well under the lens, so that the rig's capture code
// drives it exactly as it drives a real camera.
//
// Settings (the rig file's [camera] table, all optional):
//   size                picture width and height, px (256)
//   preset              nuisance preset: clean, realistic, hard (realistic)
//   placement           a name for how the stones were put down; another
//                       placement turns and tilts every stone anew ("0")
//   stone_diameter_mm   girdle diameter of the stones, mm (2.0)
//   exposure            exposure factor on top of the preset's (1.0)
//   dust_seed           which dust lies on this rig's optics (1)
//   supersampling       rays per pixel along each side (2)
// Stones come from the tray file: [wells.A1] stone = "<seed>:<index>".
#pragma once

namespace diareid::sim {

// Registers the back end "simulated" with RegisterCameraBackend.
void RegisterSimulatedCamera();

}  // namespace diareid::sim
