// softedge/host/confusion_chart.h — a confusion matrix as an SVG heat map: class names on both axes, the
// count in every cell, each row's accuracy at its end, and a colour scale. The colour is the
// cell's share of its row (of the images of that true class) on a square-root scale, so the
// few-percent confusions that matter stay visible next to a dark diagonal.
#ifndef SOFTEDGE_HOST_CONFUSION_CHART_H
#define SOFTEDGE_HOST_CONFUSION_CHART_H

#include <cstdint>
#include <string>
#include <vector>

namespace softedge {
namespace host {

// `counts` holds names.size() x names.size() entries, [true class][predicted class]. Throws
// std::invalid_argument when the sizes disagree or there are no classes.
std::string confusion_matrix_svg(const std::vector<std::string>& class_names,
                                 const std::vector<uint32_t>& counts, const std::string& title);

// The same, written atomically to `path`. Throws train::FileError naming the file.
void write_confusion_matrix_svg(const std::string& path,
                                const std::vector<std::string>& class_names,
                                const std::vector<uint32_t>& counts, const std::string& title);

}  // namespace host
}  // namespace softedge

#endif
