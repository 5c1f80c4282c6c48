#include "linear_svm.h"

#include <opencv2/core/eigen.hpp>
#include <opencv2/ml.hpp>

#include "diareid/core/error.h"

namespace diareid {

Eigen::VectorXf LinearSvmBank::Decide(
    const Eigen::Matrix<float, 1, Eigen::Dynamic>& x) const {
  return weights * x.transpose() + bias;
}

LinearSvmBank TrainLinearSvms(const EmbeddingMatrix& x,
                              const std::vector<int>& stone_of_row, int stones,
                              double c) {
  DIAREID_CHECK(static_cast<size_t>(x.rows()) == stone_of_row.size());
  LinearSvmBank bank;
  bank.weights = EmbeddingMatrix::Zero(stones, x.cols());
  bank.bias = Eigen::VectorXf::Zero(stones);
  if (stones < 2) {
    // One stone alone: everything is that stone.
    bank.bias.setOnes();
    return bank;
  }
  cv::Mat samples(static_cast<int>(x.rows()), static_cast<int>(x.cols()),
                  CV_32F);
  for (int r = 0; r < samples.rows; ++r)
    std::copy(x.row(r).data(), x.row(r).data() + x.cols(),
              samples.ptr<float>(r));
  std::vector<int> counts(stones, 0);
  for (int s : stone_of_row) ++counts[s];
  for (int s = 0; s < stones; ++s) {
    cv::Mat labels(samples.rows, 1, CV_32S);
    for (int r = 0; r < samples.rows; ++r)
      labels.at<int>(r) = stone_of_row[r] == s ? 1 : -1;
    auto svm = cv::ml::SVM::create();
    svm->setType(cv::ml::SVM::C_SVC);
    svm->setKernel(cv::ml::SVM::LINEAR);
    svm->setC(c);
    // Weight the few positives up so the rare class is not ignored.
    // OpenCV orders class weights by sorted label: -1 then +1.
    const double positives = counts[s];
    const double negatives = samples.rows - positives;
    cv::Mat weights = (cv::Mat_<double>(2, 1) << 1.0, negatives / positives);
    svm->setClassWeights(weights);
    svm->setTermCriteria(cv::TermCriteria(
        cv::TermCriteria::MAX_ITER + cv::TermCriteria::EPS, 1000, 1e-6));
    svm->train(cv::ml::TrainData::create(samples, cv::ml::ROW_SAMPLE, labels));
    // A linear SVM keeps one compressed support vector: w = alpha * sv.
    cv::Mat sv = svm->getSupportVectors();
    cv::Mat alpha, index;
    const double rho = svm->getDecisionFunction(0, alpha, index);
    DIAREID_CHECK(sv.rows == 1 && sv.cols == samples.cols);
    const double a = alpha.at<double>(0);
    for (int j = 0; j < sv.cols; ++j)
      bank.weights(s, j) = static_cast<float>(a * sv.at<float>(0, j));
    bank.bias[s] = static_cast<float>(-rho);
    // OpenCV's sign convention depends on the label order: make positive
    // decisions mean "this stone" by checking the training rows.
    Eigen::VectorXf decision =
        x * bank.weights.row(s).transpose() +
        Eigen::VectorXf::Constant(x.rows(), bank.bias[s]);
    double mean_positive = 0, mean_negative = 0;
    for (int r = 0; r < samples.rows; ++r)
      (stone_of_row[r] == s ? mean_positive : mean_negative) += decision[r];
    mean_positive /= positives;
    mean_negative /= negatives;
    if (mean_positive < mean_negative) {
      bank.weights.row(s) *= -1.0f;
      bank.bias[s] *= -1.0f;
    }
  }
  return bank;
}

}  // namespace diareid
