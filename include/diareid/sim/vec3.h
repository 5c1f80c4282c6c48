// A three-vector and a 3x3 rotation, just what the ray tracer needs.
#pragma once

#include <cmath>

namespace diareid::sim {

// A point or direction in the stone's frame: x, y in the girdle plane, z up
// towards the table; unit length is the girdle diameter.
struct Vec3 {
  double x = 0;
  double y = 0;
  double z = 0;
};

inline Vec3 operator+(Vec3 a, Vec3 b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
inline Vec3 operator-(Vec3 a, Vec3 b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
inline Vec3 operator*(double s, Vec3 a) { return {s * a.x, s * a.y, s * a.z}; }
inline double Dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 Cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double Norm(Vec3 a) { return std::sqrt(Dot(a, a)); }
inline Vec3 Normalized(Vec3 a) { return (1.0 / Norm(a)) * a; }

// A rotation as a row-major 3x3 matrix.
struct Mat3 {
  double m[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  Vec3 operator*(Vec3 v) const {
    return {m[0] * v.x + m[1] * v.y + m[2] * v.z,
            m[3] * v.x + m[4] * v.y + m[5] * v.z,
            m[6] * v.x + m[7] * v.y + m[8] * v.z};
  }
  // The inverse of a rotation.
  Mat3 Transposed() const {
    return {{m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]}};
  }
  Mat3 operator*(const Mat3& b) const {
    Mat3 c;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        c.m[3 * i + j] = m[3 * i] * b.m[j] + m[3 * i + 1] * b.m[3 + j] +
                         m[3 * i + 2] * b.m[6 + j];
    return c;
  }
};

// Rotation by `angle_rad` about a unit axis (Rodrigues).
inline Mat3 AxisAngle(Vec3 axis, double angle_rad) {
  double c = std::cos(angle_rad), s = std::sin(angle_rad), t = 1 - c;
  double x = axis.x, y = axis.y, z = axis.z;
  return {{t * x * x + c, t * x * y - s * z, t * x * z + s * y,
           t * x * y + s * z, t * y * y + c, t * y * z - s * x,
           t * x * z - s * y, t * y * z + s * x, t * z * z + c}};
}

// Degrees to radians.
inline double Radians(double degrees) { return degrees * 0.017453292519943295; }

}  // namespace diareid::sim
