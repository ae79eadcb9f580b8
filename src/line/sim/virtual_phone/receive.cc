// What owsip sends the phone: the welcome, ringing, line feed, earpiece audio, errors.
#include <utility>

#include "core/log.h"
#include "line/sim/sim_protocol.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

void VirtualPhone::handle(const std::string& packet) {
  Message m;
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(packet.data()), packet.size());
  Status st = decode(bytes, rate_, m);
  if (!st) {
    close_with("protocol: " + st.message(), true);
    return;
  }
  switch (m.type) {
    case Message::Type::welcome:
      if (state_ != State::connecting) return close_with("protocol: a second welcome", true);
      on_welcome(m.port, m.jack, m.rate, m.locale, m.cid);
      return;
    case Message::Type::error:
      close_with((state_ == State::connecting ? "refused: " : "closed by owsip: ") + m.reason,
                 true);
      return;
    case Message::Type::ring:
      if (state_ == State::connected) on_ring(m.on);
      return;
    case Message::Type::feed:
      if (state_ == State::connected) on_feed(m.feed);
      return;
    case Message::Type::audio:
      if (state_ != State::connected) return close_with("protocol: audio before the welcome", true);
      on_earpiece(m.samples);
      return;
    case Message::Type::hello:
    case Message::Type::hook:
      close_with("protocol: unexpected message '" + packet.substr(0, 2) + "' from owsip", true);
      return;
  }
}

void VirtualPhone::on_welcome(int port, int jack, int rate, const std::string& locale,
                              const std::string& cid) {
  if (rate != rate_ || jack != requested_jack_) {
    close_with("protocol: welcome for jack " + std::to_string(jack) + " at " +
                   std::to_string(rate) + " Hz, asked for jack " + std::to_string(requested_jack_) +
                   " at " + std::to_string(rate_) + " Hz",
               true);
    return;
  }
  state_ = State::connected;
  port_ = port;
  jack_ = jack;
  locale_ = locale;
  start_earpiece(cid);
  ring_changed_ms_ = loop_.clock().now_ms();

  PhoneEvent e;
  e.kind = PhoneEvent::Kind::welcome;
  e.port = port;
  e.jack = jack;
  e.rate = rate;
  e.locale = locale;
  e.cid = cid;
  emit(std::move(e));
  if (state_ != State::connected) return;

  clock_start_ms_ = loop_.clock().now_ms();
  next_frame_ = 0;
  tick();
  pump();
}

void VirtualPhone::on_feed(LineFeed feed) {
  feed_ = feed;
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::feed;
  e.feed = feed;
  emit(std::move(e));
}

}  // namespace owsip::line::sim
