#include "fax/udptl.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace owsip::fax {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes encode(const UdptlPacket& p) {
  Bytes out;
  EXPECT_TRUE(encode_udptl(p, out).is_ok());
  return out;
}

// Derived by hand from UDPTLPacket (T.38 clause 9 ASN.1) with aligned PER (X.691):
//   seq-number 0x0102, INTEGER (0..65535): range 65536 -> two octets, aligned  -> 01 02
//   primary AA BB, open type: length determinant 2 (one octet, < 128), octets  -> 02 AA BB
//   error-recovery CHOICE of 2, no extension: index 0 in one bit, the next
//     field's length determinant is octet-aligned, so 7 padding bits          -> 00
//   secondary-ifp-packets SEQUENCE OF, no size constraint: count 2            -> 02
//     seq-1 = 11 as an open type                                              -> 01 11
//     seq-2 = 22 33                                                           -> 02 22 33
TEST(Udptl, RedundancyVectorByHand) {
  UdptlPacket p;
  p.seq = 0x0102;
  p.primary = {0xaa, 0xbb};
  p.secondary = {{0x11}, {0x22, 0x33}};
  const Bytes want = {0x01, 0x02, 0x02, 0xaa, 0xbb, 0x00, 0x02, 0x01, 0x11, 0x02, 0x22, 0x33};
  EXPECT_EQ(encode(p), want);
  UdptlPacket back;
  ASSERT_TRUE(decode_udptl(want, back).is_ok());
  EXPECT_EQ(back.seq, 0x0102);
  EXPECT_EQ(back.primary, p.primary);
  EXPECT_EQ(back.secondary, p.secondary);
}

// No redundancy: seq 0 -> 00 00; the primary is the IFP of a t30-indicator "cng", one octet:
// data-field absent (1 bit 0), Type-of-msg choice t30-indicator (1 bit 0), the extensible
// ENUMERATED's extension bit 0 and index 1 in 4 bits (0001), one padding bit: 00000010 = 02
// -> 01 02; choice 0 -> 00; count 0 -> 00.
TEST(Udptl, EmptyRedundancyVectorByHand) {
  UdptlPacket p;
  p.primary = {0x02};
  const Bytes want = {0x00, 0x00, 0x01, 0x02, 0x00, 0x00};
  EXPECT_EQ(encode(p), want);
}

// fec-info: choice index 1 -> 80; fec-npackets 3, an unconstrained INTEGER: length determinant
// 1, then the value in two's complement -> 01 03; fec-data count 2 -> 02; OCTET STRINGs
// with their length determinants -> 01 5A, 00 (an empty one).
TEST(Udptl, FecVectorByHand) {
  UdptlPacket p;
  p.seq = 0xfffe;
  p.primary = {0x01};
  p.recovery = UdptlPacket::Recovery::kFec;
  p.fec_npackets = 3;
  p.fec_data = {{0x5a}, {}};
  const Bytes want = {0xff, 0xfe, 0x01, 0x01, 0x80, 0x01, 0x03, 0x02, 0x01, 0x5a, 0x00};
  EXPECT_EQ(encode(p), want);
  UdptlPacket back;
  ASSERT_TRUE(decode_udptl(want, back).is_ok());
  EXPECT_EQ(back.recovery, UdptlPacket::Recovery::kFec);
  EXPECT_EQ(back.fec_npackets, 3u);
  EXPECT_EQ(back.fec_data, p.fec_data);
  // 128 packets needs a leading zero octet to stay positive: 02 00 80.
  p.fec_npackets = 128;
  p.fec_data.clear();
  const Bytes want128 = {0xff, 0xfe, 0x01, 0x01, 0x80, 0x02, 0x00, 0x80, 0x00};
  EXPECT_EQ(encode(p), want128);
  ASSERT_TRUE(decode_udptl(want128, back).is_ok());
  EXPECT_EQ(back.fec_npackets, 128u);
}

// Lengths from 128 take two octets, 10xxxxxx xxxxxxxx: 300 = 0x012C -> 81 2C; 127 stays 7F;
// 128 -> 80 80; 16383 -> BF FF; 16384 would need fragmentation: refused.
TEST(Udptl, TwoOctetLengths) {
  for (size_t n : {127u, 128u, 300u, 16383u}) {
    UdptlPacket p;
    p.seq = 7;
    p.primary.assign(n, 0x5a);
    p.secondary = {Bytes(n, 0xa5)};
    Bytes enc = encode(p);
    const Bytes head{enc[2], enc[3]};
    if (n == 127) {
      EXPECT_EQ(enc[2], 0x7f);
    } else if (n == 128) {
      EXPECT_EQ(head, (Bytes{0x80, 0x80}));
    } else if (n == 300) {
      EXPECT_EQ(head, (Bytes{0x81, 0x2c}));
    } else {
      EXPECT_EQ(head, (Bytes{0xbf, 0xff}));
    }
    UdptlPacket back;
    ASSERT_TRUE(decode_udptl(enc, back).is_ok()) << n;
    EXPECT_EQ(back.primary, p.primary);
    EXPECT_EQ(back.secondary, p.secondary);
  }
  UdptlPacket big;
  big.primary.assign(16384, 1);
  Bytes out = {9};
  EXPECT_FALSE(encode_udptl(big, out).is_ok());
  EXPECT_EQ(out, Bytes{9});
}

TEST(Udptl, RandomRoundTrips) {
  std::mt19937 rng(19);
  for (int i = 0; i < 500; ++i) {
    UdptlPacket p;
    p.seq = static_cast<uint16_t>(rng());
    p.primary.resize(1 + rng() % 400);
    for (auto& b : p.primary) b = static_cast<uint8_t>(rng());
    p.recovery = (rng() & 1) ? UdptlPacket::Recovery::kFec : UdptlPacket::Recovery::kRedundancy;
    auto& list = p.recovery == UdptlPacket::Recovery::kFec ? p.fec_data : p.secondary;
    list.resize(rng() % 6);
    for (auto& e : list) {
      e.resize(1 + rng() % 200);
      for (auto& b : e) b = static_cast<uint8_t>(rng());
    }
    if (p.recovery == UdptlPacket::Recovery::kFec) p.fec_npackets = rng() % 100000;
    Bytes enc = encode(p);
    UdptlPacket back;
    ASSERT_TRUE(decode_udptl(enc, back).is_ok());
    EXPECT_EQ(back.seq, p.seq);
    EXPECT_EQ(back.primary, p.primary);
    EXPECT_EQ(back.secondary, p.secondary);
    EXPECT_EQ(back.fec_data, p.fec_data);
    EXPECT_EQ(back.fec_npackets, p.fec_npackets);
  }
}

TEST(Udptl, MalformedInputs) {
  const Bytes good = {0x01, 0x02, 0x02, 0xaa, 0xbb, 0x00, 0x02, 0x01, 0x11, 0x02, 0x22, 0x33};
  UdptlPacket p;
  // Every truncation fails, and so does an extra octet.
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(decode_udptl(std::span(good).first(n), p).is_ok()) << n;
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(decode_udptl(longer, p).is_ok());
  // Fragmented length form (11xxxxxx).
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 0xc1, 0, 0}, p).is_ok());
  // Length beyond the datagram, in both forms.
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 0x7f, 1, 0, 0}, p).is_ok());
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 0xbf, 0xff, 1, 0, 0}, p).is_ok());
  // An empty primary IFP packet (X.691: an open type's encoding has at least one octet).
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 0, 0, 0}, p).is_ok());
  // Padding bits after the choice.
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 1, 2, 0x01, 0}, p).is_ok());
  // A huge secondary count.
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 1, 2, 0, 0xbf, 0xff, 1, 1}, p).is_ok());
  // FEC with a zero-length or negative fec-npackets.
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 1, 2, 0x80, 0, 0}, p).is_ok());
  EXPECT_FALSE(decode_udptl(Bytes{0, 0, 1, 2, 0x80, 1, 0xff, 0}, p).is_ok());
  // Random garbage never crashes (ASan build checks the bounds).
  std::mt19937 rng(38);
  for (int i = 0; i < 20000; ++i) {
    Bytes junk(rng() % 40);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    (void)decode_udptl(junk, p);
  }
  // Bit flips of a good packet: decode or fail, never crash.
  for (size_t i = 0; i < good.size() * 8; ++i) {
    Bytes b = good;
    b[i / 8] ^= static_cast<uint8_t>(1 << (i % 8));
    (void)decode_udptl(b, p);
  }
}

struct Sink {
  std::vector<std::pair<uint16_t, Bytes>> got;
  UdptlReceiver rx{[this](uint16_t s, std::span<const uint8_t> ifp) {
    got.emplace_back(s, Bytes(ifp.begin(), ifp.end()));
  }};
};

Bytes ifp_for(int i) { return Bytes(static_cast<size_t>(1 + i % 7), static_cast<uint8_t>(i)); }

TEST(Udptl, SenderRedundancyDepth) {
  UdptlSender tx(2, 1400, 100);
  Bytes d;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(tx.make_datagram(ifp_for(i), d).is_ok());
  UdptlPacket p;
  ASSERT_TRUE(decode_udptl(d, p).is_ok());
  EXPECT_EQ(p.seq, 103);
  EXPECT_EQ(p.primary, ifp_for(3));
  ASSERT_EQ(p.secondary.size(), 2u);
  EXPECT_EQ(p.secondary[0], ifp_for(2));
  EXPECT_EQ(p.secondary[1], ifp_for(1));
  // A small max datagram leaves redundancy out rather than the primary.
  UdptlSender small(3, 12);
  ASSERT_TRUE(small.make_datagram(Bytes(4, 1), d).is_ok());
  ASSERT_TRUE(small.make_datagram(Bytes(4, 2), d).is_ok());
  EXPECT_LE(d.size(), 12u);
  ASSERT_TRUE(decode_udptl(d, p).is_ok());
  EXPECT_TRUE(p.secondary.empty());
  EXPECT_FALSE(small.make_datagram(Bytes(20, 3), d).is_ok());
}

TEST(Udptl, ReceiverInOrderOnceEach) {
  UdptlSender tx(3);
  Sink s;
  std::vector<Bytes> dgrams;
  for (int i = 0; i < 10; ++i) {
    Bytes d;
    ASSERT_TRUE(tx.make_datagram(ifp_for(i), d).is_ok());
    dgrams.push_back(d);
  }
  for (const auto& d : dgrams) ASSERT_TRUE(s.rx.receive(d).is_ok());
  // Duplicates and old ones are dropped.
  ASSERT_TRUE(s.rx.receive(dgrams[9]).is_ok());
  ASSERT_TRUE(s.rx.receive(dgrams[3]).is_ok());
  ASSERT_EQ(s.got.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(s.got[static_cast<size_t>(i)].first, i);
    EXPECT_EQ(s.got[static_cast<size_t>(i)].second, ifp_for(i));
  }
  EXPECT_EQ(s.rx.stats().duplicates, 2u);
  EXPECT_EQ(s.rx.stats().recovered, 0u);
}

TEST(Udptl, ReceiverRecoversLossFromRedundancy) {
  UdptlSender tx(2, 1400, 65530);  // crosses the wrap of the sequence number
  Sink s;
  std::vector<Bytes> dgrams;
  for (int i = 0; i < 20; ++i) {
    Bytes d;
    ASSERT_TRUE(tx.make_datagram(ifp_for(i), d).is_ok());
    dgrams.push_back(d);
  }
  // Lose 2 (single), 5 and 6 (a burst of two: still within depth 2), 10, 11, 12 (three: 10 is
  // gone for good), and the malformed one in between changes nothing.
  const std::vector<int> lost = {2, 5, 6, 10, 11, 12};
  for (int i = 0; i < 20; ++i) {
    if (std::find(lost.begin(), lost.end(), i) != lost.end()) continue;
    ASSERT_TRUE(s.rx.receive(dgrams[static_cast<size_t>(i)]).is_ok());
    if (i == 8) {
      EXPECT_FALSE(s.rx.receive(Bytes{1, 2, 3}).is_ok());
    }
  }
  ASSERT_EQ(s.got.size(), 19u);
  uint16_t want = 65530;
  for (const auto& [seq, ifp] : s.got) {
    if (want == static_cast<uint16_t>(65530 + 10)) ++want;  // the one lost for good
    EXPECT_EQ(seq, want);
    EXPECT_EQ(ifp, ifp_for(static_cast<uint16_t>(want - 65530)));
    ++want;
  }
  EXPECT_EQ(s.rx.stats().recovered, 5u);
  EXPECT_EQ(s.rx.stats().lost, 1u);
  EXPECT_EQ(s.rx.stats().malformed, 1u);
}

// Empty secondary IFP packets (some senders pad with them) decode, and are not delivered: the
// sequence number they stand for counts as lost.
TEST(Udptl, EmptySecondariesAreNotDelivered) {
  UdptlPacket p;
  ASSERT_TRUE(decode_udptl(Bytes{0, 5, 1, 0x42, 0, 2, 0, 1, 0x41}, p).is_ok());
  ASSERT_EQ(p.secondary.size(), 2u);
  EXPECT_TRUE(p.secondary[0].empty());
  EXPECT_EQ(p.secondary[1], Bytes{0x41});
  Sink s;
  UdptlSender tx(0, 1400, 2);
  Bytes d;
  ASSERT_TRUE(tx.make_datagram(Bytes{0x40}, d).is_ok());  // seq 2
  ASSERT_TRUE(s.rx.receive(d).is_ok());
  ASSERT_TRUE(s.rx.receive(Bytes{0, 5, 1, 0x42, 0, 2, 0, 1, 0x41}).is_ok());  // seq 5: 4 empty, 3
  ASSERT_EQ(s.got.size(), 3u);
  EXPECT_EQ(s.got[1], (std::pair<uint16_t, Bytes>{3, Bytes{0x41}}));
  EXPECT_EQ(s.got[2], (std::pair<uint16_t, Bytes>{5, Bytes{0x42}}));
  EXPECT_EQ(s.rx.stats().lost, 1u);
  EXPECT_EQ(s.rx.stats().recovered, 1u);
}

TEST(Udptl, ReceiverFirstDatagramLost) {
  UdptlSender tx(3);
  Bytes d0, d1;
  ASSERT_TRUE(tx.make_datagram(ifp_for(0), d0).is_ok());
  ASSERT_TRUE(tx.make_datagram(ifp_for(1), d1).is_ok());
  Sink s;
  ASSERT_TRUE(s.rx.receive(d1).is_ok());
  ASSERT_EQ(s.got.size(), 2u);
  EXPECT_EQ(s.got[0].first, 0);
  EXPECT_EQ(s.got[0].second, ifp_for(0));
  EXPECT_EQ(s.got[1].first, 1);
}

TEST(Udptl, ReceiverRestartedSender) {
  Sink s;
  UdptlSender a(0, 1400, 1000);  // the restart at 0 is 1003 behind
  Bytes d;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(a.make_datagram(ifp_for(i), d).is_ok());
    ASSERT_TRUE(s.rx.receive(d).is_ok());
  }
  // A new stream far behind: the first three are taken for very late ones and dropped; the
  // fourth restarts the stream, and its redundancy brings back the three.
  UdptlSender b(3, 1400, 0);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(b.make_datagram(ifp_for(10 + i), d).is_ok());
    ASSERT_TRUE(s.rx.receive(d).is_ok());
    EXPECT_EQ(s.got.size(), i < 3 ? 3u : 7u);
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(s.got[static_cast<size_t>(3 + i)].first, i);
    EXPECT_EQ(s.got[static_cast<size_t>(3 + i)].second, ifp_for(10 + i));
  }
  EXPECT_EQ(s.rx.stats().duplicates, 3u);
  EXPECT_EQ(s.rx.stats().recovered, 0u);  // taking up a stream is not recovering losses
}

// One very late datagram (far behind) is dropped and changes nothing; a far jump ahead counts
// the skipped numbers as lost without walking them.
TEST(Udptl, ReceiverVeryOldAndFarAhead) {
  Sink s;
  UdptlSender tx(1, 1400, 1000);
  std::vector<Bytes> dgrams;
  for (int i = 0; i < 600; ++i) {
    Bytes d;
    ASSERT_TRUE(tx.make_datagram(ifp_for(i), d).is_ok());
    dgrams.push_back(d);
  }
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(s.rx.receive(dgrams[static_cast<size_t>(i)]).is_ok());
  ASSERT_TRUE(s.rx.receive(dgrams[3]).is_ok());  // 497 behind
  ASSERT_TRUE(s.rx.receive(dgrams[500]).is_ok());
  EXPECT_EQ(s.got.size(), 501u);
  EXPECT_EQ(s.got.back().first, 1500);
  EXPECT_EQ(s.rx.stats().duplicates, 1u);
  UdptlPacket far;
  far.seq = static_cast<uint16_t>(1500 + 30001);
  far.primary = {0x42};
  Bytes d;
  ASSERT_TRUE(encode_udptl(far, d).is_ok());
  ASSERT_TRUE(s.rx.receive(d).is_ok());
  EXPECT_EQ(s.rx.stats().lost, 30000u);
  EXPECT_EQ(s.got.back().first, far.seq);
}

}  // namespace
}  // namespace owsip::fax
