// softedge/tools/predict_all.h — `softedge predict MODEL --all [DIR]`: the predicted class and every class's
// probability for each image of the Fashion-MNIST test split, or for each image file in DIR,
// in one process, as CSV or JSON.
#ifndef SOFTEDGE_TOOLS_PREDICT_ALL_H
#define SOFTEDGE_TOOLS_PREDICT_ALL_H

#include <string>

#include "softedge/tools/loaded_model.h"

namespace softedge {
namespace tools {

// The test split found from `data_option` when `image_dir` is empty, else every .pgm, .png,
// .jpg and .jpeg file in `image_dir` (by name). Writes to `csv_path` ("" or "-": standard
// output) unless `json`, which prints one JSON object on standard output. Throws
// std::runtime_error naming the file or directory on failure; nothing is written then.
void predict_all(const LoadedModel& loaded, const std::string& data_option,
                 const std::string& image_dir, const std::string& csv_path, bool json);

}  // namespace tools
}  // namespace softedge

#endif
