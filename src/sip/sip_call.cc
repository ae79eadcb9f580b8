#include "sip/sip_call.h"

#include <re.h>

#include <cstring>

#include "core/clock.h"
#include "core/log.h"
#include "media/device_path.h"
#include "media/media_config.h"
#include "media/software_path.h"
#include "media/telephone_event.h"
#include "sip/re_convert.h"
#include "sip/sip_service.h"
#include "sip/tls_context.h"
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

// Number and name of a caller from a name-addr: a tel: URI's number, else the user part.
void fill_caller(const struct pl& dname, const struct uri& uri, line::dsp::CallerId& cid) {
  cid.name = text(dname);
  if (pl_strcasecmp(&uri.scheme, "tel") == 0) cid.number = text(uri.host);
  else cid.number = text(uri.user);
  if (cid.number.empty() || strcasecmp(cid.number.c_str(), "anonymous") == 0) {
    cid.number.clear();
    cid.absence = line::dsp::CidAbsence::withheld;
  }
  if (strcasecmp(cid.name.c_str(), "anonymous") == 0) cid.name.clear();
}

// The reason phrase (RFC 3261 section 21) of a final answer owsip sends to a caller: the
// switchboard's refusals, the offer check, and the configurable no_answer_response.
const char* reason_phrase(int code) {
  switch (code) {
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 480: return "Temporarily Unavailable";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 500: return "Server Internal Error";
    case 503: return "Service Unavailable";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    default: return code >= 600 ? "Global Failure" : code >= 500 ? "Server Error" : "Call Rejected";
  }
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

  // A re-INVITE (or the ACK's late offer is handled by answer()).
  static int offer(struct mbuf** descp, const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    if (!has_sdp(msg)) {  // a re-INVITE without SDP: offer ours
      if (!c->media_) return EPROTO;
      auto o = c->media_->create_offer();
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
    log::info(kTag, "call %llu: %u %s%s", static_cast<unsigned long long>(c->id()), msg->scode,
              text(msg->reason).c_str(), early ? " (early media)" : "");
    c->set_state(early ? "early" : "ringing");
    if (c->observer_) c->observer_->on_call_progress(msg->scode, early);
  }

  static void established(const struct sip_msg*, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    if (c->answered_) return;  // incoming: answered when the port took it; this is the ACK
    c->answered_ = true;
    c->record_.answer_ms = wall_clock_ms();
    c->set_state("connected");
    log::notice(kTag, "call %llu answered", static_cast<unsigned long long>(c->id()));
    if (c->observer_) c->observer_->on_call_answered();
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
    log::info(kTag, "call %llu: INFO digit %c", static_cast<unsigned long long>(c->id()),
              digit->digit);
    if (c->media_) c->media_->play_dtmf(digit->digit, digit->duration_ms > 0 ? digit->duration_ms : 100);
  }

  static void closed(int err, const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    c->sess_ = static_cast<struct sipsess*>(mem_deref(c->sess_));
    const bool cancelled = c->record_.incoming && !c->answered_;
    std::string cause = reason_of(msg, err);
    int code = msg && msg->scode >= 300 ? msg->scode : 0;
    if (cancelled) cause = err == ECONNRESET ? "cancelled" : cause;
    else if (c->answered_) cause = "remote hangup";
    else if (code == 486 || code == 600) cause = "busy";
    else if (!code && err == ETIMEDOUT) code = 408;
    c->end(code, cause, c->answered_);
  }
};

SipCall::SipCall(CallManager& manager, uint64_t id, bool incoming, const RegisterTarget& target,
                 const config::Account& account)
    : manager_(manager), target_(target), account_(account) {
  record_.id = id;
  record_.incoming = incoming;
  record_.account = account.key;
  record_.start_ms = wall_clock_ms();
  record_.state = incoming ? "offered" : "calling";
}

SipCall::~SipCall() {
  sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
  drop_media();
}

std::string SipCall::describe() const {
  return "call " + std::to_string(record_.id) +
         (record_.incoming ? " from " : " to ") + record_.remote + " (" + record_.account + ")";
}

void SipCall::set_state(const char* state) {
  record_.state = state;
  manager_.record(CallManager::RecordEvent::changed, *this);
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
    path = std::make_unique<media::SoftwarePath>(manager_.loop_.clock(), ps);
  }
  auto session = media::MediaSession::create(manager_.loop_, manager_.rtp_ports_, ms, std::move(path));
  if (!session) return session.status();
  media_ = std::move(*session);
  media_->set_dtmf_handler([id = record_.id](const media::DtmfDigit& d) {
    if (d.ended)
      log::info(kTag, "call %llu: received DTMF %c (%d ms)", static_cast<unsigned long long>(id),
                d.digit, d.duration_ms);
  });
  line_ = &line;
  if (auto* ep = media_->audio_endpoint()) software_audio_ = line.attach_audio(ep);
  return Status::ok();
}

void SipCall::drop_media() {
  if (!media_) return;
  record_.media = media_->stats();
  if (line_ && software_audio_ && !held_) line_->attach_audio(nullptr);
  software_audio_ = false;
  media_.reset();  // RTCP BYE
  line_ = nullptr;
}

Status SipCall::apply_answer(const std::string& sdp) {
  if (!media_) return Status::error("no media");
  Status s = media_->accept_answer(sdp);
  if (!s) log::warn(kTag, "call %llu: the answer is not usable: %s",
                    static_cast<unsigned long long>(id()), s.message().c_str());
  return s;
}

int SipCall::answer_offer(const std::string& offer, struct mbuf** answer) {
  if (!media_) return EPROTO;
  auto a = media_->answer_offer(offer);
  if (!a) {
    log::notice(kTag, "call %llu: offer refused: %s", static_cast<unsigned long long>(id()),
                a.message().c_str());
    return EPROTO;  // libre answers 488
  }
  *answer = to_mbuf(*a);
  return *answer ? 0 : ENOMEM;
}

Status SipCall::connect(const std::string& to_uri, int port, line::Line& line,
                        phone::CallObserver& observer) {
  record_.port = port;
  record_.remote = to_uri;
  if (Status s = make_media(line); !s) return s;
  auto offer = media_->create_offer();
  if (!offer) return offer.status();
  const std::string from = "sip:" + target_.user + "@" + target_.realm;
  const std::string route = target_.outbound
                                ? target_.outbound->route_uri
                                : "sip:" + target_.registrar.to_string() + ";transport=" +
                                      std::string(transport_name(target_.transport));
  const char* routes[1] = {route.c_str()};
  struct mbuf* desc = to_mbuf(*offer);
  const std::string cuser = target_.contact_user.empty() ? target_.user : target_.contact_user;
  // A new TLS connection checks the certificate against the host set last on the shared
  // context, which another account's REGISTER may have changed: set this account's first hop.
  if (target_.first_hop_tls() && manager_.ua_ && manager_.ua_->tls())
    manager_.ua_->tls()->expect(target_.first_hop_host(), target_.tls_verify);
  int err = sipsess_connect(&sess_, manager_.sock_, to_uri.c_str(),
                            target_.display_name.empty() ? nullptr : target_.display_name.c_str(),
                            from.c_str(), cuser.c_str(), routes, 1, kSdp, desc,
                            SipCallCallbacks::auth, this, false, SipCallCallbacks::offer,
                            SipCallCallbacks::answer, SipCallCallbacks::progress,
                            SipCallCallbacks::established, SipCallCallbacks::info, nullptr,
                            SipCallCallbacks::closed, this, nullptr);
  mem_deref(desc);
  if (err) {
    drop_media();
    return Status::error("cannot send the INVITE to " + to_uri + ": " + std::strerror(err));
  }
  observer_ = &observer;
  has_handle_ = true;
  log::notice(kTag, "call %llu: INVITE %s via %s", static_cast<unsigned long long>(id()),
              to_uri.c_str(), route.c_str());
  return Status::ok();
}

int SipCall::check_invite(const struct sip_msg* msg) {
  const struct sip_hdr* pai = sip_msg_hdr(msg, SIP_HDR_P_ASSERTED_IDENTITY);
  struct sip_addr addr;
  if (pai && sip_addr_decode(&addr, &pai->val) == 0) fill_caller(addr.dname, addr.uri, cid_);
  else fill_caller(msg->from.dname, msg->from.uri, cid_);
  record_.remote = cid_.number.empty() ? text(msg->from.auri) : cid_.number;
  record_.remote_name = cid_.name;
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
    log::notice(kTag, "call %llu from %s: offer refused: %s", static_cast<unsigned long long>(id()),
                record_.remote.c_str(), a.message().c_str());
    return 488;
  }
  return 0;
}

Status SipCall::ring(const struct sip_msg* msg) {
  int err = sipsess_accept(&sess_, manager_.sock_, msg, 180, "Ringing",
                           target_.contact_user.empty() ? target_.user.c_str()
                                                        : target_.contact_user.c_str(),
                           kSdp, nullptr, SipCallCallbacks::auth, this, false,
                           SipCallCallbacks::offer, SipCallCallbacks::answer,
                           SipCallCallbacks::established, SipCallCallbacks::info, nullptr,
                           SipCallCallbacks::closed, this, nullptr);
  if (err) return Status::error(std::string("cannot answer 180: ") + std::strerror(err));
  offered_ = true;
  set_state("ringing");
  return Status::ok();
}

void SipCall::refuse(const struct sip_msg* msg, int code) {
  if (manager_.ua_)
    (void)sip_treply(nullptr, manager_.ua_->stack(), msg, static_cast<uint16_t>(code),
                     reason_phrase(code));
  end(code, code == 486 ? "busy" : "refused", false);
}

Result<std::unique_ptr<phone::Call>> SipCall::answer(int port, line::Line& line,
                                                     phone::CallObserver& observer) {
  offered_ = false;
  if (ended_ || !sess_) return Status::error("the caller hung up");
  record_.port = port;
  if (Status s = make_media(line); !s) {
    reject(500);
    return s;
  }
  struct mbuf* desc = nullptr;
  if (!offer_sdp_.empty()) {
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
  int err = sipsess_answer(sess_, 200, "OK", desc, nullptr);
  mem_deref(desc);
  if (err) {
    reject(500);
    return Status::error(std::string("cannot send 200 OK: ") + std::strerror(err));
  }
  answered_ = true;
  record_.answer_ms = wall_clock_ms();
  observer_ = &observer;
  has_handle_ = true;
  set_state("connected");
  log::notice(kTag, "call %llu answered on port%d", static_cast<unsigned long long>(id()), port);
  return std::unique_ptr<phone::Call>(std::make_unique<SipCallHandle>(manager_, id()));
}

void SipCall::reject(int code) {
  offered_ = false;
  if (ended_) return;
  if (sess_) {
    (void)sipsess_reject(sess_, static_cast<uint16_t>(code), reason_phrase(code), nullptr);
    sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
  }
  end(code, code == 486 ? "busy" : "not answered", false);
}

void SipCall::hang_up() {
  has_handle_ = false;
  observer_ = nullptr;
  if (!ended_) {
    log::notice(kTag, "call %llu: local hang-up (%s)", static_cast<unsigned long long>(id()),
                answered_ ? "BYE" : "CANCEL");
    sess_ = static_cast<struct sipsess*>(mem_deref(sess_));  // CANCEL or BYE
    end(0, answered_ ? "local hangup" : "cancelled", false);
  }
  manager_.reap_soon();
}

void SipCall::hold(bool on) {
  if (!media_ || !sess_ || held_ == on) return;
  held_ = on;
  if (line_ && software_audio_) line_->attach_audio(on ? nullptr : media_->audio_endpoint());
  media_->set_hold(on);
  auto offer = media_->create_offer();
  if (!offer) {
    log::warn(kTag, "call %llu: cannot make a %s offer: %s", static_cast<unsigned long long>(id()),
              on ? "hold" : "resume", offer.message().c_str());
    return;
  }
  struct mbuf* desc = to_mbuf(*offer);
  int err = sipsess_modify(sess_, desc);
  mem_deref(desc);
  if (err) log::warn(kTag, "call %llu: re-INVITE failed: %s", static_cast<unsigned long long>(id()), std::strerror(err));
  set_state(on ? "held" : "connected");
}

void SipCall::send_dtmf(char digit) {
  if (media_) media_->send_dtmf(digit);
}

void SipCall::abort(const std::string& why) {
  if (ended_) return;
  if (offered_) {
    offered_ = false;
    if (manager_.sink_) manager_.sink_->withdraw(*this);
  }
  sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
  end(503, why, answered_);
}

void SipCall::end(int code, std::string cause, bool remote_hangup) {
  if (ended_) return;
  ended_ = true;
  record_.end_ms = wall_clock_ms();
  record_.end_code = code;
  record_.end_cause = cause;
  record_.state = "ended";
  drop_media();
  log::notice(kTag, "call %llu ended: %s%s", static_cast<unsigned long long>(id()),
              code ? (std::to_string(code) + " ").c_str() : "", cause.c_str());
  manager_.record(CallManager::RecordEvent::ended, *this);
  if (offered_) {  // the caller gave up while the phones rang
    offered_ = false;
    if (manager_.sink_) manager_.sink_->withdraw(*this);
  }
  manager_.reap_soon();
  if (phone::CallObserver* o = observer_) {
    observer_ = nullptr;
    o->on_call_ended({code, cause, remote_hangup});  // may destroy the handle: last
  }
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

std::string SipCallHandle::describe() const {
  SipCall* c = manager_.find(id_);
  return c ? c->describe() : "call " + std::to_string(id_) + " (ended)";
}

}  // namespace owsip::sip
