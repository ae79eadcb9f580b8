#include "fax/udptl.h"

#include <string>

namespace owsip::fax {

namespace {

// X.691 length determinant (aligned, no upper bound): one octet below 128, two octets
// (10xxxxxx xxxxxxxx) below 16384.
void put_length(std::vector<uint8_t>& out, size_t n) {
  if (n < 128) {
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(static_cast<uint8_t>(0x80 | (n >> 8)));
    out.push_back(static_cast<uint8_t>(n & 0xff));
  }
}

// An open type: the length determinant, then the octets. X.691 requires at least one octet in
// an open type's encoding, so an empty value goes out as one zero octet.
void put_open(std::vector<uint8_t>& out, std::span<const uint8_t> v) {
  if (v.empty()) {
    out.push_back(1);
    out.push_back(0);
    return;
  }
  put_length(out, v.size());
  out.insert(out.end(), v.begin(), v.end());
}

size_t length_size(size_t n) { return n < 128 ? 1 : 2; }
size_t open_size(size_t n) { return n == 0 ? 2 : length_size(n) + n; }

// Reads front to back; every read checks what is left.
class In {
 public:
  explicit In(std::span<const uint8_t> d) : d_(d) {}
  size_t left() const { return d_.size() - pos_; }
  bool octet(uint8_t& b) {
    if (left() < 1) return false;
    b = d_[pos_++];
    return true;
  }
  bool length(size_t& n) {
    uint8_t b;
    if (!octet(b)) return false;
    if ((b & 0x80) == 0) {
      n = b;
      return true;
    }
    if ((b & 0xc0) == 0xc0) return false;  // fragmented (16K blocks): not for a datagram
    uint8_t b2;
    if (!octet(b2)) return false;
    n = (static_cast<size_t>(b & 0x3f) << 8) | b2;
    return true;
  }
  bool bytes(size_t n, std::vector<uint8_t>& v) {
    if (left() < n) return false;
    v.assign(d_.begin() + static_cast<std::ptrdiff_t>(pos_),
             d_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  // An open type or an OCTET STRING: length determinant, then the octets. X.691 gives an open
  // type at least one octet, but senders exist that put empty secondary IFP packets in a
  // datagram (Asterisk's udptl.c skips them on receipt): they are read, and not delivered.
  bool open(std::vector<uint8_t>& v) {
    size_t n;
    return length(n) && bytes(n, v);
  }

 private:
  std::span<const uint8_t> d_;
  size_t pos_ = 0;
};

}  // namespace

Status encode_udptl(const UdptlPacket& p, std::vector<uint8_t>& out) {
  if (p.primary.size() > kUdptlMaxLength) return Status::error("UDPTL: primary IFP packet too long");
  const auto& list = p.recovery == UdptlPacket::Recovery::kRedundancy ? p.secondary : p.fec_data;
  if (list.size() > kUdptlMaxLength) return Status::error("UDPTL: too many error-recovery entries");
  for (const auto& e : list)
    if (e.size() > kUdptlMaxLength) return Status::error("UDPTL: error-recovery entry too long");

  out.push_back(static_cast<uint8_t>(p.seq >> 8));
  out.push_back(static_cast<uint8_t>(p.seq & 0xff));
  put_open(out, p.primary);
  if (p.recovery == UdptlPacket::Recovery::kRedundancy) {
    out.push_back(0x00);  // choice index 0 in the first bit, then padding to the octet
    put_length(out, list.size());
    for (const auto& e : list) put_open(out, e);
  } else {
    out.push_back(0x80);  // choice index 1
    // fec-npackets: unconstrained INTEGER = length determinant + minimal two's complement.
    uint8_t v[5];
    size_t n = 0;
    uint32_t x = p.fec_npackets;
    do {
      v[n++] = static_cast<uint8_t>(x & 0xff);
      x >>= 8;
    } while (x != 0);
    if (v[n - 1] & 0x80) v[n++] = 0;  // keep it positive
    out.push_back(static_cast<uint8_t>(n));
    while (n > 0) out.push_back(v[--n]);
    put_length(out, list.size());
    for (const auto& e : list) {  // OCTET STRING: length determinant + octets (may be empty)
      put_length(out, e.size());
      out.insert(out.end(), e.begin(), e.end());
    }
  }
  return Status::ok();
}

Status decode_udptl(std::span<const uint8_t> data, UdptlPacket& out) {
  In in(data);
  uint8_t hi, lo, choice;
  if (!in.octet(hi) || !in.octet(lo)) return Status::error("UDPTL: no sequence number");
  out = UdptlPacket{};
  out.seq = static_cast<uint16_t>((hi << 8) | lo);
  if (!in.open(out.primary) || out.primary.empty())
    return Status::error("UDPTL: bad or empty primary IFP packet");
  if (!in.octet(choice)) return Status::error("UDPTL: no error-recovery");
  if ((choice & 0x7f) != 0) return Status::error("UDPTL: padding bits set after the choice");
  size_t count;
  if (choice == 0x00) {
    out.recovery = UdptlPacket::Recovery::kRedundancy;
    if (!in.length(count)) return Status::error("UDPTL: bad secondary IFP count");
    // Each entry takes at least one octet: a count beyond what is left is a lie.
    if (count > in.left()) return Status::error("UDPTL: secondary IFP count beyond the datagram");
    out.secondary.resize(count);
    for (auto& e : out.secondary)
      if (!in.open(e)) return Status::error("UDPTL: bad secondary IFP packet");
  } else {
    out.recovery = UdptlPacket::Recovery::kFec;
    size_t n;
    if (!in.length(n) || n < 1 || n > 4) return Status::error("UDPTL: bad fec-npackets length");
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      uint8_t b;
      if (!in.octet(b)) return Status::error("UDPTL: truncated fec-npackets");
      if (i == 0 && (b & 0x80)) return Status::error("UDPTL: negative fec-npackets");
      v = (v << 8) | b;
    }
    out.fec_npackets = v;
    if (!in.length(count)) return Status::error("UDPTL: bad fec-data count");
    if (count > in.left()) return Status::error("UDPTL: fec-data count beyond the datagram");
    out.fec_data.resize(count);
    for (auto& e : out.fec_data)
      if (!in.open(e)) return Status::error("UDPTL: bad fec-data entry");
  }
  if (in.left() != 0)
    return Status::error("UDPTL: " + std::to_string(in.left()) + " octets after the packet");
  return Status::ok();
}

UdptlSender::UdptlSender(int redundancy_depth, size_t max_datagram, uint16_t first_seq)
    : depth_(redundancy_depth < 0 ? 0 : redundancy_depth),
      max_datagram_(max_datagram),
      next_seq_(first_seq) {}

Status UdptlSender::make_datagram(std::span<const uint8_t> ifp, std::vector<uint8_t>& datagram) {
  UdptlPacket p;
  p.seq = next_seq_;
  p.primary.assign(ifp.begin(), ifp.end());
  // seq + primary + choice + count (at most 2)
  size_t size = 2 + open_size(ifp.size()) + 1 + 2;
  if (ifp.size() > kUdptlMaxLength || size > max_datagram_)
    return Status::error("UDPTL: IFP packet of " + std::to_string(ifp.size()) +
                         " octets does not fit a datagram");
  for (const auto& h : history_) {
    if (static_cast<int>(p.secondary.size()) >= depth_) break;
    if (size + open_size(h.size()) > max_datagram_) break;
    size += open_size(h.size());
    p.secondary.push_back(h);
  }
  datagram.clear();
  if (Status s = encode_udptl(p, datagram); !s) return s;
  history_.push_front(std::move(p.primary));
  while (static_cast<int>(history_.size()) > depth_) history_.pop_back();
  ++next_seq_;
  return Status::ok();
}

Status UdptlReceiver::receive(std::span<const uint8_t> datagram) {
  UdptlPacket p;
  if (Status s = decode_udptl(datagram, p); !s) {
    ++stats_.malformed;
    return s;
  }
  ++stats_.datagrams;
  if (p.recovery == UdptlPacket::Recovery::kFec) ++stats_.fec_datagrams;
  const size_t redundant = p.secondary.size();
  // How far this datagram is ahead of the next one we wait for (-32768..32767).
  int ahead = static_cast<int16_t>(static_cast<uint16_t>(p.seq - expected_));
  // The first datagram, or the fourth in a row far behind (the sender started over; one or
  // two very late datagrams are only dropped): take the stream from here, including what its
  // redundancy carries from before.
  bool catching_up = false;
  if (started_ && ahead < -kRestartDistance) {
    if (++behind_run_ < kRestartRun) {
      ++stats_.duplicates;
      return Status::ok();
    }
  }
  if (!started_ || ahead < -kRestartDistance) {
    started_ = true;
    catching_up = true;
    expected_ = static_cast<uint16_t>(p.seq - redundant);
    ahead = static_cast<int>(redundant);
  }
  behind_run_ = 0;
  if (ahead < 0) {
    ++stats_.duplicates;
    return Status::ok();
  }
  // Sequence numbers expected_ .. seq-1 were not delivered: from the redundancy if it reaches
  // back that far (secondary[k-1] is seq-k), else lost.
  if (static_cast<size_t>(ahead) > redundant) {
    stats_.lost += static_cast<uint64_t>(ahead) - redundant;
    ahead = static_cast<int>(redundant);
  }
  for (int k = ahead; k >= 1; --k) {
    const auto seq = static_cast<uint16_t>(p.seq - k);
    const auto& ifp = p.secondary[static_cast<size_t>(k - 1)];
    if (ifp.empty()) {
      ++stats_.lost;
      continue;
    }
    ++stats_.delivered;
    if (!catching_up) ++stats_.recovered;
    deliver_(seq, ifp);
  }
  ++stats_.delivered;
  expected_ = static_cast<uint16_t>(p.seq + 1);
  deliver_(p.seq, p.primary);
  return Status::ok();
}

}  // namespace owsip::fax
