// no_heap_test — load and inference, float and int8, on every runnable kernel set, while
// every allocation function of the process is counted: the count must stay at zero.
//
// malloc and friends are replaced for the whole program (forwarding to glibc's __libc_*
// entry points), operator new/delete too. Counting is armed only around runtime calls, so the
// test's own setup (std::vector, the model encoder) may allocate freely.
#include <stddef.h>
#include <stdio.h>

#include <new>
#include <vector>

#include "runtime/model_fixtures.h"
#include "softedge/softedge.h"
#include "softedge/softedge_c.h"

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
void __libc_free(void* pointer);
}

namespace {

volatile bool armed = false;
volatile unsigned allocations = 0;

void note() {
  if (armed) allocations = allocations + 1;
}

}  // namespace

extern "C" {
void* malloc(size_t size) { note(); return __libc_malloc(size); }
void* calloc(size_t count, size_t size) { note(); return __libc_calloc(count, size); }
void* realloc(void* pointer, size_t size) { note(); return __libc_realloc(pointer, size); }
void free(void* pointer) { if (pointer != nullptr) note(); __libc_free(pointer); }
}

void* operator new(size_t size) {
  note();
  if (void* p = __libc_malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { if (p != nullptr) note(); __libc_free(p); }
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }

namespace {

// Everything a device does, counted: load, single and batch inference, softmax, in C++
// and through the C API.
unsigned count_allocations(const std::vector<uint8_t>& file, const std::vector<uint8_t>& pixels,
                           std::vector<uint8_t>& scratch, std::vector<float>& probabilities) {
  allocations = 0;
  armed = true;
  softedge::Model model;
  bool ok = softedge::load(file.data(), file.size(), &model) == softedge::Status::kOk;
  ok = ok && softedge::scratch_bytes(model) <= scratch.size();
  softedge::Prediction prediction;
  uint32_t classes[4];
  ok = ok && softedge::infer_u8(model, pixels.data(), 784, probabilities.data(), 10, scratch.data(),
                                scratch.size(), &prediction) == softedge::Status::kOk;
  ok = ok && softedge::infer_batch_u8(model, pixels.data(), 4, probabilities.data(), classes,
                                      scratch.data(), scratch.size()) == softedge::Status::kOk;
  ok = ok && softedge::softmax(probabilities.data(), 10, probabilities.data(), classes);
  // The same through the C API.
  softedge_model c_model;
  ok = ok && softedge_load(file.data(), file.size(), &c_model) == SOFTEDGE_OK;
  ok = ok && softedge_scratch_bytes(&c_model) <= scratch.size();
  ok = ok && softedge_infer_u8(&c_model, pixels.data(), 784, probabilities.data(), 10,
                               scratch.data(), scratch.size(), classes) == SOFTEDGE_OK;
  ok = ok && softedge_infer_batch_u8(&c_model, pixels.data(), 4, probabilities.data(), classes,
                                     scratch.data(), scratch.size()) == SOFTEDGE_OK;
  ok = ok && softedge_class_name(&c_model, 1)[0] != '\0';
  armed = false;
  if (!ok) {
    printf("runtime call failed\n");
    return 1000000;
  }
  return allocations;
}

}  // namespace

int main() {
  std::vector<uint8_t> pixels(4 * 784);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 31);
  std::vector<uint8_t> scratch(1 << 16);
  std::vector<float> probabilities(4 * 10);
  unsigned total = 0, runs = 0;
  for (bool int8 : {false, true}) {
    // A build without this model's layer mode (SOFTEDGE_LAYER_MODES) cannot load it (and the
    // writer, which checks its bytes with this runtime, cannot encode it): nothing to count.
    if (!softedge::layer_mode_compiled(int8 ? softedge::format::LayerMode::kInt8FloatOutput
                                            : softedge::format::LayerMode::kFloat32)) {
      printf("%-5s model: skipped, its layer mode is not compiled in (SOFTEDGE_LAYER_MODES)\n",
             int8 ? "int8" : "float");
      continue;
    }
    const std::vector<uint8_t> file = softedge::host::encode_model(
        int8 ? fixtures::mnist_int8_spec() : fixtures::mnist_linear_spec());
    for (size_t k = 0; k < softedge::kernel_count(); ++k) {
      const softedge::KernelSet& kernels = softedge::kernel_at(k);
      if (softedge::force_kernel(kernels.name) != softedge::Status::kOk) continue;
      const unsigned counted = count_allocations(file, pixels, scratch, probabilities);
      printf("%-5s model, kernel %-10s: %u allocations\n", int8 ? "int8" : "float", kernels.name, counted);
      total += counted;
      ++runs;
    }
  }
  // The counter itself is live: one allocation while armed is seen.
  armed = true;
  std::vector<int>* probe = new std::vector<int>(3);
  delete probe;
  armed = false;
  const bool counter_works = allocations >= 2;
  printf("%u runs, %u allocations in the runtime; counter self-check %s\n", runs, total,
         counter_works ? "ok" : "FAILED");
  return total == 0 && runs >= 1 && counter_works ? 0 : 1;
}
