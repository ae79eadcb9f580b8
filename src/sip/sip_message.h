#pragma once
// One SIP message as it arrives: raw bytes decoded by libre's parser (sip_msg_decode), and the
// fields owsip reads from it as owsip types (strings, HostPort, NameAddr), so that code outside
// the libre adapter files, the tests and the fuzzer (fuzz/sip_fuzz.cc) never see libre's
// structures. Decoding never trusts its input: a message libre cannot parse is an error, and
// every accessor works on whatever a decoded message holds (absent headers read as empty or
// nullopt). Numbers are read as RFC 3261 writes them (decimal digits) and saturate instead of
// wrapping. Single-threaded; a SipMessage owns its libre message and the bytes behind it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sip/sip_address.h"

struct sip_msg;  // libre

namespace owsip::sip {

// A From, To or Contact value: "Display" <sip:user@host:port;uri-params>;params.
struct NameAddr {
  std::string display;  // without its quotes (quoted-pairs as written)
  std::string uri;      // the whole URI, without '<>'
  std::string scheme;   // "sip", "sips", "tel", ...
  std::string user;
  HostPort host;           // port 0 when the URI names none
  std::string uri_params;  // ";transport=tcp;lr" part of the URI
  std::string params;      // header parameters after the URI (";tag=..;expires=..")
};

class SipMessage {
 public:
  // Decodes one whole message (one UDP datagram, or one framed message of a stream).
  // `strict`: refuse what start_line_error() names (a UAS that must answer 505 takes them).
  static Result<SipMessage> decode(std::span<const uint8_t> bytes, bool strict = true);
  // Takes a reference to a message libre handed to a callback.
  static SipMessage wrap(const struct sip_msg* msg);

  ~SipMessage();
  SipMessage(SipMessage&& other) noexcept;
  SipMessage& operator=(SipMessage&& other) noexcept;
  SipMessage(const SipMessage&) = delete;
  SipMessage& operator=(const SipMessage&) = delete;

  bool is_request() const;
  std::string method() const;       // requests: "INVITE"...; responses: ""
  int status() const;               // responses: 100-699; requests: 0
  std::string reason() const;       // responses
  std::string request_uri() const;  // requests, as written
  std::string call_id() const;
  uint32_t cseq() const;
  std::string cseq_method() const;
  NameAddr from() const;
  NameAddr to() const;
  std::string from_tag() const;
  std::string to_tag() const;
  // Every Contact address, in order; values libre cannot parse are left out ('*' included).
  std::vector<NameAddr> contacts() const;

  // The first Via: its sent-by (port 0 when absent), transport name and raw parameter string.
  HostPort via_sent_by() const;
  std::string via_transport() const;
  std::string via_params() const;
  std::string via_branch() const;  // "" when the top Via has none
  // Where the peer saw us, from the first Via's received/rport (RFC 3581); nullopt when it
  // says nothing. A missing sent-by port is the transport's default.
  std::optional<HostPort> seen_as() const;

  // The value of the first header named `name` as written but unfolded (case-insensitive; a
  // compact form such as "v" is a name of its own); nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
  size_t header_count(std::string_view name) const;
  // Every comma-separated element of every header named `name`, in order, unfolded and
  // trimmed; empty elements left out ("Require: a, b" + "Require: c" -> a, b, c). For headers
  // whose grammar is a comma list (Require, Supported, Allow...), not for name-addr values.
  std::vector<std::string> header_list(std::string_view name) const;
  // The leading decimal number of a header (Retry-After: 120 (later); Min-Expires; Expires;
  // Max-Forwards), saturated at UINT32_MAX; nullopt when absent or not starting with a digit.
  std::optional<uint32_t> header_number(std::string_view name) const;
  std::string content_type() const;  // "type/subtype", lower-case as written; "" when absent
  std::string_view body() const;

  // What libre's decoder accepts in a start line but RFC 3261 does not: a version other than
  // SIP/2.0, or a status code that is not three digits 100-699 (libre reads "SIP/2.0 65736 OK"
  // as 200: it keeps the low 16 bits). decode() refuses such messages; code holding a message
  // from a libre callback should ignore one for which this is set.
  std::optional<std::string> start_line_error() const;

  // Why a request must be refused with 400 Bad Request, or nullopt when it is well-formed
  // enough to process. libre's decoder accepts requests RFC 3261 refuses; this checks what it
  // lets through: exactly one From, To, Call-ID and CSeq (any spelling), a CSeq of digits below
  // 2^31 and the request's own method, at most one Content-Length and Max-Forwards of digits
  // only (Content-Length no larger than the body received, Max-Forwards at most 255), a Via
  // sent-by port that is a port, no control character in a header outside a quoted-pair, no
  // headers in the Request-URI, a From/To display name quoted unless it is tokens, a Date in
  // GMT. Folded values are read unfolded. Responses: nullopt.
  std::optional<std::string> request_error() const;

  const struct sip_msg* raw() const { return msg_; }

 private:
  explicit SipMessage(struct sip_msg* msg) : msg_(msg) {}
  struct sip_msg* msg_ = nullptr;
};

// `s` with its ASCII letters in lower case (SIP's case-insensitive tokens).
std::string ascii_lower(std::string_view s);
// `a` and `b` equal but for the case of their ASCII letters.
bool ascii_iequals(std::string_view a, std::string_view b);
// `s` without the SP and HT at either end.
std::string_view trim_lws(std::string_view s);

// `value` with each line fold (CR LF and the white space around it) made one SP, as RFC 3261
// section 7.3.1 reads it.
std::string unfold(std::string_view value);

// The reason phrase owsip writes with a status it sends (RFC 3261 section 21, and the
// extensions' 421, 422, 433...): answers to callers, sipfrag bodies. Unknown codes get their
// class's phrase ("Request Failure", "Server Error"...).
const char* reason_phrase(int code);

// The leading decimal number of `text`, saturated at UINT32_MAX; nullopt without a digit.
std::optional<uint32_t> leading_decimal(std::string_view text);

}  // namespace owsip::sip
