// What the phone noticed: events to the handler, and their JSON form.
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <utility>

#include "core/json.h"
#include "core/log.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {
namespace {

template <typename T>
Json numbers(const std::vector<T>& values) {
  Json a = Json::array();
  for (T v : values) a.push(Json::num(static_cast<int64_t>(v)));
  return a;
}

std::string two(int v) {
  return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10);
}

void add_caller(Json& j, const dsp::CallerId& caller) {
  j.set("number", Json::str(caller.number)).set("name", Json::str(caller.name));
  if (caller.month != 0)
    j.set("time", Json::str(two(caller.month) + "-" + two(caller.day) + " " + two(caller.hour) +
                            ":" + two(caller.minute)));
  if (caller.absence == dsp::CidAbsence::withheld) j.set("absence", Json::str("withheld"));
  if (caller.absence == dsp::CidAbsence::unavailable) j.set("absence", Json::str("unavailable"));
}

void add_tone(Json& j, const dsp::HeardTone& tone) {
  j.set("freqs", numbers(tone.freqs()));
  if (tone.steps.empty()) return;  // stopped
  j.set("cadence", numbers(tone.cadence())).set("level_dbm0", Json::real(tone.level_dbm0, 1));
  if (!tone.multi_frequency()) return;
  Json steps = Json::array();
  for (const auto& step : tone.steps) {
    Json s = Json::object();
    s.set("freqs", numbers(step.freqs)).set("ms", Json::num(step.ms));
    steps.push(std::move(s));
  }
  j.set("steps", std::move(steps));
}

const char* event_name(PhoneEvent::Kind kind) {
  using K = PhoneEvent::Kind;
  switch (kind) {
    case K::welcome:
      return "welcome";
    case K::closed:
      return "closed";
    case K::ring:
      return "ring";
    case K::feed:
      return "feed";
    case K::cid:
      return "cid";
    case K::tone:
      return "tone";
    case K::audio:
      return "audio";
    case K::primary_response:
      return "primary_response";
    case K::cas:
      return "cas";
    case K::mwi:
      return "mwi";
    case K::fax:
      return "fax";
    case K::error:
      return "error";
  }
  return "?";
}

}  // namespace

std::string PhoneEvent::json() const {
  Json j = Json::object();
  j.set("event", Json::str(event_name(kind)));
  switch (kind) {
    case Kind::welcome:
      j.set("port", Json::num(port)).set("jack", Json::num(jack)).set("rate", Json::num(rate));
      j.set("locale", Json::str(locale)).set("cid", Json::str(cid));
      break;
    case Kind::closed:
      j.set("reason", Json::str(text));
      break;
    case Kind::ring:
      j.set("on", Json::boolean(on)).set("ms", Json::num(ms));
      break;
    case Kind::feed:
      j.set("feed", Json::str(line_feed_name(feed)));
      break;
    case Kind::cid:
      add_caller(j, caller);
      break;
    case Kind::tone:
      add_tone(j, tone);
      break;
    case Kind::audio:
      j.set("freq", Json::num(std::lround(freq_hz))).set("level_dbm0", Json::real(level_dbm0, 1));
      break;
    case Kind::primary_response:
      j.set("loop", Json::str(on ? "closed" : "open"));
      break;
    case Kind::cas:
      j.set("ack", Json::str(std::string(1, digit)));
      break;
    case Kind::mwi:
      j.set("on", Json::boolean(on));
      break;
    case Kind::fax: {
      const fax::FaxOutcome& o = fax_report.outcome;
      j.set("mode", Json::str(fax_report.mode)).set("result", Json::str(o.ok() ? "ok" : "failed"));
      j.set("code", Json::num(o.code)).set("text", Json::str(o.text));
      j.set("pages", Json::num(o.pages)).set("bit_rate", Json::num(o.bit_rate));
      j.set("ecm", Json::boolean(o.ecm)).set("ms", Json::num(ms));
      if (fax_report.mode == "receive") j.set("bad_rows", Json::num(o.bad_rows));
      j.set("file", Json::str(fax_report.file));
      break;
    }
    case Kind::error:
      j.set("message", Json::str(text));
      break;
  }
  return j.dump();
}

void VirtualPhone::emit(PhoneEvent e) {
  if (e.kind != PhoneEvent::Kind::tone && e.kind != PhoneEvent::Kind::audio)
    log_at(log::kDebug, "%s", e.json().c_str());
  if (handler_) handler_(e);
}

void VirtualPhone::error(std::string message) {
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::error;
  e.text = std::move(message);
  emit(std::move(e));
}

void VirtualPhone::log_at(int level, const char* fmt, ...) {
  if (!log::enabled(level)) return;
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  log::write(level, kPhoneTag, "jack %d: %s", requested_jack_, message);
}

}  // namespace owsip::line::sim
