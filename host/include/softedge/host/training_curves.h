// softedge/host/training_curves.h — the lesson's training chart (d2l's Animator) as an SVG: train loss,
// train accuracy, validation accuracy (when there is one) and test accuracy per epoch on one
// value axis, with a legend that gives each curve's final value.
//
//   softedge::tools::write_training_curves_svg("curves.svg", result.epochs,
//                                              "softedge-train --preset d2l");
#ifndef SOFTEDGE_HOST_TRAINING_CURVES_H
#define SOFTEDGE_HOST_TRAINING_CURVES_H

#include <string>
#include <vector>

#include "softedge/host/epoch_report.h"

namespace softedge {
namespace host {

// The chart as a self-contained SVG 1.1 document. Epochs are plotted at their `epoch`
// number; a test accuracy < 0 (no test split) is left out, and so is any value that is not
// finite. Throws std::invalid_argument when `history` is empty.
std::string training_curves_svg(const std::vector<EpochReport>& history,
                                const std::string& title);

// The same, written atomically to `path`. Throws train::FileError naming the file.
void write_training_curves_svg(const std::string& path,
                               const std::vector<EpochReport>& history,
                               const std::string& title);

}  // namespace host
}  // namespace softedge

#endif
