#pragma once
// From configuration to media settings: what the call layer gives a MediaSession for a call on
// an account (account options `codecs` and `srtp`, general `name`; general `rtp_port` goes to
// the RtpPortAllocator).

#include <string_view>
#include <vector>

#include "config/telephony.h"
#include "core/status.h"
#include "media/sdp_negotiator.h"

namespace owsip::media {

// "G722 PCMA, pcmu": names separated by spaces or commas, as parse_codec_list() knows them.
Result<std::vector<CodecId>> parse_codec_option(std::string_view text);

// The SDP settings of a call through `account`.
Result<SdpSettings> sdp_settings(const config::General& general, const config::Account& account);

}  // namespace owsip::media
