#include "sip/mwi_client.h"

#include <re.h>

#include <cstring>

#include "core/log.h"
#include "sip/account.h"
#include "sip/inbound_filter.h"
#include "sip/re_convert.h"
#include "sip/sip_service.h"
#include "sip/user_agent.h"

namespace owsip::sip {
namespace {

constexpr const char* kTag = "sip.mwi";
constexpr const char* kEvent = "message-summary";
constexpr uint32_t kExpiresS = 3600;          // RFC 3842 section 4.4: the package default
constexpr uint64_t kRetryMs = 300 * 1000;     // after a refusal or a lost subscription
constexpr const char* kAccept = "Accept: application/simple-message-summary\r\n";

std::string body_of(const struct sip_msg* msg) {
  if (!msg->mb) return "";
  return std::string(reinterpret_cast<const char*>(mbuf_buf(msg->mb)), mbuf_get_left(msg->mb));
}

// The mailbox option as a URI: a user at the realm, or the URI as written; unset: our address.
std::string mailbox_uri(const config::Account& cfg, const RegisterTarget& t) {
  if (cfg.mailbox.empty()) return t.aor();
  if (cfg.mailbox.rfind("sip:", 0) == 0 || cfg.mailbox.rfind("sips:", 0) == 0) return cfg.mailbox;
  return "sip:" + cfg.mailbox + "@" + t.realm;
}

bool is_message_summary(const struct sip_msg* msg) {
  const struct sip_hdr* ev = sip_msg_hdr(msg, SIP_HDR_EVENT);
  if (!ev) return false;
  struct pl name = ev->val;
  // "message-summary;id=..." : the package name before any parameter.
  for (size_t i = 0; i < name.l; ++i)
    if (name.p[i] == ';' || name.p[i] == ' ') {
      name.l = i;
      break;
    }
  return pl_strcasecmp(&name, kEvent) == 0;
}

}  // namespace

struct MwiClient::Subscription {
  explicit Subscription(TimerQueue& timers) : retry(timers) {}
  ~Subscription() { mem_deref(sub); }
  MwiClient* client = nullptr;
  std::string key;
  std::string auth_user, password;
  struct sipsub* sub = nullptr;
  bool up = false;  // a NOTIFY came on it
  Timer retry;
};

// libre's C callbacks; `arg` is the Subscription.
struct MwiCallbacks {
  static int auth(char** user, char** pass, const char*, void* arg) {
    auto* s = static_cast<MwiClient::Subscription*>(arg);
    int err = str_dup(user, s->auth_user.c_str());
    err |= str_dup(pass, s->password.c_str());
    return err;
  }

  // sipevent leaves the answer to the NOTIFY to us (LIBRARY_NOTES.md).
  static void notify(struct sip* sip, const struct sip_msg* msg, void* arg) {
    auto* s = static_cast<MwiClient::Subscription*>(arg);
    std::optional<MessageSummary> summary;
    if (mbuf_get_left(msg->mb) > 0) summary = parse_message_summary(body_of(msg));
    if (mbuf_get_left(msg->mb) > 0 && !summary) {
      log::warn(kTag, "%s: NOTIFY with a body that is no message summary: 400", s->key.c_str());
      (void)sip_treply(nullptr, sip, msg, 400, "Bad Request (not a message summary)");
      return;
    }
    (void)sip_treply(nullptr, sip, msg, 200, "OK");
    s->up = true;
    // The first NOTIFY of a subscription may carry no body (RFC 3842 section 5.1 allows it
    // while the state is unknown): nothing changes then.
    if (summary) s->client->deliver(s->key, *summary);
  }

  static void closed(int err, const struct sip_msg* msg, const struct sipevent_substate* state,
                     void* arg) {
    auto* s = static_cast<MwiClient::Subscription*>(arg);
    s->up = false;
    s->sub = static_cast<struct sipsub*>(mem_deref(s->sub));
    // An answer to our SUBSCRIBE carries a status; a NOTIFY ending the subscription does not.
    const int code = msg ? msg->scode : 0;
    std::string why = err    ? std::strerror(err)
                      : code ? std::to_string(code) + " " + text(msg->reason)
                      : state ? "terminated by the notifier"
                              : "ended";
    // 489 Bad Event, 405, 501: the provider has no message-summary; do not ask again.
    if (code == 489 || code == 405 || code == 501) {
      log::notice(kTag, "%s: the provider does not offer message waiting (%s)", s->key.c_str(),
                  why.c_str());
      return;
    }
    log::notice(kTag, "%s: subscription ended (%s); again in %llu s", s->key.c_str(),
                why.c_str(), static_cast<unsigned long long>(kRetryMs / 1000));
    MwiClient* client = s->client;
    const std::string key = s->key;
    s->retry.start(kRetryMs, [client, key] { client->subscribe(key); });
  }
};

MwiClient::MwiClient(SipService& sip, TimerQueue& timers, Handler handler)
    : sip_(sip), timers_(timers), handler_(std::move(handler)) {}

MwiClient::~MwiClient() = default;

void MwiClient::on_stack(UserAgent* ua, struct ::sipevent_sock* events) {
  subs_.clear();  // their dialogs belonged to the old stack
  ua_ = ua;
  events_ = events;
  if (!ua_ || !events_) return;
  for (const auto& [key, status] : sip_.accounts()) on_account(key, status);
}

void MwiClient::on_account(const std::string& key, const AccountStatus& status) {
  const Account* a = sip_.account(key);
  const bool wanted = a && !a->config().disabled && a->config().mwi == "subscribe" &&
                      status.state == RegState::kRegistered;
  if (!wanted) return drop(key);
  if (subs_.count(key)) return;  // a refresh of the registration: the subscription goes on
  subscribe(key);
}

void MwiClient::drop(const std::string& key) {
  subs_.erase(key);
}

void MwiClient::subscribe(const std::string& key) {
  const Account* a = sip_.account(key);
  if (!a || !ua_ || !events_) return;
  auto& slot = subs_[key];
  if (!slot) slot = std::make_unique<Subscription>(timers_);
  Subscription& s = *slot;
  s.client = this;
  s.key = key;
  s.sub = static_cast<struct sipsub*>(mem_deref(s.sub));
  const RegisterTarget& t = a->target();
  s.auth_user = t.auth_user;
  s.password = t.password;
  const std::string uri = mailbox_uri(a->config(), t);
  const std::string from = t.aor();
  const std::string route = t.first_hop_route();
  const char* routes[1] = {route.c_str()};
  const char* from_name = t.display_name.empty() ? nullptr : t.display_name.c_str();
  const std::string& cuser = a->contact_user();
  // The auth argument is no libre object: aref false (true would mem_ref it).
  int err = sipevent_subscribe(&s.sub, events_, uri.c_str(), from_name, from.c_str(), kEvent,
                               nullptr, kExpiresS, cuser.c_str(), routes, 1, MwiCallbacks::auth,
                               &s, false, nullptr, MwiCallbacks::notify, MwiCallbacks::closed, &s,
                               "%s", kAccept);
  if (err) {
    log::warn(kTag, "%s: cannot subscribe to %s: %s", key.c_str(), uri.c_str(),
              std::strerror(err));
    s.retry.start(kRetryMs, [this, key] { subscribe(key); });
    return;
  }
  log::info(kTag, "%s: SUBSCRIBE %s (message-summary)", key.c_str(), uri.c_str());
}

bool MwiClient::on_request(const struct ::sip_msg* msg) {
  if (!ua_ || pl_strcmp(&msg->met, "NOTIFY") != 0 || pl_isset(&msg->to.tag) ||
      !is_message_summary(msg))
    return false;
  const std::string source = endpoint_text(from_libre(msg->tp), &msg->src);
  InboundDecision d = route_inbound(text(msg->uri.user), source, sip_.inbound_accounts());
  const Account* a = d.account.empty() ? nullptr : sip_.account(d.account);
  if (!a || a->config().mwi == "off") return false;  // later listeners: 481
  std::optional<MessageSummary> summary = parse_message_summary(body_of(msg));
  if (!summary) {
    log::warn(kTag, "%s: unsolicited NOTIFY from %s is no message summary: 400",
              d.account.c_str(), source.c_str());
    (void)sip_reply(ua_->stack(), msg, 400, "Bad Request (not a message summary)");
    return true;
  }
  (void)sip_reply(ua_->stack(), msg, 200, "OK");
  deliver(d.account, *summary);
  return true;
}

void MwiClient::deliver(const std::string& key, const MessageSummary& s) {
  auto it = summaries_.find(key);
  const bool changed = it == summaries_.end() || !(it->second == s);
  summaries_[key] = s;
  if (changed) log::notice(kTag, "%s: %s", key.c_str(), s.describe().c_str());
  if (handler_) handler_(key, s);
}

std::optional<MessageSummary> MwiClient::summary(const std::string& account) const {
  auto it = summaries_.find(account);
  if (it == summaries_.end()) return std::nullopt;
  return it->second;
}

bool MwiClient::subscribed(const std::string& account) const {
  auto it = subs_.find(account);
  return it != subs_.end() && it->second->up;
}

}  // namespace owsip::sip
