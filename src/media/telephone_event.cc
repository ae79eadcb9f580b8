#include "media/telephone_event.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace owsip::media {

namespace {
constexpr std::string_view kDigits = "0123456789*#ABCD";
constexpr int kMaxDurationMs = 5000;  // keeps the duration field below 65535 ticks at 8 kHz
constexpr int kDefaultInfoDurationMs = 250;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

Result<char> info_digit(std::string_view v) {
  if (v == "10") return '*';
  if (v == "11") return '#';
  if (v.size() == 1 && dtmf_event_code(v[0]))
    return static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
  return Status::error("not a DTMF digit: '" + std::string(v.substr(0, 16)) + "'");
}
}  // namespace

bool parse_telephone_event(std::span<const uint8_t> p, TelephoneEvent& out) {
  if (p.size() < 4) return false;
  out.event = p[0];
  out.end = p[1] & 0x80;
  out.volume = p[1] & 0x3f;
  out.duration = static_cast<uint16_t>(p[2] << 8 | p[3]);
  return true;
}

std::array<uint8_t, 4> encode_telephone_event(const TelephoneEvent& e) {
  return {e.event, static_cast<uint8_t>((e.end ? 0x80 : 0) | (e.volume & 0x3f)),
          static_cast<uint8_t>(e.duration >> 8), static_cast<uint8_t>(e.duration)};
}

std::optional<uint8_t> dtmf_event_code(char digit) {
  const char d = static_cast<char>(std::toupper(static_cast<unsigned char>(digit)));
  const size_t i = kDigits.find(d);
  if (d == 0 || i == std::string_view::npos) return std::nullopt;
  return static_cast<uint8_t>(i);
}

std::optional<char> dtmf_digit(uint8_t event) {
  if (event >= kDigits.size()) return std::nullopt;
  return kDigits[event];
}

bool DtmfSender::queue(char digit, int duration_ms) {
  const auto code = dtmf_event_code(digit);
  if (!code) return false;
  queue_.push_back({*code, std::clamp(duration_ms, kMinDurationMs, kMaxDurationMs)});
  return true;
}

std::vector<DtmfSender::Packet> DtmfSender::tick(uint32_t ts, int interval_ticks) {
  std::vector<Packet> out;
  const auto interval = static_cast<uint32_t>(std::max(interval_ticks, 1));
  switch (state_) {
    case State::idle: {
      if (queue_.empty()) break;
      const Pending next = queue_.front();
      queue_.pop_front();
      target_ticks_ =
          static_cast<uint32_t>(next.duration_ms) * static_cast<uint32_t>(clock_) / 1000;
      current_ = {
          true,
          ts,
          {next.event, false, 10, static_cast<uint16_t>(std::min(interval, target_ticks_))}};
      out.push_back(current_);
      current_.marker = false;
      state_ = State::sending;
      if (interval >= target_ticks_) {  // shorter than one interval: ends on the next
        current_.event.end = true;
        state_ = State::ending;
        ends_sent_ = 0;
      }
      break;
    }
    case State::sending: {
      const uint32_t d = std::min<uint32_t>(current_.event.duration + interval, target_ticks_);
      current_.event.duration = static_cast<uint16_t>(std::min<uint32_t>(d, 0xffff));
      if (d >= target_ticks_) {
        current_.event.end = true;
        state_ = State::ending;
        ends_sent_ = 1;
      }
      out.push_back(current_);
      break;
    }
    case State::ending:
      out.push_back(current_);
      if (++ends_sent_ >= kEndRepeats) state_ = State::idle;
      break;
  }
  return out;
}

void DtmfReceiver::on_packet(uint32_t ssrc, uint32_t ts, std::span<const uint8_t> payload,
                             uint64_t now_ms) {
  TelephoneEvent e;
  if (!parse_telephone_event(payload, e)) {
    ++malformed_;
    return;
  }
  const auto digit = dtmf_digit(e.event);
  if (!digit) return;  // flash and tones other than DTMF are not played
  if (has_ended_ && ssrc == ended_ssrc_ && ts == ended_ts_) return;  // a repeated end
  if (active_ && (ssrc != ssrc_ || ts != ts_)) finish();  // the previous one lost its end
  if (!active_) {
    active_ = true;
    ssrc_ = ssrc;
    ts_ = ts;
    digit_ = *digit;
    duration_ = 0;
    last_ms_ = now_ms;
    if (handler_) handler_({digit_, 0, false});
    if (!active_) return;  // the handler ended it (reset)
  }
  duration_ = std::max<uint32_t>(duration_, e.duration);
  last_ms_ = now_ms;
  if (e.end) finish();
}

void DtmfReceiver::poll(uint64_t now_ms) {
  if (active_ && now_ms - last_ms_ > kTimeoutMs) finish();
}

void DtmfReceiver::finish() {
  active_ = false;
  has_ended_ = true;
  ended_ssrc_ = ssrc_;
  ended_ts_ = ts_;
  ++digits_;
  const DtmfDigit d{
      digit_,
      static_cast<int>(static_cast<uint64_t>(duration_) * 1000 / static_cast<uint64_t>(clock_)),
      true};
  if (handler_) handler_(d);
}

Result<DtmfDigit> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (iequals(type, "application/dtmf")) {
    auto d = info_digit(trim(body));
    if (!d) return d.status();
    return DtmfDigit{*d, kDefaultInfoDurationMs, true};
  }
  if (!iequals(type, "application/dtmf-relay"))
    return Status::error("INFO body type '" + std::string(type.substr(0, 40)) +
                         "' carries no DTMF");
  std::optional<char> digit;
  int duration = kDefaultInfoDurationMs;
  while (!body.empty()) {
    const size_t eol = body.find_first_of("\r\n");
    const std::string_view line = body.substr(0, eol);
    body.remove_prefix(eol == std::string_view::npos ? body.size() : eol + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (iequals(key, "Signal")) {
      auto d = info_digit(value);
      if (!d) return d.status();
      digit = *d;
    } else if (iequals(key, "Duration")) {
      int v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || v <= 0 || v > 60000)
        return Status::error("dtmf-relay: bad Duration '" + std::string(value.substr(0, 16)) + "'");
      duration = v;
    }
  }
  if (!digit) return Status::error("dtmf-relay: no Signal line");
  return DtmfDigit{*digit, duration, true};
}

}  // namespace owsip::media
