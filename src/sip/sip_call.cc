#include "sip/sip_call.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "core/clock.h"
#include "core/log.h"
#include "core/re_compat.h"
#include "media/device_path.h"
#include "media/media_config.h"
#include "media/software_path.h"
#include "media/t30_monitor.h"
#include "media/telephone_event.h"
#include "sip/caller_identity.h"
#include "sip/re_convert.h"
#include "sip/sip_address.h"
#include "sip/sip_service.h"
#include "sip/tls_context.h"
#include "sip/uas_rules.h"
#include "sip/user_agent.h"

namespace owsip::sip {
namespace {

constexpr const char* kTag = "sip.call";
constexpr const char* kSdp = "application/sdp";

std::string body_of(const struct sip_msg* msg) {
  if (!msg || !msg->mb || mbuf_get_left(msg->mb) == 0) return "";
  return std::string(reinterpret_cast<const char*>(mbuf_buf(msg->mb)), mbuf_get_left(msg->mb));
}

bool has_sdp(const struct sip_msg* msg) {
  return msg && mbuf_get_left(msg->mb) > 0 && msg_ctype_cmp(&msg->ctyp, "application", "sdp");
}

struct mbuf* to_mbuf(const std::string& s) {
  struct mbuf* mb = mbuf_alloc(s.size() + 1);
  if (!mb) return nullptr;
  mbuf_write_mem(mb, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  mbuf_set_pos(mb, 0);
  return mb;
}

IdentityParts identity_parts(const struct pl& dname, const struct uri& uri) {
  return IdentityParts{text(dname), text(uri.scheme), text(uri.user), text(uri.host)};
}

std::string reason_of(const struct sip_msg* msg, int err) {
  if (msg && msg->scode) return std::to_string(msg->scode) + " " + text(msg->reason);
  if (err == ECONNRESET) return "connection reset";
  return err ? std::strerror(err) : "ended";
}

}  // namespace

// libre's C callbacks; `arg` is the SipCall.
struct SipCallCallbacks {
  static int auth(char** user, char** pass, const char*, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    int err = str_dup(user, c->target_.auth_user.c_str());
    err |= str_dup(pass, c->target_.password.c_str());
    return err;
  }

  // Our INVITE's offer: libre asks for it before each send of the INVITE (core/re_compat.h).
  static int desc(struct mbuf** descp, const struct sa*, const struct sa*, void* arg) {
    *descp = to_mbuf(static_cast<SipCall*>(arg)->invite_sdp_);
    return *descp ? 0 : ENOMEM;
  }

  static re_compat::SessionHandlers handlers(SipCall* c) {
    re_compat::SessionHandlers h{auth, offer, answer, progress, established, info, closed, c};
    h.refer = refer;
    return h;
  }

  static void refer(struct sip*, const struct sip_msg* msg, void* arg) {
    static_cast<SipCall*>(arg)->on_refer(msg);
  }

  static void refer_closed(int err, const struct sip_msg*, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    c->note(log::kInfo, ": the referrer ended the transfer's subscription (%s)",
            err ? std::strerror(err) : "unsubscribed");
    c->refer_not_ = static_cast<struct sipnot*>(mem_deref(c->refer_not_));
  }

  // A re-INVITE (or the ACK's late offer is handled by answer()).
  static int offer(struct mbuf** descp, const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    c->reinvite_received(msg);
    if (!has_sdp(msg)) {  // a re-INVITE without SDP: offer ours
      if (!c->media_) return EPROTO;
      auto o = c->session_offer();
      if (!o) return EPROTO;
      *descp = to_mbuf(*o);
      return *descp ? 0 : ENOMEM;
    }
    return c->answer_offer(body_of(msg), descp);
  }

  // The answer to our offer (2xx to an INVITE or re-INVITE, or the ACK of a late offer).
  static int answer(const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    if (!has_sdp(msg)) return EPROTO;
    const std::string sdp = body_of(msg);
    if (sdp == c->early_sdp_) return 0;  // the 183's answer, already in force
    Status s = c->apply_answer(sdp);
    return s ? 0 : EPROTO;
  }

  static void progress(const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    if (msg->scode > 100) c->send_prack(msg);
    bool early = false;
    if (msg->scode != 100 && has_sdp(msg) && c->early_sdp_.empty()) {
      const std::string sdp = body_of(msg);
      if (c->apply_answer(sdp)) {
        c->early_sdp_ = sdp;
        early = true;
      }
    } else if (!c->early_sdp_.empty()) {
      early = true;
    }
    if (msg->scode == 100) return;
    c->note(log::kInfo, ": %u %s%s", msg->scode, text(msg->reason).c_str(),
            early ? " (early media)" : "");
    c->machine_.progress(msg->scode, early);
  }

  static void established(const struct sip_msg* msg, void* arg) {
    // Outgoing: the 2xx. Incoming: the ACK of our 200, which changes nothing.
    auto* c = static_cast<SipCall*>(arg);
    if (msg) {  // the dialog's tags, for a Replaces naming it (either direction)
      c->dialog_call_id_ = text(msg->callid);
      c->local_tag_ = text(c->record_.incoming ? msg->to.tag : msg->from.tag);
      c->remote_tag_ = text(c->record_.incoming ? msg->from.tag : msg->to.tag);
      if (!c->record_.incoming) c->session_started(msg);
    }
    c->machine_.answered_now();
  }

  // A NOTIFY of the REFER this call sent: its sipfrag tells how the transfer goes.
  static void refer_progress(struct sip* sip, const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    (void)sip_treply(nullptr, sip, msg, 200, "OK");
    const int code = parse_sipfrag(body_of(msg));
    c->note(log::kInfo, ": transfer NOTIFY sipfrag %d", code);
    if (code >= 200) c->transfer_outcome(code < 300, code);
  }

  static void refer_ended(int err, const struct sip_msg* msg, const struct sipevent_substate*,
                          void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    c->refer_sub_ = static_cast<struct sipsub*>(mem_deref(c->refer_sub_));
    // A REFER refused (4xx-6xx), timed out, or a subscription ended without a final sipfrag.
    const int code = msg && msg->scode >= 300 ? msg->scode : err ? 408 : 0;
    c->transfer_outcome(false, code);
  }

  static void info(struct sip* sip, const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    const std::string ctype = text(msg->ctyp.type) + "/" + text(msg->ctyp.subtype);
    auto digit = media::parse_dtmf_info(ctype, body_of(msg));
    if (!digit) {
      (void)sip_reply(sip, msg, 415, "Unsupported Media Type");
      return;
    }
    (void)sip_reply(sip, msg, 200, "OK");
    c->note(log::kInfo, ": INFO digit %c", digit->digit);
    if (c->media_) c->media_->play_dtmf(digit->digit, digit->duration_ms > 0 ? digit->duration_ms : 100);
  }

  static void closed(int err, const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    c->sess_ = static_cast<struct sipsess*>(mem_deref(c->sess_));
    if (msg && msg->scode == 422 && c->retry_after_422(msg)) return;
    const bool answered = c->machine_.answered();
    const bool cancelled = c->record_.incoming && !answered;
    std::string cause = reason_of(msg, err);
    int code = msg && msg->scode >= 300 ? msg->scode : 0;
    if (cancelled) cause = err == ECONNRESET ? "cancelled" : cause;
    else if (answered) cause = c->transferred_ ? "transferred" : "remote hangup";
    else if (code == 486 || code == 600) cause = "busy";
    else if (!code && err == ETIMEDOUT) code = 408;
    c->end(code, cause, answered);
  }
};

SipCall::SipCall(CallManager& manager, uint64_t id, bool incoming, const RegisterTarget& target,
                 const config::Account& account)
    : manager_(manager),
      target_(target),
      account_(account),
      machine_(*this, manager.loop_, "sip.call{" + std::to_string(id) + "}", incoming),
      transfer_bye_(manager.loop_),
      refer_guard_(manager.loop_),
      rel1xx_timer_(manager.loop_),
      session_timer_(manager.loop_),
      fax_timer_(manager.loop_) {
  record_.id = id;
  record_.incoming = incoming;
  record_.account = account.key;
  record_.start_ms = wall_clock_ms();
  record_.state = machine_.record_state();
}

SipCall::~SipCall() {
  refer_not_ = static_cast<struct sipnot*>(mem_deref(refer_not_));
  refer_sub_ = static_cast<struct sipsub*>(mem_deref(refer_sub_));
  refresh_req_ = static_cast<struct sip_request*>(mem_deref(refresh_req_));
  early_dialog_ = static_cast<struct sip_dialog*>(mem_deref(early_dialog_));
  sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
  drop_media(machine_.held());
}

std::string SipCall::describe() const {
  return "call " + std::to_string(record_.id) +
         (record_.incoming ? " from " : " to ") + record_.remote + " (" + record_.account + ")";
}

void SipCall::note(int level, const char* fmt, ...) const {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  log::write(level, kTag, "call %llu%s", static_cast<unsigned long long>(record_.id), what);
}

void SipCall::state_changed(CallState, CallState to) {
  record_.state = machine_.record_state();
  if (to != CallState::ended) manager_.record(CallManager::RecordEvent::changed, *this);
}

void SipCall::tell_progress(int code, bool early_media) {
  // The new call of a transfer rings (180) or plays early media (183): the referrer hears it
  // in a NOTIFY, once per code (RFC 3515 section 2.4.5: a provisional sipfrag, active).
  if (SipCall* r = referrer_ ? manager_.find(referrer_) : nullptr) r->transfer_progress(code);
  if (observer_) observer_->on_call_progress(code, early_media);
}

void SipCall::tell_answered() {
  record_.answer_ms = wall_clock_ms();
  if (record_.incoming) {
    note(log::kNotice, " answered on port%d", record_.port);
    return;  // the port answered it itself
  }
  note(log::kNotice, " answered");
  if (SipCall* r = referrer_ ? manager_.find(referrer_) : nullptr) r->transfer_succeeded();
  referrer_ = 0;
  if (observer_) observer_->on_call_answered();
}

void SipCall::tell_ended(const CallEventArg& how, CallState from, bool was_offered) {
  record_.end_ms = wall_clock_ms();
  record_.end_code = how.code;
  // A call owsip forwarded itself (forward_mode call) ends as forwarded, and how.
  record_.end_cause = record_.answer_ms && !forward_uri_.empty() && !cause_.empty()
                          ? cause_ + ": " + how.cause
                          : how.cause;
  drop_media(from == CallState::held);
  note(log::kNotice, " ended: %s%s", how.code ? (std::to_string(how.code) + " ").c_str() : "",
       how.cause.c_str());
  manager_.record(CallManager::RecordEvent::ended, *this);
  rel1xx_timer_.cancel();
  session_timer_.cancel();
  refresh_req_ = static_cast<struct sip_request*>(mem_deref(refresh_req_));
  if (was_offered && manager_.sink_) manager_.sink_->withdraw(*this);  // the caller gave up
  manager_.reap_soon();
  refer_not_ = static_cast<struct sipnot*>(mem_deref(refer_not_));  // libre ends it
  refer_sub_ = static_cast<struct sipsub*>(mem_deref(refer_sub_));  // the call is over
  if (SipCall* r = referrer_ ? manager_.find(referrer_) : nullptr) {
    // The new call of a transfer failed: the referred call takes the port back if it can.
    referrer_ = 0;
    const int code = how.code >= 300 ? how.code : how.cause == "cancelled" ? 487 : 500;
    phone::CallObserver* o = observer_;
    SipCallHandle* h = handle_;
    if (r->transfer_failed(code, o, h)) {
      observer_ = nullptr;
      handle_ = nullptr;
      has_handle_ = false;
      manager_.reap_soon();
      o->on_call_transfer_failed();
      return;
    }
  }
  if (phone::CallObserver* o = observer_) {
    observer_ = nullptr;
    o->on_call_ended({how.code, how.cause, how.remote_hangup});  // may destroy the handle: last
  }
}

Status SipCall::make_media(line::Line& line) {
  UserAgent* ua = manager_.ua_;
  if (!ua || !ua->bound()) return Status::error("no network address to send media from");
  auto sdp = media::sdp_settings(manager_.sip_.config().general, account_);
  if (!sdp) return sdp.status();
  media::MediaSettings ms;
  ms.bind_ip = ua->bound_address();
  ms.sdp = *sdp;
  ms.tag = "media.port" + std::to_string(line.port());
  if (auto ip = manager_.public_ip(); ip && *ip != ms.bind_ip)
    ms.public_address = media::NetAddress{*ip, 0};  // behind a NAT: our RTP port, public IP
  std::unique_ptr<media::MediaPath> path;
  if (auto device = line.open_rtp_device()) {
    path = std::make_unique<media::DevicePath>(std::move(device));
  } else {
    media::SoftwarePathSettings ps;
    ps.line_rate = line.audio_rate() == 16000 ? 16000 : 8000;
    if (line.settings().relay) ps.dtmf_guard_ms = 0;  // a forwarded call's audio, as it is
    path = std::make_unique<media::SoftwarePath>(manager_.loop_.clock(), ps);
  }
  auto session = media::MediaSession::create(manager_.loop_, manager_.rtp_ports_, ms, std::move(path));
  if (!session) return session.status();
  media_ = std::move(*session);
  media_->set_t30_handler([this](uint8_t fcf, bool from_line) { on_t30_frame(fcf, from_line); });
  media_->set_dtmf_handler([id = record_.id](const media::DtmfDigit& d) {
    if (d.ended)
      log::info(kTag, "call %llu: received DTMF %c (%d ms)", static_cast<unsigned long long>(id),
                d.digit, d.duration_ms);
  });
  line_ = &line;
  if (auto* ep = media_->audio_endpoint()) software_audio_ = line.attach_audio(ep);
  return Status::ok();
}

void SipCall::drop_media(bool held) {
  if (!media_) return;
  leave_conference();
  record_.media = media_->stats();
  if (line_ && software_audio_ && !held) line_->attach_audio(nullptr);
  software_audio_ = false;
  end_t38();
  media_.reset();  // RTCP BYE
  line_ = nullptr;
}

// The T.38 session's summary, then the session is gone (the call's end, or back to audio).
void SipCall::end_t38() {
  if (t38_) {
    const auto l = t38_->link_stats();
    const auto g = t38_->gateway_stats();
    note(log::kNotice,
         ": T.38 ended: %d page(s) at %d bit/s%s; UDPTL %llu datagrams sent, %llu received "
         "(%llu malformed), %llu IFP delivered, %llu recovered from redundancy, %llu lost",
         g.pages, g.bit_rate, g.ecm ? " with ECM" : "",
         static_cast<unsigned long long>(l.datagrams_sent),
         static_cast<unsigned long long>(l.rx.datagrams),
         static_cast<unsigned long long>(l.rx.malformed),
         static_cast<unsigned long long>(l.rx.delivered),
         static_cast<unsigned long long>(l.rx.recovered),
         static_cast<unsigned long long>(l.rx.lost));
  }
  t38_.reset();
  t38_reserved_.reset();
  t38_state_ = T38State::none;
}

Status SipCall::apply_answer(const std::string& sdp) {
  if (!media_) return Status::error("no media");
  if (t38_state_ == T38State::offering) return t38_answered(sdp);
  // A late answer to a T.38 offer given up on, or to a refresh of the T.38 session.
  if (t38_state_ != T38State::none && fax::find_t38_media(sdp)) return Status::ok();
  Status s = media_->accept_answer(sdp);
  if (!s) note(log::kWarning, ": the answer is not usable: %s", s.message().c_str());
  return s;
}

int SipCall::answer_offer(const std::string& offer, struct mbuf** answer) {
  if (!media_) return EPROTO;
  if (auto image = fax::find_t38_media(offer); image && !image->starts_with("m=image 0 "))
    return answer_t38_offer(offer, answer);
  // After the fax machines' DCN, an offer without a=silenceSupp:off takes the call back to
  // voice (the far end's fax_back_to_voice, or its like): before it, a refresh that leaves the
  // attribute out keeps the fax going as it is.
  const bool vbd_before = media_->voiceband_data();
  const bool to_voice = fax_ended_ && vbd_before && offer.find("a=silenceSupp:off") == std::string::npos;
  if (to_voice) media_->set_voiceband_data(false);
  auto a = media_->answer_offer(offer);
  if (!a) {
    if (to_voice) media_->set_voiceband_data(vbd_before);
    note(log::kNotice, ": offer refused: %s", a.message().c_str());
    return EPROTO;  // libre answers 488
  }
  if (t38_) {  // the far end goes back to audio: the line's audio returns to RTP
    if (line_ && software_audio_) line_->attach_audio(media_->audio_endpoint());
    end_t38();
    fax_ended_ = false;
    note(log::kNotice, ": audio offered again: T.38 ended, back to RTP");
  } else if (to_voice) {
    fax_ended_ = false;
    note(log::kNotice, ": voice offered after the fax: back to a voice call");
  }
  *answer = to_mbuf(*a);
  return *answer ? 0 : ENOMEM;
}

Status SipCall::connect(const std::string& to_uri, int port, line::Line& line,
                        phone::CallObserver& observer, bool hide,
                        const std::string& extra_headers) {
  record_.port = port;
  record_.remote = to_uri;
  if (Status s = make_media(line); !s) return s;
  auto offer = media_->create_offer();
  if (!offer) return offer.status();
  const std::string from = target_.aor();
  const std::string route = target_.first_hop_route();
  invite_sdp_ = *offer;
  // A new TLS connection checks the certificate against the host set last on the shared
  // context, which another account's REGISTER may have changed: set this account's first hop.
  if (target_.first_hop_tls() && manager_.ua_ && manager_.ua_->tls())
    manager_.ua_->tls()->expect(target_.first_hop_host(), target_.tls_verify);
  // Hidden: RFC 3323 section 4.1.1.3's anonymous From and `Privacy: id`; the provider still
  // learns who pays from P-Preferred-Identity (RFC 3325 section 9.2) and the digest login.
  invite_uri_ = to_uri;
  invite_route_ = route;
  invite_from_uri_ = from;
  invite_headers_ = extra_headers;
  invite_hidden_ = hide;
  if (hide) {
    invite_from_uri_ = "sip:anonymous@anonymous.invalid";
    invite_headers_ += "Privacy: id\r\nP-Preferred-Identity: <" + from + ">\r\n";
  }
  if (int err = send_invite(); err) {
    drop_media(machine_.held());
    return Status::error("cannot send the INVITE to " + to_uri + ": " + std::strerror(err));
  }
  observer_ = &observer;
  has_handle_ = true;
  note(log::kNotice, ": INVITE %s via %s%s", to_uri.c_str(), route.c_str(),
       hide ? " (number withheld)" : "");
  return Status::ok();
}

int SipCall::check_invite(const struct sip_msg* msg) {
  const struct sip_hdr* pai = sip_msg_hdr(msg, SIP_HDR_P_ASSERTED_IDENTITY);
  struct sip_addr addr;
  std::optional<IdentityParts> asserted;
  if (pai && sip_addr_decode(&addr, &pai->val) == 0) asserted = identity_parts(addr.dname, addr.uri);
  const struct sip_hdr* privacy = sip_msg_hdr(msg, SIP_HDR_PRIVACY);
  cid_ = caller_identity(identity_parts(msg->from.dname, msg->from.uri), asserted,
                         privacy ? std::string_view(privacy->val.p, privacy->val.l) : "");
  record_.remote = cid_.number.empty() ? text(msg->from.auri) : cid_.number;
  record_.remote_name = cid_.name;
  // Call return goes to the From address, through the account the call came in on; not to a
  // caller who withheld the number.
  if (cid_.absence != line::dsp::CidAbsence::withheld) {
    call_back_.kind = phone::DialTarget::Kind::sip_uri;
    call_back_.target = text(msg->from.auri);
    call_back_.account = account_.key;
  }
  if (int code = check_extensions(msg); code) return code;
  if (!has_sdp(msg)) return 0;  // late offer: we offer in the 200
  offer_sdp_ = body_of(msg);
  // Is anything in the offer acceptable? Asked of a negotiator like the one that will answer.
  auto settings = media::sdp_settings(manager_.sip_.config().general, account_);
  if (!settings) return 500;
  const std::string ip = manager_.ua_ ? manager_.ua_->bound_address() : "127.0.0.1";
  auto n = media::SdpNegotiator::create(media::Capabilities::software(16000), *settings, {ip, 9});
  if (!n) return 500;
  auto a = (*n)->answer_offer(offer_sdp_);
  if (!a) {
    note(log::kNotice, " from %s: offer refused: %s", record_.remote.c_str(), a.message().c_str());
    return 488;
  }
  return 0;
}

int SipCall::send_invite() {
  const char* routes[1] = {invite_route_.c_str()};
  const std::string cuser = target_.contact_user.empty() ? target_.user : target_.contact_user;
  const char* from_name = invite_hidden_ ? "Anonymous"
                          : target_.display_name.empty() ? nullptr
                                                         : target_.display_name.c_str();
  // RFC 3262 section 4 (Require: 100rel when the account requires it) and RFC 4028 section 7.
  const std::string headers =
      invite_headers_ + capabilities() +
      (rel100() == Rel100::required ? "Require: 100rel\r\n" : "") +
      uac_timer_headers(timer_policy(), min_se_asked_);
  early_sdp_.clear();
  return re_compat::connect_session(&sess_, manager_.sock_, invite_uri_.c_str(), from_name,
                                    invite_from_uri_.c_str(), cuser.c_str(), routes, 1, kSdp,
                                    SipCallCallbacks::desc, SipCallCallbacks::handlers(this),
                                    headers);
}

Status SipCall::ring(const struct sip_msg* msg) {
  std::string headers = capabilities();
  if (reliable_) {  // RFC 3262 section 3: RSeq starts anywhere in 1..2^31-1
    rseq_ = 1 + rand_u32() % 0x7fffffffu;
    rel1xx_headers_ = headers + "Require: 100rel\r\nRSeq: " + std::to_string(rseq_) + "\r\n";
    headers = rel1xx_headers_;
  }
  int err = re_compat::accept_session(
      &sess_, manager_.sock_, msg, 180, "Ringing",
      target_.contact_user.empty() ? target_.user.c_str() : target_.contact_user.c_str(), kSdp,
      nullptr, SipCallCallbacks::handlers(this), headers);
  if (err) return Status::error(std::string("cannot answer 180: ") + std::strerror(err));
  if (reliable_) {
    note(log::kInfo, ": 180 sent reliably (RSeq %u)", rseq_);
    rel1xx_sends_ = 1;
    retransmit_provisional();
  }
  machine_.ring();
  return Status::ok();
}

void SipCall::refuse(const struct sip_msg* msg, int code) {
  if (manager_.ua_)
    (void)sip_treplyf(nullptr, nullptr, manager_.ua_->stack(), msg, false,
                      static_cast<uint16_t>(code), reason_phrase(code),
                      "%s%sContent-Length: 0\r\n\r\n", redirect_header(code).c_str(),
                      refuse_headers_.c_str());
  end(code, !cause_.empty() ? cause_ : code == 486 ? "busy" : "refused", false);
}

std::string SipCall::redirect_header(int code) const {
  if (code < 300 || code > 399 || forward_uri_.empty()) return "";
  return "Contact: <" + forward_uri_ + ">\r\n";
}

void SipCall::forward_to(const std::string& target) {
  if (is_dialled_number(target)) forward_uri_ = number_uri(target, target_.realm);
  else if (target.rfind("sip:", 0) == 0 || target.rfind("sips:", 0) == 0) forward_uri_ = target;
  else forward_uri_ = "sip:" + target;
  record_.forwarded_to = target;
}

Result<std::unique_ptr<phone::Call>> SipCall::answer(int port, line::Line& line,
                                                     phone::CallObserver& observer) {
  if (machine_.ended() || !sess_) return Status::error("the caller hung up");
  record_.port = port;
  if (media_ && line_ != &line) {  // early media on another line: start afresh
    drop_media(machine_.held());
    early_answer_.clear();
  }
  if (!media_)
    if (Status s = make_media(line); !s) {
      reject(500);
      return s;
    }
  struct mbuf* desc = nullptr;
  if (!early_answer_.empty()) {
    desc = to_mbuf(early_answer_);  // RFC 3261 section 13.2.1: the 183's answer again
  } else if (!offer_sdp_.empty()) {
    if (answer_offer(offer_sdp_, &desc) != 0) {
      reject(488);
      return Status::error("the offer is not acceptable for this line");
    }
  } else {
    auto o = media_->create_offer();
    if (!o) {
      reject(500);
      return o.status();
    }
    desc = to_mbuf(*o);
  }
  // Our 180 carries no SDP: the 2xx need not wait for its PRACK (RFC 3262 section 3), and
  // the 180 is not sent again once the call is answered.
  rel1xx_timer_.cancel();
  const std::string headers = capabilities() + session_timer_headers();
  int err = sipsess_answer(sess_, 200, "OK", desc, "%s", headers.c_str());
  mem_deref(desc);
  if (err) {
    reject(500);
    return Status::error(std::string("cannot send 200 OK: ") + std::strerror(err));
  }
  machine_.answered_now();
  session_started(nullptr);
  observer_ = &observer;
  has_handle_ = true;
  auto handle = std::make_unique<SipCallHandle>(manager_, id());
  handle_ = handle.get();
  return std::unique_ptr<phone::Call>(std::move(handle));
}

bool SipCall::early_media(int port, line::Line& line) {
  if (machine_.ended() || !sess_ || media_ || offer_sdp_.empty() || reliable_) return false;
  record_.port = port;
  if (Status s = make_media(line); !s) {
    note(log::kNotice, ": no early media: %s", s.message().c_str());
    return false;
  }
  struct mbuf* desc = nullptr;
  if (answer_offer(offer_sdp_, &desc) != 0 || !desc) {
    drop_media(false);
    return false;
  }
  early_answer_.assign(reinterpret_cast<const char*>(mbuf_buf(desc)), mbuf_get_left(desc));
  const int err = re_compat::progress_session(sess_, 183, "Session Progress", capabilities(), desc);
  mem_deref(desc);
  if (err) {
    note(log::kWarning, ": cannot send 183: %s", std::strerror(err));
    early_answer_.clear();
    drop_media(false);
    return false;
  }
  note(log::kNotice, ": 183 with early media on port%d", port);
  return true;
}

void SipCall::reject(int code) {
  if (machine_.ended()) return;
  if (sess_) {
    (void)sipsess_reject(sess_, static_cast<uint16_t>(code), reason_phrase(code),
                         "%sContent-Length: 0\r\n\r\n",
                         redirect_header(code).c_str());
    sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
  }
  machine_.end({.code = code,
                .cause = !cause_.empty() ? cause_ : code == 486 ? "busy" : "not answered",
                .by_switchboard = true});
}

void SipCall::hang_up() {
  has_handle_ = false;
  handle_ = nullptr;
  observer_ = nullptr;
  if (kept_for_replaces_ && !machine_.ended()) {
    note(log::kNotice, ": kept for the transfer's target to replace");
    // The port has let go: the line is no longer this call's (and may go away before it).
    if (line_ && software_audio_) line_->attach_audio(nullptr);
    software_audio_ = false;
    line_ = nullptr;
    end_kept_call(32000);  // the transfer's outcome comes first, normally
    return;
  }
  if (!machine_.ended()) {
    const bool answered = machine_.answered();
    note(log::kNotice, ": local hang-up (%s)", answered ? "BYE" : "CANCEL");
    sess_ = static_cast<struct sipsess*>(mem_deref(sess_));  // CANCEL or BYE
    end(0, transferred_ ? "transferred" : answered ? "local hangup" : "cancelled", false);
  }
  manager_.reap_soon();
}

void SipCall::hold(bool on) {
  if (t38_) return;  // no hold in the middle of a fax
  if (!media_ || !sess_ || machine_.held() == on || !machine_.hold(on)) return;
  if (line_ && software_audio_) line_->attach_audio(on ? nullptr : media_->audio_endpoint());
  media_->set_hold(on);
  auto offer = media_->create_offer();
  if (!offer) {
    note(log::kWarning, ": cannot make a %s offer: %s", on ? "hold" : "resume",
         offer.message().c_str());
    return;
  }
  struct mbuf* desc = to_mbuf(*offer);
  int err = sipsess_modify(sess_, desc);
  mem_deref(desc);
  if (err) note(log::kWarning, ": re-INVITE failed: %s", std::strerror(err));
}

void SipCall::fax_detected(const std::string& port_fax) {
  if (!port_fax.empty()) fax_port_mode_ = port_fax;
  const std::string mode = fax_mode();
  if (mode == "off" || !media_ || media_->voiceband_data() || fax_timer_.active() ||
      t38_state_ == T38State::offering || t38_state_ == T38State::active)
    return;
  const bool t38 = mode == "t38" || mode == "auto";
  if (t38 && t38_state_ == T38State::none && t38_possible()) {
    note(log::kNotice, ": fax tone: T.38 (fax %s)", mode.c_str());
    fax_tries_ = 0;
    fax_timer_.start(0, [this] { send_t38_offer(); });
    return;
  }
  note(log::kNotice, ": fax tone: switching to voice-band data (fax %s%s)", mode.c_str(),
       !t38 ? ""
       : t38_state_ == T38State::refused ? ": T.38 refused, pass-through"
                                          : ": no T.38 on this line (DSP path or 16 kHz), pass-through");
  fax_tries_ = 0;
  fax_timer_.start(0, [this] { send_voiceband_offer(); });
}

// The re-INVITE of voice-band data: G.711 only, a=silenceSupp:off. Not before the call is
// connected (a CNG while it rings), and not while libre refuses to send it (the INVITE's own
// transaction not yet ACKed): retried every 200 ms, at most 50 times (10 s). While another
// request of the dialog is out, sipsess_modify queues the offer; a 491 (glare) libre's
// sipsess answers by sending the re-INVITE again after a pause.
void SipCall::send_voiceband_offer() {
  if (!media_ || !sess_ || machine_.ended() || media_->voiceband_data()) return;
  if (machine_.state() != CallState::connected) {
    if (++fax_tries_ < 50) fax_timer_.start(200, [this] { send_voiceband_offer(); });
    return;
  }
  media_->set_voiceband_data(true);
  auto offer = media_->create_offer();
  if (!offer) {
    note(log::kWarning, ": cannot make a voice-band data offer: %s", offer.message().c_str());
    media_->set_voiceband_data(false);
    return;
  }
  struct mbuf* desc = to_mbuf(*offer);
  int err = sipsess_modify(sess_, desc);
  mem_deref(desc);
  if (err) {
    media_->set_voiceband_data(false);
    if (++fax_tries_ < 50) {
      fax_timer_.start(200, [this] { send_voiceband_offer(); });
      return;
    }
    note(log::kWarning, ": voice-band data re-INVITE failed: %s", std::strerror(err));
    return;
  }
  note(log::kNotice, ": re-INVITE for voice-band data (G.711, silenceSupp off)");
}

// --- T.38 (docs/FAX.md "T.38 in calls") ---

// libre 1.x and 2.x tell a sipsess nothing about a 4xx-6xx to its re-INVITE (sipsess/modify.c:
// reinvite_resp_handler calls the answer handler on 2xx only), so a refusal shows as no
// image answer within this time.
constexpr uint64_t kT38AnswerMs = 6000;
// From DCN to the re-INVITE back to voice: time for the fax machines to hang up.
constexpr uint64_t kBackToVoiceMs = 2000;

std::string SipCall::fax_mode() const {
  if (!fax_port_mode_.empty()) return fax_port_mode_;
  for (const config::Port& p : manager_.sip_.config().ports)
    if (p.id == record_.port && !p.fax.empty()) return p.fax;
  return account_.fax;
}

// spandsp's gateway needs the software path's frames at 8 kHz.
bool SipCall::t38_possible() const {
  return media_ && media_->audio_endpoint() && line_ && line_->audio_rate() == 8000;
}

fax::T38Options SipCall::t38_options() const {
  fax::T38Options o;
  o.max_bit_rate = account_.t38_max_bitrate;
  o.redundancy_depth = account_.udptl_redundancy;
  o.ecm = account_.fax_ecm;
  return o;
}

Result<std::string> SipCall::session_offer() {
  if (!media_) return Status::error("no media");
  if (!t38_) return media_->create_offer();
  auto audio = media_->session_sdp();
  if (!audio) return audio;
  t38_local_ = fax::make_t38_offer(t38_options(), t38_->local_port());
  return fax::make_t38_offer_sdp(fax::sdp_session_part(*audio), t38_local_);
}

Result<uint16_t> SipCall::reserve_t38_port() {
  if (!t38_reserved_ || !t38_reserved_->rtp.valid()) {
    if (!manager_.ua_) return Status::error("no network address");
    auto socks = manager_.rtp_ports_.open(manager_.ua_->bound_address());
    if (!socks) return socks.status();
    t38_reserved_ = std::make_unique<media::RtpSockets>(std::move(*socks));
  }
  return t38_reserved_->rtp.port();
}

// The T.38 re-INVITE: our audio SDP's session part and `m=image PORT udptl t38` in place of
// the audio stream (fax/t38_call_sdp.h). Retried like the voice-band data re-INVITE until the
// call is connected and libre sends it.
void SipCall::send_t38_offer() {
  if (!media_ || !sess_ || machine_.ended() || t38_state_ != T38State::none) return;
  if (machine_.state() != CallState::connected) {
    if (++fax_tries_ < 50) fax_timer_.start(200, [this] { send_t38_offer(); });
    return;
  }
  auto port = reserve_t38_port();
  auto audio = port ? media_->session_sdp() : Result<std::string>(port.status());
  if (!audio) {
    note(log::kWarning, ": cannot make a T.38 offer: %s", audio.message().c_str());
    t38_state_ = T38State::offering;
    t38_fallback("no T.38 offer");
    return;
  }
  t38_local_ = fax::make_t38_offer(t38_options(), *port);
  const std::string offer = fax::make_t38_offer_sdp(fax::sdp_session_part(*audio), t38_local_);
  struct mbuf* desc = to_mbuf(offer);
  int err = desc ? sipsess_modify(sess_, desc) : ENOMEM;
  mem_deref(desc);
  if (err) {
    if (++fax_tries_ < 50) {
      fax_timer_.start(200, [this] { send_t38_offer(); });
      return;
    }
    note(log::kWarning, ": T.38 re-INVITE failed: %s", std::strerror(err));
    t38_state_ = T38State::offering;
    t38_fallback("the re-INVITE could not be sent");
    return;
  }
  t38_state_ = T38State::offering;
  note(log::kNotice, ": re-INVITE for T.38 (m=image %u udptl t38, T38MaxBitRate %d, redundancy %d)",
       t38_local_.port, t38_local_.max_bit_rate, account_.udptl_redundancy);
  log::debug(kTag, "call %llu: T.38 offer sent:\n%s", static_cast<unsigned long long>(record_.id),
             offer.c_str());
  fax_timer_.start(kT38AnswerMs, [this] { t38_fallback("no 2xx with an image stream in 6 s"); });
}

Status SipCall::t38_answered(const std::string& sdp) {
  fax_timer_.cancel();
  log::debug(kTag, "call %llu: T.38 answer received:\n%s",
             static_cast<unsigned long long>(record_.id), sdp.c_str());
  auto remote = fax::read_t38_remote(sdp);
  if (!remote || remote->sdp.port == 0) {
    t38_fallback(remote ? "the answer declines the image stream" : remote.message());
    return Status::ok();
  }
  if (Status s = start_t38(*remote, t38_local_); !s) {
    note(log::kWarning, ": T.38 cannot start: %s", s.message().c_str());
    t38_fallback("T.38 could not start here");
  }
  return Status::ok();
}

int SipCall::answer_t38_offer(const std::string& offer, struct mbuf** answer) {
  const std::string mode = fax_mode();
  log::debug(kTag, "call %llu: T.38 offer received:\n%s",
             static_cast<unsigned long long>(record_.id), offer.c_str());
  if (mode != "t38" && mode != "auto") {
    note(log::kNotice, ": T.38 offer refused (fax %s): 488, the call stays as it is", mode.c_str());
    return EPROTO;  // libre answers 488
  }
  if (!t38_possible()) {
    note(log::kNotice, ": T.38 offer refused: no T.38 on this line (DSP path or 16 kHz): 488");
    return EPROTO;
  }
  auto remote = fax::read_t38_remote(offer);
  if (!remote) {
    note(log::kNotice, ": T.38 offer refused: %s", remote.message().c_str());
    return EPROTO;
  }
  // The session's port when it runs (a repeated offer), else the one our own offer named
  // (both sides offered at once), else a new one.
  Result<uint16_t> port = t38_ ? Result<uint16_t>(t38_->local_port()) : reserve_t38_port();
  if (!port) {
    note(log::kWarning, ": T.38 offer refused: no UDPTL port: %s", port.message().c_str());
    return EPROTO;
  }
  auto local = fax::make_t38_answer(remote->sdp, t38_options(), *port);
  auto head = local ? media_->session_sdp() : Result<std::string>(local.status());
  auto body = head ? fax::make_t38_answer_sdp(fax::sdp_session_part(*head), offer, *local)
                   : Result<std::string>(head.status());
  if (!body) {
    note(log::kNotice, ": T.38 offer refused: %s", body.message().c_str());
    return EPROTO;
  }
  if (!t38_) {
    fax_timer_.cancel();
    if (Status s = start_t38(*remote, *local); !s) {
      note(log::kWarning, ": T.38 offer refused: %s", s.message().c_str());
      return EPROTO;
    }
  }
  log::debug(kTag, "call %llu: T.38 answer sent:\n%s", static_cast<unsigned long long>(record_.id),
             body->c_str());
  *answer = to_mbuf(*body);
  return *answer ? 0 : ENOMEM;
}

Status SipCall::start_t38(const fax::T38Remote& remote, const fax::T38Sdp& local) {
  if (!manager_.ua_) return Status::error("no network address");
  const fax::T38Options o = fax::t38_session_options(local, remote.sdp, t38_options());
  const media::NetAddress far{remote.ip, remote.sdp.port};
  // The socket our SDP's port was bound to since the offer or answer goes to the session as it
  // is (its RTCP neighbour stays reserved until the call ends): never released in between, so
  // no other call can take the port.
  auto s = t38_reserved_ && t38_reserved_->rtp.valid() && t38_reserved_->rtp.port() == local.port
               ? fax::T38Session::adopt(std::move(t38_reserved_->rtp), far, o, true)
               : fax::T38Session::open(manager_.ua_->bound_address(), local.port, far, o, true);
  if (!s) return s.status();
  leave_conference();
  t38_ = std::move(*s);
  t38_state_ = T38State::active;
  t38_->gateway().set_t30_handler([this](uint8_t fcf, bool from_line) { on_t30_frame(fcf, from_line); });
  if (line_ && !machine_.held()) software_audio_ = line_->attach_audio(&t38_->endpoint());
  note(log::kNotice,
       ": T.38 gateway: UDPTL port %u to %s:%u, %d bit/s, redundancy %d, datagrams <= %zu, "
       "ECM %s; RTP stopped",
       t38_->local_port(), remote.ip.c_str(), remote.sdp.port, o.max_bit_rate, o.redundancy_depth,
       o.max_datagram, o.ecm ? "on" : "off");
  return Status::ok();
}

bool SipCall::reinvite_refused(const std::string& call_id, int code) {
  if (t38_state_ != T38State::offering || call_id != dialog_call_id_ || machine_.state() != CallState::connected)
    return false;
  // libre itself retries after 401/407 (credentials) and 491 (glare); 408/481 end the call.
  if (code == 401 || code == 407 || code == 491 || code == 408 || code == 481) return false;
  t38_fallback("refused: " + std::to_string(code));
  return true;
}

void SipCall::t38_fallback(const std::string& why) {
  if (t38_state_ != T38State::offering) return;
  t38_state_ = T38State::refused;
  t38_reserved_.reset();
  note(log::kNotice, ": T.38 not agreed (%s): falling back to pass-through", why.c_str());
  fax_tries_ = 0;
  fax_timer_.start(0, [this] { send_voiceband_offer(); });
}

// A T.30 frame on the line side of a fax (voice-band data or T.38). DCN ends the fax: with
// fax_back_to_voice, the call goes back to voice 2 s later if it is still up then (fax machines
// mostly hang up right after DCN).
void SipCall::on_t30_frame(uint8_t fcf, bool from_line) {
  if (fcf != media::kFcfDcn || fax_ended_) return;
  fax_ended_ = true;
  note(log::kInfo, ": fax ended (DCN from the %s)%s", from_line ? "phone's machine" : "far end",
       account_.fax_back_to_voice ? ": back to voice in 2 s" : "");
  if (!account_.fax_back_to_voice) return;
  fax_tries_ = 0;
  fax_timer_.start(kBackToVoiceMs, [this] { back_to_voice(); });
}

// The re-INVITE back to voice: the audio offer of the call's own codecs, without
// a=silenceSupp:off; the line's audio returns from the T.38 gateway to RTP, and the software
// path to its adaptive jitter buffer, concealment and DTMF detection once answered.
void SipCall::back_to_voice() {
  if (!media_ || !sess_ || machine_.ended() || !fax_ended_) return;
  if (!t38_ && !media_->voiceband_data()) return;
  if (machine_.state() != CallState::connected) {
    if (++fax_tries_ < 50) fax_timer_.start(200, [this] { back_to_voice(); });
    return;
  }
  const bool was_t38 = t38_ != nullptr;
  const bool vbd_before = media_->voiceband_data();
  media_->set_voiceband_data(false);
  auto offer = media_->create_offer();
  struct mbuf* desc = offer ? to_mbuf(*offer) : nullptr;
  const int err = desc ? sipsess_modify(sess_, desc) : ENOMEM;
  mem_deref(desc);
  if (err) {
    media_->set_voiceband_data(vbd_before);
    if (++fax_tries_ < 50) {
      fax_timer_.start(200, [this] { back_to_voice(); });
      return;
    }
    note(log::kWarning, ": re-INVITE back to voice failed: %s", std::strerror(err));
    return;
  }
  if (was_t38) {
    if (line_ && software_audio_ && !machine_.held()) line_->attach_audio(media_->audio_endpoint());
    end_t38();
  }
  fax_ended_ = false;
  note(log::kNotice, ": re-INVITE back to voice after the fax (%s)", was_t38 ? "T.38 ended" : "voice-band data ended");
}

void SipCall::send_dtmf(char digit) {
  if (t38_) return;  // the line carries a fax
  if (media_ && media_->voiceband_data()) return;  // a modem signal, not a key (docs/FAX.md)
  if (account_.dtmf != "info") {
    if (media_) media_->send_dtmf(digit);
    return;
  }
  // SIP INFO with application/dtmf-relay, the body Cisco's ATAs send (Signal and Duration in
  // ms); no RFC 4733 event and, with the media path's DTMF guard, no tone in the audio.
  if (!sess_ || !machine_.answered()) return;
  const std::string body = std::string("Signal=") + digit + "\r\nDuration=160\r\n";
  struct mbuf* mb = to_mbuf(body);
  if (!mb) return;
  // libre 1.1.0 calls the response handler unchecked: one that does nothing.
  sip_resp_h* ignore = [](int, const struct sip_msg*, void*) {};
  const int err = sipsess_info(sess_, "application/dtmf-relay", mb, ignore, nullptr);
  mem_deref(mb);
  if (err) note(log::kWarning, ": INFO for digit %c failed: %s", digit, std::strerror(err));
  else note(log::kInfo, ": sent digit %c by INFO", digit);
}

void SipCall::abort(const std::string& why) {
  if (machine_.ended()) return;
  sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
  end(503, why, machine_.answered());  // an offered call is withdrawn from the switchboard
}

void SipCall::end(int code, std::string cause, bool remote_hangup) {
  machine_.end({.code = code, .cause = std::move(cause), .remote_hangup = remote_hangup});
}

// --- transfer --------------------------------------------------------------------------

void SipCall::on_refer(const struct sip_msg* msg) {
  struct sip* stack = manager_.ua_ ? manager_.ua_->stack() : nullptr;
  if (!stack) return;
  const struct sip_hdr* hdr = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
  if (!hdr || sip_msg_hdr_count(msg, SIP_HDR_REFER_TO) != 1) {
    note(log::kNotice, ": REFER without one Refer-To: 400");  // RFC 3515 section 2.4.1
    (void)sip_reply(stack, msg, 400, "Bad Request (one Refer-To needed)");
    return;
  }
  auto target = parse_refer_to(text(hdr->val));
  if (!target) {
    note(log::kNotice, ": REFER refused (400): %s", target.message().c_str());
    (void)sip_reply(stack, msg, 400, "Bad Request (Refer-To)");
    return;
  }
  phone::CallObserver* o = observer_;
  if (!o || !line_ || machine_.state() != CallState::connected || refer_not_ ||
      transferred_to_ || !manager_.events_) {
    note(log::kNotice, ": REFER to %s declined (603): %s", target->uri.c_str(),
         !o ? "no port holds the call" : "the call is not connected or already transferring");
    (void)sip_reply(stack, msg, 603, "Decline");
    return;
  }
  const std::string cuser = target_.contact_user.empty() ? target_.user : target_.contact_user;
  int err = sipevent_accept(&refer_not_, manager_.events_, msg, sipsess_dialog(sess_), nullptr,
                            202, "Accepted", 1, 60, 60, cuser.c_str(),
                            "message/sipfrag;version=2.0", SipCallCallbacks::auth, this, false,
                            SipCallCallbacks::refer_closed, this, nullptr);
  if (err) {
    note(log::kWarning, ": cannot accept the REFER: %s", std::strerror(err));
    (void)sip_reply(stack, msg, 500, "Server Internal Error");
    return;
  }
  note(log::kNotice, ": REFER to %s%s accepted (202)", target->uri.c_str(),
       target->replaces.empty() ? "" : " with Replaces");
  refer_notify(100);
  if (!o->on_call_transferring(target->uri)) {
    note(log::kNotice, ": the port cannot follow the transfer now");
    refer_notify(603);
    return;
  }
  auto next = manager_.place_transfer(*this, *target, *o);
  if (!next) {
    note(log::kWarning, ": cannot place the transfer's call: %s", next.message().c_str());
    refer_notify(503);
    reattach_audio();
    o->on_call_transfer_failed();
    return;
  }
  // The new call has the line's audio and the port's handle; this one waits for the outcome.
  SipCall* b = *next;
  software_audio_ = false;
  observer_ = nullptr;
  has_handle_ = false;
  b->handle_ = handle_;
  if (handle_) handle_->retarget(b->id());
  handle_ = nullptr;
  b->referrer_ = id();
  transferred_to_ = b->id();
  note(log::kNotice, ": transferred to call %llu", static_cast<unsigned long long>(b->id()));
}

void SipCall::refer_notify(int code) {
  if (!refer_not_) return;
  const bool final = code >= 200;
  int err = sipevent_notifyf(refer_not_, nullptr, final ? SIPEVENT_TERMINATED : SIPEVENT_ACTIVE,
                             SIPEVENT_NORESOURCE, 0, "%s", sipfrag(code).c_str());
  if (err) note(log::kWarning, ": cannot NOTIFY %d: %s", code, std::strerror(err));
  else note(log::kInfo, ": NOTIFY sipfrag %d", code);
  // On a final state libre keeps the subscription until its last NOTIFY is answered.
  if (final) refer_not_ = static_cast<struct sipnot*>(mem_deref(refer_not_));
}

void SipCall::transfer_progress(int code) {
  if ((code != 180 && code != 183) || code == last_refer_progress_) return;
  last_refer_progress_ = code;
  refer_notify(code);
}

void SipCall::transfer_succeeded() {
  refer_notify(200);
  transferred_ = true;
  transferred_to_ = 0;
  // RFC 5589 section 6.1: the transferor ends the call once told of the success.
  transfer_bye_.start(2000, [this] {
    if (machine_.ended()) return;
    note(log::kNotice, ": the referrer did not hang up: BYE");
    sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
    end(0, "transferred", false);
  });
}

bool SipCall::transfer_failed(int code, phone::CallObserver* observer, SipCallHandle* handle) {
  refer_notify(code);
  transferred_to_ = 0;
  if (machine_.ended() || !sess_ || !observer || handle_) {
    if (!machine_.ended()) {
      note(log::kNotice, ": transfer failed (%d) and no port holds the call: BYE", code);
      sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
      end(0, "transfer failed", false);
    }
    return false;
  }
  note(log::kNotice, ": transfer failed (%d): back to the port", code);
  observer_ = observer;
  handle_ = handle;
  has_handle_ = handle != nullptr;
  if (handle) handle->retarget(id());
  reattach_audio();
  return true;
}

bool SipCall::transfer_to(SipCall& consultation, bool attended) {
  if (!sess_ || machine_.ended() || !manager_.events_ || refer_sub_ || consultation.record_.incoming)
    return false;
  std::string replaces;
  if (attended) {
    if (consultation.dialog_call_id_.empty() || consultation.remote_tag_.empty()) return false;
    // RFC 3891 section 3: the tags as the target sees its dialog (its To tag is ours remote).
    replaces = make_replaces(consultation.dialog_call_id_, consultation.remote_tag_,
                             consultation.local_tag_);
  }
  const std::string refer_to = make_refer_to(consultation.record_.remote, replaces);
  const std::string by = "sip:" + target_.user + "@" + target_.realm;
  const std::string cuser = target_.contact_user.empty() ? target_.user : target_.contact_user;
  int err = sipevent_drefer(&refer_sub_, manager_.events_, sipsess_dialog(sess_), cuser.c_str(),
                            SipCallCallbacks::auth, this, false, SipCallCallbacks::refer_progress,
                            SipCallCallbacks::refer_ended, this,
                            "Refer-To: %s\r\nReferred-By: <%s>\r\n", refer_to.c_str(),
                            by.c_str());
  if (err) {
    note(log::kWarning, ": cannot send REFER: %s", std::strerror(err));
    return false;
  }
  note(log::kNotice, ": REFER (%s) Refer-To: %s", attended ? "attended" : "blind",
       refer_to.c_str());
  refer_outcome_ = false;
  if (attended) {
    consultation.kept_for_replaces_ = true;
    consultation_ = consultation.id();
  }
  refer_guard_.start(32000, [this] {
    note(log::kNotice, ": no outcome of the transfer in 32 s");
    transfer_outcome(false, 408);
  });
  return true;
}

void SipCall::transfer_outcome(bool ok, int code) {
  if (refer_outcome_) return;
  refer_outcome_ = true;
  refer_guard_.cancel();
  note(log::kNotice, ": transfer %s (%d)", ok ? "done" : "failed", code);
  if (ok) transferred_ = true;
  if (SipCall* k = consultation_ ? manager_.find(consultation_) : nullptr) {
    // Done: the target ends the replaced dialog itself (RFC 3891 section 3); failed: BYE now.
    k->end_kept_call(ok ? 2000 : 0);
  }
  consultation_ = 0;
  if (observer_) observer_->on_transfer_result(ok);  // may hang this call up: last
}

void SipCall::end_kept_call(uint64_t delay_ms) {
  kept_for_replaces_ = false;
  transfer_bye_.start(delay_ms, [this] {
    if (machine_.ended()) return;
    note(log::kNotice, ": BYE to the consultation call");
    sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
    end(0, "transferred", false);
    manager_.reap_soon();
  });
}

bool SipCall::conference_with(SipCall& other) {
  if (!media_ || !other.media_ || !line_ || line_ != other.line_ || conference_peer_ ||
      other.conference_peer_ || machine_.ended() || other.machine_.ended())
    return false;
  media::AudioEndpoint* mine = media_->audio_endpoint();
  media::AudioEndpoint* theirs = other.media_->audio_endpoint();
  if (!mine || !theirs) return false;  // the DSP path: see docs/SERVICES.md
  if (machine_.held()) hold(false);    // re-INVITE sendrecv
  if (other.machine_.held()) other.hold(false);
  mixer_ = std::make_unique<media::ConferenceMixer>(*mine, *theirs);
  if (!line_->attach_audio(mixer_.get())) {
    mixer_.reset();  // as before: the other call has the line
    software_audio_ = false;
    other.software_audio_ = line_->attach_audio(theirs);
    return false;
  }
  software_audio_ = true;  // this call owns the line's attachment (the mixer)
  other.software_audio_ = false;
  conference_peer_ = other.id();
  other.conference_peer_ = id();
  note(log::kNotice, ": conference with call %llu (mixed in software)",
       static_cast<unsigned long long>(other.id()));
  return true;
}

void SipCall::leave_conference() {
  if (!conference_peer_) return;
  SipCall* peer = manager_.find(conference_peer_);
  conference_peer_ = 0;
  std::unique_ptr<media::ConferenceMixer> mixer = std::move(mixer_);
  if (peer) {
    peer->conference_peer_ = 0;
    if (!mixer) mixer = std::move(peer->mixer_);
  }
  // The line lets go of the mixer before it goes: the other call takes the line, or nobody.
  if (peer && peer->media_ && peer->line_ && !peer->machine_.held() &&
      peer->media_->audio_endpoint()) {
    peer->software_audio_ = peer->line_->attach_audio(peer->media_->audio_endpoint());
  } else if (line_) {
    line_->attach_audio(nullptr);
  }
  software_audio_ = false;
  note(log::kNotice, ": conference ended");
}

bool SipCall::matches(const ReplacesTarget& r) const {
  return !machine_.ended() && dialog_call_id_ == r.call_id && local_tag_ == r.to_tag &&
         remote_tag_ == r.from_tag;
}

Status SipCall::replace(SipCall& old) {
  if (!old.observer_ || !old.line_ || !old.handle_ || old.machine_.state() != CallState::connected)
    return Status::error("the call to replace is not connected to a port alone");
  phone::CallObserver* o = old.observer_;
  SipCallHandle* h = old.handle_;
  line::Line& line = *old.line_;
  auto call = answer(old.record_.port, line, *o);  // 200 OK; the line's audio is this call's
  if (!call) return call.status();
  // The port's handle stands for this call now; the one answer() made goes, hanging up
  // nothing (it names no call).
  static_cast<SipCallHandle*>(call->get())->retarget(0);
  call->reset();
  observer_ = o;
  has_handle_ = true;
  handle_ = h;
  h->retarget(id());
  old.observer_ = nullptr;
  old.handle_ = nullptr;
  old.has_handle_ = false;
  old.software_audio_ = false;
  note(log::kNotice, " replaces call %llu (RFC 3891)", static_cast<unsigned long long>(old.id()));
  old.sess_ = static_cast<struct sipsess*>(mem_deref(old.sess_));  // BYE
  old.end(0, "replaced", false);
  return Status::ok();
}

void SipCall::reattach_audio() {
  if (line_ && media_ && !machine_.held())
    software_audio_ = line_->attach_audio(media_->audio_endpoint());
}

CallRecord SipCall::record() const {
  CallRecord r = record_;
  if (media_) r.media = media_->stats();
  return r;
}

// --- the port's handle ---------------------------------------------------------------------

SipCallHandle::~SipCallHandle() {
  if (SipCall* c = manager_.find(id_)) c->hang_up();
}

void SipCallHandle::send_dtmf(char digit) {
  if (SipCall* c = manager_.find(id_)) c->send_dtmf(digit);
}

void SipCallHandle::hold(bool on) {
  if (SipCall* c = manager_.find(id_)) c->hold(on);
}

void SipCallHandle::fax_detected(const std::string& port_fax) {
  if (SipCall* c = manager_.find(id_)) c->fax_detected(port_fax);
}

bool SipCallHandle::transfer(phone::Call& consultation, bool attended) {
  auto* other = dynamic_cast<SipCallHandle*>(&consultation);
  SipCall* held = manager_.find(id_);
  SipCall* consult = other ? manager_.find(other->id_) : nullptr;
  return held && consult && held->transfer_to(*consult, attended);
}

bool SipCallHandle::conference(phone::Call& other) {
  auto* h = dynamic_cast<SipCallHandle*>(&other);
  SipCall* mine = manager_.find(id_);
  SipCall* theirs = h ? manager_.find(h->id_) : nullptr;
  return mine && theirs && mine->conference_with(*theirs);
}

std::string SipCallHandle::describe() const {
  SipCall* c = manager_.find(id_);
  return c ? c->describe() : "call " + std::to_string(id_) + " (ended)";
}

}  // namespace owsip::sip
