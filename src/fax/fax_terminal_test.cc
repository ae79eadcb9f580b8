// Two FaxTerminals back to back in memory: a page really goes through the modems and T.30, and
// the received file is compared with the sent one pixel by pixel.
#include "fax/fax_terminal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "fax/tiff_pages.h"

extern "C" {
#include <spandsp.h>
}
#undef lrint
#undef lrintf

namespace owsip::fax {
namespace {

class FaxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/owsip-fax-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
};

enum class Channel { linear, ulaw, alaw };

int16_t through(Channel ch, int16_t s) {
  switch (ch) {
    case Channel::linear:
      return s;
    case Channel::ulaw:
      return ulaw_to_linear(linear_to_ulaw(s));
    case Channel::alaw:
      return alaw_to_linear(linear_to_alaw(s));
  }
  return s;
}

// Runs two terminals against each other in 20 ms blocks until both finished, at most
// `max_seconds` of audio. Returns the seconds of audio it took.
double run_pair(FaxTerminal& a, FaxTerminal& b, Channel ch, int max_seconds = 180) {
  std::array<int16_t, 160> ab{}, ba{};
  const int max_blocks = max_seconds * 50;
  int block = 0;
  for (; block < max_blocks && !(a.finished() && b.finished()); ++block) {
    a.transmit_audio(ab);
    b.transmit_audio(ba);
    for (auto& s : ab) s = through(ch, s);
    for (auto& s : ba) s = through(ch, s);
    b.receive_audio(ab);
    a.receive_audio(ba);
  }
  return block / 50.0;
}

TEST_F(FaxTest, TestPageWritesAndReadsBack) {
  std::vector<FaxPage> pages = {make_test_page(300, 1), make_test_page(200, 2)};
  ASSERT_TRUE(write_fax_file(path("a.tif"), pages));
  auto back = read_fax_pages(path("a.tif"));
  ASSERT_TRUE(back) << back.message();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].width, 1728);
  EXPECT_EQ((*back)[0].length, 300);
  EXPECT_EQ((*back)[1].length, 200);
  EXPECT_EQ((*back)[0].rows, pages[0].rows);
  EXPECT_EQ((*back)[1].rows, pages[1].rows);
  EXPECT_NEAR((*back)[0].x_dpi, 204, 0.5);
  EXPECT_NEAR((*back)[0].y_dpi, 98, 0.5);
  auto n = check_fax_file(path("a.tif"));
  ASSERT_TRUE(n) << n.message();
  EXPECT_EQ(*n, 2);
  // Different seeds draw different pages.
  EXPECT_NE(pages[0].rows[100], make_test_page(300, 3).rows[100]);
}

TEST_F(FaxTest, CompareFindsDifferingRowsAndPages) {
  FaxPage p = make_test_page(300, 7);
  ASSERT_TRUE(write_fax_file(path("a.tif"), {p}));
  ASSERT_TRUE(write_fax_file(path("same.tif"), {p}));
  FaxPage q = p;
  q.rows[10][50] ^= 0x10;
  q.rows[250][3] ^= 0x01;
  ASSERT_TRUE(write_fax_file(path("b.tif"), {q}));
  ASSERT_TRUE(write_fax_file(path("two.tif"), {p, p}));

  auto same = compare_fax_files(path("a.tif"), path("same.tif"));
  ASSERT_TRUE(same) << same.message();
  EXPECT_TRUE(same->same());
  EXPECT_EQ(same->summary(), "1 page, identical");

  auto diff = compare_fax_files(path("a.tif"), path("b.tif"));
  ASSERT_TRUE(diff) << diff.message();
  EXPECT_FALSE(diff->same());
  ASSERT_EQ(diff->pages.size(), 1u);
  EXPECT_EQ(diff->pages[0].differing_rows, 2);
  EXPECT_EQ(diff->summary(), "page 1: 2 of 300 rows differ");

  auto more = compare_fax_files(path("a.tif"), path("two.tif"));
  ASSERT_TRUE(more) << more.message();
  EXPECT_FALSE(more->same());
  EXPECT_EQ(more->summary(), "a has 1 page(s), b 2");

  FaxPage shorter = p;
  shorter.rows.resize(280);
  shorter.length = 280;
  ASSERT_TRUE(write_fax_file(path("short.tif"), {shorter}));
  auto cut = compare_fax_files(path("a.tif"), path("short.tif"));
  ASSERT_TRUE(cut) << cut.message();
  EXPECT_EQ(cut->pages[0].differing_rows, 20);
}

TEST_F(FaxTest, BadFilesGiveClearErrors) {
  auto missing = read_fax_pages(path("nope.tif"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.message().find("nope.tif: No such file"), std::string::npos)
      << missing.message();

  std::ofstream(path("text.tif")) << "this is not a TIFF file\n";
  auto text = check_fax_file(path("text.tif"));
  ASSERT_FALSE(text);
  EXPECT_NE(text.message().find("text.tif: not a TIFF file"), std::string::npos)
      << text.message();

  auto cmp = compare_fax_files(path("nope.tif"), path("text.tif"));
  ASSERT_FALSE(cmp);

  // A file cut short: the header is there, the pages are not.
  ASSERT_TRUE(write_fax_file(path("a.tif"), {make_test_page(300, 1)}));
  std::filesystem::resize_file(path("a.tif"), 100);
  auto cut = read_fax_pages(path("a.tif"));
  EXPECT_FALSE(cut);

  EXPECT_FALSE(write_fax_file(path("no/such/dir/x.tif"), {make_test_page(10, 1)}));
}

TEST_F(FaxTest, TerminalRefusesWhatItCannotSendOrWrite) {
  FaxTerminal::Options send{.mode = FaxTerminal::Mode::send, .file = path("missing.tif")};
  auto t = FaxTerminal::create(send);
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("missing.tif: No such file"), std::string::npos) << t.message();

  std::ofstream(path("text.tif")) << "not a TIFF\n";
  send.file = path("text.tif");
  EXPECT_FALSE(FaxTerminal::create(send));

  FaxTerminal::Options rx{.mode = FaxTerminal::Mode::receive, .file = path("no/dir/rx.tif")};
  auto r = FaxTerminal::create(rx);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("no/dir/"), std::string::npos) << r.message();
}

struct PairCase {
  bool ecm;
  Channel channel;
  int max_bit_rate;
};

// What gtest prints (and ctest's test list shows) for a case: stable text, not its bytes.
void PrintTo(const PairCase& c, std::ostream* os) {
  *os << (c.ecm ? "ECM" : "no ECM") << ", channel " << static_cast<int>(c.channel) << ", "
      << c.max_bit_rate;
}

class FaxPairTest : public FaxTest, public ::testing::WithParamInterface<PairCase> {};

TEST_P(FaxPairTest, PageArrivesIntact) {
  const PairCase c = GetParam();
  ASSERT_TRUE(write_fax_file(path("tx.tif"), {make_test_page(400, 11), make_test_page(250, 12)}));
  auto tx = FaxTerminal::create({.mode = FaxTerminal::Mode::send,
                                 .file = path("tx.tif"),
                                 .calling = true,
                                 .ecm = c.ecm,
                                 .max_bit_rate = c.max_bit_rate,
                                 .ident = "owsip test tx"});
  ASSERT_TRUE(tx) << tx.message();
  auto rx = FaxTerminal::create({.mode = FaxTerminal::Mode::receive,
                                 .file = path("rx.tif"),
                                 .calling = false,
                                 .ecm = c.ecm,
                                 .max_bit_rate = c.max_bit_rate,
                                 .ident = "owsip test rx"});
  ASSERT_TRUE(rx) << rx.message();
  const double seconds = run_pair(**tx, **rx, c.channel);
  ASSERT_TRUE((*tx)->finished());
  ASSERT_TRUE((*rx)->finished());
  EXPECT_TRUE((*tx)->outcome().ok()) << (*tx)->outcome().text;
  EXPECT_TRUE((*rx)->outcome().ok()) << (*rx)->outcome().text;
  EXPECT_EQ((*tx)->outcome().pages, 2);
  EXPECT_EQ((*rx)->outcome().pages, 2);
  EXPECT_EQ((*rx)->outcome().bit_rate, c.max_bit_rate);
  EXPECT_EQ((*rx)->outcome().ecm, c.ecm);
  auto cmp = compare_fax_files(path("tx.tif"), path("rx.tif"));
  ASSERT_TRUE(cmp) << cmp.message();
  EXPECT_TRUE(cmp->same()) << cmp->summary();
  RecordProperty("audio_seconds", std::to_string(seconds));
  std::printf("  ecm=%d channel=%d rate=%d: 2 pages in %.1f s of audio\n", c.ecm,
              static_cast<int>(c.channel), c.max_bit_rate, seconds);
}

INSTANTIATE_TEST_SUITE_P(Fax, FaxPairTest,
                         ::testing::Values(PairCase{false, Channel::linear, 14400},
                                           PairCase{true, Channel::linear, 14400},
                                           PairCase{false, Channel::ulaw, 14400},
                                           PairCase{true, Channel::alaw, 9600}),
                         [](const ::testing::TestParamInfo<PairCase>& info) {
                           const PairCase& c = info.param;
                           const char* ch = c.channel == Channel::linear ? "Linear"
                                            : c.channel == Channel::ulaw ? "Ulaw"
                                                                         : "Alaw";
                           return std::string(ch) + (c.ecm ? "Ecm" : "NoEcm") +
                                  std::to_string(c.max_bit_rate);
                         });

TEST_F(FaxTest, SenderAloneGivesUpWithACompletionCode) {
  ASSERT_TRUE(write_fax_file(path("tx.tif"), {make_test_page(100, 1)}));
  auto tx = FaxTerminal::create({.mode = FaxTerminal::Mode::send, .file = path("tx.tif")});
  ASSERT_TRUE(tx) << tx.message();
  std::array<int16_t, 160> out{}, silence{};
  // T.30's T1 (35 s) ends a call that never finds a fax machine; bounded at 60 s of audio.
  for (int i = 0; i < 60 * 50 && !(*tx)->finished(); ++i) {
    (*tx)->transmit_audio(out);
    (*tx)->receive_audio(silence);
  }
  ASSERT_TRUE((*tx)->finished());
  EXPECT_FALSE((*tx)->outcome().ok());
  EXPECT_NE((*tx)->outcome().code, 0);
  EXPECT_FALSE((*tx)->outcome().text.empty());
  EXPECT_EQ((*tx)->outcome().pages, 0);
}

}  // namespace
}  // namespace owsip::fax
