// onnx_window_ops.cpp — see onnx_window_ops.h. Plain loops over every output element: the
// point is to be obviously the operator's definition, not fast.
#include "softedge/tools/onnx_window_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "softedge/tools/onnx_attributes.h"
#include "softedge/tools/onnx_evaluator.h"

namespace softedge {
namespace tools {

namespace {

constexpr int32_t kFloat = onnx::TensorProto_DataType_FLOAT;
constexpr int32_t kDouble = onnx::TensorProto_DataType_DOUBLE;

// The 2-D window of a Conv or pooling node: sizes, strides, pads (begin and end), dilations.
struct Window {
  int64_t kh = 0, kw = 0;
  int64_t sh = 1, sw = 1;
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  int64_t dh = 1, dw = 1;
};

std::vector<int64_t> pair_attribute(const onnx::NodeProto& node, const char* name,
                                    int64_t fallback, size_t count) {
  std::vector<int64_t> v = ints_attribute(node, name);
  if (v.empty()) v.assign(count, fallback);
  if (v.size() != count) {
    throw OnnxTensorError(std::string(name) + " has " + std::to_string(v.size()) +
                          " values; a 2-D window needs " + std::to_string(count));
  }
  return v;
}

Window read_window(const onnx::NodeProto& node, int64_t kh, int64_t kw) {
  const onnx::AttributeProto* auto_pad = find_attribute(node, "auto_pad");
  if (auto_pad != nullptr && auto_pad->s() != "NOTSET" && auto_pad->s() != "VALID") {
    throw OnnxTensorError("auto_pad " + auto_pad->s() + " is not implemented (NOTSET, VALID)");
  }
  Window w;
  const std::vector<int64_t> kernel = ints_attribute(node, "kernel_shape");
  if (!kernel.empty() && kernel != std::vector<int64_t>{kh, kw} && kh > 0) {
    throw OnnxTensorError("kernel_shape does not match the weights");
  }
  if (kh <= 0) {  // pooling: the kernel comes from the attribute alone
    if (kernel.size() != 2) throw OnnxTensorError("needs a 2-D kernel_shape");
    kh = kernel[0], kw = kernel[1];
  }
  w.kh = kh, w.kw = kw;
  const std::vector<int64_t> strides = pair_attribute(node, "strides", 1, 2);
  const std::vector<int64_t> pads = pair_attribute(node, "pads", 0, 4);
  const std::vector<int64_t> dilations = pair_attribute(node, "dilations", 1, 2);
  w.sh = strides[0], w.sw = strides[1];
  w.top = pads[0], w.left = pads[1], w.bottom = pads[2], w.right = pads[3];
  w.dh = dilations[0], w.dw = dilations[1];
  const bool sane = w.kh >= 1 && w.kw >= 1 && w.kh <= 4096 && w.kw <= 4096 && w.sh >= 1 &&
                    w.sw >= 1 && w.dh >= 1 && w.dw >= 1 && w.dh <= 4096 && w.dw <= 4096 &&
                    std::min({w.top, w.left, w.bottom, w.right}) >= 0 &&
                    std::max({w.top, w.left, w.bottom, w.right}) <= 4096;
  if (!sane) throw OnnxTensorError("has a kernel, stride, pad or dilation out of range");
  return w;
}

// Output extent along one axis (floor), or an error when the window never fits.
int64_t extent(int64_t in, int64_t k, int64_t stride, int64_t begin, int64_t end, int64_t d) {
  const int64_t span = (k - 1) * d + 1;
  if (in + begin + end < span) throw OnnxTensorError("the window is larger than the input");
  return (in + begin + end - span) / stride + 1;
}

void require_nchw(const Tensor& x) {
  if (x.type != kFloat && x.type != kDouble) {
    throw OnnxTensorError("X is " + type_name(x.type) + ", not FLOAT");
  }
  if (x.shape.size() != 4) {
    throw OnnxTensorError("X " + shape_text(x.shape) + " is not [N, C, H, W] (only 2-D is implemented)");
  }
}

// Bounds the work a hostile file may ask for, as Gemm does.
void require_work(int64_t outputs, int64_t per_output) {
  if (per_output != 0 && outputs > kMaxOperations / per_output) {
    throw OnnxTensorError("would take more than " + std::to_string(kMaxOperations) +
                          " multiply-adds");
  }
}

}  // namespace

Tensor evaluate_conv(const onnx::NodeProto& node, const Tensor& x, const Tensor& w,
                     const Tensor* b) {
  require_nchw(x);
  if (w.shape.size() != 4 || (w.type != kFloat && w.type != kDouble) || w.shape[2] < 1 ||
      w.shape[3] < 1) {
    throw OnnxTensorError("W " + shape_text(w.shape) + " is not FLOAT [M, C, kH, kW]");
  }
  if (int_attribute(node, "group", 1) != 1) throw OnnxTensorError("group != 1 is not implemented");
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const int64_t m = w.shape[0];
  if (w.shape[1] != c) {
    throw OnnxTensorError("W " + shape_text(w.shape) + " does not match X " + shape_text(x.shape));
  }
  if (b != nullptr && (b->shape != std::vector<int64_t>{m})) {
    throw OnnxTensorError("B " + shape_text(b->shape) + " is not [M]");
  }
  const Window win = read_window(node, w.shape[2], w.shape[3]);
  const int64_t oh = extent(h, win.kh, win.sh, win.top, win.bottom, win.dh);
  const int64_t ow = extent(wd, win.kw, win.sw, win.left, win.right, win.dw);
  Tensor y;
  y.type = x.type;
  y.shape = {n, m, oh, ow};
  y.values.assign(static_cast<size_t>(element_count(y.shape)), 0.0);
  require_work(element_count(y.shape), c * win.kh * win.kw);
  auto at = [](const Tensor& t, int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
    return t.values[static_cast<size_t>(((i0 * t.shape[1] + i1) * t.shape[2] + i2) * t.shape[3] + i3)];
  };
  size_t out = 0;
  for (int64_t in = 0; in < n; ++in) {
    for (int64_t o = 0; o < m; ++o) {
      for (int64_t oy = 0; oy < oh; ++oy) {
        for (int64_t ox = 0; ox < ow; ++ox) {
          double sum = b != nullptr ? b->values[static_cast<size_t>(o)] : 0.0;
          for (int64_t ic = 0; ic < c; ++ic) {
            for (int64_t ky = 0; ky < win.kh; ++ky) {
              const int64_t iy = oy * win.sh - win.top + ky * win.dh;
              if (iy < 0 || iy >= h) continue;
              for (int64_t kx = 0; kx < win.kw; ++kx) {
                const int64_t ix = ox * win.sw - win.left + kx * win.dw;
                if (ix < 0 || ix >= wd) continue;
                sum += at(w, o, ic, ky, kx) * at(x, in, ic, iy, ix);
              }
            }
          }
          y.values[out++] = y.type == kFloat ? static_cast<float>(sum) : sum;
        }
      }
    }
  }
  return y;
}

Tensor evaluate_pool(const onnx::NodeProto& node, const Tensor& x, bool max) {
  require_nchw(x);
  if (int_attribute(node, "ceil_mode", 0) != 0) throw OnnxTensorError("ceil_mode 1 is not implemented");
  const Window win = read_window(node, 0, 0);
  const bool include_pad = int_attribute(node, "count_include_pad", 0) != 0;
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const int64_t oh = extent(h, win.kh, win.sh, win.top, win.bottom, win.dh);
  const int64_t ow = extent(wd, win.kw, win.sw, win.left, win.right, win.dw);
  Tensor y;
  y.type = x.type;
  y.shape = {n, c, oh, ow};
  y.values.assign(static_cast<size_t>(element_count(y.shape)), 0.0);
  require_work(element_count(y.shape), win.kh * win.kw);
  size_t out = 0;
  for (int64_t plane = 0; plane < n * c; ++plane) {
    const double* p = x.values.data() + plane * h * wd;
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        double best = -std::numeric_limits<double>::infinity(), sum = 0;
        int64_t count = 0;
        for (int64_t ky = 0; ky < win.kh; ++ky) {
          for (int64_t kx = 0; kx < win.kw; ++kx) {
            const int64_t iy = oy * win.sh - win.top + ky * win.dh;
            const int64_t ix = ox * win.sw - win.left + kx * win.dw;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
              count += include_pad;  // a padded position: 0 for the average, none for the max
              continue;
            }
            const double v = p[iy * wd + ix];
            best = std::max(best, v);
            sum += v;
            ++count;
          }
        }
        if (count == 0) throw OnnxTensorError("a window lies entirely in the padding");
        const double v = max ? best : sum / static_cast<double>(count);
        y.values[out++] = y.type == kFloat ? static_cast<float>(v) : v;
      }
    }
  }
  return y;
}

}  // namespace tools
}  // namespace softedge
