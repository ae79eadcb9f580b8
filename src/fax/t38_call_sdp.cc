#include "fax/t38_call_sdp.h"

#include <vector>

namespace owsip::fax {
namespace {

// The lines of `text` without their CR/LF.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

// Where `m=` lines start: at the beginning or after a line feed.
size_t first_media(std::string_view sdp) {
  if (sdp.starts_with("m=")) return 0;
  size_t at = sdp.find("\nm=");
  return at == std::string_view::npos ? std::string_view::npos : at + 1;
}

// The address of "c=IN IP4 1.2.3.4" (a "/ttl" suffix dropped); empty when not that form.
std::string connection_address(std::string_view line) {
  if (!line.starts_with("c=")) return {};
  line.remove_prefix(2);
  std::vector<std::string_view> words;
  while (!line.empty() && words.size() < 4) {
    size_t sp = line.find(' ');
    std::string_view w = line.substr(0, sp);
    if (!w.empty()) words.push_back(w);
    if (sp == std::string_view::npos) break;
    line.remove_prefix(sp + 1);
  }
  if (words.size() != 3 || words[0] != "IN" || (words[1] != "IP4" && words[1] != "IP6"))
    return {};
  std::string_view addr = words[2].substr(0, words[2].find('/'));
  return std::string(addr);
}

}  // namespace

std::string_view sdp_session_part(std::string_view sdp) {
  const size_t m = first_media(sdp);
  return m == std::string_view::npos ? sdp : sdp.substr(0, m);
}

std::string make_t38_offer_sdp(std::string_view session, const T38Sdp& image) {
  std::string out(session);
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  return out + format_t38_media(image);
}

Result<T38Remote> read_t38_remote(std::string_view sdp) {
  auto media = find_t38_media(sdp);
  if (!media) return Status::error("no m=image ... udptl t38 stream");
  auto parsed = parse_t38_media(*media);
  if (!parsed) return parsed.status();
  T38Remote r{*parsed, {}};
  for (std::string_view line : lines_of(*media))
    if (r.ip.empty()) r.ip = connection_address(line);
  if (r.ip.empty())
    for (std::string_view line : lines_of(sdp_session_part(sdp)))
      if (r.ip.empty()) r.ip = connection_address(line);
  if (r.ip.empty() && r.sdp.port != 0) return Status::error("no c= address for the image stream");
  return r;
}

Result<std::string> make_t38_answer_sdp(std::string_view session, std::string_view offer,
                                        const T38Sdp& image) {
  auto media = find_t38_media(offer);
  if (!media) return Status::error("the offer has no m=image ... udptl t38 stream");
  std::string out(session);
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  bool answered = false;
  for (std::string_view line : lines_of(offer.substr(std::min(offer.size(), first_media(offer))))) {
    if (!line.starts_with("m=")) continue;
    // The image stream find_t38_media chose is the one whose m= line starts where it starts.
    if (!answered && line.data() == media->data()) {
      out += format_t38_media(image);
      answered = true;
      continue;
    }
    // m=<media> <port> <proto> <fmt...>: the same with port 0.
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return Status::error("a malformed m= line in the offer");
    out += std::string(line.substr(0, sp1)) + " 0" + std::string(line.substr(sp2)) + "\r\n";
  }
  if (!answered) return Status::error("the offer's image stream was not found again");
  return out;
}

}  // namespace owsip::fax
