// SipCall's part of the extensions libre 1.1.0's sipsess lacks (docs/SIP.md): reliable
// provisional responses and PRACK (RFC 3262), session timers (RFC 4028) and UPDATE received
// (RFC 3311). The rules are in extensions.h; this file puts them on the wire next to the
// sipsess: PRACK and UPDATE reach the call from the CallManager's last listener (sipsess does
// not take them), in-dialog requests go out with sip_drequestf on the session's dialog.
#include <algorithm>
#include <cstring>

#include "core/log.h"
#include "core/re_compat.h"
#include "sip/re_convert.h"
#include "sip/sip_call.h"
#include "sip/sip_message.h"
#include "sip/uas_rules.h"
#include "sip/user_agent.h"

namespace owsip::sip {
namespace {

bool lists(const SipMessage& m, std::string_view header, std::string_view compact,
           std::string_view tag) {
  return lists_tag(m.header_list(header), tag) ||
         (!compact.empty() && lists_tag(m.header_list(compact), tag));
}

std::optional<SessionExpires> session_expires_of(const SipMessage& m) {
  std::optional<std::string> v = m.header("Session-Expires");
  if (!v) v = m.header("x");  // its compact form (RFC 4028 section 4)
  return v ? parse_session_expires(*v) : std::nullopt;
}

TimerRequest timer_request(const SipMessage& m) {
  TimerRequest r;
  r.session_expires = session_expires_of(m);
  if (std::optional<std::string> v = m.header("Min-SE")) r.min_se = parse_min_se(*v);
  r.supports_timer = lists(m, "Supported", "k", "timer") || lists(m, "Require", "", "timer");
  return r;
}

// sip_resp_h for requests whose answer changes nothing (PRACK).
void ignore_response(int, const struct sip_msg*, void*) {}

struct mbuf* mbuf_of(const std::string& s) {
  struct mbuf* mb = mbuf_alloc(s.size() + 1);
  if (!mb) return nullptr;
  mbuf_write_mem(mb, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  mbuf_set_pos(mb, 0);
  return mb;
}

std::string body_text(const struct sip_msg* msg) {
  if (!msg || !msg->mb || mbuf_get_left(msg->mb) == 0) return "";
  return std::string(reinterpret_cast<const char*>(mbuf_buf(msg->mb)), mbuf_get_left(msg->mb));
}

}  // namespace

// libre's callbacks of the UPDATE a session refresh sends: its Contact (RFC 3311 section 5.1
// requires one) and its answer; `arg` is the SipCall.
struct SipCallUpdate {
  static int send(enum sip_transp tp, const struct sa* src, const struct sa*, struct mbuf* mb,
                  void* arg) {
    auto* c = static_cast<SipCall*>(arg);
    const std::string cuser =
        c->target_.contact_user.empty() ? c->target_.user : c->target_.contact_user;
    struct sip_contact contact;
    sip_contact_set(&contact, cuser.c_str(), src, tp);
    return mbuf_printf(mb, "%H", sip_contact_print, &contact);
  }
  static void refreshed(int err, const struct sip_msg* msg, void* arg) {
    static_cast<SipCall*>(arg)->refresh_answered(err, msg);
  }
};

Rel100 SipCall::rel100() const {
  return re_compat::kOwnSessionExtensions ? rel100_mode(account_.rel100) : Rel100::off;
}

TimerPolicy SipCall::timer_policy() const {
  const int seconds = re_compat::kOwnSessionExtensions ? account_.session_expires : 0;
  return {static_cast<uint32_t>(std::max(seconds, 0)),
          static_cast<uint32_t>(std::max(account_.min_se, 1))};
}

std::string SipCall::capabilities() const {
  return capability_headers(rel100() != Rel100::off, timer_policy().session_expires > 0);
}

bool SipCall::in_dialog(const struct sip_msg* msg) const {
  return sess_ && !machine_.ended() && sip_dialog_cmp(sipsess_dialog(sess_), msg);
}

// --- RFC 3262 --------------------------------------------------------------------------

int SipCall::check_extensions(const struct sip_msg* msg) {
  const SipMessage m = SipMessage::wrap(msg);
  invite_cseq_ = msg->cseq.num;
  peer_allows_update_ = lists_tag(m.header_list("Allow"), "UPDATE");
  switch (provisional_mode(rel100(), lists(m, "Supported", "k", "100rel"),
                           lists(m, "Require", "", "100rel"))) {
    case Provisional::unreliable:
      break;
    case Provisional::reliable:
      reliable_ = true;
      break;
    case Provisional::refuse_420:  // RFC 3261 section 8.2.2.3
      note(log::kNotice, ": the INVITE requires 100rel, which account %s has off: 420",
           account_.key.c_str());
      refuse_headers_ = "Unsupported: 100rel\r\n";
      return 420;
    case Provisional::refuse_421:  // RFC 3262 section 3
      note(log::kNotice, ": the INVITE does not support 100rel, which account %s requires: 421",
           account_.key.c_str());
      refuse_headers_ = "Require: 100rel\r\n";
      return 421;
  }
  uas_timer_ = uas_session_timer(timer_policy(), timer_request(m));
  if (uas_timer_.refuse) {  // RFC 4028 section 9
    note(log::kNotice, ": session interval below Min-SE %u: 422", uas_timer_.min_se);
    refuse_headers_ = "Min-SE: " + std::to_string(uas_timer_.min_se) + "\r\n";
    return uas_timer_.refuse;
  }
  return 0;
}

void SipCall::retransmit_provisional() {
  const Retransmit r = reliable_retransmit(rel1xx_sends_);
  rel1xx_timer_.start(r.after_ms, [this, give_up = r.give_up] {
    if (!sess_ || machine_.ended() || machine_.answered()) return;
    if (give_up) {
      // RFC 3262 section 3: no PRACK in 64*T1, the INVITE is refused with a 5xx.
      note(log::kNotice, ": no PRACK for the reliable 180 (RSeq %u): 504", rseq_);
      (void)sipsess_reject(sess_, 504, reason_phrase(504), "Content-Length: 0\r\n\r\n");
      sess_ = static_cast<struct sipsess*>(mem_deref(sess_));
      end(504, "no PRACK", false);
      return;
    }
    (void)re_compat::progress_session(sess_, 180, "Ringing", rel1xx_headers_);
    ++rel1xx_sends_;
    retransmit_provisional();
  });
}

// The stack to answer an in-dialog request on; nullptr (answered 500 when out of order,
// RFC 3261 section 12.2.2) when it is not to be handled.
struct sip* SipCall::in_dialog_stack(const struct sip_msg* msg) {
  struct sip* stack = manager_.ua_ ? manager_.ua_->stack() : nullptr;
  if (!stack) return nullptr;
  if (!sip_dialog_rseq_valid(sipsess_dialog(sess_), msg)) {
    (void)sip_treply(nullptr, stack, msg, 500, reason_phrase(500));
    return nullptr;
  }
  return stack;
}

void SipCall::on_prack(const struct sip_msg* msg) {
  struct sip* stack = in_dialog_stack(msg);
  if (!stack) return;
  const SipMessage m = SipMessage::wrap(msg);
  const std::optional<std::string> value = m.header("RAck");
  const std::optional<RAck> rack = value ? parse_rack(*value) : std::nullopt;
  if (!rack || !rseq_ || rack->rseq != rseq_ || rack->cseq != invite_cseq_ ||
      !ascii_iequals(rack->method, "INVITE")) {
    note(log::kNotice, ": PRACK (RAck %s) matches no reliable response: 481",
         value ? value->c_str() : "none");
    (void)sip_treply(nullptr, stack, msg, 481, reason_phrase(481));
    return;
  }
  rel1xx_timer_.cancel();
  note(log::kInfo, ": PRACK for RSeq %u: 200", rseq_);
  (void)sip_treply(nullptr, stack, msg, 200, "OK");
}

void SipCall::send_prack(const struct sip_msg* msg) {
  const SipMessage m = SipMessage::wrap(msg);
  if (!re_compat::kOwnSessionExtensions || !lists(m, "Require", "", "100rel") || !sess_) return;
  const std::optional<std::string> value = m.header("RSeq");
  // A plain value: GCC 12 at -Os (the MIPS build) calls the optional's value maybe
  // uninitialized after the copy into the dialog below.
  const uint32_t rseq = value ? parse_rseq(*value).value_or(0) : 0;
  struct sip* stack = manager_.ua_ ? manager_.ua_->stack() : nullptr;
  if (rseq == 0 || !stack) return;  // RSeq is 1..2^31-1 (RFC 3262 section 7.1)
  const std::string tag = text(msg->to.tag);
  if (!early_dialog_ || tag != early_tag_) {
    // The early dialog of this To tag: sipsess makes its dialog only from the 2xx, so the
    // PRACK goes in a copy of it with the 18x's tag, Contact and Record-Route.
    early_dialog_ = static_cast<struct sip_dialog*>(mem_deref(early_dialog_));
    if (int err = sip_dialog_fork(&early_dialog_, sipsess_dialog(sess_), msg); err) {
      note(log::kWarning, ": no early dialog for PRACK: %s", std::strerror(err));
      return;
    }
    early_tag_ = tag;
    pracked_rseq_ = 0;
  }
  // RFC 3262 section 4: a retransmission is not PRACKed again, and responses are PRACKed in
  // order (one with a gap waits for the missing one).
  if (pracked_rseq_ && rseq != pracked_rseq_ + 1) return;
  const RAck rack{rseq, msg->cseq.num, "INVITE"};
  int err = sip_drequestf(nullptr, stack, true, "PRACK", early_dialog_, 0, nullptr, nullptr,
                          ignore_response, nullptr, "RAck: %s\r\nContent-Length: 0\r\n\r\n",
                          format_rack(rack).c_str());
  if (err) {
    note(log::kWarning, ": cannot send PRACK: %s", std::strerror(err));
    return;
  }
  // The PRACK took a CSeq number of the copy; the session's dialog skips it too, so that its
  // next request (BYE, re-INVITE) has a higher one (RFC 3261 section 12.2.1.1).
  (void)re_compat::skip_local_cseq(sipsess_dialog(sess_));
  pracked_rseq_ = rseq;
  note(log::kInfo, ": PRACK (RAck %s)", format_rack(rack).c_str());
}

// --- RFC 4028 --------------------------------------------------------------------------

std::string SipCall::session_timer_headers() const {
  if (!uas_timer_.granted.seconds) return "";
  return "Session-Expires: " + format_session_expires(uas_timer_.granted) + "\r\n" +
         (uas_timer_.require_timer ? "Require: timer\r\n" : "");
}

void SipCall::session_started(const struct sip_msg* msg_2xx) {
  if (msg_2xx) {  // outgoing: what the 2xx says (section 7.2)
    const SipMessage m = SipMessage::wrap(msg_2xx);
    if (m.header("Allow")) peer_allows_update_ = lists_tag(m.header_list("Allow"), "UPDATE");
    session_ = timer_policy().session_expires > 0 ? uac_active_timer(session_expires_of(m))
                                                  : ActiveTimer{};
  } else {  // incoming: what our 2xx said
    session_ = uas_active_timer(uas_timer_);
  }
  if (session_.seconds)
    note(log::kInfo, ": session timer %u s, %s refreshes", session_.seconds,
         session_.we_refresh ? "owsip" : "the far end");
  arm_session_timer();
}

bool SipCall::retry_after_422(const struct sip_msg* msg) {
  // Section 7.1: once, with the larger Min-SE the 422 names.
  const SipMessage m = SipMessage::wrap(msg);
  const std::optional<std::string> v = m.header("Min-SE");
  const uint32_t min_se = v ? parse_min_se(*v).value_or(0) : 0;  // plain: as in send_prack()
  if (min_se_asked_ || min_se == 0 || timer_policy().session_expires == 0 || machine_.answered())
    return false;
  min_se_asked_ = min_se;
  if (int err = send_invite(); err) {
    note(log::kWarning, ": cannot send the INVITE again after 422: %s", std::strerror(err));
    return false;
  }
  note(log::kNotice, ": 422, INVITE again with Min-SE %u", min_se);
  return true;
}

void SipCall::arm_session_timer() {
  if (!session_.seconds || machine_.ended()) {
    session_timer_.cancel();
    return;
  }
  if (session_.we_refresh) {
    session_timer_.start(refresh_after_ms(session_.seconds), [this] { refresh_session(); });
  } else {
    session_timer_.start(expiry_after_ms(session_.seconds), [this] {
      note(log::kNotice, ": no session refresh in %u s (RFC 4028 section 10)", session_.seconds);
      session_lost(408, "session expired");
    });
  }
}

void SipCall::refresh_session() {
  struct sip* stack = manager_.ua_ ? manager_.ua_->stack() : nullptr;
  if (!sess_ || machine_.ended() || !stack) return;
  if (!peer_allows_update_) {
    // A re-INVITE with the session as it is. libre 1.1.0 adds no Session-Expires to it, so the
    // far end may take the timer as ended; refreshing on costs nothing.
    int err = EPROTO;
    if (media_) {
      if (auto offer = session_offer()) {
        struct mbuf* desc = mbuf_of(*offer);
        err = desc ? sipsess_modify(sess_, desc) : ENOMEM;
        mem_deref(desc);
      }
    }
    if (err)
      note(log::kWarning, ": cannot refresh the session: %s", std::strerror(err));
    else
      note(log::kInfo, ": session refresh (re-INVITE)");
    arm_session_timer();
    return;
  }
  if (refresh_req_) return;  // the last one is still going
  const SessionExpires se{session_.seconds, Refresher::uac};
  const std::string headers = capabilities() + "Session-Expires: " + format_session_expires(se) +
                              "\r\nMin-SE: " + std::to_string(timer_policy().min_se) + "\r\n";
  int err = sip_drequestf(&refresh_req_, stack, true, "UPDATE", sipsess_dialog(sess_), 0, nullptr,
                          re_compat::send_handler<SipCallUpdate::send>(), SipCallUpdate::refreshed,
                          this, "%sContent-Length: 0\r\n\r\n", headers.c_str());
  if (err) {
    note(log::kWarning, ": cannot send UPDATE: %s", std::strerror(err));
    arm_session_timer();
    return;
  }
  note(log::kInfo, ": session refresh (UPDATE)");
}

void SipCall::refresh_answered(int err, const struct sip_msg* msg) {
  if (!err && msg && msg->scode < 200) return;
  refresh_req_ = nullptr;  // libre is done with it
  if (machine_.ended()) return;
  const int code = err ? 408 : msg->scode;
  if (code >= 200 && code < 300) {
    session_started(msg);  // section 7.4: its Session-Expires (none: the timer is off)
    return;
  }
  if (code == 408 || code == 481) {  // section 10: the session is gone
    note(log::kNotice, ": session refresh failed (%d)", code);
    session_lost(code, "session refresh failed");
    return;
  }
  // 405/501 and the like: the far end does not take UPDATE after all; 491, 500: another
  // request was under way. The next refresh is a re-INVITE, soon.
  note(log::kNotice, ": UPDATE refused (%d): refreshing by re-INVITE", code);
  if (code != 491 && code != 500) peer_allows_update_ = false;
  session_timer_.start(code == 491 || code == 500 ? 2000 : 0, [this] { refresh_session(); });
}

void SipCall::reinvite_received(const struct sip_msg* msg) {
  // libre 1.1.0 answers a re-INVITE itself, without Session-Expires: by section 9 the session
  // then has no timer; the far end stops refreshing and owsip must not hang up on it.
  if (!session_.seconds || session_.we_refresh) return;
  (void)msg;
  note(log::kNotice, ": re-INVITE answered without Session-Expires: session timer off");
  session_ = {};
  arm_session_timer();
}

void SipCall::session_lost(int code, const std::string& why) {
  if (machine_.ended()) return;
  sess_ = static_cast<struct sipsess*>(mem_deref(sess_));  // BYE
  end(code, why, true);                                    // the port hears it as the far end gone
}

// --- RFC 3311 --------------------------------------------------------------------------

void SipCall::on_update(const struct sip_msg* msg) {
  struct sip* stack = in_dialog_stack(msg);
  if (!stack) return;
  const SipMessage m = SipMessage::wrap(msg);
  const bool offer = !m.body().empty() && m.content_type() == "application/sdp";
  if (!machine_.answered() || !media_) {
    // An UPDATE in the early dialog: owsip's offer/answer starts with the 2xx (section 5.2).
    (void)sip_treplyf(nullptr, nullptr, stack, msg, false, 500, reason_phrase(500),
                      "Retry-After: 5\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  if (offer && refresh_req_) {  // section 5.2: our UPDATE is still waiting: glare
    (void)sip_treply(nullptr, stack, msg, 491, reason_phrase(491));
    return;
  }
  const UasTimer t = uas_session_timer(timer_policy(), timer_request(m));
  if (t.refuse) {
    (void)sip_treplyf(nullptr, nullptr, stack, msg, false, t.refuse, reason_phrase(t.refuse),
                      "Min-SE: %u\r\nContent-Length: 0\r\n\r\n", t.min_se);
    return;
  }
  std::string answer;
  if (offer) {
    struct mbuf* desc = nullptr;
    if (answer_offer(body_text(msg), &desc) != 0) {
      (void)sip_treply(nullptr, stack, msg, 488, reason_phrase(488));
      return;
    }
    answer.assign(reinterpret_cast<const char*>(mbuf_buf(desc)), mbuf_get_left(desc));
    mem_deref(desc);
  }
  const std::string cuser = target_.contact_user.empty() ? target_.user : target_.contact_user;
  struct sip_contact contact;
  sip_contact_set(&contact, cuser.c_str(), &msg->dst, msg->tp);
  std::string headers = capabilities();
  if (t.granted.seconds)
    headers += "Session-Expires: " + format_session_expires(t.granted) + "\r\n" +
               (t.require_timer ? "Require: timer\r\n" : "");
  if (!answer.empty()) headers += "Content-Type: application/sdp\r\n";
  (void)sip_treplyf(nullptr, nullptr, stack, msg, false, 200, "OK",
                    "%H%sContent-Length: %zu\r\n\r\n%s", sip_contact_print, &contact,
                    headers.c_str(), answer.size(), answer.c_str());
  note(log::kInfo, ": UPDATE%s answered 200", offer ? " with an offer" : "");
  uas_timer_ = t;
  session_started(nullptr);  // section 9: a refresh; the interval it set from now on
}

}  // namespace owsip::sip
