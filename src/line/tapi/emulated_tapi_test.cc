// The emulated driver on byte images of the argument structs, built here from the vendor's
// declarations by hand (offsets as literals, request numbers from the kernel's macros with
// the vendor's literal numbers) and not from owsip's tapi_io.h: what the emulator accepts is
// what the driver's layout says, whatever owsip declares.

#include "line/tapi/emulated_tapi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace owsip::line::tapi {
namespace {

constexpr size_t P = sizeof(void*), L = sizeof(long);

// A zeroed, aligned buffer with fields put at byte offsets.
struct Image {
  alignas(8) uint8_t b[256] = {};
  template <class T>
  Image& put(size_t off, T v) {
    std::memcpy(b + off, &v, sizeof v);
    return *this;
  }
  template <class T>
  T get(size_t off) const {
    T v;
    std::memcpy(&v, b + off, sizeof v);
    return v;
  }
  uintptr_t addr() { return reinterpret_cast<uintptr_t>(b); }
};

// drv_tapi 3.6.1 include/drv_tapi_io.h and drv_vmmc 1.10.2.2 include/vmmc_io.h.
constexpr unsigned long kFw = _IO('V', 15), kBbd = _IO('V', 41);
constexpr unsigned long kEventGet = _IO('q', 0xC0), kChInit = _IO('q', 0x0F);
constexpr unsigned long kLineType = _IOW('q', 0x47, int), kToneTable = _IOW('q', 0x36, int);
constexpr unsigned long kRingCfg = _IO('q', 0x02), kCadence = _IO('q', 0x03);
constexpr unsigned long kMapData = _IOW('q', 0x24, int), kFeed = _IO('q', 0x01);
constexpr unsigned long kVolume = _IOW('q', 0x42, int), kHookVt = _IOW('q', 0x2E, int);
constexpr unsigned long kRingStart = _IO('q', 0x87), kCidCfg = _IOW('q', 0xB0, int);
constexpr unsigned long kCidSeq = _IOW('q', 0xB2, int), kTonePlay = _IOW('q', 0x9B, char);
constexpr unsigned long kHookStatus = _IO('q', 0x84);
constexpr unsigned long kJbCfg = _IOW('q', 0x17, int), kVad = _IOW('q', 0xA9, int);
constexpr unsigned long kRtpCfg = _IOW('q', 0x13, int);

class EmulatedDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    dev_ = emu_.open("/dev/vmmc10");
    ch0_ = emu_.open("/dev/vmmc11");
    ch1_ = emu_.open("/dev/vmmc12");
    ASSERT_GE(ch1_, 0);
  }
  // Firmware, CH_INIT on both channels, coefficients.
  void bring_up() {
    static const uint8_t image[4] = {1, 2, 3, 4};
    Image fw;  // VMMC_IO_INIT: pPRAMfw, unsigned long pram_size, ...
    fw.put<const void*>(0, image).put<unsigned long>(P, sizeof image);
    ASSERT_EQ(emu_.ioctl(dev_, kFw, fw.addr()), 0);
    for (int fd : {ch0_, ch1_}) {
      Image init;  // IFX_TAPI_CH_INIT_t: u8 nMode = IFX_TAPI_INIT_MODE_VOICE_CODER (1)
      init.put<uint8_t>(0, 1);
      ASSERT_EQ(emu_.ioctl(fd, kChInit, init.addr()), 0);
    }
    Image bbd;  // VMMC_DWLD_t: buf, u32 size
    bbd.put<const void*>(0, image).put<uint32_t>(P, sizeof image);
    ASSERT_EQ(emu_.ioctl(dev_, kBbd, bbd.addr()), 0);
  }
  // IFX_TAPI_EVENT_GET for `ch`: id, more, and the data bytes.
  Image event(uint16_t ch) {
    Image e;
    e.put<uint16_t>(4, ch);
    EXPECT_EQ(emu_.ioctl(dev_, kEventGet, e.addr()), 0);
    return e;
  }

  EmulatedTapi emu_{{}};
  int dev_ = -1, ch0_ = -1, ch1_ = -1;
};

TEST_F(EmulatedDriver, DecodesTheVendorsLayouts) {
  bring_up();
  EXPECT_TRUE(emu_.firmware_loaded());
  EXPECT_TRUE(emu_.bbd_loaded());
  Image type;  // IFX_TAPI_LINE_TYPE_CFG_t: enum lineType = FXS_AUTO (2)
  type.put<int32_t>(0, 2);
  EXPECT_EQ(emu_.ioctl(ch0_, kLineType, type.addr()), 0);
  Image vol;  // IFX_TAPI_LINE_VOLUME_t: int nGainRx, int nGainTx
  vol.put<int32_t>(0, -3).put<int32_t>(4, 5);
  EXPECT_EQ(emu_.ioctl(ch0_, kVolume, vol.addr()), 0);
  Image vt;  // IFX_TAPI_LINE_HOOK_VT_t: enum nType, unsigned long nMinTime, nMaxTime
  vt.put<int32_t>(0, 0x4).put<unsigned long>(L, 30).put<unsigned long>(2 * L, 90);
  EXPECT_EQ(emu_.ioctl(ch0_, kHookVt, vt.addr()), 0);
  Image tone;  // IFX_TAPI_TONE_SIMPLE_t: format 1, index at 36, levelA 44, freqA 60, cadence 76
  tone.put<int32_t>(0, 1).put<uint32_t>(36, 40).put<int32_t>(44, -130).put<uint32_t>(60, 425);
  tone.put<uint32_t>(76, 1000).put<uint32_t>(80, 4000).put<uint32_t>(100, 1);
  EXPECT_EQ(emu_.ioctl(ch0_, kToneTable, tone.addr()), 0);
  EXPECT_EQ(emu_.ioctl(ch0_, kTonePlay, 40), 0);  // the index itself, not a pointer
  const auto& c = emu_.channel(0);
  EXPECT_EQ(c.line_type, 2);
  EXPECT_EQ(c.rx_db, -3);
  EXPECT_EQ(c.tx_db, 5);
  EXPECT_EQ(c.hook_vt.at(0x4), (std::pair<unsigned long, unsigned long>(30, 90)));
  ASSERT_EQ(c.tones.count(40), 1u);
  EXPECT_EQ(c.tones.at(40).freq[0], 425u);
  EXPECT_EQ(c.tones.at(40).level[0], -130);
  EXPECT_EQ(c.tones.at(40).steps.size(), 2u);
  EXPECT_EQ(c.tone, 40u);
}

TEST_F(EmulatedDriver, RefusesWhatTheDriverRefusesWithItsEperm) {
  bring_up();
  Image type;
  type.put<int32_t>(0, 2);
  // A pointer request given a value: copy_from_user fails.
  EXPECT_EQ(emu_.ioctl(ch0_, kLineType, 2), EPERM);
  // A value request given an address: an out-of-range line mode.
  EXPECT_EQ(emu_.ioctl(ch0_, kFeed, type.addr()), EPERM);
  // The request numbers owsip used before (struct sizes in _IOW, invented numbers).
  EXPECT_EQ(emu_.ioctl(ch0_, _IOW('q', 0x42, uint64_t), type.addr()), EPERM);
  EXPECT_EQ(emu_.ioctl(ch0_, _IO('q', 0x0a), 2), EPERM);
  EXPECT_EQ(emu_.ioctl(dev_, _IOW('V', 0x01, uint64_t[4]), type.addr()), EPERM);
  // A channel request on the device node; ringing with no ring set-up.
  EXPECT_EQ(emu_.ioctl(dev_, kLineType, type.addr()), EPERM);
  EXPECT_EQ(emu_.ioctl(ch0_, kRingStart, 0), EPERM);
  EXPECT_EQ(emu_.ioctl(ch0_, kTonePlay, 41), EPERM);  // not in the tone table
  EXPECT_EQ(emu_.ioctl(ch0_, kFeed, 0), EPERM);  // active straight from power down
  EXPECT_EQ(emu_.ioctl(ch0_, kFeed, 3), EPERM);  // high impedance: not on the VMMC
  EXPECT_EQ(emu_.ioctl(ch0_, kFeed, 2), 0);
  EXPECT_EQ(emu_.calls().back(), "ch0 IFX_TAPI_LINE_FEED_SET");
  EXPECT_EQ(emu_.channel(0).feed, 2u);
  EXPECT_EQ(std::count_if(emu_.calls().begin(), emu_.calls().end(),
                          [](const std::string& c) {
                            return c.find("a pointer is expected") != std::string::npos;
                          }),
            1);
}

TEST_F(EmulatedDriver, ChannelRequestsWaitForChInit) {
  Image type;
  type.put<int32_t>(0, 2);
  EXPECT_EQ(emu_.ioctl(ch0_, kLineType, type.addr()), EPERM);
  Image init;
  init.put<uint8_t>(0, 1);
  EXPECT_EQ(emu_.ioctl(ch0_, kChInit, init.addr()), EPERM);  // no firmware yet
  EXPECT_EQ(emu_.calls().back(),
            "refused ch0 IFX_TAPI_CH_INIT: no firmware (FIO_FW_DOWNLOAD first)");
}

TEST_F(EmulatedDriver, EventsArePerChannelAndReadWithTheChannelAsInput) {
  bring_up();
  emu_.hook(1, true);
  emu_.dtmf(1, '7');
  emu_.pulse(0, '0');
  Image e = event(1);
  EXPECT_EQ(e.get<uint32_t>(0), 0x20000005u);  // IFX_TAPI_EVENT_FXS_OFFHOOK
  EXPECT_EQ(e.get<uint16_t>(4), 1);
  EXPECT_EQ(e.get<uint16_t>(6), 1);  // more in channel 1's queue
  e = event(1);
  EXPECT_EQ(e.get<uint32_t>(0), 0x31000001u);  // IFX_TAPI_EVENT_DTMF_DIGIT
  EXPECT_EQ(e.b[8 + 2], '7');                  // data.dtmf.ascii
  EXPECT_EQ(e.get<uint16_t>(6), 0);
  EXPECT_EQ(event(1).get<uint32_t>(0), 0u);  // IFX_TAPI_EVENT_NONE
  e = event(0xffff);                         // any channel
  EXPECT_EQ(e.get<uint32_t>(0), 0x30000001u);  // IFX_TAPI_EVENT_PULSE_DIGIT
  EXPECT_EQ(e.get<uint16_t>(4), 0);
  EXPECT_EQ(e.b[8 + 1], 0xB);  // data.pulse.digit: ten pulses
  Image bad;
  bad.put<uint16_t>(4, 2);  // a third channel on a two-channel device
  EXPECT_EQ(emu_.ioctl(dev_, kEventGet, bad.addr()), EPERM);
}

TEST_F(EmulatedDriver, AFullQueueLosesNewEventsAndTheHookStatusStillTells) {
  bring_up();
  for (int i = 0; i < 12; ++i) emu_.dtmf(0, '1');
  emu_.hook(0, true);  // lost: the queue is full
  EXPECT_EQ(emu_.channel(0).events.size(), EmulatedTapi::kEventQueue);
  EXPECT_EQ(emu_.channel(0).events_dropped, 3u);
  int n = 0;
  while (event(0).get<uint32_t>(0) != 0 && n < 20) ++n;
  EXPECT_EQ(n, 10);
  Image hook;
  EXPECT_EQ(emu_.ioctl(ch0_, kHookStatus, hook.addr()), 0);
  EXPECT_EQ(hook.get<int32_t>(0), 1);
}

TEST_F(EmulatedDriver, CallerIdElementsAreReadThroughTheMessagesPointer) {
  bring_up();
  Image ring, cad, cfg, els, msg;
  ring.put<uint8_t>(0, 0).put<uint8_t>(1, 1);
  ASSERT_EQ(emu_.ioctl(ch0_, kRingCfg, ring.addr()), 0);
  cad.put<uint8_t>(0, 0xff).put<int32_t>(40, 100);  // IFX_TAPI_RING_CADENCE_t.nr at 40
  ASSERT_EQ(emu_.ioctl(ch0_, kCadence, cad.addr()), 0);
  Image map;
  map.put<uint8_t>(0, 0).put<int32_t>(4, 3);
  ASSERT_EQ(emu_.ioctl(ch0_, kMapData, map.addr()), 0);
  ASSERT_EQ(emu_.ioctl(ch0_, kFeed, 2), 0);
  cfg.put<int32_t>(0, 1);  // IFX_TAPI_CID_STD_ETSI_FSK
  ASSERT_EQ(emu_.ioctl(ch0_, kCidCfg, cfg.addr()), 0);
  const size_t el = P == 4 ? 60 : 64;  // sizeof(IFX_TAPI_CID_MSG_ELEMENT_t)
  els.put<int32_t>(0, 0x01).put<uint32_t>(4, 12).put<uint32_t>(8, 24).put<uint32_t>(12, 9);
  els.put<uint32_t>(16, 5);                                       // date: 12-24 09:05
  els.put<int32_t>(el, 0x02).put<uint32_t>(el + 4, 3);            // CLI string "123"
  std::memcpy(els.b + el + 8, "123", 3);
  els.put<int32_t>(2 * el, 0x08).put<uint8_t>(2 * el + 4, 'P');  // ABSNAME value 'P'
  msg.put<int32_t>(0, 0).put<int32_t>(4, 0x80).put<uint32_t>(8, 3);
  msg.put<const void*>(P == 4 ? 12 : 16, els.b);
  ASSERT_EQ(emu_.ioctl(ch0_, kCidSeq, msg.addr()), 0) << emu_.calls().back();
  const auto& c = emu_.channel(0);
  ASSERT_EQ(c.cid.size(), 3u);
  EXPECT_EQ(c.cid[0].text, "12240905");
  EXPECT_EQ(c.cid[1].text, "123");
  EXPECT_EQ(c.cid[2].text, "P");
  EXPECT_TRUE(c.ringing);
}

// The coder settings a fax call changes, decoded at the vendor's offsets, and what drv_vmmc
// 1.10.2.2 refuses of them (drv_vmmc_cod.c VMMC_TAPI_LL_COD_JB_Cfg, VMMC_TAPI_LL_COD_VAD_Cfg;
// drv_vmmc_sig.c VMMC_SIG_RTP_OOB_Cfg).
TEST_F(EmulatedDriver, JitterBufferVadAndRtpEventsAreCheckedAsTheVmmcChecksThem) {
  bring_up();
  EXPECT_EQ(emu_.channel(0).vad, 1);  // VMMC_COD_baseConf: silence compression, comfort noise
  Image jb;  // IFX_TAPI_JB_CFG_t: u8 nJbType, char nPckAdpt, nLocalAdpt, nScaling, u16 x 3
  jb.put<uint8_t>(0, 1).put<uint8_t>(1, 3).put<uint16_t>(4, 480).put<uint16_t>(6, 160);
  jb.put<uint16_t>(8, 1280);
  EXPECT_EQ(emu_.ioctl(ch0_, kJbCfg, jb.addr()), 0);  // FIXED, DATA
  EXPECT_EQ(emu_.channel(0).jb_type, 1);
  EXPECT_EQ(emu_.channel(0).jb_adapt, 3);
  EXPECT_EQ(emu_.channel(0).jb_initial, 480);
  jb.put<uint8_t>(1, 1);  // IFX_TAPI_JB_PKT_ADAPT_RES2: reserved
  EXPECT_EQ(emu_.ioctl(ch0_, kJbCfg, jb.addr()), EPERM);
  jb.put<uint8_t>(1, 2).put<uint8_t>(0, 3);  // no such type
  EXPECT_EQ(emu_.ioctl(ch0_, kJbCfg, jb.addr()), EPERM);

  EXPECT_EQ(emu_.ioctl(ch0_, kVad, 0), 0);  // the mode itself: NOVAD
  EXPECT_EQ(emu_.channel(0).vad, 0);
  EXPECT_EQ(emu_.ioctl(ch0_, kVad, 4), 0);  // SC_ONLY, the last
  EXPECT_EQ(emu_.ioctl(ch0_, kVad, 5), EPERM);

  // IFX_TAPI_PKT_RTP_CFG_t: u16 nSeqNr, unsigned long nSsrc, nTimestamp, then u8 nEvents,
  // nPlayEvents, nEventPT, nEventPlayPT at 3 x sizeof(long).
  Image rtp;
  rtp.put<unsigned long>(L, 0x1234).put<uint8_t>(3 * L, 1);  // OOB_NO, event PT 0
  EXPECT_EQ(emu_.ioctl(ch0_, kRtpCfg, rtp.addr()), EPERM);
  rtp.put<uint8_t>(3 * L, 4).put<uint8_t>(3 * L + 2, 0x80);  // BLOCK, PT 0x80 & 0x7f = 0
  EXPECT_EQ(emu_.ioctl(ch0_, kRtpCfg, rtp.addr()), EPERM);
  rtp.put<uint8_t>(3 * L + 2, 0x62).put<uint8_t>(3 * L + 1, 2);  // BLOCK, MUTE, PT 0x62
  EXPECT_EQ(emu_.ioctl(ch0_, kRtpCfg, rtp.addr()), 0);
  EXPECT_EQ(emu_.channel(0).rtp_events, 4);
  EXPECT_EQ(emu_.channel(0).event_pt, 0x62);
  rtp.put<uint8_t>(3 * L, 5);  // no such nEvents
  EXPECT_EQ(emu_.ioctl(ch0_, kRtpCfg, rtp.addr()), EPERM);
  rtp.put<uint8_t>(3 * L, 2).put<uint8_t>(3 * L + 1, 3);  // APT_PLAY, no play PT of its own
  EXPECT_EQ(emu_.ioctl(ch0_, kRtpCfg, rtp.addr()), EPERM);
}

}  // namespace
}  // namespace owsip::line::tapi
