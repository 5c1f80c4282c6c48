// One-vs-rest linear SVMs over reference embeddings, reduced to one weight
// row and one bias per stone so that deciding is one matrix-vector product.
#pragma once

#include <vector>

#include "diareid/model/embedder.h"

namespace diareid {

// The trained SVMs: decision(stone) = weights.row(stone) . x + bias(stone);
// positive means "this stone".
struct LinearSvmBank {
  EmbeddingMatrix weights;
  Eigen::VectorXf bias;
  // Decision values of every stone for one embedding (a row vector).
  Eigen::VectorXf Decide(
      const Eigen::Matrix<float, 1, Eigen::Dynamic>& x) const;
};

// Trains one linear SVM per stone (OpenCV ml, C-SVC, classes weighted by
// their sizes) on rows `x` whose stone indices are `stone_of_row`.
LinearSvmBank TrainLinearSvms(const EmbeddingMatrix& x,
                              const std::vector<int>& stone_of_row, int stones,
                              double c = 1.0);

}  // namespace diareid
