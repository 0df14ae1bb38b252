/* main.c — export-c models on a Cortex-M, through the C API: classify each header's test
 * images with every kernel set compiled in, require identical probabilities from each set
 * and the classes the desktop predicted. The int8 model (model_data.h) always; the float
 * model too when the build has its header (float_model_data.h, SOFTEDGE_FIRMWARE_FLOAT_MODEL).
 * All memory is static; the console is semihosting.
 *
 * With the command line "PROGRAM count KERNEL N [float]" it only runs N inferences of the
 * first test image on that kernel set, for instruction counting (scripts/count-instructions). */
#include <string.h>

#include <softedge/softedge_c.h>

#include "kernel_check.h"
#include "model_data.h"
#include "semihosting.h"
#if defined(SOFTEDGE_FIRMWARE_FLOAT_MODEL)
#include "float_model_data.h"
#endif

#define MAX_CLASSES 16
#define INPUT_SIZE SOFTEDGE_MODEL_DATA_INPUT_SIZE

/* One export-c header's contents. */
typedef struct {
  const char *name;
  const uint8_t *bytes;
  size_t size;
  const uint8_t (*pixels)[INPUT_SIZE];
  const uint8_t *labels;
  const uint8_t *expected_classes;
  unsigned images;
} firmware_model;

static const firmware_model models[] = {
    {"int8", softedge_model_data, SOFTEDGE_MODEL_DATA_SIZE, softedge_model_data_test_pixels,
     softedge_model_data_test_labels, softedge_model_data_expected_classes,
     SOFTEDGE_MODEL_DATA_TEST_IMAGES},
#if defined(SOFTEDGE_FIRMWARE_FLOAT_MODEL)
    {"float", softedge_float_model, SOFTEDGE_FLOAT_MODEL_SIZE, softedge_float_model_test_pixels,
     softedge_float_model_test_labels, softedge_float_model_expected_classes,
     SOFTEDGE_FLOAT_MODEL_TEST_IMAGES},
#endif
};
#define MODEL_COUNT (sizeof models / sizeof models[0])
#define MAX_IMAGES 16

static softedge_model model;
static unsigned char scratch[8192] __attribute__((aligned(8)));  /* checked after each load */
static float reference[MAX_IMAGES][MAX_CLASSES];  /* the first kernel set's probabilities */

static void write_status(const char *what, softedge_status status) {
  semihosting_write(what);
  semihosting_write(softedge_status_message(status));
  semihosting_write("\n");
}

/* 1: loaded; 0: failed; -1: the runtime was built without a layer mode the model uses
 * (SOFTEDGE_LAYER_MODES, e.g. an int8-only firmware and the float model). */
static int load(const firmware_model *m) {
  const softedge_status status = softedge_load(m->bytes, m->size, &model);
  if (status == SOFTEDGE_LAYER_MODE_UNAVAILABLE) return -1;
  if (status != SOFTEDGE_OK) {
    write_status("load failed: ", status);
    return 0;
  }
  if (softedge_scratch_bytes(&model) > sizeof scratch || softedge_num_classes(&model) > MAX_CLASSES ||
      softedge_input_size(&model) != INPUT_SIZE || m->images > MAX_IMAGES) {
    semihosting_write("load failed: the model does not fit this firmware's buffers\n");
    return 0;
  }
  return 1;
}

/* Classifies every test image of `m` with the active kernel set. The first set's
 * probabilities become the reference (`compare` 0), later sets must match them bit for bit.
 * Returns 1 when every class matched the desktop's and every probability the reference. */
static int classify_all(const firmware_model *m, int compare) {
  const uint32_t classes = softedge_num_classes(&model);
  int ok = 1;
  for (unsigned i = 0; i < m->images; ++i) {
    float p[MAX_CLASSES];
    uint32_t top = 0;
    const softedge_status status = softedge_infer_u8(&model, m->pixels[i], INPUT_SIZE, p, classes,
                                                     scratch, sizeof scratch, &top);
    if (status != SOFTEDGE_OK) {
      write_status("inference failed: ", status);
      return 0;
    }
    if (!compare) memcpy(reference[i], p, classes * sizeof p[0]);
    const int same_bits = memcmp(p, reference[i], classes * sizeof p[0]) == 0;
    const int same_class = top == m->expected_classes[i];
    ok &= same_bits & same_class;
    semihosting_write("  image ");
    semihosting_write_uint(i);
    semihosting_write(": ");
    semihosting_write(softedge_class_name(&model, top));
    semihosting_write(" (label ");
    semihosting_write(softedge_class_name(&model, m->labels[i]));
    semihosting_write(")");
    if (!same_class) semihosting_write("  MISMATCH: the desktop predicted another class");
    if (!same_bits) semihosting_write("  MISMATCH: other probabilities than the first kernel set");
    semihosting_write("\n");
  }
  return ok;
}

/* "count KERNEL N [float]": N inferences, nothing else. Returns -1 when the command line says
 * nothing of it, else the exit status. */
static int count_mode(void) {
  char line[64];
  if (!semihosting_command_line(line, sizeof line)) return -1;
  char *words[5] = {0, 0, 0, 0, 0};
  unsigned count = 0;
  for (char *p = line; *p != '\0' && count < 5;) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    words[count++] = p;
    while (*p != ' ' && *p != '\0') ++p;
  }
  if (count < 4 || strcmp(words[1], "count") != 0) return -1;
  const firmware_model *m = &models[0];
  if (count == 5) {
    m = NULL;
    for (unsigned k = 0; k < MODEL_COUNT; ++k) {
      if (strcmp(words[4], models[k].name) == 0) m = &models[k];
    }
    if (m == NULL) {
      semihosting_write("count: this firmware has no model of that kind\n");
      return 1;
    }
  }
  uint32_t n = 0;
  for (const char *d = words[3]; *d >= '0' && *d <= '9'; ++d) n = n * 10 + (uint32_t)(*d - '0');
  if (load(m) != 1 || softedge_force_kernel(words[2]) != SOFTEDGE_OK) {
    semihosting_write("count: no model, or no kernel set named that\n");
    return 1;
  }
  float p[MAX_CLASSES];
  for (uint32_t i = 0; i < n; ++i) {
    softedge_infer_u8(&model, m->pixels[0], INPUT_SIZE, p, softedge_num_classes(&model), scratch,
                      sizeof scratch, NULL);
  }
  semihosting_write("counted inferences\n");
  return 0;
}

int main(void) {
  const int counted = count_mode();
  if (counted >= 0) return counted;

  semihosting_write("softedge ");
  semihosting_write(softedge_version());
  semihosting_write(" (C API) on " SOFTEDGE_FIRMWARE_CPU ", default kernel set ");
  semihosting_write(softedge_kernel_name());
  semihosting_write("\n");
  int ok = kernel_check(); /* every set against the reference, on crafted int8 layers */

  static const char *const kernel_sets[] = {"scalar", "cmdsp", "cmmve"};
  unsigned passed = 0;
  for (unsigned k = 0; k < MODEL_COUNT; ++k) {
    const firmware_model *m = &models[k];
    const int loaded = load(m);
    if (loaded == 0) return 1;
    if (loaded < 0) { /* refused as it should be: say so, and go on */
      semihosting_write(m->name);
      semihosting_write(" model: skipped, ");
      semihosting_write(softedge_status_message(SOFTEDGE_LAYER_MODE_UNAVAILABLE));
      semihosting_write("\n");
      continue;
    }
    semihosting_write(m->name);
    semihosting_write(" model, ");
    semihosting_write_uint(softedge_input_size(&model));
    semihosting_write(" -> ");
    semihosting_write_uint(softedge_num_classes(&model));
    semihosting_write(", ");
    semihosting_write_uint((uint32_t)m->size);
    semihosting_write(" bytes\n");
    int compare = 0, model_ok = 1;
    for (unsigned s = 0; s < sizeof kernel_sets / sizeof kernel_sets[0]; ++s) {
      if (softedge_force_kernel(kernel_sets[s]) != SOFTEDGE_OK) continue; /* not compiled in */
      semihosting_write(" kernel set ");
      semihosting_write(kernel_sets[s]);
      semihosting_write(":\n");
      model_ok &= classify_all(m, compare);
      compare = 1;
    }
    softedge_force_kernel("auto");
    if (model_ok) ++passed;
    ok &= model_ok;
  }
  if (ok) {
    semihosting_write_uint(passed);
    semihosting_write(" model(s): every kernel set gave the same probabilities, and all "
                      "predictions match the desktop\n");
  }
  return ok ? 0 : 1;
}
