#include "media/media_config.h"

#include <string>

namespace owsip::media {

Result<std::vector<CodecId>> parse_codec_option(std::string_view text) {
  std::vector<std::string> names;
  std::string name;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '\t') {
      name += text[i];
    } else if (!name.empty()) {
      names.push_back(std::move(name));
      name.clear();
    }
  }
  return parse_codec_list(names);
}

Result<SdpSettings> sdp_settings(const config::General& general, const config::Account& account) {
  SdpSettings s;
  auto codecs = parse_codec_option(account.codecs);
  if (!codecs) return Status::error("account " + account.key + ": " + codecs.message());
  s.codecs = std::move(*codecs);
  const auto srtp = parse_srtp_policy(account.srtp);
  if (!srtp)
    return Status::error("account " + account.key + ": srtp '" + account.srtp +
                         "' is not off, optional or mandatory");
  s.srtp = *srtp;
  s.user = general.name;
  s.keys_by_info = account.dtmf == "info";
  return s;
}

}  // namespace owsip::media
