// libFuzzer target: UDPTL datagrams from the network (fax/udptl.h). Each input is split into
// datagrams (a length byte, then that many octets); each one is decoded on its own (a packet
// that decodes must encode and decode again to the same shape) and all of them go through one
// UdptlReceiver, whose deliveries must be in sequence order and never repeat a number.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fax/udptl.h"
#include "fuzz/fuzz_support.h"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace owsip::fax;
  owsip::fuzz::Reader in(data, size);
  bool have_last = false;
  uint16_t last = 0;
  uint64_t deliveries = 0;
  UdptlReceiver rx([&](uint16_t seq, std::span<const uint8_t> ifp) {
    require(ifp.size() <= size);
    if (have_last) require(seq != last);
    have_last = true;
    last = seq;
    ++deliveries;
  });
  for (int i = 0; i < 64 && in.remaining() > 0; ++i) {
    auto dgram = in.take(in.byte());
    UdptlPacket p;
    if (decode_udptl(dgram, p).is_ok()) {
      std::vector<uint8_t> again;
      require(encode_udptl(p, again).is_ok());
      UdptlPacket q;
      require(decode_udptl(again, q).is_ok());
      require(q.seq == p.seq && q.primary == p.primary && q.secondary.size() == p.secondary.size() &&
              q.fec_data == p.fec_data && q.fec_npackets == p.fec_npackets);
      for (size_t k = 0; k < p.secondary.size(); ++k)  // an empty one goes out as one zero octet
        require(p.secondary[k].empty() ? q.secondary[k] == std::vector<uint8_t>{0}
                                       : q.secondary[k] == p.secondary[k]);
    }
    (void)rx.receive(dgram);
  }
  require(rx.stats().delivered == deliveries);
  return 0;
}
