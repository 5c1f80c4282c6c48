#include "diareid/core/progress.h"

#include <gtest/gtest.h>

namespace diareid {
namespace {

TEST(ProgressTest, FormatsDurationsWithUnits) {
  EXPECT_EQ(FormatDuration(3.25), "3.2 s");
  EXPECT_EQ(FormatDuration(65), "1 min 05 s");
  EXPECT_EQ(FormatDuration(3 * 3600 + 120), "3 h 02 min");
}

}  // namespace
}  // namespace diareid
