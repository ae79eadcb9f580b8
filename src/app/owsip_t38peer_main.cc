// owsip-t38peer: a T.38 fax peer that is not owsip's call code, for tests (docs/T38.md).
// spandsp's t38_terminal (T.30 over IFP packets) on owsip's UDPTL (fax/udptl.h) on one UDP
// socket on 127.0.0.1. With --gateway, the fax end is instead spandsp's audio fax terminal
// (V.21/V.27ter/V.29/V.17 modems, as a fax machine on a phone line would be) behind owsip's
// T38Gateway, so the audio is relayed to T.38 exactly as the phone line's would be.
//
//   owsip-t38peer --make-page FILE [--rows N]      write the test page (G4 TIFF) and exit
//   owsip-t38peer --compare A B                     compare two TIFF pages, print JSON
//   owsip-t38peer --role send|receive --local PORT --remote PORT
//                 [--page FILE] [--out FILE] [--expect FILE] [--redundancy N] [--ecm 0|1]
//                 [--max-bit-rate BPS] [--max-datagram N] [--symmetric] [--gateway]
//                 [--timeout S] [--verbose]
//
// Prints one JSON object on stdout at the end. Exit codes: 0 the fax completed (and, with
// --expect, the received page equals the expected one), 1 the fax failed or the page differs,
// 2 usage or setup error, 3 the time limit passed.

#include <tiffio.h>

#include <spandsp.h>
#undef lrint
#undef lrintf

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "fax/t38_session.h"
#include "fax/udptl_link.h"

namespace {

using namespace owsip;

constexpr int kWidth = 1728;  // A4 at R8 (T.4)

// The test page: 16x16-pel blocks black or white by a fixed pseudo-random rule, a frame, and
// a diagonal, so that any lost or damaged row changes the bitmap.
bool make_page(const std::string& path, int rows) {
  TIFF* t = TIFFOpen(path.c_str(), "w");
  if (!t) return false;
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, kWidth);
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, rows);
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
  TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(t, TIFFTAG_XRESOLUTION, 204.0f);
  TIFFSetField(t, TIFFTAG_YRESOLUTION, 196.0f);
  TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, rows);
  TIFFSetField(t, TIFFTAG_PAGENUMBER, 0, 1);
  TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
  std::vector<uint8_t> row(kWidth / 8);
  for (int y = 0; y < rows; ++y) {
    std::fill(row.begin(), row.end(), 0);
    for (int x = 0; x < kWidth; ++x) {
      uint32_t h = static_cast<uint32_t>((x / 16) * 2654435761u) ^ static_cast<uint32_t>((y / 16) * 40503u);
      h ^= h >> 13;
      h *= 0x5bd1e995u;
      h ^= h >> 15;
      bool black = (h & 3) == 0;
      if (x < 8 || x >= kWidth - 8 || y < 8 || y >= rows - 8) black = true;
      if (x == y * kWidth / rows) black = true;
      if (black) row[static_cast<size_t>(x / 8)] |= static_cast<uint8_t>(0x80 >> (x % 8));
    }
    if (TIFFWriteScanline(t, row.data(), static_cast<uint32_t>(y), 0) < 0) {
      TIFFClose(t);
      return false;
    }
  }
  TIFFWriteDirectory(t);
  TIFFClose(t);
  return true;
}

struct Bitmap {
  uint32_t width = 0, rows = 0;
  std::vector<std::vector<uint8_t>> lines;
  int pages = 0;
};

bool read_page(const std::string& path, Bitmap& b) {
  TIFFSetWarningHandler(nullptr);
  TIFF* t = TIFFOpen(path.c_str(), "r");
  if (!t) return false;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &b.width);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &b.rows);
  uint16_t photometric = PHOTOMETRIC_MINISWHITE;
  TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric);
  const tmsize_t line = TIFFScanlineSize(t);
  bool ok = line > 0 && b.rows < 100000;
  for (uint32_t y = 0; ok && y < b.rows; ++y) {
    std::vector<uint8_t> l(static_cast<size_t>(line));
    if (TIFFReadScanline(t, l.data(), y, 0) < 0) ok = false;
    if (photometric == PHOTOMETRIC_MINISBLACK)
      for (auto& c : l) c = static_cast<uint8_t>(~c);
    b.lines.push_back(std::move(l));
  }
  b.pages = TIFFNumberOfDirectories(t);
  TIFFClose(t);
  return ok;
}

// {"rows":N,"width":N,"bad_rows":N,"intact":bool}
std::string compare_json(const std::string& a, const std::string& b, bool& intact) {
  Bitmap x, y;
  const bool ra = read_page(a, x), rb = read_page(b, y);
  intact = false;
  if (!ra || !rb) return "{\"error\":\"cannot read a page\",\"intact\":false}";
  uint32_t bad = 0;
  const uint32_t rows = std::max(x.rows, y.rows);
  for (uint32_t r = 0; r < rows; ++r)
    if (r >= x.lines.size() || r >= y.lines.size() || x.lines[r] != y.lines[r]) ++bad;
  intact = x.width == y.width && x.rows == y.rows && bad == 0 && x.rows > 0;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "{\"width\":%u,\"rows\":%u,\"rows_received\":%u,\"bad_rows\":%u,\"intact\":%s}",
                x.width, x.rows, y.rows, bad, intact ? "true" : "false");
  return buf;
}

struct Args {
  std::string role;
  uint16_t local = 0, remote = 0;
  std::string page, out, expect;
  int redundancy = 3;
  bool ecm = true;
  int max_bit_rate = 14400;
  size_t max_datagram = 400;
  bool symmetric = false;
  bool gateway = false;
  int timeout_s = 60;
  bool verbose = false;
};

int usage() {
  std::fprintf(stderr,
               "usage: owsip-t38peer --make-page FILE [--rows N]\n"
               "       owsip-t38peer --compare A B\n"
               "       owsip-t38peer --role send|receive --local PORT --remote PORT [--page FILE]\n"
               "         [--out FILE] [--expect FILE] [--redundancy N] [--ecm 0|1]\n"
               "         [--max-bit-rate BPS] [--max-datagram N] [--symmetric] [--gateway]\n"
               "         [--timeout S] [--verbose]\n");
  return 2;
}

struct Peer {
  Peer(Loop& l, const Args& args) : loop(l), a(args) {}
  Loop& loop;
  Args a;
  std::unique_ptr<fax::UdptlLink> link;      // terminal mode
  std::unique_ptr<fax::T38Session> session;  // gateway mode: T38Gateway + its own UdptlLink
  t38_terminal_state_t* term = nullptr;
  fax_state_t* audio = nullptr;
  t30_state_t* t30 = nullptr;
  bool done = false;
  int result = -1;
  uint64_t ticks = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double done_ms = 0;

  static int on_t38_tx(t38_core_state_t*, void* user, const uint8_t* buf, int len, int count) {
    auto* p = static_cast<Peer*>(user);
    // spandsp's repeats, as T38Session sends them: the same datagram again.
    (void)p->link->send_ifp(std::span<const uint8_t>(buf, static_cast<size_t>(len)), count);
    return 0;
  }
  static void on_phase_e(t30_state_t*, void* user, int code) {
    auto* p = static_cast<Peer*>(user);
    if (p->done) return;
    p->done = true;
    p->result = code;
    p->done_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                           p->start).count();
    // A moment for the last packets (and their redundancy) to leave.
    p->loop.schedule(500, [p] { p->loop.stop(); });
  }

  void tick() {
    if (term) {
      t38_terminal_send_timeout(term, 160);
    } else {
      int16_t buf[160];
      std::memset(buf, 0, sizeof buf);
      const int n = fax_tx(audio, buf, 160);
      for (int i = n; i < 160; ++i) buf[i] = 0;
      session->endpoint().on_line_audio(std::span<const int16_t>(buf, 160), 8000);
      session->endpoint().fill_line_audio(std::span<int16_t>(buf, 160), 8000);
      fax_rx(audio, buf, 160);
    }
    ++ticks;
    // Paced by the wall clock: tick n is due at start + 20 n ms.
    const auto due = start + std::chrono::milliseconds(20 * (ticks + 1));
    const auto now = std::chrono::steady_clock::now();
    const auto wait = due > now ? std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count() : 0;
    loop.schedule(static_cast<uint64_t>(wait), [this] { tick(); });
  }

  void setup_t30() {
    const bool sending = a.role == "send";
    t30_set_tx_ident(t30, sending ? "owsip t38peer tx" : "owsip t38peer rx");
    t30_set_ecm_capability(t30, a.ecm ? 1 : 0);
    t30_set_supported_compressions(t30, T30_SUPPORT_T4_1D_COMPRESSION |
                                            T30_SUPPORT_T4_2D_COMPRESSION |
                                            (a.ecm ? T30_SUPPORT_T6_COMPRESSION : 0));
    int modems = T30_SUPPORT_V27TER;
    if (a.max_bit_rate >= 7200) modems |= T30_SUPPORT_V29;
    if (a.max_bit_rate >= 12000) modems |= T30_SUPPORT_V17;
    t30_set_supported_modems(t30, modems);
    if (sending)
      t30_set_tx_file(t30, a.page.c_str(), -1, -1);
    else
      t30_set_rx_file(t30, a.out.c_str(), -1);
    t30_set_phase_e_handler(t30, &Peer::on_phase_e, this);
    if (a.verbose) {
      logging_state_t* l = t30_get_logging_state(t30);
      span_log_set_level(l, SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_FLOW);
      span_log_set_tag(l, sending ? "TX" : "RX");
    }
  }

  Status init() {
    const bool calling = a.role == "send";
    media::NetAddress remote{"127.0.0.1", a.remote};
    if (a.gateway) {
      fax::T38Options o;
      o.ecm = a.ecm;
      o.max_bit_rate = a.max_bit_rate;
      o.redundancy_depth = a.redundancy;
      o.max_datagram = a.max_datagram;
      auto s = fax::T38Session::open("127.0.0.1", a.local, remote, o, a.symmetric);
      if (!s) return s.status();
      session = std::move(*s);
      audio = fax_init(nullptr, calling ? 1 : 0);
      if (!audio) return Status::error("spandsp: cannot create the fax terminal");
      fax_set_transmit_on_idle(audio, 1);
      t30 = fax_get_t30_state(audio);
    } else {
      auto l = fax::UdptlLink::open(
          "127.0.0.1", a.local, remote, a.redundancy, a.max_datagram, a.symmetric,
          [this](uint16_t seq, std::span<const uint8_t> ifp) { on_ifp(seq, ifp); });
      if (!l) return l.status();
      link = std::move(*l);
      term = t38_terminal_init(nullptr, calling ? 1 : 0, &Peer::on_t38_tx, this);
      if (!term) return Status::error("spandsp: cannot create the T.38 terminal");
      t38_core_state_t* core = t38_terminal_get_t38_core_state(term);
      t38_set_t38_version(core, 0);
      t38_set_fastest_image_data_rate(core, a.max_bit_rate);
      if (a.redundancy > 0)  // as T38Gateway does: repeats for indicators only
        for (int c = T38_PACKET_CATEGORY_CONTROL_DATA; c <= T38_PACKET_CATEGORY_IMAGE_DATA_END; ++c)
          t38_set_redundancy_control(core, c, 1);
      t30 = t38_terminal_get_t30_state(term);
    }
    setup_t30();
    loop.schedule(20, [this] { tick(); });
    return Status::ok();
  }

  void on_ifp(uint16_t seq, std::span<const uint8_t> ifp) {
    if (term && !ifp.empty()) {
      t38_core_rx_ifp_packet(t38_terminal_get_t38_core_state(term), ifp.data(),
                             static_cast<int>(ifp.size()), seq);
    }
  }

  ~Peer() {
    if (term) t38_terminal_free(term);
    if (audio) fax_free(audio);
  }
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::string make_page_path;
  int rows = 640;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) return "";
      return argv[++i];
    };
    if (k == "--make-page") make_page_path = val();
    else if (k == "--rows") rows = std::atoi(val().c_str());
    else if (k == "--compare") {
      if (i + 2 >= argc) return usage();
      bool intact;
      std::string j = compare_json(argv[i + 1], argv[i + 2], intact);
      std::printf("%s\n", j.c_str());
      return intact ? 0 : 1;
    }
    else if (k == "--role") a.role = val();
    else if (k == "--local") a.local = static_cast<uint16_t>(std::atoi(val().c_str()));
    else if (k == "--remote") a.remote = static_cast<uint16_t>(std::atoi(val().c_str()));
    else if (k == "--page") a.page = val();
    else if (k == "--out") a.out = val();
    else if (k == "--expect") a.expect = val();
    else if (k == "--redundancy") a.redundancy = std::atoi(val().c_str());
    else if (k == "--ecm") a.ecm = std::atoi(val().c_str()) != 0;
    else if (k == "--max-bit-rate") a.max_bit_rate = std::atoi(val().c_str());
    else if (k == "--max-datagram") a.max_datagram = static_cast<size_t>(std::atoi(val().c_str()));
    else if (k == "--symmetric") a.symmetric = true;
    else if (k == "--gateway") a.gateway = true;
    else if (k == "--timeout") a.timeout_s = std::atoi(val().c_str());
    else if (k == "--verbose") a.verbose = true;
    else return usage();
  }
  if (!make_page_path.empty()) {
    if (rows < 32 || rows > 4000 || !make_page(make_page_path, rows)) {
      std::fprintf(stderr, "owsip-t38peer: cannot write %s\n", make_page_path.c_str());
      return 2;
    }
    return 0;
  }
  if ((a.role != "send" && a.role != "receive") || a.remote == 0 || a.timeout_s <= 0 ||
      a.redundancy < 0 || a.redundancy > 16 || a.max_datagram < 32)
    return usage();
  if (a.role == "send" && a.page.empty()) return usage();
  if (a.role == "receive" && a.out.empty()) return usage();

  Loop loop;
  if (Status s = loop.init(); !s) {
    std::fprintf(stderr, "owsip-t38peer: %s\n", s.message().c_str());
    return 2;
  }
  Peer peer(loop, a);
  if (Status s = peer.init(); !s) {
    std::fprintf(stderr, "owsip-t38peer: %s\n", s.message().c_str());
    return 2;
  }
  bool timed_out = false;
  loop.schedule(static_cast<uint64_t>(a.timeout_s) * 1000, [&] {
    timed_out = true;
    loop.stop();
  });
  (void)loop.handle_signals([&] { loop.stop(); }, [] {});
  (void)loop.run();

  t30_stats_t st{};
  t30_get_transfer_statistics(peer.t30, &st);
  const fax::UdptlLinkStats ls = peer.session ? peer.session->link_stats() : peer.link->stats();
  std::string cmp = "null";
  bool intact = true;
  if (a.role == "receive" && !a.expect.empty() && peer.done && peer.result == T30_ERR_OK)
    cmp = compare_json(a.expect, a.out, intact);
  else if (!a.expect.empty())
    intact = false;
  std::string gwj = "null";
  if (peer.session) {
    const fax::T38GatewayStats g = peer.session->gateway_stats();
    char b[200];
    std::snprintf(b, sizeof b, "{\"ifp_sent\":%llu,\"ifp_received\":%llu,\"pages\":%d}",
                  static_cast<unsigned long long>(g.ifp_sent),
                  static_cast<unsigned long long>(g.ifp_received), g.pages);
    gwj = b;
  }
  const int result = timed_out ? -1 : peer.result;
  std::printf(
      "{\"role\":\"%s\",\"mode\":\"%s\",\"result\":%d,\"result_text\":\"%s\",\"timed_out\":%s,"
      "\"pages\":%d,\"bit_rate\":%d,\"ecm\":%s,\"time_ms\":%.0f,"
      "\"udptl\":{\"sent\":%llu,\"received\":%llu,\"delivered\":%llu,\"recovered\":%llu,"
      "\"lost\":%llu,\"duplicates\":%llu,\"malformed\":%llu,\"redundancy\":%d},"
      "\"gateway\":%s,\"compare\":%s}\n",
      a.role.c_str(), a.gateway ? "gateway" : "terminal", result,
      timed_out ? "timeout" : (peer.done ? t30_completion_code_to_str(peer.result) : "none"),
      timed_out ? "true" : "false", a.role == "send" ? st.pages_tx : st.pages_rx, st.bit_rate,
      st.error_correcting_mode ? "true" : "false", peer.done_ms,
      static_cast<unsigned long long>(ls.datagrams_sent),
      static_cast<unsigned long long>(ls.rx.datagrams),
      static_cast<unsigned long long>(ls.rx.delivered),
      static_cast<unsigned long long>(ls.rx.recovered),
      static_cast<unsigned long long>(ls.rx.lost),
      static_cast<unsigned long long>(ls.rx.duplicates),
      static_cast<unsigned long long>(ls.rx.malformed), a.redundancy, gwj.c_str(), cmp.c_str());
  std::fflush(stdout);
  if (timed_out) return 3;
  if (!peer.done || peer.result != T30_ERR_OK || !intact) return 1;
  return 0;
}
