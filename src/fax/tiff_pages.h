#pragma once
// Fax pages as TIFF files (libtiff): reading every page of a file into bitmaps, comparing two
// files page by page, and drawing a test page of our own.
//
// A fax page is 1 bit per pixel, 1728 pixels wide (T.4's A4 width at 8 pixels/mm), stored as
// TIFF class F: CCITT G3 (T.4) or G4 (T.6) compressed, "min-is-white" (a 1 bit is black).
// Reading leaves the decompression to libtiff and normalises "min-is-black" files, so any
// bilevel TIFF compares with any other by its pixels.

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace owsip::fax {

// One page: rows of (width + 7) / 8 bytes, most significant bit leftmost, 1 = black; the bits
// past the width are 0.
struct FaxPage {
  int width = 0;
  int length = 0;             // rows
  double x_dpi = 0, y_dpi = 0;  // resolution, dots per inch (0 when the file gives none)
  std::vector<std::vector<uint8_t>> rows;

  bool black(int x, int y) const {
    return (rows[static_cast<size_t>(y)][static_cast<size_t>(x) / 8] >> (7 - x % 8)) & 1;
  }
};

// Every page of `path`, in file order. Errors name the file and what is wrong with it (missing,
// not a TIFF, not bilevel, a row libtiff cannot decode).
Result<std::vector<FaxPage>> read_fax_pages(const std::string& path);

// The number of pages (TIFF directories), checking that the file opens and that each page is a
// bilevel image a fax can send (1 bit per sample, one sample, 1728 pixels wide).
Result<int> check_fax_file(const std::string& path);

struct PageDifference {
  int width_a = 0, width_b = 0;
  int rows_a = 0, rows_b = 0;
  // Rows of the common length with at least one differing pixel, plus the rows one page has
  // beyond the other's length.
  int differing_rows = 0;
  bool same() const { return width_a == width_b && rows_a == rows_b && differing_rows == 0; }
};

struct PageComparison {
  int pages_a = 0, pages_b = 0;
  std::vector<PageDifference> pages;  // one per page both files have
  bool same() const;
  // "2 pages, identical" or "page 1: 12 of 400 rows differ; b has 1 page, a 2".
  std::string summary() const;
};

// Decodes both files and compares them page by page, pixel by pixel.
Result<PageComparison> compare_fax_files(const std::string& a, const std::string& b);

// A test page drawn by owsip: `rows` rows (1..10000) of 1728 pixels at 204 x 98 dpi (T.4
// standard resolution), a border, a frame of ruler ticks, diagonals and blocks of 32 x 16
// pixels set by a pseudo-random generator seeded with `seed` and the page number, so that every
// page differs and a wrong row shows. Compressed T.4 1D (MH), as every fax machine reads.
FaxPage make_test_page(int rows, uint32_t seed);
// Writes `pages` (each 1728 pixels wide) as a TIFF class F file (G3, min-is-white, LSB-first
// fill order as fax files usually are).
Status write_fax_file(const std::string& path, const std::vector<FaxPage>& pages);

}  // namespace owsip::fax
