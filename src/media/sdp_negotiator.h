#pragma once
// SDP offer/answer (RFC 3264) for one call leg's audio stream, on libre's sdp module.
//
// Offers list the codecs of the capabilities in the account's preference order (static payload
// types 0, 8, 9) and telephone-event/8000 (all three codecs have an 8 kHz RTP clock), a=ptime,
// and with SRTP a=crypto lines for both suites (RTP/AVP when SRTP is optional, RTP/SAVP when
// mandatory). Answers take the first codec of our preference the offer contains (one codec
// and telephone-event in the answer: a subset of the offer, with its payload types), accept
// telephone-event at 8000 or 16000 Hz, honour the offer's ptime within 10-60 ms, and answer
// sendonly/recvonly/inactive for hold. Re-offers (re-INVITE) in either direction may change
// codec, address, direction or keys; the same payload types stay in use.
//
// Errors from answer_offer() mean "reply 488 Not Acceptable Here" (with the message as the
// Warning text); errors from accept_answer() mean the call cannot have media.
// Keys appear only in the SDP text itself; log SDP through redact_sdp().

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "media/stream.h"

struct sdp_session;  // libre
struct sdp_media;    // libre
struct sdp_format;   // libre

namespace owsip::media {

struct SdpSettings {
  std::vector<CodecId> codecs;  // preference; empty = the capabilities' order
  SrtpPolicy srtp = SrtpPolicy::off;
  int ptime_ms = 20;             // what we ask to receive (a=ptime); 10-60
  bool telephone_events = true;  // offer/accept RFC 4733 events
  std::string user = "owsip";    // o= user name (general.name)
  // Not an SDP matter, carried with the rest of the account's media settings: keys go by SIP
  // INFO (account `dtmf info`); MediaSession tells its path (MediaPath::set_keys_by_info).
  bool keys_by_info = false;
};

class SdpNegotiator {
 public:
  // `local`: the address and RTP port written into the SDP (the public one behind NAT); RTCP
  // is the next port. Fails when no codec of `settings.codecs` is in `caps`.
  static Result<std::unique_ptr<SdpNegotiator>> create(Capabilities caps, SdpSettings settings,
                                                       const NetAddress& local);
  ~SdpNegotiator();
  SdpNegotiator(const SdpNegotiator&) = delete;
  SdpNegotiator& operator=(const SdpNegotiator&) = delete;

  // A new public address (STUN) for the next offer or answer.
  Status set_local(const NetAddress& local);
  // Holding: the next offer (or answer) says sendonly (inactive if the peer holds too).
  void set_hold(bool hold) { hold_ = hold; }
  bool hold() const { return hold_; }
  // Voice-band data (ITU-T V.152, fax pass-through): offers list only G.711 (PCMU and PCMA,
  // the codec in use first when it is one of them) and carry a=silenceSupp:off - - - -
  // (RFC 3108's silenceSupp attribute); answers pick G.711 and say the same. An offer with
  // a=silenceSupp:off turns it on. Stays on for the rest of the call.
  void set_voiceband_data(bool on) { vbd_ = on; }
  bool voiceband_data() const { return vbd_; }

  Result<std::string> create_offer();
  // The answer to our last offer.
  Result<NegotiatedMedia> accept_answer(std::string_view sdp);
  struct Answer {
    std::string sdp;
    NegotiatedMedia media;
  };
  // Our answer to the peer's offer (initial or re-offer).
  Result<Answer> answer_offer(std::string_view sdp);

  // What the codecs option and the capabilities leave, in preference order.
  const std::vector<CodecId>& codecs() const { return codecs_; }

 private:
  SdpNegotiator(Capabilities caps, SdpSettings settings, std::vector<CodecId> codecs);
  Status init(const NetAddress& local);
  Status offer_formats();
  // The codecs to offer or accept: codecs_, or with voice-band data G.711 only.
  std::vector<CodecId> usable_codecs() const;
  void set_silence_suppression_attr();
  Result<std::string> encode(bool offer);
  Status decode(std::string_view sdp, bool offer);
  // Fills `media` from the remote side of the decoded SDP: address, ptime, direction.
  Status read_remote(NegotiatedMedia& media) const;
  void set_crypto_attrs(const std::vector<CryptoAttribute>& lines);
  std::vector<CryptoAttribute> remote_crypto() const;
  // answer_offer's steps.
  struct OfferedCodec {
    CodecId codec;
    int pt;
  };
  Result<std::optional<CryptoAttribute>> answer_crypto() const;
  Status choose_formats(OfferedCodec& chosen, const struct ::sdp_format*& event) const;
  Status set_answer_formats(const OfferedCodec& chosen, const struct ::sdp_format* event,
                            NegotiatedMedia& m);

  Capabilities caps_;
  SdpSettings settings_;
  std::vector<CodecId> codecs_;
  struct ::sdp_session* sess_ = nullptr;
  struct ::sdp_media* audio_ = nullptr;
  bool hold_ = false;
  bool vbd_ = false;
  std::optional<CodecId> current_;  // the codec of the last exchange
  int event_pt_ = 101;  // kept across re-offers once negotiated
  SrtpKey keys_[2];     // our keys for the two suites (tags 1 and 2), stable for the call
  std::optional<SrtpSuite> srtp_;  // what the last exchange agreed
};

}  // namespace owsip::media
