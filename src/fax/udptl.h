#pragma once
// UDPTL: the UDP transport of T.38 fax relay (ITU-T T.38 clause 9 and its ASN.1 module,
// UDPTLPacket), written from the ASN.1 with the aligned PER rules of X.691 (docs/T38.md has the
// module, the byte layout and the sources).
//
//   UDPTLPacket ::= SEQUENCE {
//     seq-number          INTEGER (0..65535),
//     primary-ifp-packet  TYPE-IDENTIFIER.&Type(IFPPacket),
//     error-recovery      CHOICE {
//       secondary-ifp-packets SEQUENCE OF TYPE-IDENTIFIER.&Type(IFPPacket),
//       fec-info SEQUENCE { fec-npackets INTEGER, fec-data SEQUENCE OF OCTET STRING } } }
//
// On the wire (aligned PER, every field octet-aligned here):
//   seq-number   2 octets, big-endian
//   primary      length determinant + the IFP octets (an open type)
//   choice       1 octet: 0x00 redundancy, 0x80 FEC (the choice bit, then padding)
//   redundancy   count (length determinant), then each secondary IFP as an open type,
//                the most recent first (seq-1, seq-2, ...)
//   FEC          fec-npackets as an unconstrained INTEGER (length octet + value octets),
//                count, then each fec-data OCTET STRING with its length determinant
// Length determinants: 0..127 in one octet; 128..16383 in two (10xxxxxx xxxxxxxx). Larger
// (fragmented) lengths are not used by T.38 datagrams and are refused.
//
// The IFP octets themselves (IFPPacket) are spandsp's t38_core's business; UDPTL carries them
// opaquely.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <vector>

#include "core/status.h"

namespace owsip::fax {

// Largest length determinant this code writes or reads (two-octet form).
inline constexpr size_t kUdptlMaxLength = 16383;

struct UdptlPacket {
  enum class Recovery : uint8_t { kRedundancy = 0, kFec = 1 };
  uint16_t seq = 0;
  std::vector<uint8_t> primary;
  Recovery recovery = Recovery::kRedundancy;
  // kRedundancy: the IFP packets seq-1, seq-2, ... (most recent first).
  std::vector<std::vector<uint8_t>> secondary;
  // kFec: what fec-info carries (decoded; owsip does not recover from it).
  uint32_t fec_npackets = 0;
  std::vector<std::vector<uint8_t>> fec_data;
};

// Appends the encoding of `p` to `out`. Fails (and leaves `out` as it was) for a field longer
// than kUdptlMaxLength or more than kUdptlMaxLength entries.
Status encode_udptl(const UdptlPacket& p, std::vector<uint8_t>& out);

// Decodes one datagram. Never reads outside `in`; a malformed, truncated or over-long datagram
// (or one with octets after the packet, or an empty primary IFP packet) is an error. Empty
// secondary IFP packets are accepted (some senders pad with them) and come out empty.
Status decode_udptl(std::span<const uint8_t> in, UdptlPacket& out);

// The sending side of one UDPTL stream: numbers the IFP packets and adds up to
// `redundancy_depth` earlier ones to each datagram, fewer when the datagram would grow beyond
// `max_datagram` octets (the peer's T38FaxMaxDatagram).
class UdptlSender {
 public:
  explicit UdptlSender(int redundancy_depth = 3, size_t max_datagram = 1400, uint16_t first_seq = 0);
  // The datagram carrying `ifp`. Fails for an IFP packet that alone exceeds the limits.
  Status make_datagram(std::span<const uint8_t> ifp, std::vector<uint8_t>& datagram);
  uint16_t next_seq() const { return next_seq_; }
  int redundancy_depth() const { return depth_; }

 private:
  int depth_;
  size_t max_datagram_;
  uint16_t next_seq_;
  std::deque<std::vector<uint8_t>> history_;  // front: the most recent IFP sent
};

struct UdptlRxStats {
  uint64_t datagrams = 0;      // well-formed datagrams received
  uint64_t malformed = 0;      // datagrams that did not decode
  uint64_t delivered = 0;      // IFP packets handed on
  uint64_t recovered = 0;      // of those, taken from the redundancy of a later datagram
  uint64_t lost = 0;           // sequence numbers skipped for good
  uint64_t duplicates = 0;     // datagrams for sequence numbers already delivered (or older)
  uint64_t fec_datagrams = 0;  // datagrams with fec-info (primary used, FEC not applied)
};

// The receiving side: hands on each IFP packet once, in sequence order, taking the ones lost
// on the way from the secondary IFP packets of later datagrams. Packets that arrive after a
// later one was delivered (late, duplicate, old) are dropped; a gap deeper than the redundancy
// counts as lost (t38_core notices the jump in sequence numbers). Four datagrams in a row more
// than 256 behind mean the sender started its numbering over: the stream is taken up again
// from there.
class UdptlReceiver {
 public:
  using Deliver = std::function<void(uint16_t seq, std::span<const uint8_t> ifp)>;
  explicit UdptlReceiver(Deliver deliver) : deliver_(std::move(deliver)) {}
  Status receive(std::span<const uint8_t> datagram);
  const UdptlRxStats& stats() const { return stats_; }

 private:
  static constexpr int kRestartDistance = 256;
  static constexpr int kRestartRun = 4;
  Deliver deliver_;
  bool started_ = false;
  uint16_t expected_ = 0;
  int behind_run_ = 0;
  UdptlRxStats stats_;
};

}  // namespace owsip::fax
