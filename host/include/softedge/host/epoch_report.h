// softedge/host/epoch_report.h — one epoch's figures, as every training loop reports them
// and the training-curves chart draws them.
#ifndef SOFTEDGE_HOST_EPOCH_REPORT_H
#define SOFTEDGE_HOST_EPOCH_REPORT_H

#include <cstdint>

namespace softedge {
namespace host {

struct EpochReport {
  uint32_t epoch = 0;           // 1-based
  double train_loss = 0.0;      // mean cross-entropy over the epoch's minibatches
  double train_accuracy = 0.0;  // share of training rows classified right during the epoch
  double validation_accuracy = -1.0;  // -1 without a validation split (the lesson has none)
  double test_accuracy = -1.0;  // -1 when no test split was given
};

}  // namespace host
}  // namespace softedge

#endif
