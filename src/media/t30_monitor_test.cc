#include "media/t30_monitor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <vector>

#include "fax/fax_terminal.h"
#include "fax/tiff_pages.h"

extern "C" {
#include <spandsp.h>
}
#undef lrint
#undef lrintf

namespace owsip::media {
namespace {

// T.30 frames as spandsp's own HDLC and V.21 transmitters put them on the line: flags, then
// MCF (X bit 1) and DCN (X bit 1), each with its CRC-16.
std::vector<int16_t> v21_frames(const std::vector<std::vector<uint8_t>>& frames) {
  hdlc_tx_state_t* hdlc = hdlc_tx_init(nullptr, false, 1, false, nullptr, nullptr);
  fsk_tx_state_t* fsk = fsk_tx_init(nullptr, &preset_fsk_specs[FSK_V21CH2],
                                    reinterpret_cast<get_bit_func_t>(hdlc_tx_get_bit), hdlc);
  hdlc_tx_flags(hdlc, 40);  // T.30's preamble: about 1 s of flags at 300 bit/s
  std::vector<int16_t> audio(8000 * 12 / 10);
  fsk_tx(fsk, audio.data(), static_cast<int>(audio.size()));
  // The transmitter holds one frame at a time: each gets 1.2 s of audio, ample at 300 bit/s.
  for (const auto& f : frames) {
    EXPECT_EQ(hdlc_tx_frame(hdlc, f.data(), f.size()), 0);
    std::vector<int16_t> part(8000 * 12 / 10);
    fsk_tx(fsk, part.data(), static_cast<int>(part.size()));
    audio.insert(audio.end(), part.begin(), part.end());
  }
  fsk_tx_free(fsk);
  hdlc_tx_free(hdlc);
  return audio;
}

TEST(T30Monitor, ReportsEachFrameAndRecognisesDcn) {
  std::vector<uint8_t> seen;
  T30Monitor m([&](uint8_t fcf) { seen.push_back(fcf); });
  const auto audio = v21_frames({{0xFF, 0x03, 0x8D}, {0xFF, 0x13, 0xFB}});
  for (size_t i = 0; i < audio.size(); i += 160)
    m.feed(std::span<const int16_t>(audio).subspan(i, std::min<size_t>(160, audio.size() - i)));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], 0x8C);  // MCF, t30_fcf.h's T30_MCF
  EXPECT_EQ(seen[1], kFcfDcn);
  EXPECT_EQ(kFcfDcn, T30_DCN);
  EXPECT_EQ(m.frames(), 2u);
}

TEST(T30Monitor, ToneAndSilenceAreNoFrames) {
  int seen = 0;
  T30Monitor m([&](uint8_t) { ++seen; });
  std::vector<int16_t> tone(8000);
  for (size_t i = 0; i < tone.size(); ++i)
    tone[i] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 1100 * static_cast<double>(i) / 8000));
  m.feed(tone);
  std::vector<int16_t> silence(8000, 0);
  m.feed(silence);
  EXPECT_EQ(seen, 0);
}

TEST(T30Monitor, FrameFieldsAreChecked) {
  const std::array<uint8_t, 3> dcn{0xFF, 0x13, 0xFB}, bad_address{0xFE, 0x13, 0xFB},
      bad_control{0xFF, 0x07, 0xFB};
  EXPECT_EQ(t30_fcf(dcn), kFcfDcn);
  EXPECT_EQ(t30_fcf(bad_address), -1);
  EXPECT_EQ(t30_fcf(bad_control), -1);
  EXPECT_EQ(t30_fcf(std::span<const uint8_t>(dcn).first(2)), -1);
}

// A real T.30 session between spandsp's fax terminals: a monitor on each direction sees the
// session's frames, and DCN once, from the sending machine, at its end.
TEST(T30Monitor, SeesTheDcnOfARealFaxSession) {
  char tmpl[] = "/tmp/owsip-t30mon-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  ASSERT_TRUE(fax::write_fax_file(dir + "/tx.tif", {fax::make_test_page(120, 3)}));
  auto tx = fax::FaxTerminal::create({.mode = fax::FaxTerminal::Mode::send, .file = dir + "/tx.tif",
                                 .calling = true, .ecm = false});
  auto rx = fax::FaxTerminal::create({.mode = fax::FaxTerminal::Mode::receive, .file = dir + "/rx.tif",
                                 .calling = false, .ecm = false});
  ASSERT_TRUE(tx && rx);
  int dcn_from_tx = 0, dcn_from_rx = 0;
  T30Monitor from_tx([&](uint8_t f) { dcn_from_tx += f == kFcfDcn; });
  T30Monitor from_rx([&](uint8_t f) { dcn_from_rx += f == kFcfDcn; });
  std::array<int16_t, 160> ab{}, ba{};
  for (int block = 0; block < 120 * 50 && !((*tx)->finished() && (*rx)->finished()); ++block) {
    (*tx)->transmit_audio(ab);
    (*rx)->transmit_audio(ba);
    from_tx.feed(ab);
    from_rx.feed(ba);
    (*rx)->receive_audio(ab);
    (*tx)->receive_audio(ba);
  }
  // The last frames leave the modem a little after T.30 says it is done.
  for (int block = 0; block < 100; ++block) {
    (*tx)->transmit_audio(ab);
    from_tx.feed(ab);
  }
  EXPECT_TRUE((*tx)->outcome().ok()) << (*tx)->outcome().text;
  EXPECT_EQ(dcn_from_tx, 1);
  EXPECT_EQ(dcn_from_rx, 0);
  EXPECT_GE(from_tx.frames(), 3u);  // DCS, a page's EOP, DCN at least
  EXPECT_GE(from_rx.frames(), 3u);  // DIS, CFR, MCF at least
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace owsip::media
