#include "agreement_check.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace peers {
namespace {

struct Answers {
  std::vector<float> probabilities;  // count x classes, from infer_all
  std::vector<uint32_t> all;         // top classes from infer_all
  std::vector<uint32_t> one;         // top classes from infer_one
};

Answers answers_of(Engine& engine, uint32_t count, uint32_t classes) {
  Answers a;
  a.probabilities.resize(static_cast<size_t>(count) * classes);
  a.all.resize(count);
  a.one.resize(count);
  engine.infer_all(a.probabilities.data(), a.all.data());
  std::vector<float> probabilities(classes);
  for (uint32_t i = 0; i < count; ++i) a.one[i] = engine.infer_one(i, probabilities.data());
  return a;
}

double share_equal(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return a.empty() ? 1.0 : static_cast<double>(same) / a.size();
}

double accuracy(const std::vector<uint32_t>& classes, const std::vector<uint8_t>& labels) {
  size_t correct = 0;
  for (size_t i = 0; i < classes.size(); ++i) correct += classes[i] == labels[i];
  return classes.empty() ? 0.0 : static_cast<double>(correct) / classes.size();
}

}  // namespace

void check_agreement(const LoadedModel& model, const std::vector<std::unique_ptr<Engine>>& engines,
                     std::FILE* out) {
  const uint32_t count = model.image_count();
  const uint32_t classes = model.model.num_classes;
  const double required = model.has_int8_layer() ? kInt8Agreement : kFloatAgreement;
  const Answers reference = answers_of(*engines[0], count, classes);
  std::string failures;
  for (const std::unique_ptr<Engine>& engine : engines) {
    const Answers a = engine.get() == engines[0].get() ? reference
                                                       : answers_of(*engine, count, classes);
    const double all = share_equal(a.all, reference.all);
    const double one = share_equal(a.one, reference.all);
    double largest_difference = 0;
    for (size_t i = 0; i < a.probabilities.size(); ++i) {
      const double d = std::fabs(a.probabilities[i] - reference.probabilities[i]);
      largest_difference = std::max(largest_difference, std::isnan(d) ? INFINITY : d);
    }
    const bool ok = all >= required && one >= required;
    std::fprintf(out,
                 "check %-14s %-12s top class as softedge's: %7.3f %% all at once, %7.3f %% one "
                 "at a time; max |dp| %.2g; accuracy %.4f%s\n",
                 model.name.c_str(), engine->name(), 100 * all, 100 * one, largest_difference,
                 accuracy(a.all, model.test->labels), ok ? "" : "  <-- DISAGREES");
    if (!ok) failures += std::string(failures.empty() ? "" : ", ") + engine->name();
  }
  std::fflush(out);
  if (!failures.empty()) {
    throw std::runtime_error(model.name + ": " + failures + " disagree(s) with softedge on more " +
                             "than " + std::to_string(100 * (1 - required)).substr(0, 4) +
                             " % of the test images: its figures would time a different "
                             "computation");
  }
}

}  // namespace peers
