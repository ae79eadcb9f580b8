// What the phone noticed: events to the handler, and their JSON form.
#include <cmath>
#include <cstdio>
#include <utility>

#include "core/log.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {
namespace {

void append_number(std::string& out, double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out += buf;
}

std::string json_freqs(const std::vector<uint16_t>& f) {
  std::string s = "[";
  for (size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + std::to_string(f[i]);
  return s + "]";
}

std::string two(int v) {
  return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10);
}

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string PhoneEvent::json() const {
  auto str = [](std::string_view v) { return "\"" + json_escape(v) + "\""; };
  std::string j = "{\"event\":";
  switch (kind) {
    case Kind::welcome:
      j += "\"welcome\",\"port\":" + std::to_string(port) + ",\"jack\":" + std::to_string(jack) +
           ",\"rate\":" + std::to_string(rate) + ",\"locale\":" + str(locale) +
           ",\"cid\":" + str(cid);
      break;
    case Kind::closed:
      j += "\"closed\",\"reason\":" + str(text);
      break;
    case Kind::ring:
      j += std::string("\"ring\",\"on\":") + (on ? "true" : "false") +
           ",\"ms\":" + std::to_string(ms);
      break;
    case Kind::feed:
      j += "\"feed\",\"feed\":" + str(line_feed_name(feed));
      break;
    case Kind::cid:
      j += "\"cid\",\"number\":" + str(caller.number) + ",\"name\":" + str(caller.name);
      if (caller.month != 0)
        j += ",\"time\":\"" + two(caller.month) + "-" + two(caller.day) + " " + two(caller.hour) +
             ":" + two(caller.minute) + "\"";
      if (caller.absence == dsp::CidAbsence::withheld) j += ",\"absence\":\"withheld\"";
      if (caller.absence == dsp::CidAbsence::unavailable) j += ",\"absence\":\"unavailable\"";
      break;
    case Kind::tone: {
      j += "\"tone\",\"freqs\":" + json_freqs(tone.freqs());
      if (tone.steps.empty()) break;  // stopped
      j += ",\"cadence\":[";
      const auto cad = tone.cadence();
      for (size_t i = 0; i < cad.size(); ++i) j += (i ? "," : "") + std::to_string(cad[i]);
      j += "],\"level_dbm0\":";
      append_number(j, tone.level_dbm0, 1);
      if (tone.multi_frequency()) {
        j += ",\"steps\":[";
        for (size_t i = 0; i < tone.steps.size(); ++i)
          j += std::string(i ? "," : "") + "{\"freqs\":" + json_freqs(tone.steps[i].freqs) +
               ",\"ms\":" + std::to_string(tone.steps[i].ms) + "}";
        j += "]";
      }
      break;
    }
    case Kind::audio:
      j += "\"audio\",\"freq\":" + std::to_string(std::lround(freq_hz)) + ",\"level_dbm0\":";
      append_number(j, level_dbm0, 1);
      break;
    case Kind::primary_response:
      j += std::string("\"primary_response\",\"loop\":") + (on ? "\"closed\"" : "\"open\"");
      break;
    case Kind::cas:
      j += "\"cas\",\"ack\":" + str(std::string(1, digit));
      break;
    case Kind::error:
      j += "\"error\",\"message\":" + str(text);
      break;
  }
  return j + "}";
}

void VirtualPhone::emit(PhoneEvent e) {
  if (e.kind != PhoneEvent::Kind::tone && e.kind != PhoneEvent::Kind::audio)
    log::debug(kPhoneTag, "jack %d: %s", requested_jack_, e.json().c_str());
  if (handler_) handler_(e);
}

void VirtualPhone::error(std::string message) {
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::error;
  e.text = std::move(message);
  emit(std::move(e));
}

}  // namespace owsip::line::sim
