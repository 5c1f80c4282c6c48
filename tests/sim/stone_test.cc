#include "diareid/sim/stone.h"

#include <gtest/gtest.h>

#include <cmath>

#include "diareid/core/error.h"
#include "diareid/sim/dataset.h"

namespace diareid::sim {
namespace {

TEST(StoneTest, IdNamesSeedAndFiveDigitIndex) {
  EXPECT_EQ(StoneId(7, 3), "s7-00003");
  EXPECT_EQ(StoneId(12345, 67890), "s12345-67890");
}

TEST(StoneTest, SameSeedAndIndexGiveTheSameStone) {
  EXPECT_EQ(StoneToJson(GenerateStone(7, 3)), StoneToJson(GenerateStone(7, 3)));
  EXPECT_NE(StoneToJson(GenerateStone(7, 3))["cut"],
            StoneToJson(GenerateStone(7, 4))["cut"]);
  EXPECT_NE(StoneToJson(GenerateStone(7, 3))["cut"],
            StoneToJson(GenerateStone(8, 3))["cut"]);
}

TEST(StoneTest, GeneratedStonesStayWithinTolerances) {
  StoneTolerances tol;
  for (long i = 0; i < 50; ++i) {
    StoneRecipe r = GenerateStone(1, i);
    EXPECT_GE(r.cut.table, tol.table_min);
    EXPECT_LE(r.cut.table, tol.table_max);
    EXPECT_GE(r.cut.pavilion_angle_deg, tol.pavilion_angle_min);
    EXPECT_LE(r.cut.pavilion_angle_deg, tol.pavilion_angle_max);
    EXPECT_LE(r.irregularities.out_of_round, tol.out_of_round_max);
    EXPECT_EQ(r.irregularities.facets.size(), size_t(kFacetCount));
    EXPECT_LE(r.irregularities.inclusions.size(), size_t(tol.inclusions_max));
    StoneGeometry g = BuildGeometry(r);
    for (const Inclusion& inc : g.inclusions)
      EXPECT_TRUE(Contains(g, inc.centre, inc.radius));
  }
}

TEST(StoneTest, FacetCountFollowsTheCulet) {
  StoneRecipe r;
  EXPECT_EQ(BuildGeometry(r).planes.size(), 57u);
  r.cut.culet = 0.02;
  EXPECT_EQ(BuildGeometry(r).planes.size(), 58u);
  EXPECT_EQ(FacetNames().size(), size_t(kFacetCount));
}

// Tolkowsky's ideal: crown height 0.162 and pavilion depth 0.431 of the
// diameter (from the reference), measured on the built solid along the axis.
TEST(StoneTest, TolkowskyProportionsGiveThePublishedHeights) {
  StoneRecipe r;
  r.cut.table = 0.53;
  r.cut.crown_angle_deg = 34.5;
  r.cut.pavilion_angle_deg = 40.75;
  r.cut.girdle = 0.0;
  StoneGeometry g = BuildGeometry(r);
  auto top = [&](double x, double y) {
    double z = 1;
    while (z > -1 && !Contains(g, {x, y, z})) z -= 1e-4;
    return z;
  };
  auto bottom = [&](double x, double y) {
    double z = -1;
    while (z < 1 && !Contains(g, {x, y, z})) z += 1e-4;
    return z;
  };
  EXPECT_NEAR(top(0, 0), 0.162, 0.002);
  EXPECT_NEAR(-bottom(0.001, 0.001), 0.431, 0.003);
  // The girdle is round with radius 0.5: its edge lies within the stone.
  EXPECT_TRUE(Contains(g, {0.499, 0, 0}));
  EXPECT_FALSE(Contains(g, {0.501, 0, 0}));
}

TEST(StoneTest, BadCutNamesTheValue) {
  StoneRecipe r;
  r.cut.pavilion_angle_deg = 60;
  try {
    BuildGeometry(r);
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pavilion angle"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("60"), std::string::npos);
  }
  EXPECT_THROW(GenerateStone(1, -1), InputError);
}

TEST(StoneTest, IrregularitiesMoveFacets) {
  StoneRecipe r;
  StoneGeometry ideal = BuildGeometry(r);
  r.irregularities.facets.resize(kFacetCount);
  r.irregularities.facets[9].inclination_deg = 1.0;  // star-1
  StoneGeometry changed = BuildGeometry(r);
  for (size_t i = 0; i < ideal.planes.size(); ++i) {
    double moved = Norm(ideal.planes[i].normal - changed.planes[i].normal);
    if (i == 9)
      EXPECT_NEAR(moved, 2 * std::sin(Radians(0.5)), 1e-9);
    else
      EXPECT_LT(moved, 1e-12);
  }
}

}  // namespace
}  // namespace diareid::sim
