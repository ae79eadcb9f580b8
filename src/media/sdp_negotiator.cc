#include "media/sdp_negotiator.h"

#include <re.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace owsip::media {

namespace {

constexpr size_t kMaxSdp = 16384;
constexpr const char* kTelephoneEvent = "telephone-event";
constexpr const char* kEventRange = "0-15";  // DTMF digits; flash and tones are not used
constexpr int kMinPtime = 10;
constexpr int kMaxPtime = 60;

std::string errno_text(int err) {
  return std::strerror(err);
}

bool to_sa(const NetAddress& a, struct sa* out) {
  return sa_set_str(out, a.ip.c_str(), a.port) == 0;
}

NetAddress from_sa(const struct sa* s) {
  NetAddress a;
  if (!sa_isset(s, SA_ADDR)) return a;
  char buf[64] = "";
  if (sa_ntop(s, buf, sizeof buf) != 0) return a;
  a.ip = buf;
  a.port = sa_port(s);
  if (a.ip == "0.0.0.0" || a.ip == "::") a.ip.clear();  // hold (RFC 2543 style) or no address
  return a;
}

// The payload type of a format, or -1 when its id is not a number 0-127.
int payload_type(const struct sdp_format* f) {
  if (!f->id || !*f->id || std::strlen(f->id) > 3) return -1;
  for (const char* p = f->id; *p; ++p)
    if (*p < '0' || *p > '9') return -1;
  const int pt = std::atoi(f->id);
  return pt <= 127 ? pt : -1;
}

// Static payload types mean their RFC 3551 codec whatever the rtpmap says; dynamic ones are
// known by name and clock rate.
std::optional<CodecId> codec_of(const struct sdp_format* f) {
  const int pt = payload_type(f);
  if (pt < 0) return std::nullopt;
  if (pt < 96) return codec_for_static_pt(pt);
  if (!f->name) return std::nullopt;
  return find_codec(f->name, static_cast<int>(f->srate));
}

// `sdp` without the a=rtpmap lines that name no clock rate ("a=rtpmap:0 PCMU"), which libre's
// decoder refuses along with the whole SDP. RFC 4566 section 6 makes the rate mandatory, but
// such a line costs nothing to ignore: a static payload type means its RFC 3551 codec anyway,
// and a dynamic one without a usable rtpmap is simply not chosen (RFC 3264 section 6: answer
// with what can be used, refuse only when nothing can).
std::string without_rateless_rtpmaps(std::string_view sdp) {
  std::string out;
  out.reserve(sdp.size());
  while (!sdp.empty()) {
    const size_t eol = sdp.find('\n');
    const std::string_view line =
        sdp.substr(0, eol == std::string_view::npos ? sdp.size() : eol + 1);
    sdp.remove_prefix(line.size());
    if (line.rfind("a=rtpmap:", 0) == 0) {
      const size_t slash = line.find('/');
      if (slash == std::string_view::npos || slash + 1 >= line.size() || line[slash + 1] < '0' ||
          line[slash + 1] > '9')
        continue;
    }
    out += line;
  }
  return out;
}

bool is_event(const struct sdp_format* f) {
  return payload_type(f) >= 96 && f->name && str_casecmp(f->name, kTelephoneEvent) == 0;
}

// a=ptime/a=maxptime rounded to the 10 ms steps owsip packetises in, within 10-60 ms.
int ptime_from(const char* ptime, const char* maxptime, int fallback) {
  int p = ptime ? std::atoi(ptime) : fallback;
  if (p <= 0) p = fallback;
  if (maxptime && std::atoi(maxptime) > 0) p = std::min(p, std::atoi(maxptime));
  p = (p + 5) / 10 * 10;
  return std::clamp(p, kMinPtime, kMaxPtime);
}

bool collect_crypto(const char*, const char* value, void* arg) {
  static_cast<std::vector<std::string>*>(arg)->emplace_back(value);
  return false;  // keep going
}

}  // namespace

SdpNegotiator::SdpNegotiator(Capabilities caps, SdpSettings settings, std::vector<CodecId> codecs)
    : caps_(std::move(caps)), settings_(std::move(settings)), codecs_(std::move(codecs)) {
  settings_.ptime_ms = std::clamp(settings_.ptime_ms, kMinPtime, kMaxPtime);
  keys_[0] = random_srtp_key();
  keys_[1] = random_srtp_key();
}

SdpNegotiator::~SdpNegotiator() {
  mem_deref(sess_);
}

Result<std::unique_ptr<SdpNegotiator>> SdpNegotiator::create(Capabilities caps,
                                                             SdpSettings settings,
                                                             const NetAddress& local) {
  std::vector<CodecId> codecs;
  const auto& wanted = settings.codecs.empty() ? caps.codecs : settings.codecs;
  for (CodecId c : wanted)
    if (std::find(caps.codecs.begin(), caps.codecs.end(), c) != caps.codecs.end())
      codecs.push_back(c);
  if (codecs.empty())
    return Status::error("none of the configured codecs is available on this line");
  std::unique_ptr<SdpNegotiator> n(
      new SdpNegotiator(std::move(caps), std::move(settings), std::move(codecs)));
  if (Status s = n->init(local); !s) return s;
  return n;
}

Status SdpNegotiator::init(const NetAddress& local) {
  struct sa laddr;
  if (!to_sa({local.ip, 0}, &laddr)) return Status::error("bad local address '" + local.ip + "'");
  int err = sdp_session_alloc(&sess_, &laddr);
  if (!err) {
    const char* proto =
        settings_.srtp == SrtpPolicy::mandatory ? sdp_proto_rtpsavp : sdp_proto_rtpavp;
    err = sdp_media_add(&audio_, sess_, sdp_media_audio, local.port, proto);
  }
  // Any of these profiles in an offer matches our audio stream; the SRTP policy decides
  // afterwards. The feedback profiles (RFC 4585) are answered as offered: owsip sends regular
  // RTCP only, which an AVPF peer accepts.
  if (!err)
    err = sdp_media_set_alt_protos(audio_, 4, sdp_proto_rtpavp, sdp_proto_rtpsavp, "RTP/AVPF",
                                   "RTP/SAVPF");
  if (err) return Status::error("sdp: " + errno_text(err));
  return Status::ok();
}

Status SdpNegotiator::set_local(const NetAddress& local) {
  struct sa laddr;
  if (!to_sa({local.ip, 0}, &laddr)) return Status::error("bad local address '" + local.ip + "'");
  sdp_session_set_laddr(sess_, &laddr);
  sdp_media_set_lport(audio_, local.port);
  return Status::ok();
}

void SdpNegotiator::set_crypto_attrs(const std::vector<CryptoAttribute>& lines) {
  sdp_media_del_lattr(audio_, "crypto");
  for (const auto& c : lines)
    sdp_media_set_lattr(audio_, false, "crypto", "%s", format_crypto(c).c_str());
}

std::vector<CodecId> SdpNegotiator::usable_codecs() const {
  if (!vbd_) return codecs_;
  // G.711 only: the one in use first, then ours in preference, then the other G.711 even
  // when the account's codecs leave it out (a fax needs a codec that carries modem signals).
  std::vector<CodecId> out;
  if (current_ && *current_ != CodecId::g722) out.push_back(*current_);
  for (CodecId c : codecs_)
    if (c != CodecId::g722 && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  for (CodecId c : {CodecId::pcmu, CodecId::pcma})
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

// RFC 3108 defines a=silenceSupp:<enable> <timer> <pref> <sidUse> <fxnslevel>, "-" for
// the parameters that do not apply; V.152 (section 7, negotiation by SDP) switches voice-band data
// with silence suppression off.
void SdpNegotiator::set_silence_suppression_attr() {
  sdp_media_del_lattr(audio_, "silenceSupp");
  if (vbd_) sdp_media_set_lattr(audio_, true, "silenceSupp", "off - - - -");
}

Status SdpNegotiator::offer_formats() {
  list_flush(const_cast<struct list*>(sdp_media_format_lst(audio_, true)));
  int err = 0;
  for (CodecId c : usable_codecs()) {
    const CodecInfo& info = codec_info(c);
    err |= sdp_format_add(nullptr, audio_, false, std::to_string(info.static_pt).c_str(),
                          std::string(info.name).c_str(), static_cast<uint32_t>(info.rtp_clock), 1,
                          nullptr, nullptr, nullptr, false, nullptr);
  }
  if (settings_.telephone_events)
    err |=
        sdp_format_add(nullptr, audio_, false, std::to_string(event_pt_).c_str(), kTelephoneEvent,
                       8000, 1, nullptr, nullptr, nullptr, false, "%s", kEventRange);
  err |= sdp_media_set_lattr(audio_, true, "ptime", "%d", settings_.ptime_ms);
  set_silence_suppression_attr();
  sdp_media_set_ldir(audio_, hold_ ? SDP_SENDONLY : SDP_SENDRECV);
  if (settings_.srtp == SrtpPolicy::off) {
    set_crypto_attrs({});
  } else {
    set_crypto_attrs({{1, SrtpSuite::aes_cm_128_hmac_sha1_80, keys_[0]},
                      {2, SrtpSuite::aes_cm_128_hmac_sha1_32, keys_[1]}});
  }
  if (err) return Status::error("sdp: cannot build the offer");
  return Status::ok();
}

Result<std::string> SdpNegotiator::encode(bool offer) {
  struct mbuf* mb = nullptr;
  const int err = sdp_encode(&mb, sess_, offer);
  if (err) return Status::error("sdp: cannot encode: " + errno_text(err));
  std::string s(reinterpret_cast<const char*>(mb->buf), mb->end);
  mem_deref(mb);
  // libre writes "o=- ..."; the origin names us (general.name), without spaces.
  std::string user = settings_.user.empty() ? "-" : settings_.user;
  std::replace(user.begin(), user.end(), ' ', '_');
  if (const size_t o = s.find("\r\no=- "); o != std::string::npos) s.replace(o + 4, 1, user);
  return s;
}

Status SdpNegotiator::decode(std::string_view sdp, bool offer) {
  if (sdp.empty()) return Status::error("empty SDP");
  if (sdp.size() > kMaxSdp) return Status::error("SDP larger than 16 KiB");
  if (sdp.find('\0') != std::string_view::npos) return Status::error("malformed SDP (NUL byte)");
  std::string text = without_rateless_rtpmaps(sdp);
  if (text.empty()) return Status::error("malformed SDP (only rtpmap lines without a rate)");
  if (text.back() != '\n' && text.back() != '\r') text += "\r\n";
  struct mbuf* mb = mbuf_alloc(text.size());
  if (!mb) return Status::error("out of memory");
  int err = mbuf_write_mem(mb, reinterpret_cast<const uint8_t*>(text.data()), text.size());
  mb->pos = 0;
  if (!err) err = sdp_decode(sess_, mb, offer);
  mem_deref(mb);
  if (err) return Status::error("malformed SDP (" + errno_text(err) + ")");
  return Status::ok();
}

Status SdpNegotiator::read_remote(NegotiatedMedia& m) const {
  if (sdp_media_rport(audio_) == 0)
    return Status::error("no usable RTP/AVP or RTP/SAVP audio stream");
  m.remote_rtp = from_sa(sdp_media_raddr(audio_));
  struct sa rtcp;
  sdp_media_raddr_rtcp(audio_, &rtcp);
  m.remote_rtcp = from_sa(&rtcp);
  if (!m.remote_rtcp.valid() && m.remote_rtp.valid())
    m.remote_rtcp = {m.remote_rtp.ip, static_cast<uint16_t>(m.remote_rtp.port + 1)};
  m.ptime_ms = ptime_from(sdp_media_session_rattr(audio_, sess_, "ptime"),
                          sdp_media_session_rattr(audio_, sess_, "maxptime"), settings_.ptime_ms);
  m.direction = static_cast<Direction>(sdp_media_dir(audio_) & 3);
  if (!m.remote_rtp.valid())
    m.direction = static_cast<Direction>(static_cast<uint8_t>(m.direction) & 1);
  return Status::ok();
}

std::vector<CryptoAttribute> SdpNegotiator::remote_crypto() const {
  std::vector<std::string> values;
  sdp_media_rattr_apply(audio_, "crypto", collect_crypto, &values);
  std::vector<CryptoAttribute> out;
  for (const auto& v : values)
    if (auto c = parse_crypto(v)) out.push_back(*c);
  return out;
}

Result<std::string> SdpNegotiator::create_offer() {
  if (Status s = offer_formats(); !s) return s;
  return encode(true);
}

Result<NegotiatedMedia> SdpNegotiator::accept_answer(std::string_view sdp) {
  if (Status s = decode(sdp, false); !s) return s;
  NegotiatedMedia m;
  if (Status s = read_remote(m); !s) return Status::error("the answer refused the audio stream");
  bool have_codec = false;
  const std::vector<CodecId> usable = usable_codecs();
  for (struct le* le = list_head(sdp_media_format_lst(audio_, false)); le; le = le->next) {
    const auto* f = static_cast<const struct sdp_format*>(le->data);
    if (const auto c = codec_of(f);
        c && std::find(usable.begin(), usable.end(), *c) != usable.end()) {
      if (!have_codec) {
        m.codec = *c;
        m.pt = payload_type(f);
        have_codec = true;
      }
      m.receive.emplace_back(payload_type(f), *c);
    } else if (is_event(f) && settings_.telephone_events && m.event_pt < 0 &&
               std::find(caps_.event_rates.begin(), caps_.event_rates.end(),
                         static_cast<int>(f->srate)) != caps_.event_rates.end()) {
      m.event_pt = payload_type(f);
      m.event_rate = static_cast<int>(f->srate);
    }
  }
  if (!have_codec) return Status::error("the answer has no codec we offered");
  if (settings_.srtp != SrtpPolicy::off) {
    for (const auto& c : remote_crypto()) {
      const bool ours = (c.tag == 1 && c.suite == SrtpSuite::aes_cm_128_hmac_sha1_80) ||
                        (c.tag == 2 && c.suite == SrtpSuite::aes_cm_128_hmac_sha1_32);
      if (!ours) continue;
      m.srtp = c.suite;
      m.tx_key = keys_[c.tag - 1];
      m.rx_key = c.key;
      break;
    }
    if (!m.srtp && settings_.srtp == SrtpPolicy::mandatory)
      return Status::error("SRTP is mandatory and the answer has no matching crypto");
  }
  if (m.event_pt >= 0) event_pt_ = m.event_pt;
  srtp_ = m.srtp;
  current_ = m.codec;
  return m;
}

// The crypto line to answer with, per the account's SRTP policy; an error when the policy and
// the offer disagree.
Result<std::optional<CryptoAttribute>> SdpNegotiator::answer_crypto() const {
  const std::string_view proto = sdp_media_proto(audio_) ? sdp_media_proto(audio_) : "";
  const bool savp = proto == "RTP/SAVP" || proto == "RTP/SAVPF";
  std::optional<CryptoAttribute> crypto;
  if (settings_.srtp != SrtpPolicy::off) {
    // The 80-bit tag when offered: stronger, and for _32 libre-based peers use a 32-bit SRTCP
    // tag where RFC 4568 (and owsip) use 80 bits, so only _80 agrees on RTCP with everyone.
    for (const auto& c : remote_crypto())
      if (!crypto || (c.suite == SrtpSuite::aes_cm_128_hmac_sha1_80 && crypto->suite != c.suite))
        crypto = c;
  }
  if (savp && settings_.srtp == SrtpPolicy::off)
    return Status::error("SRTP offered but srtp is off for this account");
  if (!crypto && savp) return Status::error("RTP/SAVP offered without a usable crypto line");
  if (!crypto && settings_.srtp == SrtpPolicy::mandatory)
    return Status::error("SRTP is mandatory and the offer has no usable crypto");
  return crypto;
}

// The codec to answer with, ours in preference order as the offer numbers it, and the
// telephone-event format to take (null for none); an error when no codec is common.
Status SdpNegotiator::choose_formats(OfferedCodec& chosen,
                                     const struct ::sdp_format*& event) const {
  std::vector<OfferedCodec> offered;
  std::string names;
  for (struct le* le = list_head(sdp_media_format_lst(audio_, false)); le; le = le->next) {
    const auto* f = static_cast<const struct sdp_format*>(le->data);
    names += std::string(names.empty() ? "" : " ") + (f->name ? f->name : f->id ? f->id : "?");
    if (const auto c = codec_of(f)) {
      offered.push_back({*c, payload_type(f)});
    } else if (is_event(f) && settings_.telephone_events &&
               std::find(caps_.event_rates.begin(), caps_.event_rates.end(),
                         static_cast<int>(f->srate)) != caps_.event_rates.end()) {
      // Prefer the rate of our codecs' RTP clock (8000); 16000 is taken when it is all there is.
      if (!event || (event->srate != 8000 && f->srate == 8000)) event = f;
    }
  }
  for (CodecId c : usable_codecs())
    for (const auto& o : offered)
      if (o.codec == c) {
        chosen = o;
        return Status::ok();
      }
  return Status::error("no common codec (offered: " + names.substr(0, 200) + ")");
}

// Our side of the answer's audio stream: the chosen codec, telephone-events, ptime.
Status SdpNegotiator::set_answer_formats(const OfferedCodec& chosen,
                                         const struct ::sdp_format* event, NegotiatedMedia& m) {
  m.codec = chosen.codec;
  m.pt = chosen.pt;
  m.receive = {{chosen.pt, chosen.codec}};
  const CodecInfo& info = codec_info(chosen.codec);
  int err = 0;
  list_flush(const_cast<struct list*>(sdp_media_format_lst(audio_, true)));
  err |= sdp_format_add(nullptr, audio_, false, std::to_string(chosen.pt).c_str(),
                        std::string(info.name).c_str(), static_cast<uint32_t>(info.rtp_clock), 1,
                        nullptr, nullptr, nullptr, false, nullptr);
  if (event) {
    m.event_pt = payload_type(event);
    m.event_rate = static_cast<int>(event->srate);
    event_pt_ = m.event_pt;
    err |= sdp_format_add(nullptr, audio_, false, event->id, kTelephoneEvent, event->srate, 1,
                          nullptr, nullptr, nullptr, false, "%s", kEventRange);
  }
  err |= sdp_media_set_lattr(audio_, true, "ptime", "%d", settings_.ptime_ms);
  set_silence_suppression_attr();
  if (err) return Status::error("sdp: cannot build the answer");
  return Status::ok();
}

Result<SdpNegotiator::Answer> SdpNegotiator::answer_offer(std::string_view sdp) {
  if (Status s = decode(sdp, true); !s) return s;
  Answer a;
  NegotiatedMedia& m = a.media;
  if (Status s = read_remote(m); !s)
    return Status::error("the offer has no audio stream over RTP/AVP or RTP/SAVP");
  auto crypto = answer_crypto();
  if (!crypto) return crypto.status();
  // The peer switches to voice-band data (V.152): so do we, for the rest of the call, once
  // the answer is made (a refused offer leaves us as we were).
  struct KeepOrRestore {
    bool& flag;
    bool before;
    bool keep = false;
    ~KeepOrRestore() {
      if (!keep) flag = before;
    }
  } vbd_guard{vbd_, vbd_};
  if (const char* ss = sdp_media_rattr(audio_, "silenceSupp");
      ss && std::string_view(ss).substr(0, 3) == "off")
    vbd_ = true;
  OfferedCodec chosen{};
  const struct sdp_format* event = nullptr;
  if (Status s = choose_formats(chosen, event); !s) return s;
  if (Status s = set_answer_formats(chosen, event, m); !s) return s;
  sdp_media_set_ldir(audio_, hold_ ? SDP_SENDONLY : SDP_SENDRECV);
  if (Status s = read_remote(m); !s) return s;  // the direction now includes ours
  if (*crypto) {
    const CryptoAttribute& c = **crypto;
    const SrtpKey& key = keys_[c.suite == SrtpSuite::aes_cm_128_hmac_sha1_80 ? 0 : 1];
    set_crypto_attrs({{c.tag, c.suite, key}});
    m.srtp = c.suite;
    m.tx_key = key;
    m.rx_key = c.key;
  } else {
    set_crypto_attrs({});
  }
  srtp_ = m.srtp;
  current_ = m.codec;
  auto text = encode(false);
  if (!text) return text.status();
  a.sdp = std::move(*text);
  vbd_guard.keep = true;
  return a;
}

}  // namespace owsip::media
