#include "media/stream.h"

#include <strings.h>

namespace owsip::media {

std::string NetAddress::text() const {
  const bool v6 = ip.find(':') != std::string::npos;
  return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::inactive:
      return "inactive";
    case Direction::recvonly:
      return "recvonly";
    case Direction::sendonly:
      return "sendonly";
    case Direction::sendrecv:
      return "sendrecv";
  }
  return "?";
}

Capabilities Capabilities::software(int line_rate) {
  if (line_rate == 16000) return {{CodecId::g722, CodecId::pcmu, CodecId::pcma}, {8000, 16000}};
  return {{CodecId::pcmu, CodecId::pcma, CodecId::g722}, {8000, 16000}};
}

Result<std::vector<CodecId>> parse_codec_list(const std::vector<std::string>& names) {
  static constexpr std::pair<std::string_view, CodecId> kAliases[] = {
      {"pcmu", CodecId::pcmu}, {"ulaw", CodecId::pcmu},  {"g711u", CodecId::pcmu},
      {"pcma", CodecId::pcma}, {"alaw", CodecId::pcma},  {"g711a", CodecId::pcma},
      {"g722", CodecId::g722}, {"g.722", CodecId::g722},
  };
  std::vector<CodecId> out;
  for (const auto& n : names) {
    std::optional<CodecId> id;
    for (const auto& [alias, codec] : kAliases)
      if (n.size() == alias.size() && strncasecmp(n.data(), alias.data(), n.size()) == 0)
        id = codec;
    if (!id) return Status::error("unknown codec '" + n + "' (known: PCMU, PCMA, G722)");
    bool dup = false;
    for (CodecId c : out) dup |= c == *id;
    if (!dup) out.push_back(*id);
  }
  return out;
}

std::string NegotiatedMedia::describe() const {
  const CodecInfo& c = codec_info(codec);
  std::string s = std::string(c.name) + "/" + std::to_string(c.rtp_clock) + " pt " +
                  std::to_string(pt) + ", " + std::to_string(ptime_ms) + " ms";
  if (event_pt >= 0)
    s += ", events pt " + std::to_string(event_pt) + "/" + std::to_string(event_rate);
  else
    s += ", DTMF in-band";
  s += ", " + std::string(direction_name(direction));
  s += remote_rtp.valid() ? ", to " + remote_rtp.text() : ", no remote address";
  if (srtp) s += ", SRTP " + std::string(srtp_suite_name(*srtp));
  return s;
}

}  // namespace owsip::media
