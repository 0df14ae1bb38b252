// Kernel sets declare the CPU features they need as bits, checked against cpu_features():
// what each set declares, what this CPU reports, and that inference never picks a set whose
// bits are not all there.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "softedge/kernels.h"

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace cpu = softedge::cpu;
using softedge::KernelSet;

namespace {

constexpr uint32_t kAvx512 =
    cpu::kAvx512F | cpu::kAvx512Dq | cpu::kAvx512Bw | cpu::kAvx512Vl | cpu::kFma;

// What each set's instructions need (its compile flags, runtime/CMakeLists.txt).
struct Needs {
  const char* name;
  uint32_t features;
};
constexpr Needs kNeeds[] = {
    {"scalar", 0},
    {"sse2", cpu::kSse2},
    {"avx2", cpu::kAvx2 | cpu::kFma},
    {"avx512", kAvx512},
    {"avx512vnni", kAvx512 | cpu::kAvx512Vnni},
    {"avx512vbmi", kAvx512 | cpu::kAvx512Vnni | cpu::kAvx512Vbmi},
    {"neon", cpu::kNeon},
    {"neon64", cpu::kNeon},
    {"neon64dot", cpu::kNeon | cpu::kNeonDotprod},
    {"cmdsp", cpu::kArmDsp},
    {"cmmve", cpu::kArmMve},
};

bool has_all(uint32_t features, uint32_t needed) { return (needed & ~features) == 0; }

// Every feature some compiled set needs: all cpu_features() asks the CPU about.
uint32_t asked_features() {
  uint32_t asked = 0;
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    asked |= softedge::kernel_at(k).required_features;
  }
  return asked;
}

// Whether cpu_features() reports `bit` exactly when a set needs it and the CPU has it.
bool reports(uint32_t features, uint32_t bit, bool cpu_has_it) {
  const bool expected = (asked_features() & bit) != 0 && cpu_has_it;
  return ((features & bit) != 0) == expected;
}

}  // namespace

TEST_CASE("every kernel set declares the CPU features its instructions need") {
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const KernelSet& set = softedge::kernel_at(k);
    bool known = false;
    for (const Needs& needs : kNeeds) {
      if (std::strcmp(needs.name, set.name) != 0) continue;
      known = true;
      INFO("kernel " << set.name);
      CHECK(set.required_features == needs.features);
    }
    // A new set is still held to the rules below; its bits can be added to kNeeds.
    if (!known) MESSAGE("kernel " << set.name << ": not in this test's table of features");
  }
  // The reference runs anywhere and comes first (every other set is held to it).
  CHECK(std::string(softedge::kernel_at(0).name) == "scalar");
  CHECK(softedge::kernel_at(0).required_features == 0);
}

TEST_CASE("cpu_features reports what the CPU and OS report, of what the sets need") {
  const uint32_t features = softedge::cpu_features();
  CHECK(features == softedge::cpu_features());  // stable
  CHECK((features & ~asked_features()) == 0);   // nothing no compiled set asks about
#if defined(__x86_64__)
  __builtin_cpu_init();
  CHECK(reports(features, cpu::kSse2, __builtin_cpu_supports("sse2")));
  CHECK(reports(features, cpu::kAvx2, __builtin_cpu_supports("avx2")));
  CHECK(reports(features, cpu::kFma, __builtin_cpu_supports("fma")));
  CHECK(reports(features, cpu::kAvx512F, __builtin_cpu_supports("avx512f")));
  CHECK(reports(features, cpu::kAvx512Dq, __builtin_cpu_supports("avx512dq")));
  CHECK(reports(features, cpu::kAvx512Bw, __builtin_cpu_supports("avx512bw")));
  CHECK(reports(features, cpu::kAvx512Vl, __builtin_cpu_supports("avx512vl")));
  CHECK(reports(features, cpu::kAvx512Vnni, __builtin_cpu_supports("avx512vnni")));
  CHECK(reports(features, cpu::kAvx512Vbmi, __builtin_cpu_supports("avx512vbmi")));
  CHECK(reports(features, cpu::kSse2, true));  // part of x86-64
#elif defined(__aarch64__) && defined(__linux__)
  CHECK(reports(features, cpu::kNeon, true));  // part of AArch64
  CHECK(reports(features, cpu::kNeonDotprod, (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0));
#elif defined(__ARM_NEON)
  CHECK(reports(features, cpu::kNeon, true));
#endif
}

TEST_CASE("a set runs exactly where all the features it needs are present") {
  const uint32_t features = softedge::cpu_features();
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const KernelSet& set = softedge::kernel_at(k);
    INFO("kernel " << set.name);
    CHECK(softedge::kernel_runnable(set) == has_all(features, set.required_features));
  }
}

TEST_CASE("a set whose required feature is missing is never chosen") {
  const size_t count = softedge::kernel_count();
  // With every feature, the last (fastest) set; with none, the last that needs nothing.
  CHECK(&softedge::best_kernels(~0u) == &softedge::kernel_at(count - 1));
  CHECK(softedge::best_kernels(0).required_features == 0);
  for (size_t k = 0; k < count; ++k) {
    const KernelSet& set = softedge::kernel_at(k);
    for (uint32_t bit = 1; bit != 0; bit <<= 1) {
      if ((set.required_features & bit) == 0) continue;
      for (uint32_t features : {~0u & ~bit, softedge::cpu_features() & ~bit}) {
        const KernelSet& chosen = softedge::best_kernels(features);
        INFO("kernel " << set.name << ", feature bit " << bit << " missing; chosen "
                       << chosen.name);
        CHECK(&chosen != &set);
        CHECK(has_all(features, chosen.required_features));
      }
    }
  }
}

TEST_CASE("a CPU with AVX-512 VNNI but no VBMI (Cascade Lake) gets the VNNI set") {
  const uint32_t cascade_lake = kAvx512 | cpu::kSse2 | cpu::kAvx2 | cpu::kAvx512Vnni;
  const KernelSet& chosen = softedge::best_kernels(cascade_lake);
  INFO("chosen " << chosen.name);
  CHECK(has_all(cascade_lake, chosen.required_features));
  CHECK(std::string(chosen.name) != "avx512vbmi");
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    if (std::string(softedge::kernel_at(k).name) == "avx512vnni") {
      CHECK(std::string(chosen.name) == "avx512vnni");
    }
  }
}

TEST_CASE("inference uses the fastest set this CPU runs") {
  REQUIRE(softedge::force_kernel("auto") == softedge::Status::kOk);
  const KernelSet& active = softedge::active_kernels();
  CHECK(&active == &softedge::best_kernels(softedge::cpu_features()));
  CHECK(softedge::kernel_runnable(active));
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    if (&softedge::kernel_at(k) != &active) continue;
    for (size_t later = k + 1; later < softedge::kernel_count(); ++later) {
      INFO("kernel " << softedge::kernel_at(later).name << " comes after " << active.name);
      CHECK_FALSE(softedge::kernel_runnable(softedge::kernel_at(later)));
    }
  }
}
