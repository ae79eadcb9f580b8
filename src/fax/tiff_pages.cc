// Fax pages in TIFF files through libtiff: read, compare, write (tiff_pages.h).
#include "fax/tiff_pages.h"

#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <memory>

#include "core/log.h"

namespace owsip::fax {
namespace {

constexpr std::string_view kTag = "fax.tiff";
constexpr int kFaxWidth = 1728;

// libtiff reports through process-wide handlers that print to stderr by default. owsip keeps
// the last error text (to put it in the error it returns) and sends both kinds to the debug
// log. spandsp's own TIFF reading and writing go through the same handlers.
thread_local std::string last_tiff_error;

void on_tiff_error(const char* module, const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  last_tiff_error = text;
  log::debug(kTag, "libtiff error: %s: %s", module ? module : "-", text);
}

void on_tiff_warning(const char* module, const char* fmt, va_list ap) {
  if (!log::enabled(log::kDebug)) return;
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  log::debug(kTag, "libtiff warning: %s: %s", module ? module : "-", text);
}

void install_handlers() {
  static const bool installed = [] {
    TIFFSetErrorHandler(on_tiff_error);
    TIFFSetWarningHandler(on_tiff_warning);
    return true;
  }();
  (void)installed;
}

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
using TiffFile = std::unique_ptr<TIFF, TiffCloser>;

Result<TiffFile> open_tiff(const std::string& path, const char* mode) {
  install_handlers();
  if (mode[0] == 'r') {
    std::FILE* probe = std::fopen(path.c_str(), "rb");
    if (!probe) return Status::error(errno_text(path));
    std::fclose(probe);
  }
  last_tiff_error.clear();
  TiffFile t(TIFFOpen(path.c_str(), mode));
  if (!t)
    return Status::error(path + ": not a TIFF file" +
                         (last_tiff_error.empty() ? "" : " (" + last_tiff_error + ")"));
  return t;
}

double dpi(TIFF* t, ttag_t tag) {
  float value = 0;
  if (!TIFFGetField(t, tag, &value) || value <= 0) return 0;
  uint16_t unit = RESUNIT_INCH;
  TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
  return unit == RESUNIT_CENTIMETER ? value * 2.54 : value;
}

// The page libtiff has as its current directory.
Result<FaxPage> read_page(TIFF* t, const std::string& where) {
  uint32_t width = 0, length = 0;
  uint16_t bits = 1, samples = 1, photometric = PHOTOMETRIC_MINISWHITE;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &length);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric);
  if (bits != 1 || samples != 1)
    return Status::error(where + ": " + std::to_string(samples) + " sample(s) of " +
                         std::to_string(bits) + " bits per pixel, a fax page has 1 of 1");
  if (width == 0 || width > 100000 || length > 100000)
    return Status::error(where + ": implausible size " + std::to_string(width) + " x " +
                         std::to_string(length));
  FaxPage page;
  page.width = static_cast<int>(width);
  page.length = static_cast<int>(length);
  page.x_dpi = dpi(t, TIFFTAG_XRESOLUTION);
  page.y_dpi = dpi(t, TIFFTAG_YRESOLUTION);
  const size_t row_bytes = (width + 7) / 8;
  const tmsize_t scanline = TIFFScanlineSize(t);
  if (scanline <= 0 || static_cast<size_t>(scanline) < row_bytes)
    return Status::error(where + ": bad scanline size");
  std::vector<uint8_t> buffer(static_cast<size_t>(scanline));
  const uint8_t tail_mask = width % 8 ? static_cast<uint8_t>(0xff << (8 - width % 8)) : 0xff;
  page.rows.reserve(length);
  for (uint32_t y = 0; y < length; ++y) {
    last_tiff_error.clear();
    if (TIFFReadScanline(t, buffer.data(), y, 0) < 0)
      return Status::error(where + ": row " + std::to_string(y) + " does not decode" +
                           (last_tiff_error.empty() ? "" : " (" + last_tiff_error + ")"));
    std::vector<uint8_t> row(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(row_bytes));
    if (photometric == PHOTOMETRIC_MINISBLACK)
      for (auto& b : row) b = static_cast<uint8_t>(~b);
    row.back() &= tail_mask;
    page.rows.push_back(std::move(row));
  }
  return page;
}

}  // namespace

Result<std::vector<FaxPage>> read_fax_pages(const std::string& path) {
  auto t = open_tiff(path, "r");
  if (!t) return t.status();
  std::vector<FaxPage> pages;
  do {
    auto page = read_page(t->get(), path + " page " + std::to_string(pages.size() + 1));
    if (!page) return page.status();
    pages.push_back(std::move(*page));
    if (pages.size() > 1000) return Status::error(path + ": more than 1000 pages");
  } while (TIFFReadDirectory(t->get()));
  return pages;
}

Result<int> check_fax_file(const std::string& path) {
  auto t = open_tiff(path, "r");
  if (!t) return t.status();
  int pages = 0;
  do {
    ++pages;
    const std::string where = path + " page " + std::to_string(pages);
    uint32_t width = 0;
    uint16_t bits = 1, samples = 1;
    TIFFGetField(t->get(), TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetFieldDefaulted(t->get(), TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(t->get(), TIFFTAG_SAMPLESPERPIXEL, &samples);
    if (bits != 1 || samples != 1)
      return Status::error(where + ": not a bilevel image (" + std::to_string(samples) +
                           " sample(s) of " + std::to_string(bits) + " bits)");
    if (width != kFaxWidth)
      return Status::error(where + ": " + std::to_string(width) +
                           " pixels wide, a fax page is 1728");
    if (pages > 1000) return Status::error(path + ": more than 1000 pages");
  } while (TIFFReadDirectory(t->get()));
  return pages;
}

bool PageComparison::same() const {
  if (pages_a != pages_b) return false;
  return std::all_of(pages.begin(), pages.end(), [](const PageDifference& d) { return d.same(); });
}

std::string PageComparison::summary() const {
  if (same())
    return std::to_string(pages_a) + (pages_a == 1 ? " page" : " pages") + ", identical";
  std::string text;
  auto add = [&](const std::string& s) { text += (text.empty() ? "" : "; ") + s; };
  for (size_t i = 0; i < pages.size(); ++i) {
    const auto& d = pages[i];
    if (d.same()) continue;
    std::string s = "page " + std::to_string(i + 1) + ": ";
    if (d.width_a != d.width_b)
      s += "width " + std::to_string(d.width_a) + " vs " + std::to_string(d.width_b) + ", ";
    if (d.rows_a != d.rows_b)
      s += std::to_string(d.rows_a) + " vs " + std::to_string(d.rows_b) + " rows, ";
    s += std::to_string(d.differing_rows) + " of " + std::to_string(std::max(d.rows_a, d.rows_b)) +
         " rows differ";
    add(s);
  }
  if (pages_a != pages_b)
    add("a has " + std::to_string(pages_a) + " page(s), b " + std::to_string(pages_b));
  return text;
}

Result<PageComparison> compare_fax_files(const std::string& a, const std::string& b) {
  auto pa = read_fax_pages(a);
  if (!pa) return pa.status();
  auto pb = read_fax_pages(b);
  if (!pb) return pb.status();
  PageComparison c;
  c.pages_a = static_cast<int>(pa->size());
  c.pages_b = static_cast<int>(pb->size());
  for (size_t i = 0; i < std::min(pa->size(), pb->size()); ++i) {
    const FaxPage& x = (*pa)[i];
    const FaxPage& y = (*pb)[i];
    PageDifference d;
    d.width_a = x.width;
    d.width_b = y.width;
    d.rows_a = x.length;
    d.rows_b = y.length;
    const int common = std::min(x.length, y.length);
    for (int r = 0; r < common; ++r)
      if (x.rows[static_cast<size_t>(r)] != y.rows[static_cast<size_t>(r)]) ++d.differing_rows;
    d.differing_rows += std::max(x.length, y.length) - common;
    c.pages.push_back(d);
  }
  return c;
}

FaxPage make_test_page(int rows, uint32_t seed) {
  rows = std::clamp(rows, 1, 10000);
  FaxPage page;
  page.width = kFaxWidth;
  page.length = rows;
  page.x_dpi = 204;
  page.y_dpi = 98;
  page.rows.assign(static_cast<size_t>(rows), std::vector<uint8_t>(kFaxWidth / 8, 0));
  auto set = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= kFaxWidth || y >= rows) return;
    page.rows[static_cast<size_t>(y)][static_cast<size_t>(x) / 8] |=
        static_cast<uint8_t>(0x80 >> (x % 8));
  };
  // A 4-pixel border and ruler ticks every 64 pixels / 32 rows.
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < kFaxWidth; ++x)
      if (x < 4 || x >= kFaxWidth - 4 || y < 4 || y >= rows - 4 ||
          (x % 64 == 0 && (y < 20 || y >= rows - 20)) || (y % 32 == 0 && (x < 24 || x >= kFaxWidth - 24)))
        set(x, y);
  // Diagonals, 3 pixels thick.
  for (int y = 0; y < rows; ++y) {
    const int x = static_cast<int>(static_cast<int64_t>(y) * (kFaxWidth - 1) / std::max(1, rows - 1));
    for (int k = -1; k <= 1; ++k) {
      set(x + k, y);
      set(kFaxWidth - 1 - x + k, y);
    }
  }
  // Blocks of 32 x 16 pixels inside a margin, about one in three black (a 32-bit LCG,
  // Numerical Recipes' constants).
  uint32_t state = seed * 2654435761u + 12345u;
  for (int by = 40; by + 16 <= rows - 40; by += 16)
    for (int bx = 64; bx + 32 <= kFaxWidth - 64; bx += 32) {
      state = state * 1664525u + 1013904223u;
      if ((state >> 24) % 3 != 0) continue;
      for (int y = by; y < by + 16; ++y)
        for (int x = bx; x < bx + 32; ++x) set(x, y);
    }
  return page;
}

Status write_fax_file(const std::string& path, const std::vector<FaxPage>& pages) {
  if (pages.empty()) return Status::error(path + ": no pages to write");
  auto t = open_tiff(path, "w");
  if (!t) return Status::error(path + ": cannot create" + (last_tiff_error.empty() ? "" : " (" + last_tiff_error + ")"));
  TIFF* tif = t->get();
  for (size_t i = 0; i < pages.size(); ++i) {
    const FaxPage& p = pages[i];
    if (p.width != kFaxWidth || p.length <= 0 || p.rows.size() != static_cast<size_t>(p.length))
      return Status::error(path + ": page " + std::to_string(i + 1) + " is not 1728 pixels wide");
    TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(p.width));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(p.length));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX3);
    TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, 0);  // 1D (MH), no fill bits
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(tif, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(p.x_dpi > 0 ? p.x_dpi : 204));
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(p.y_dpi > 0 ? p.y_dpi : 98));
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(p.length));
    TIFFSetField(tif, TIFFTAG_PAGENUMBER, static_cast<uint16_t>(i), static_cast<uint16_t>(pages.size()));
    TIFFSetField(tif, TIFFTAG_SOFTWARE, "owsip");
    std::vector<uint8_t> row;
    for (int y = 0; y < p.length; ++y) {
      row = p.rows[static_cast<size_t>(y)];
      if (TIFFWriteScanline(tif, row.data(), static_cast<uint32_t>(y), 0) < 0)
        return Status::error(path + ": writing row " + std::to_string(y) + " failed" +
                             (last_tiff_error.empty() ? "" : " (" + last_tiff_error + ")"));
    }
    if (!TIFFWriteDirectory(tif))
      return Status::error(path + ": writing page " + std::to_string(i + 1) + " failed");
  }
  return Status::ok();
}

}  // namespace owsip::fax
