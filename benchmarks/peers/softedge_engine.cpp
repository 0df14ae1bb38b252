// softedge through its public runtime API, as an application calls it: uint8 pixels in (the
// model's scale and bias applied inside), probabilities out, the kernel set it picks itself.
//
// "softedge" starts from the pixels that went through the model's lookup table before timing,
// as every peer does (loaded_model.h), and runs a view of the model without the table.
// "softedge_lut", only for models with a table, applies it inside each call from the raw
// pixels: what an application of such a model pays end to end, for the record (the ratio
// tables compare "softedge").
#include <vector>

#include "engine_registry.h"

namespace peers {
namespace {

class SoftedgeEngine : public Engine {
 public:
  SoftedgeEngine(const LoadedModel& loaded, bool table_inside)
      : model_(loaded.model),
        pixels_(table_inside ? loaded.test->pixels.data() : loaded.pixels.data()),
        count_(loaded.image_count()),
        table_inside_(table_inside),
        // Enough for infer_batch_u8's tiles (infer_u8 uses the start of it).
        scratch_(softedge::batch_scratch_bytes(loaded.model, count_)) {
    if (!table_inside) model_.input_lut = nullptr;
  }

  const char* name() const override { return table_inside_ ? "softedge_lut" : "softedge"; }
  std::string implementation() const override {
    return std::string("softedge runtime, kernel set ") + softedge::active_kernels().name +
           (table_inside_ ? ", pixel lookup table inside each call" : "");
  }

  uint32_t infer_one(size_t index, float* probabilities) override {
    softedge::Prediction prediction{};
    softedge::infer_u8(model_, pixels_ + index * model_.input_size, model_.input_size,
                       probabilities, model_.num_classes, scratch_.data(), scratch_.size(),
                       &prediction);
    return prediction.top_class;
  }

  void infer_all(float* probabilities, uint32_t* top_classes) override {
    softedge::infer_batch_u8(model_, pixels_, count_, probabilities, top_classes,
                             scratch_.data(), scratch_.size());
  }

 private:
  softedge::Model model_;  // the loaded model, without its table unless table_inside_
  const uint8_t* pixels_;  // count_ x input_size
  uint32_t count_;
  bool table_inside_;
  std::vector<uint8_t> scratch_;
};

}  // namespace

std::unique_ptr<Engine> make_softedge_engine(const LoadedModel& model) {
  return std::make_unique<SoftedgeEngine>(model, false);
}

std::unique_ptr<Engine> make_softedge_lut_engine(const LoadedModel& model) {
  if (model.model.input_lut == nullptr) return nullptr;
  return std::make_unique<SoftedgeEngine>(model, true);
}

}  // namespace peers
