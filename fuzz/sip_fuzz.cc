// libFuzzer target: raw bytes as they arrive on the SIP port -> libre's decoder (through
// sip::SipMessage) -> everything owsip reads from a message today: URIs and name-addrs (the
// request URI, From, To, Contact) through sip_address's parsers, the Via received/rport
// address learned from a registrar's answer, and the numeric headers of a REGISTER answer.
//
// fuzz_one_sip_message() is the one entry point; it follows the call layer's receive path too
// (the raw-datagram check for what libre cannot decode, the UAS checks of RFC 3261 section 8.2,
// the ghost-call filter, the offer check of an INVITE, INFO digits).

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.h"
#include "media/sdp_negotiator.h"
#include "media/telephone_event.h"
#include "sip/inbound_filter.h"
#include "sip/merged_requests.h"
#include "sip/raw_request.h"
#include "sip/sip_address.h"
#include "sip/sip_message.h"
#include "sip/uas_rules.h"

namespace {

using namespace owsip::sip;

// A property of owsip's parsers that must hold for any input: crash loudly when it does not.
void require(bool ok) {
  if (!ok) __builtin_trap();
}

// What owsip does with a URI or host it reads from the wire.
void read_host(const HostPort& hp) {
  if (hp.host.empty()) return;
  auto parsed = parse_host_port(hp.to_string());
  // A host we print must read back as itself (contacts and Via are written this way).
  if (parsed && hp.port != 0 && hp.host.find_first_of("[]") == std::string::npos)
    require(parsed->host == hp.host && parsed->port == hp.port);
  (void)is_ip_literal(hp.host);
  (void)contact_uri("user", hp, Transport::kUdp);
  (void)contact_uri("user", hp, Transport::kTls);
}

void read_uri(const std::string& uri, const std::string& params) {
  if (auto proxy = parse_proxy(uri); proxy) {
    read_host(proxy->address);
    // The Route we would write must parse again to the same hop.
    auto again = parse_proxy(proxy->route_uri);
    require(again.is_ok() && again->address == proxy->address &&
            again->transport == proxy->transport);
  }
  (void)parse_proxy("<" + uri + ">");
  for (const char* name : {"transport", "lr", "maddr", "expires", "tag", "received", "rport"}) {
    (void)uri_param(params, name);
  }
  if (auto t = uri_param(params, "transport")) (void)parse_transport(*t);
}

void read_name_addr(const NameAddr& a) {
  read_uri(a.uri, a.uri_params);
  (void)uri_param(a.params, "tag");
  (void)uri_param(a.params, "expires");
  read_host(a.host);
}

}  // namespace

// Every UDP datagram passes the raw check first (user_agent.cc): an answer is one whole
// response, a rewrite is a request libre then decodes.
void check_raw(const uint8_t* data, size_t size) {
  const RawVerdict v = check_raw_request({reinterpret_cast<const char*>(data), size});
  if (v.kind == RawVerdict::Kind::kAnswer)
    require(v.bytes.rfind("SIP/2.0 ", 0) == 0 && v.bytes.ends_with("\r\n\r\n") &&
            v.bytes.find('\0', 0) == std::string::npos);
  if (v.kind == RawVerdict::Kind::kRewrite)
    require(SipMessage::decode({reinterpret_cast<const uint8_t*>(v.bytes.data()), v.bytes.size()},
                               false)
                .is_ok());
}

// The UAS checks: a refusal is a final status with header lines that end in CRLF.
void check_uas(const SipMessage& msg) {
  static MergedRequests merged;
  static uint64_t now_ms = 0;
  if (auto a = uas_refusal(msg, merged.merged(msg, now_ms += 100))) {
    require(a->code >= 400 && a->code <= 599 && !a->reason.empty());
    require(a->reason.find_first_of("\r\n") == std::string::npos);
    require(a->headers.empty() || a->headers.ends_with("\r\n"));
  }
}

// One message through owsip's receive path. Returns whether libre decoded it.
bool fuzz_one_sip_message(const uint8_t* data, size_t size) {
  check_raw(data, size);
  auto msg = SipMessage::decode({data, size});
  if (!msg) return false;

  if (msg->is_request()) {
    // The check every request passes first (UserAgent answers 400 when it fails).
    if (auto why = msg->request_error()) require(!why->empty());
    check_uas(*msg);
    (void)msg->method();
    read_uri(msg->request_uri(), "");
  } else {
    require(msg->status() >= 0 && msg->status() <= 999);
    (void)msg->reason();
  }
  (void)msg->call_id();
  (void)msg->cseq();
  (void)msg->cseq_method();
  read_name_addr(msg->from());
  read_name_addr(msg->to());
  (void)msg->from_tag();
  (void)msg->to_tag();
  for (const NameAddr& c : msg->contacts()) read_name_addr(c);

  // Via: what a REGISTER answer teaches us about our public address (NAT learning).
  read_host(msg->via_sent_by());
  (void)msg->via_transport();
  if (auto seen = msg->seen_as()) read_host(*seen);

  // The numbers a REGISTER answer is read for; a bad one must not wrap into a short retry.
  for (const char* h : {"Retry-After", "Min-Expires", "Expires", "Max-Forwards", "Content-Length"})
    (void)msg->header_number(h);
  (void)msg->header_count("Via");
  (void)msg->content_type();
  (void)msg->body();

  // The call layer's receive path for requests outside a dialog: the ghost-call filter on the
  // Request-URI user and the source, then the offer checked against an account's media
  // settings; INFO bodies inside a call.
  if (msg->is_request()) {
    static const std::vector<InboundAccount> accounts = [] {
      InboundAccount a;
      a.key = "home";
      a.contact_user = "u0123456789abcdef";
      a.username = "2001";
      a.registrar = "udp:192.0.2.1:5060";
      InboundAccount any = a;
      any.key = "open";
      any.source_policy = "any";
      any.uri_policy = "user";
      any.username = "3001";
      return std::vector<InboundAccount>{a, any};
    }();
    // libre reads the Request-URI's user as what lies between the scheme and '@'.
    const std::string ruri = msg->request_uri();
    std::string user;
    if (size_t colon = ruri.find(':'); colon != std::string::npos)
      if (size_t at = ruri.find('@', colon); at != std::string::npos)
        user = ruri.substr(colon + 1, at - colon - 1);
    InboundDecision d = route_inbound(user, "udp:192.0.2.1:5060", accounts);
    require(d.account.empty() != d.reason.empty());
    if (msg->method() == "INVITE" && msg->content_type() == "application/sdp") {
      static owsip::media::SdpSettings settings;
      auto n = owsip::media::SdpNegotiator::create(owsip::media::Capabilities::software(16000),
                                                   settings, {"192.0.2.9", 4000});
      if (n) (void)(*n)->answer_offer(msg->body());
    }
    if (msg->method() == "INFO") (void)owsip::media::parse_dtmf_info(msg->content_type(), msg->body());
  }
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (owsip::fuzz::quiet_logs(), true);
  (void)quiet;
  fuzz_one_sip_message(data, size);
  return 0;
}
