// libFuzzer target: media input from the network, as one call leg's receive path sees it. The
// input is a script of up to 64 steps; each step is an opcode byte, then (for packets) a
// 16-bit length and that many bytes:
//   op % 4 == 0  a datagram on the RTP port: parse_rtp; an audio packet goes to the RTCP
//                statistics and the jitter buffer, a telephone-event (pt 101) to the DTMF
//                receiver; one that looks like RTCP (rtcp-mux) goes to the RTCP session
//   op % 4 == 1  a datagram on the RTCP port: parse_rtcp and RtcpSession::on_rtcp
//   op % 4 == 2  the line's clock: pull 20 ms from the jitter buffer, poll the DTMF receiver,
//                write an RTCP report
//   op % 4 == 3  a SIP INFO body carrying DTMF (content type chosen by the opcode)
// op / 4 is how far the monotonic clock moves before the step (0-63 ms, so reordering, late
// and early packets all happen). The codec is PCMU, PCMA or G.722 (first byte).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "media/codec.h"
#include "media/jitter_buffer.h"
#include "media/rtcp.h"
#include "media/rtp_packet.h"
#include "media/telephone_event.h"

namespace {

using namespace owsip::media;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr int kEventPt = 101;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (owsip::fuzz::quiet_logs(), true);
  (void)quiet;
  owsip::fuzz::Reader in(data, size);
  const CodecId codec = static_cast<CodecId>(in.byte() % 3);
  const CodecInfo& info = codec_info(codec);

  JitterSettings js;
  JitterBuffer jb(js, make_decoder(codec));
  RtcpSession rtcp(0x1234, "owsip@fuzz");
  rtcp.set_clocks(info.rtp_clock, info.rtp_clock);
  uint64_t digits = 0;
  DtmfReceiver dtmf(8000, [&digits](const DtmfDigit& d) {
    require(d.digit != 0);
    ++digits;
  });
  std::vector<int16_t> pcm(static_cast<size_t>(info.sample_rate / 50));
  uint64_t now_ms = 1000;
  uint64_t ntp = 0x83aa7e8000000000ull;

  for (int step = 0; step < 64 && in.remaining() > 0; ++step) {
    const uint8_t op = in.byte();
    now_ms += op / 4;
    ntp += static_cast<uint64_t>(op / 4) << 32 >> 10;  // roughly ms
    switch (op % 4) {
      case 0: {
        auto dgram = in.take(in.u16());
        if (looks_like_rtcp(dgram)) {
          rtcp.on_rtcp(dgram, ntp, now_ms * 1000);
          break;
        }
        RtpPacket p;
        const RtpParse r = parse_rtp(dgram, p);
        (void)rtp_parse_name(r);
        if (r != RtpParse::ok) break;
        require(p.payload.size() <= dgram.size());
        require(p.payload.empty() ||
                (p.payload.data() >= dgram.data() &&
                 p.payload.data() + p.payload.size() <= dgram.data() + dgram.size()));
        if (p.header.pt == kEventPt) {
          TelephoneEvent e;
          (void)parse_telephone_event(p.payload, e);
          dtmf.on_packet(p.header.ssrc, p.header.ts, p.payload, now_ms);
          rtcp.on_received(p.header, p.payload.size(), now_ms * 1000, false);
        } else if (p.header.pt == info.static_pt && !p.payload.empty()) {
          rtcp.on_received(p.header, p.payload.size(), now_ms * 1000);
          jb.push(p, now_ms);
        }
        break;
      }
      case 1: {
        auto dgram = in.take(in.u16());
        RtcpCompound c;
        if (parse_rtcp(dgram, c)) {
          for (const RtcpReport& rep : c.reports) require(rep.blocks.size() <= 31);
        }
        rtcp.on_rtcp(dgram, ntp, now_ms * 1000);
        break;
      }
      case 2: {
        jb.pull(pcm, now_ms);
        dtmf.poll(now_ms);
        auto report = rtcp.make_report(ntp, now_ms * 1000, op & 4);
        RtcpCompound back;
        require(parse_rtcp(report, back));  // what we send must parse
        break;
      }
      default: {
        auto body = in.take(in.u16() % 512);
        const char* type = (op & 4) ? "application/dtmf-relay" : "application/dtmf";
        if (auto d = parse_dtmf_info(type, owsip::fuzz::as_text(body))) require(d->digit != 0);
        break;
      }
    }
  }
  const JitterStats& s = jb.stats();
  require(s.played <= s.received);
  (void)rtcp.stats();
  return 0;
}
