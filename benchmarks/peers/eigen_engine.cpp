// Eigen 3.4: each float32 layer as a matrix product on the model's row-major weights, mapped
// in place (GEMV for one image, GEMM for all), bias and ReLU as array expressions. Eigen has
// no int8 products: float32 models only. Single-threaded (built without OpenMP).
#include <Eigen/Dense>
#include <vector>

#include "engine_registry.h"
#include "peer_softmax.h"

namespace peers {
namespace {

using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMatrixMap = Eigen::Map<const RowMajorMatrix>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

struct Layer {
  ConstMatrixMap weights;  // out x in, as in the file
  ConstVectorMap bias;
  bool relu;
};

class EigenEngine : public Engine {
 public:
  explicit EigenEngine(const LoadedModel& loaded) : loaded_(loaded) {
    const softedge::Model& model = loaded.model;
    const Eigen::Index count = loaded.image_count();
    for (uint32_t l = 0; l < model.layer_count; ++l) {
      const softedge::DenseLayer& layer = model.layers[l];
      layers_.push_back({ConstMatrixMap(layer.weights, layer.out_features, layer.in_features),
                         ConstVectorMap(layer.bias, layer.out_features),
                         layer.activation == softedge::format::Activation::kRelu});
      one_outputs_.emplace_back(layer.out_features);
      all_outputs_.emplace_back(count, layer.out_features);
    }
  }

  const char* name() const override { return "eigen"; }
  std::string implementation() const override {
    return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
           std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) +
           " GEMV/GEMM, " + Eigen::SimdInstructionSetsInUse();
  }

  uint32_t infer_one(size_t index, float* probabilities) override {
    const uint32_t in = loaded_.model.input_size;
    ConstVectorMap x(&loaded_.features[index * in], in);
    for (size_t l = 0; l < layers_.size(); ++l) {
      Eigen::VectorXf& y = one_outputs_[l];
      if (l == 0) {
        y.noalias() = layers_[l].weights * x;
      } else {
        y.noalias() = layers_[l].weights * one_outputs_[l - 1];
      }
      y += layers_[l].bias;
      if (layers_[l].relu) y = y.cwiseMax(0.0f);
    }
    return softmax(one_outputs_.back().data(), loaded_.model.num_classes, probabilities);
  }

  void infer_all(float* probabilities, uint32_t* top_classes) override {
    const uint32_t in = loaded_.model.input_size;
    ConstMatrixMap x(loaded_.features.data(), loaded_.image_count(), in);
    for (size_t l = 0; l < layers_.size(); ++l) {
      RowMajorMatrix& y = all_outputs_[l];
      if (l == 0) {
        y.noalias() = x * layers_[l].weights.transpose();
      } else {
        y.noalias() = all_outputs_[l - 1] * layers_[l].weights.transpose();
      }
      y.rowwise() += layers_[l].bias.transpose();
      if (layers_[l].relu) y = y.cwiseMax(0.0f);
    }
    softmax_rows(all_outputs_.back().data(), loaded_.image_count(), loaded_.model.num_classes,
                 probabilities, top_classes);
  }

 private:
  const LoadedModel& loaded_;
  std::vector<Layer> layers_;
  std::vector<Eigen::VectorXf> one_outputs_;
  std::vector<RowMajorMatrix> all_outputs_;
};

}  // namespace

std::unique_ptr<Engine> make_eigen_engine(const LoadedModel& model, std::string* why_not) {
  if (model.has_int8_layer()) {
    *why_not = "float32 models only (Eigen has no int8 products)";
    return nullptr;
  }
  if (!model.dense_only()) {
    *why_not = "dense layers only (Eigen has no convolutions)";
    return nullptr;
  }
  return std::make_unique<EigenEngine>(model);
}

}  // namespace peers
