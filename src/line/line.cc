#include "line/line.h"

#include "media/device_path.h"

namespace owsip::line {

std::unique_ptr<media::RtpDevice> Line::open_rtp_device() { return nullptr; }

std::string_view line_feed_name(LineFeed feed) {
  switch (feed) {
    case LineFeed::standby: return "standby";
    case LineFeed::active: return "active";
    case LineFeed::reversed: return "reversed";
    case LineFeed::disabled: return "disabled";
  }
  return "?";
}

std::optional<LineFeed> parse_line_feed(std::string_view name) {
  for (LineFeed f : {LineFeed::standby, LineFeed::active, LineFeed::reversed, LineFeed::disabled})
    if (line_feed_name(f) == name) return f;
  return std::nullopt;
}

std::string LineEvent::describe() const {
  switch (kind) {
    case Kind::on_hook: return "on_hook";
    case Kind::off_hook: return "off_hook";
    case Kind::flash: return "flash";
    case Kind::digit:
      return std::string("digit ") + digit + (pulse ? " (pulse)" : " (dtmf)");
    case Kind::fax_tone: return fax == FaxTone::cng ? "fax_tone cng" : "fax_tone ced";
    case Kind::lost: return "lost";
  }
  return "?";
}

}  // namespace owsip::line
