// test_cli_images.cpp — `softedge predict` on PNG and JPEG: the same prediction as the PGM of
// the same pixels (grey PNG, colour PNG with equal channels, a 2x enlargement that the box
// filter brings back exactly, a JPEG against the PGM of its decoded pixels), a warning for a
// light background, and a named error for anything else.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_fixtures.h"
#include "cli_harness.h"

// stb's JPEG encoder left-shifts negative DCT values (UBSan reports it); it only makes the
// fixtures here, so it is exempt. The decoder under test (in the tool) is not.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((no_sanitize("undefined"))), apply_to = function)
#endif
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include "stb_image_write.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_JPEG
#include "stb_image.h"

namespace fs = std::filesystem;
using cli::contains;
using cli::run;
using cli::sh;

namespace {

// A light item on black, like Fashion-MNIST: a 2-pixel black border, varied inside.
fixtures::Bytes item_pixels() {
  fixtures::Bytes p(784, 0);
  for (int y = 2; y < 26; ++y) {
    for (int x = 2; x < 26; ++x) p[y * 28 + x] = static_cast<uint8_t>(40 + (x * 13 + y * 7) % 200);
  }
  return p;
}

void write_png(const std::string& path, int width, int height, int channels,
               const fixtures::Bytes& pixels) {
  REQUIRE(stbi_write_png(path.c_str(), width, height, channels, pixels.data(), width * channels));
}

// The top-10 classes and probabilities `softedge predict --json` gives (the image name cut).
std::string prediction(const std::string& model, const std::string& image, std::string* err = nullptr) {
  const cli::Result r = run(cli::tool() + " predict --json --top 10 " + sh(model) + " " + sh(image));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  if (err != nullptr) *err = r.err;
  return r.out.substr(r.out.find(",\"top\""));
}

}  // namespace

TEST_CASE("cli images: PNG and JPEG predict as the PGM of the same pixels") {
  fixtures::TempDir dir("softedge-cli-images");
  const std::string model = cli::write_model(dir, "m.sedg", cli::model_spec());
  const fixtures::Bytes pixels = item_pixels();
  const std::string expected = prediction(model, dir.write("item.pgm", cli::pgm(pixels)));

  const std::string grey = dir.path() + "/grey.png";
  write_png(grey, 28, 28, 1, pixels);
  CHECK(prediction(model, grey) == expected);

  fixtures::Bytes rgb;
  for (uint8_t p : pixels) rgb.insert(rgb.end(), {p, p, p});
  const std::string colour = dir.path() + "/colour.png";
  write_png(colour, 28, 28, 3, rgb);
  std::string note;
  CHECK(prediction(model, colour, &note) == expected);
  CHECK(contains(note, "colour -> luminance"));

  fixtures::Bytes large(56 * 56);
  for (int y = 0; y < 56; ++y) {
    for (int x = 0; x < 56; ++x) large[y * 56 + x] = pixels[(y / 2) * 28 + x / 2];
  }
  const std::string enlarged = dir.path() + "/large.png";
  write_png(enlarged, 56, 56, 1, large);
  CHECK(prediction(model, enlarged, &note) == expected);
  CHECK(contains(note, "56x56 -> 28x28 (box filter)"));
  CHECK_FALSE(contains(note, "light background"));

  // JPEG is lossy: compare with the PGM of exactly the pixels it decodes to.
  const std::string jpeg = dir.path() + "/item.jpg";
  REQUIRE(stbi_write_jpg(jpeg.c_str(), 28, 28, 1, pixels.data(), 95));
  int w = 0, h = 0, n = 0;
  stbi_uc* decoded = stbi_load(jpeg.c_str(), &w, &h, &n, 1);
  REQUIRE(decoded != nullptr);
  const fixtures::Bytes jpeg_pixels(decoded, decoded + 784);
  stbi_image_free(decoded);
  CHECK(prediction(model, jpeg) == prediction(model, dir.write("jpeg.pgm", cli::pgm(jpeg_pixels))));
}

TEST_CASE("cli images: a light background is warned about, a non-image named") {
  fixtures::TempDir dir("softedge-cli-images");
  const std::string model = cli::write_model(dir, "m.sedg", cli::model_spec());
  fixtures::Bytes inverted = item_pixels();
  for (uint8_t& p : inverted) p = static_cast<uint8_t>(255 - p);
  const std::string light = dir.path() + "/light.png";
  write_png(light, 28, 28, 1, inverted);
  std::string err;
  prediction(model, light, &err);
  CHECK(contains(err, light + ": warning: a light background"));

  const std::string text = dir.write("notes.png", {'h', 'e', 'l', 'l', 'o'});
  const auto before = cli::snapshot(dir.root());
  cli::check_failed_cleanly(run(cli::tool() + " predict " + sh(model) + " " + sh(text)), text,
                            "not a PGM (P5), PNG or JPEG", dir.root(), before);
}

TEST_CASE("cli images: predict --all DIR classifies every image file as predict IMAGE does") {
  fixtures::TempDir dir("softedge-cli-images");
  const std::string model = cli::write_model(dir, "m.sedg", cli::model_spec());
  const std::string images = dir.path() + "/images";
  REQUIRE(fs::create_directory(images));
  fixtures::Bytes pixels = item_pixels();
  fixtures::Bytes shifted(784, 0);  // another picture: the item moved down by 6 rows
  for (int i = 6 * 28; i < 784; ++i) shifted[i] = pixels[i - 6 * 28];
  write_png(images + "/b, second.png", 28, 28, 1, shifted);  // a comma: a quoted CSV field
  REQUIRE(fs::copy_file(dir.write("a.pgm", cli::pgm(pixels)), images + "/a.pgm"));
  dir.write("images/notes.txt", {'x'});  // not an image name: skipped

  const cli::Result r = run(cli::tool() + " predict " + sh(model) + " --all " + sh(images));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("file,class,p0,", 0) == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);  // header, a.pgm, "b, second.png"
  for (const std::string name : {"a.pgm", "b, second.png"}) {
    CAPTURE(name);
    const std::string one = prediction(model, images + "/" + name);
    const size_t at = one.find("{\"class\":") + 9;
    const std::string top = one.substr(at, one.find(',', at) - at);
    const std::string field = name.find(',') == std::string::npos ? images + "/" + name
                                                                   : "\"" + images + "/" + name + "\"";
    CHECK(contains(r.out, "\n" + field + "," + top + ","));
  }
  const cli::Result json = run(cli::tool() + " predict --json " + sh(model) + " --all " + sh(images));
  CHECK(json.exit_code == 0);
  CHECK(contains(json.out, "{\"file\":\"" + images + "/a.pgm\",\"class\":"));

  const std::string empty = dir.path() + "/empty";
  REQUIRE(fs::create_directory(empty));
  const cli::Result none = run(cli::tool() + " predict " + sh(model) + " --all " + sh(empty));
  CHECK(none.exit_code == 1);
  CHECK(contains(none.err, empty + ": no .pgm, .png or .jpg images in it"));
  CHECK(run(cli::tool() + " predict " + sh(model) + " --all " + sh(images) + " --data x")
            .exit_code == 2);
}
