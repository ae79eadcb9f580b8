#include "line/dsp/wav.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace owsip::line::dsp {
namespace {

class WavTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/owsip-wav-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const auto& f : files_) unlink(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string path(const std::string& name) {
    files_.push_back(dir_ + "/" + name);
    return files_.back();
  }
  void write_bytes(const std::string& p, const std::vector<uint8_t>& bytes) {
    std::FILE* f = std::fopen(p.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
    std::fclose(f);
  }
  std::vector<uint8_t> read_bytes(const std::string& p) {
    std::vector<uint8_t> out;
    std::FILE* f = std::fopen(p.c_str(), "rb");
    if (f == nullptr) return out;
    int c;
    while ((c = std::fgetc(f)) != EOF) out.push_back(static_cast<uint8_t>(c));
    std::fclose(f);
    return out;
  }

  std::string dir_;
  std::vector<std::string> files_;
};

// A header by hand, so the reader is not only tested against the writer.
std::vector<uint8_t> wav_bytes(uint16_t format, uint16_t channels, uint32_t rate, uint16_t bits,
                               const std::vector<uint8_t>& data, bool extra_chunk = false) {
  std::vector<uint8_t> b;
  // push_back, not insert: GCC 12 warns falsely about insert from a literal.
  auto s = [&](const char* t) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(t[i]));
  };
  auto u16 = [&](uint32_t v) {
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
  };
  auto u32 = [&](uint32_t v) {
    u16(v & 0xffff);
    u16(v >> 16);
  };
  s("RIFF");
  u32(0);  // not checked by readers; patched below for tidiness
  s("WAVE");
  s("fmt ");
  u32(16);
  u16(format);
  u16(channels);
  u32(rate);
  u32(rate * channels * bits / 8);
  u16(channels * bits / 8);
  u16(bits);
  if (extra_chunk) {  // an odd-sized LIST chunk with its pad byte
    s("LIST");
    u32(3);
    b.insert(b.end(), {'a', 'b', 'c', 0});
  }
  s("data");
  u32(static_cast<uint32_t>(data.size()));
  b.insert(b.end(), data.begin(), data.end());
  uint32_t riff = static_cast<uint32_t>(b.size() - 8);
  for (int i = 0; i < 4; ++i) b[4 + i] = static_cast<uint8_t>(riff >> (8 * i));
  return b;
}

TEST_F(WavTest, WriteThenReadRoundTrips) {
  const std::string p = path("a.wav");
  std::vector<int16_t> samples = {0, 1, -1, 32767, -32768, 1234, -4321};
  WavWriter w;
  ASSERT_TRUE(w.open(p, 16000));
  ASSERT_TRUE(w.write(std::span<const int16_t>(samples).first(3)));
  ASSERT_TRUE(w.write(std::span<const int16_t>(samples).subspan(3)));
  EXPECT_EQ(w.samples_written(), samples.size());
  ASSERT_TRUE(w.close());
  EXPECT_FALSE(w.is_open());

  auto bytes = read_bytes(p);
  ASSERT_EQ(bytes.size(), 44 + 2 * samples.size());
  // Little-endian on every host: 32767 is ff 7f.
  EXPECT_EQ(bytes[44 + 6], 0xff);
  EXPECT_EQ(bytes[44 + 7], 0x7f);
  EXPECT_EQ(bytes[40], 2 * samples.size());  // data size patched on close

  auto r = read_wav(p);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->rate, 16000);
  EXPECT_EQ(r->samples, samples);
}

TEST_F(WavTest, ReadsPaddedChunksAndExtensibleFormat) {
  const std::string p = path("b.wav");
  write_bytes(p, wav_bytes(1, 1, 8000, 16, {0x01, 0x00, 0xff, 0xff}, true));
  auto r = read_wav(p);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->rate, 8000);
  EXPECT_EQ(r->samples, (std::vector<int16_t>{1, -1}));
}

TEST_F(WavTest, RefusesWhatThePhoneCannotPlay) {
  const std::string stereo = path("stereo.wav");
  write_bytes(stereo, wav_bytes(1, 2, 8000, 16, {0, 0, 0, 0}));
  auto r = read_wav(stereo);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("2 channels"), std::string::npos) << r.message();

  const std::string eight = path("u8.wav");
  write_bytes(eight, wav_bytes(1, 1, 8000, 8, {0, 0}));
  r = read_wav(eight);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("8-bit"), std::string::npos) << r.message();

  const std::string alaw = path("alaw.wav");
  write_bytes(alaw, wav_bytes(6, 1, 8000, 16, {0, 0}));
  EXPECT_FALSE(read_wav(alaw));

  const std::string junk = path("junk.wav");
  write_bytes(junk, {'h', 'e', 'l', 'l', 'o'});
  EXPECT_FALSE(read_wav(junk));

  r = read_wav(dir_ + "/missing.wav");
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("missing.wav"), std::string::npos);
}

TEST_F(WavTest, ReadsMulawAsLinear) {
  // G.711 mu-law: ff and 7f are the two zeros, 80 and 00 the extremes, 8f and 0f mid-scale.
  const std::string p = path("ulaw.wav");
  write_bytes(p, wav_bytes(7, 1, 8000, 8, {0xff, 0x7f, 0x80, 0x00, 0x8f, 0x0f, 0xe7}));
  auto r = read_wav(p);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->rate, 8000);
  EXPECT_EQ(r->samples, (std::vector<int16_t>{0, 0, 32124, -32124, 16764, -16764, 260}));

  const std::string sixteen = path("ulaw16.wav");
  write_bytes(sixteen, wav_bytes(7, 1, 8000, 16, {0, 0}));
  r = read_wav(sixteen);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("16-bit mu-law"), std::string::npos) << r.message();
}

TEST_F(WavTest, TruncatedDataChunkReadsWhatIsThere) {
  // A recording cut short (the process was killed after the header was patched once): the
  // data chunk claims more than the file holds.
  const std::string p = path("c.wav");
  std::vector<uint8_t> b = wav_bytes(1, 1, 8000, 16, {0x10, 0x00, 0x20, 0x00});
  b[40] = 100;
  write_bytes(p, b);
  auto r = read_wav(p);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->samples, (std::vector<int16_t>{16, 32}));
}

}  // namespace
}  // namespace owsip::line::dsp
