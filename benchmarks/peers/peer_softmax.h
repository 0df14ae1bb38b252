// peer_softmax.h — the softmax every peer runs after its logits: plain, scalar and stable
// (subtract the max, std::exp, divide), what a user of a matrix library writes. The same code
// for every peer, so the peers differ only in their library's part.
#ifndef SOFTEDGE_PEERS_PEER_SOFTMAX_H
#define SOFTEDGE_PEERS_PEER_SOFTMAX_H

#include <cstddef>
#include <cstdint>

namespace peers {

// Probabilities of n logits; returns the index of the first largest logit.
uint32_t softmax(const float* logits, uint32_t n, float* probabilities);

// The same for `rows` rows of n logits; top_classes receives each row's index.
void softmax_rows(const float* logits, size_t rows, uint32_t n, float* probabilities,
                  uint32_t* top_classes);

}  // namespace peers

#endif
