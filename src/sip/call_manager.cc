#include "sip/call_manager.h"

#include <re.h>

#include <algorithm>
#include <chrono>

#include "core/log.h"
#include "sip/account.h"
#include "sip/re_convert.h"
#include "sip/sip_address.h"
#include "sip/sip_call.h"
#include "sip/sip_service.h"
#include "sip/uas_rules.h"
#include "sip/user_agent.h"

namespace owsip::sip {
namespace {

constexpr const char* kTag = "sip.call";

}  // namespace

double CallRecord::duration_s(int64_t now_ms) const {
  if (!answer_ms) return 0;
  return static_cast<double>((end_ms ? end_ms : now_ms) - answer_ms) / 1000.0;
}

CallManager::CallManager(Loop& loop, SipService& sip, media::RtpPortAllocator& rtp_ports)
    : loop_(loop), sip_(sip), rtp_ports_(rtp_ports), reaper_(loop) {
  sip_.set_stack_observer([this](UserAgent* ua) { on_stack(ua); });
  if (UserAgent* ua = sip_.user_agent(); ua && ua->stack()) on_stack(ua);
}

CallManager::~CallManager() {
  sip_.set_stack_observer(nullptr);
  on_stack(nullptr);
  calls_.clear();
}

void CallManager::on_stack(UserAgent* ua) {
  if (ua_) {
    // Copy: aborting tells ports, which may hang up (and so touch calls_).
    std::vector<SipCall*> live;
    for (auto& c : calls_) live.push_back(c.get());
    for (SipCall* c : live)
      if (find(c->id())) c->abort("SIP stack restarted");
    sipsess_close_all(sock_);
    sock_ = static_cast<struct sipsess_sock*>(mem_deref(sock_));
    if (on_events_) on_events_(nullptr, nullptr);
    events_ = static_cast<struct sipevent_sock*>(mem_deref(events_));
    last_listener_ = static_cast<struct sip_lsnr*>(mem_deref(last_listener_));
    ua_->set_trusted_source(nullptr);
    ua_->set_response_hook(nullptr);
    ua_ = nullptr;
  }
  if (!ua) return;
  if (int err = sipsess_listen(&sock_, ua->stack(), 32, on_connect, this); err) {
    log::err(kTag, "cannot take calls: %s", std::strerror(err));
    return;
  }
  // REFER subscriptions (NOTIFY to the referrer); before the last listener, which answers
  // whatever nobody took.
  if (int err = sipevent_listen(&events_, ua->stack(), 16, 16, nullptr, nullptr); err)
    log::warn(kTag, "cannot take transfers: %s", std::strerror(err));
  if (int err = sip_listen(&last_listener_, ua->stack(), true, on_unhandled, this); err)
    log::warn(kTag, "cannot listen for other requests: %s", std::strerror(err));
  ua->set_trusted_source([this](const std::string& source) { return trusted(source); });
  // A refused re-INVITE, which libre's sipsess keeps to itself: for the T.38 fallback.
  ua->set_response_hook([this](const struct sip_msg* msg) {
    if (msg->scode < 300 || pl_strcmp(&msg->cseq.met, "INVITE") != 0) return;
    const std::string call_id(msg->callid.p, msg->callid.l);
    for (auto& c : calls_)
      if (c->reinvite_refused(call_id, msg->scode)) break;
  });
  ua_ = ua;
  if (on_events_ && events_) on_events_(ua, events_);
}

std::optional<std::string> CallManager::public_ip() const {
  if (!ua_) return std::nullopt;
  std::optional<HostPort> pub = ua_->public_address();
  if (!pub) return std::nullopt;
  return pub->host;
}

bool CallManager::trusted(const std::string& source) const {
  for (const auto& [key, status] : sip_.accounts())
    if (const Account* a = sip_.account(key); a && a->registrar_destination() == source) return true;
  return false;
}

// Requests no listener took. The user agent's first listener refused the methods owsip does
// not take (405/501, uas_rules.h), so what is left is a PRACK or UPDATE of a call, or a method
// owsip takes but nothing here matches: a CANCEL of no transaction (RFC 3261 section 9.2) or an in-dialog request of no
// dialog (section 12.2.2): 481. Stateless, limited like every answer to a stranger; ACKs are
// never answered.
bool CallManager::on_unhandled(const struct sip_msg* msg, void* arg) {
  auto* self = static_cast<CallManager*>(arg);
  if (pl_strcmp(&msg->met, "ACK") == 0 || !self->ua_) return true;
  // PRACK and UPDATE: sipsess (libre 1.1.0) does not take them; the call whose dialog they are
  // in does (sip_call_extensions.cc).
  const bool prack = pl_strcmp(&msg->met, "PRACK") == 0;
  if (prack || pl_strcmp(&msg->met, "UPDATE") == 0)
    for (const auto& c : self->calls_)
      if (c->in_dialog(msg)) {
        if (prack) c->on_prack(msg);
        else c->on_update(msg);
        return true;
      }
  if (!self->ua_->may_answer(msg)) return true;
  if (std::optional<UasAnswer> a = method_refusal(text(msg->met)))
    (void)sip_replyf(self->ua_->stack(), msg, a->code, a->reason.c_str(),
                     "%sContent-Length: 0\r\n\r\n", a->headers.c_str());
  else
    (void)sip_reply(self->ua_->stack(), msg, 481, "Call/Transaction Does Not Exist");
  return true;
}

Result<std::unique_ptr<phone::Call>> CallManager::place(int port, const phone::DialTarget& target,
                                                        line::Line& line,
                                                        phone::CallObserver& observer) {
  if (!ua_ || !sock_) return Status::error("the SIP stack is not running");
  if (!ua_->bound()) return Status::error("no network: " + ua_->down_reason());
  const Account* account = sip_.account(target.account);
  if (!account) return Status::error("no account '" + target.account + "'");
  if (account->config().disabled) return Status::error("account " + target.account + " is disabled");
  const RegisterTarget& t = account->target();
  std::string uri = target.target;
  if (target.kind == phone::DialTarget::Kind::number || is_dialled_number(uri)) {
    uri = number_uri(uri, t.realm);
  } else if (uri.rfind("sip:", 0) != 0 && uri.rfind("sips:", 0) != 0) {
    uri = "sip:" + uri;
  }
  auto call = std::make_unique<SipCall>(*this, next_id_++, false, t, account->config());
  const bool hide = target.privacy == phone::DialTarget::Privacy::hide ||
                    (target.privacy == phone::DialTarget::Privacy::account && account->config().clir);
  // A call owsip forwards itself: who forwarded it and why (RFC 5806), for the provider and the
  // target's display.
  const std::string headers =
      target.diversion.empty()
          ? ""
          : "Diversion: <" + t.aor() + ">;reason=" + target.diversion + ";counter=1\r\n";
  if (Status s = call->connect(uri, port, line, observer, hide, headers); !s) return s;
  SipCall* raw = call.get();
  calls_.push_back(std::move(call));
  record(RecordEvent::started, *raw);
  auto handle = std::make_unique<SipCallHandle>(*this, raw->id());
  raw->set_handle(handle.get());
  return std::unique_ptr<phone::Call>(std::move(handle));
}

Result<SipCall*> CallManager::place_transfer(SipCall& referred, const ReferTarget& target,
                                             phone::CallObserver& observer) {
  if (!ua_ || !sock_ || !referred.line_) return Status::error("the SIP stack is not running");
  auto call = std::make_unique<SipCall>(*this, next_id_++, false, referred.target_,
                                        referred.account_);
  const std::string headers =
      target.replaces.empty() ? "" : "Replaces: " + target.replaces + "\r\n";
  if (Status s = call->connect(target.uri, referred.record_.port, *referred.line_, observer,
                               false, headers);
      !s)
    return s;
  SipCall* raw = call.get();
  calls_.push_back(std::move(call));
  record(RecordEvent::started, *raw);
  return raw;
}

void CallManager::on_connect(const struct sip_msg* msg, void* arg) {
  static_cast<CallManager*>(arg)->incoming(msg);
}

void CallManager::incoming(const struct sip_msg* msg) {
  const std::string source = endpoint_text(from_libre(msg->tp), &msg->src);
  const std::string user = text(msg->uri.user);
  InboundDecision d = route_inbound(user, source, sip_.inbound_accounts());
  if (d.account.empty()) {
    // Once per source address and kind of refusal (wrong source, wrong Request-URI).
    if (limiter_.first_refusal(host_port(&msg->src).host +
                               (d.reason.rfind("comes from", 0) == 0 ? " source" : " uri")))
      log::notice(kTag, "INVITE for '%s' refused (403): %s", user.c_str(), d.reason.c_str());
    // Stateless: one answer per request, no retransmissions for a scanner that never ACKs.
    if (limiter_.allow_reply(loop_.clock().now_ms()))
      (void)sip_reply(ua_->stack(), msg, 403, "Forbidden");
    return;
  }
  const Account* account = sip_.account(d.account);
  if (!account) return;
  auto call = std::make_unique<SipCall>(*this, next_id_++, true, account->target(), account->config());
  SipCall* raw = call.get();
  calls_.push_back(std::move(call));
  record(RecordEvent::started, *raw);
  log::notice(kTag, "call %llu: INVITE from %s for account %s", static_cast<unsigned long long>(raw->id()),
              source.c_str(), d.account.c_str());
  int code = raw->check_invite(msg);
  if (code == 0) {
    if (const struct sip_hdr* rep = sip_msg_hdr(msg, SIP_HDR_REPLACES)) {
      // RFC 3891 section 3: it takes over a call of ours, or gets 481.
      auto r = parse_replaces(text(rep->val));
      SipCall* old = nullptr;
      if (r && !r->early_only)
        for (const auto& c : calls_)
          if (c.get() != raw && c->matches(*r)) old = c.get();
      if (!old) {
        log::notice(kTag, "call %llu: Replaces %s names no call: 481",
                    static_cast<unsigned long long>(raw->id()), text(rep->val).c_str());
        raw->refuse(msg, 481);
        return;
      }
      Status s = raw->ring(msg);
      if (s) s = raw->replace(*old);
      if (!s) {
        log::notice(kTag, "call %llu: cannot replace: %s", static_cast<unsigned long long>(raw->id()),
                    s.message().c_str());
        if (!raw->finished()) raw->reject(603);
      }
      return;
    }
    code = sink_ ? sink_->offer(*raw, d.account, -1) : 480;
  }
  if (code != 0) {
    raw->refuse(msg, code);
    return;
  }
  if (Status s = raw->ring(msg); !s) {
    log::err(kTag, "call %llu: %s", static_cast<unsigned long long>(raw->id()), s.message().c_str());
    if (sink_) sink_->withdraw(*raw);
    raw->refuse(msg, 500);
  }
}

SipCall* CallManager::find(uint64_t id) const {
  for (const auto& c : calls_)
    if (c->id() == id) return c.get();
  return nullptr;
}

void CallManager::reap_soon() {
  reaper_.start(0, [this] { reap(); });
}

void CallManager::reap() {
  calls_.erase(std::remove_if(calls_.begin(), calls_.end(), [](const auto& c) { return c->finished(); }),
               calls_.end());
}

void CallManager::record(RecordEvent e, const SipCall& call) {
  if (on_record_) on_record_(e, call.record());
}

std::vector<CallRecord> CallManager::records() const {
  std::vector<CallRecord> out;
  for (const auto& c : calls_)
    if (!c->finished()) out.push_back(c->record());
  return out;
}

}  // namespace owsip::sip
