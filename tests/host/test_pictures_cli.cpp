// test_pictures_cli.cpp — `softedge eval --confusion` and `softedge gallery` run as a user
// would, on a tiny data directory: the SVG is parsed back (mini_xml.h) and the PNG decoded
// (stb_image.h from libstb-dev) and checked against what the data must give.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "mini_xml.h"
#include "softedge/host/dataset.h"
#include "softedge/host/gallery_image.h"
#include "softedge/host/model_writer.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include "stb_image.h"

namespace host = softedge::host;

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kPixels = 784;
constexpr uint32_t kClasses = 10;
constexpr uint32_t kAlwaysPredicted = 3;  // the fixture model's only answer
constexpr uint32_t kImages = 20;

// The image of test item i: every pixel the same grey, different for each item.
uint8_t grey_of(uint32_t i) { return static_cast<uint8_t>(10 + 12 * i); }

struct Run {
  int exit_code;
  std::string out;
  std::string err;
};

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string read_text(const fs::path& path) {
  const fixtures::Bytes bytes = fixtures::read_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

// A model that answers class 3 whatever the image (zero weights, one positive bias), and a
// data directory of kImages uniform images labelled 0, 1, ..., 9, 0, 1, ...: so image i is
// right exactly when i % 10 == 3.
class Fixture {
 public:
  Fixture() : tmp_("softedge-pictures") {
    host::ModelSpec spec;
    for (uint32_t c = 0; c < kClasses; ++c) {
      spec.class_names.push_back(host::kFashionMnistClassNames[c]);
    }
    host::DenseLayerSpec layer;
    layer.in_features = kPixels;
    layer.out_features = kClasses;
    layer.weights.assign(kPixels * kClasses, 0.0f);
    layer.bias.assign(kClasses, 0.0f);
    layer.bias[kAlwaysPredicted] = 1.0f;
    spec.layers.push_back(layer);
    model = dir() / "model.sedg";
    fixtures::write_bytes(model, host::encode_model(spec));

    data = dir() / "data";
    fs::create_directory(data);
    const fixtures::Bytes labels = fixtures::cycling_labels(kImages);
    const fixtures::Bytes images = fixtures::idx_images(
        kImages, 28, 28, [](size_t i) { return grey_of(static_cast<uint32_t>(i / kPixels)); });
    for (const char* prefix : {"t10k", "train"}) {
      fixtures::write_bytes(data / (std::string(prefix) + "-images-idx3-ubyte"), images);
      fixtures::write_bytes(data / (std::string(prefix) + "-labels-idx1-ubyte"),
                            fixtures::idx_labels(labels));
    }
  }
  const fs::path& dir() const { return tmp_.root(); }

  Run run(const std::string& args) const {
    const fs::path out = dir() / "stdout.txt", err = dir() / "stderr.txt";
    const std::string command = std::string("'") + SOFTEDGE_TOOL_EXE + "' " + args + " >'" +
                                out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    Run r{WEXITSTATUS(status), read_text(out), read_text(err)};
    fs::remove(out);
    fs::remove(err);
    return r;
  }

  fs::path model;
  fs::path data;

 private:
  fixtures::TempDir tmp_;
};

struct Png {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
  host::Rgb at(int x, int y) const {
    const uint8_t* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
    return {p[0], p[1], p[2]};
  }
};

Png decode_png(const fs::path& path) {
  const fixtures::Bytes bytes = fixtures::read_bytes(path);
  Png png;
  int channels = 0;
  unsigned char* pixels = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()),
                                                &png.width, &png.height, &channels, 3);
  INFO("stb_image: " << (pixels ? "ok" : stbi_failure_reason()));
  REQUIRE(pixels != nullptr);
  png.rgb.assign(pixels, pixels + static_cast<size_t>(png.width) * png.height * 3);
  stbi_image_free(pixels);
  return png;
}

bool is_red(host::Rgb p) {
  return p.r >= 180 && p.g <= 70 && p.b <= 70;
}

}  // namespace

TEST_CASE("softedge eval --confusion draws the matrix it prints") {
  Fixture f;
  const fs::path svg = f.dir() / "confusion.svg";
  Run r = f.run("eval " + quoted(f.model) + " --data " + quoted(f.data) + " --confusion " +
                quoted(svg));
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "test accuracy: 0.1000 (2/20)"));
  CHECK(contains(r.out, "confusion matrix picture: " + svg.string()));

  mini_xml::Element root;
  REQUIRE_NOTHROW(root = mini_xml::parse(read_text(svg)));
  CHECK(root.name == "svg");
  const mini_xml::Element* cells = root.by_id("cells");
  REQUIRE(cells != nullptr);
  REQUIRE(cells->all("rect").size() == kClasses * kClasses);
  const auto cell_texts = cells->all("text");
  REQUIRE(cell_texts.size() == kClasses * kClasses);
  for (uint32_t t = 0; t < kClasses; ++t) {
    for (uint32_t p = 0; p < kClasses; ++p) {
      CAPTURE(t);
      CAPTURE(p);
      // Two images per true class, all predicted as class 3.
      CHECK(cell_texts[t * kClasses + p]->text == (p == kAlwaysPredicted ? "2" : "0"));
    }
  }
  for (const char* id : {"row-labels", "column-labels"}) {
    const auto labels = root.by_id(id)->all("text");
    REQUIRE(labels.size() == kClasses);
    for (uint32_t c = 0; c < kClasses; ++c) {
      CHECK(labels[c]->text == host::kFashionMnistClassNames[c]);
    }
  }
  CHECK(contains(root.all("title").at(0)->text, "model.sedg: test accuracy 10.00% on 20 images"));

  SUBCASE("with --json, stdout stays one JSON object") {
    fs::remove(svg);
    Run json = f.run("eval --json " + quoted(f.model) + " --data " + quoted(f.data) +
                     " --confusion=" + quoted(svg));
    REQUIRE(json.exit_code == 0);
    CHECK(json.out.front() == '{');
    CHECK(json.out.find('\n') == json.out.size() - 1);
    CHECK(fs::exists(svg));
  }
  SUBCASE("an unwritable path fails, naming it, and prints nothing") {
    const fs::path nowhere = f.dir() / "no-such-dir" / "confusion.svg";
    Run bad = f.run("eval " + quoted(f.model) + " --data " + quoted(f.data) + " --confusion " +
                    quoted(nowhere));
    CHECK(bad.exit_code == 1);
    CHECK(contains(bad.err, nowhere.string()));
    CHECK(bad.out.empty());
  }
  SUBCASE("an empty file name is a usage error") {
    CHECK(f.run("eval " + quoted(f.model) + " --confusion=").exit_code == 2);
  }
}

TEST_CASE("softedge gallery writes a PNG grid with the mistakes framed in red") {
  Fixture f;
  const fs::path png_path = f.dir() / "gallery.png";
  const uint32_t start = 2, count = 11, columns = 4;
  Run r = f.run("gallery " + quoted(f.model) + " --data " + quoted(f.data) + " --out " +
                quoted(png_path) + " --start 2 --count 11 --columns 4");
  REQUIRE(r.exit_code == 0);
  // Images 2..12: right for 3 and 13 (label 3): only image 3 is in range.
  CHECK(contains(r.out, "test images 2-12, 1 right, 10 wrong"));
  CHECK(r.err.empty());

  const Png png = decode_png(png_path);
  const host::GalleryLayout layout = host::gallery_layout(count, columns, 2);
  CHECK(layout.rows == 3);  // 11 images in rows of 4
  CHECK(png.width == 2 * host::GalleryLayout::kMargin + 4 * host::GalleryLayout::kTileWidth);
  CHECK(png.width == layout.width());
  CHECK(png.height == layout.height());

  const int side = host::kGalleryImageSide * host::kGalleryScale;
  const int frame = host::GalleryLayout::kFrame;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t test_index = start + i;
    CAPTURE(test_index);
    const int x = layout.image_x(i), y = layout.image_y(i);
    CHECK(png.at(x + side / 2, y + side / 2).r == grey_of(test_index));  // the right image
    const bool wrong = test_index % kClasses != kAlwaysPredicted;
    CHECK(is_red(png.at(x - frame / 2 - 1, y + side / 2)) == wrong);  // left side of a frame
    CHECK(is_red(png.at(x + side / 2, y + side + frame / 2)) == wrong);  // bottom side
  }

  // Written atomically: nothing but the picture is left beside it.
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(f.dir())) {
    if (entry.is_regular_file()) {
      ++files;
      CHECK(entry.path().filename().string().find("tmp") == std::string::npos);
    }
  }
  CHECK(files == 2);  // model.sedg and gallery.png
}

TEST_CASE("softedge gallery: defaults, the end of the split, errors") {
  Fixture f;
  const fs::path png_path = f.dir() / "g.png";
  SUBCASE("near the end of the split it shows what there is") {
    Run r = f.run("gallery " + quoted(f.model) + " --data=" + quoted(f.data) + " --out=" +
                  quoted(png_path) + " --start 15");
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.out, "test images 15-19, 0 right, 5 wrong"));
    const Png png = decode_png(png_path);
    const host::GalleryLayout layout = host::gallery_layout(5, 8, 2);  // default 8 columns
    CHECK(png.width == layout.width());
    CHECK(png.height == layout.height());
  }
  SUBCASE("usage errors exit 2 before any file is read") {
    const std::string base = "gallery " + quoted(f.model) + " --data " + quoted(f.data);
    CHECK(f.run(base).exit_code == 2);  // no --out
    CHECK(f.run(base + " --out " + quoted(png_path) + " --columns 0").exit_code == 2);
    CHECK(f.run(base + " --out " + quoted(png_path) + " --count 1001").exit_code == 2);
    CHECK(f.run(base + " --out " + quoted(png_path) + " --start -1").exit_code == 2);
    CHECK(f.run("gallery --out " + quoted(png_path)).exit_code == 2);  // no model
    CHECK_FALSE(fs::exists(png_path));
  }
  SUBCASE("a start past the split is a failure naming the range") {
    Run r = f.run("gallery " + quoted(f.model) + " --data " + quoted(f.data) + " --out " +
                  quoted(png_path) + " --start 20");
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "out of range"));
    CHECK(contains(r.err, "20 images"));
    CHECK_FALSE(fs::exists(png_path));
  }
  SUBCASE("listed in --help, with its own --help") {
    CHECK(contains(f.run("--help").out, "gallery"));
    Run help = f.run("gallery --help");
    CHECK(help.exit_code == 0);
    CHECK(contains(help.out, "usage: softedge gallery MODEL --out FILE.png"));
  }
}
