#include "line/sim/sim_protocol.h"

#include <charconv>

namespace owsip::line::sim {
namespace {

std::string_view as_text(std::span<const uint8_t> p) {
  return {reinterpret_cast<const char*>(p.data()), p.size()};
}

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Splits "k=v" words after the leading "X proto" and reads the ones asked for.
class Fields {
 public:
  explicit Fields(std::string_view rest) : rest_(rest) {}
  bool get(std::string_view key, std::string_view& value) const {
    std::string_view s = rest_;
    while (!s.empty()) {
      size_t sp = s.find(' ');
      std::string_view word = s.substr(0, sp);
      s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
      if (word.size() > key.size() && word.substr(0, key.size()) == key &&
          word[key.size()] == '=') {
        value = word.substr(key.size() + 1);
        return true;
      }
    }
    return false;
  }
  bool get_int(std::string_view key, int& out) const {
    std::string_view v;
    if (!get(key, v) || v.empty()) return false;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && p == v.data() + v.size();
  }

 private:
  std::string_view rest_;
};

Status bad(std::string why) { return Status::error(std::move(why)); }

}  // namespace

std::string encode_hello(int jack, int rate) {
  return "H " + std::string(kProtocol) + " jack=" + std::to_string(jack) +
         " rate=" + std::to_string(rate);
}

std::string encode_hook(bool off_hook) { return off_hook ? "K1" : "K0"; }

std::string encode_audio(std::span<const int16_t> samples) {
  std::string out(1 + 2 * samples.size(), '\0');
  out[0] = 'A';
  for (size_t i = 0; i < samples.size(); ++i) {
    auto v = static_cast<uint16_t>(samples[i]);
    out[1 + 2 * i] = static_cast<char>(v & 0xff);  // little-endian on every host
    out[2 + 2 * i] = static_cast<char>(v >> 8);
  }
  return out;
}

std::string encode_welcome(int port, int jack, int rate, std::string_view locale,
                           std::string_view cid) {
  return "W " + std::string(kProtocol) + " port=" + std::to_string(port) +
         " jack=" + std::to_string(jack) + " rate=" + std::to_string(rate) +
         " locale=" + std::string(locale) + " cid=" + std::string(cid.empty() ? "none" : cid);
}

std::string encode_error(std::string_view reason) { return "E " + std::string(reason); }
std::string encode_ring(bool on) { return on ? "R1" : "R0"; }
std::string encode_feed(LineFeed feed) { return "F " + std::string(line_feed_name(feed)); }

Status decode(std::span<const uint8_t> p, int rate, Message& out) {
  if (p.empty()) return bad("empty message");
  out.type = static_cast<Message::Type>(p[0]);
  if (p[0] == 'A') {
    if (rate == 0) return bad("audio before hello");
    const size_t n = frame_samples(rate);
    if (p.size() != 1 + 2 * n)
      return bad("audio frame of " + std::to_string(p.size() - 1) + " bytes, want " +
                 std::to_string(2 * n) + " (20 ms at " + std::to_string(rate) + " Hz)");
    out.samples.resize(n);
    for (size_t i = 0; i < n; ++i)
      out.samples[i] = static_cast<int16_t>(p[1 + 2 * i] | (p[2 + 2 * i] << 8));
    return Status::ok();
  }
  if (std::string_view("KRFEHW").find(static_cast<char>(p[0])) == std::string_view::npos)
    return bad("unknown message type 0x" + std::string(1, "0123456789abcdef"[p[0] >> 4]) +
               std::string(1, "0123456789abcdef"[p[0] & 15]));
  if (p.size() > kMaxTextMessage) return bad("message of " + std::to_string(p.size()) + " bytes");
  std::string_view t = as_text(p);
  if (!printable(t)) return bad("non-printable byte in a text message");
  switch (p[0]) {
    case 'K':
    case 'R':
      if (t.size() != 2 || (t[1] != '0' && t[1] != '1'))
        return bad("malformed '" + std::string(t) + "'");
      out.on = t[1] == '1';
      return Status::ok();
    case 'F': {
      if (t.size() < 3 || t[1] != ' ') return bad("malformed feed message");
      auto f = parse_line_feed(t.substr(2));
      if (!f) return bad("unknown line feed '" + std::string(t.substr(2)) + "'");
      out.feed = *f;
      return Status::ok();
    }
    case 'E':
      out.reason = t.size() > 2 ? std::string(t.substr(2)) : "unspecified";
      return Status::ok();
    case 'H':
    case 'W': {
      const std::string head = std::string(1, t[0]) + " " + std::string(kProtocol);
      if (t.substr(0, head.size()) != head || (t.size() > head.size() && t[head.size()] != ' '))
        return bad("not " + std::string(kProtocol) + ": '" + std::string(t.substr(0, 40)) + "'");
      Fields f(t.size() > head.size() ? t.substr(head.size() + 1) : std::string_view());
      if (!f.get_int("jack", out.jack) || out.jack < 0 || out.jack > 127)
        return bad("missing or bad jack=");
      if (!f.get_int("rate", out.rate) || !valid_rate(out.rate))
        return bad("missing or bad rate= (8000 or 16000)");
      if (p[0] == 'W') {
        std::string_view v;
        if (!f.get_int("port", out.port)) return bad("missing port=");
        out.locale = f.get("locale", v) ? std::string(v) : "";
        // An empty cid= means none, as encode_welcome writes it.
        out.cid = f.get("cid", v) && !v.empty() ? std::string(v) : "none";
      }
      return Status::ok();
    }
  }
  return bad("unreachable");
}

}  // namespace owsip::line::sim
