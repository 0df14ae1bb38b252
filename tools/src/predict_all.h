// predict_all.h — `softedge predict MODEL --all`: the predicted class and every class's
// probability for each image of the Fashion-MNIST test split, in one process, as CSV or JSON.
#ifndef SOFTEDGE_TOOLS_PREDICT_ALL_H
#define SOFTEDGE_TOOLS_PREDICT_ALL_H

#include <string>

#include "loaded_model.h"

namespace softedge {
namespace tools {

// Writes to `csv_path` ("" or "-": standard output) unless `json`, which prints one JSON
// object on standard output. Throws std::runtime_error naming the file on failure.
void predict_all(const LoadedModel& loaded, const std::string& data_option,
                 const std::string& csv_path, bool json);

}  // namespace tools
}  // namespace softedge

#endif
