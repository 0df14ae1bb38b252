// ratio_report.h — after the run, how many times faster softedge was than each peer, and than
// the fastest peer of each case, from the times of this one run (bench::print_ratios).
#ifndef SOFTEDGE_PEERS_RATIO_REPORT_H
#define SOFTEDGE_PEERS_RATIO_REPORT_H

#include <cstdio>
#include <string>
#include <vector>

#include "ratio_table.h"

namespace peers {

// `recorded` as the reporter recorded it (names MODEL/CASE/ENGINE, in the order they finished:
// shuffled by random interleaving), shown in the order of `registered`; `peers` the peer
// engine names.
void print_ratio_report(std::FILE* out, const bench::Results& recorded,
                        const std::vector<std::string>& registered,
                        const std::vector<std::string>& peers);

}  // namespace peers

#endif
