#pragma once
// The whole SDP bodies of T.38 in a call (docs/FAX.md "T.38 in calls"), around the one media
// description that t38_sdp.h reads and writes.
//
// Our re-INVITE replaces the audio stream by the image stream in the same place: one m= line,
// `m=image PORT udptl t38`, under the session part (o=, c=) of our audio SDP. RFC 3264 section
// 8 lets a re-offer change a stream's media type and transport as long as no m= line goes
// away, and ITU-T T.38 Annex D's re-INVITE example does exactly this. Our answer to an offer
// keeps every m= line of the offer, in order (RFC 3264 section 6): the first image/udptl/t38
// stream gets our T.38 answer, every other stream (an `m=audio 0 ...` kept for the count, or
// an audio stream offered beside the image) is answered with port 0, declined.

#include <string>
#include <string_view>

#include "core/status.h"
#include "fax/t38_sdp.h"

namespace owsip::fax {

// The session part of an SDP body: everything before the first m= line (all of it when there
// is none).
std::string_view sdp_session_part(std::string_view sdp);

// Our offer: `session` (the session part of our audio SDP: its c= names our address) and the
// image stream.
std::string make_t38_offer_sdp(std::string_view session, const T38Sdp& image);

// The peer's image stream and where its UDPTL goes: the media's c= address, else the
// session's.
struct T38Remote {
  T38Sdp sdp;
  std::string ip;
};

// Errors: no image stream, a malformed one, no usable c= address (with a non-zero port).
Result<T38Remote> read_t38_remote(std::string_view sdp);

// Our answer to `offer` (which must hold an image stream): `session` and one m= line per m=
// line of the offer, the first image stream answered with `image`, the others with port 0.
Result<std::string> make_t38_answer_sdp(std::string_view session, std::string_view offer,
                                        const T38Sdp& image);

}  // namespace owsip::fax
