// libFuzzer target: SDP from a peer -> media::SdpNegotiator, as the call layer will use it:
// our answer to an offer (INVITE), the peer's answer to our offer (200 OK), and a re-offer
// (re-INVITE) after either. The first byte picks the settings (SRTP policy, codec preference,
// telephone-events, hold); the rest is the SDP text, or two SDP texts separated by a NUL byte
// (the first exchange, then the re-offer). Every negotiated result is sanity-checked.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "media/sdp_negotiator.h"
#include "media/srtp.h"

namespace {

using namespace owsip::media;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

void check(const NegotiatedMedia& m, const SdpNegotiator& n) {
  // What we agreed must be a codec we can do.
  bool known = false;
  for (CodecId c : n.codecs()) known |= c == m.codec;
  require(known);
  require(m.pt >= 0 && m.pt <= 127);
  require(m.event_pt >= -1 && m.event_pt <= 127);
  require(m.ptime_ms >= 10 && m.ptime_ms <= 60);
  (void)m.describe();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (owsip::fuzz::quiet_logs(), true);
  (void)quiet;
  owsip::fuzz::Reader in(data, size);
  const uint8_t mode = in.byte();
  const std::string_view all = owsip::fuzz::as_text(in.rest());
  const size_t nul = all.find('\0');
  const std::string_view first = all.substr(0, nul);
  const std::string_view second =
      nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1);

  SdpSettings s;
  s.srtp = static_cast<SrtpPolicy>((mode & 3) % 3);
  switch ((mode >> 2) & 3) {
    case 0:
      break;
    case 1:
      s.codecs = {CodecId::pcma};
      break;
    case 2:
      s.codecs = {CodecId::g722, CodecId::pcmu};
      break;
    default:
      s.codecs = {CodecId::pcmu, CodecId::g722, CodecId::pcma};
      break;
  }
  s.telephone_events = !(mode & 0x10);
  const bool wideband = mode & 0x40;
  auto made = SdpNegotiator::create(Capabilities::software(wideband ? 16000 : 8000), s,
                                    {"192.0.2.1", 4000});
  if (!made) return 0;
  SdpNegotiator& n = **made;
  n.set_hold(mode & 0x20);

  if (mode & 0x80) {
    // We offered (outgoing call); the peer answers.
    if (!n.create_offer()) __builtin_trap();
    if (auto m = n.accept_answer(first)) check(*m, n);
  } else {
    // The peer offered (incoming call); we answer.
    if (auto a = n.answer_offer(first)) {
      check(a->media, n);
      (void)redact_sdp(a->sdp);
    }
  }
  if (nul != std::string_view::npos) {
    // A re-INVITE from the peer, or our own re-offer answered by it.
    if (second.size() & 1) {
      if (auto a = n.answer_offer(second)) check(a->media, n);
    } else if (n.create_offer()) {
      if (auto m = n.accept_answer(second)) check(*m, n);
    }
  }
  return 0;
}
