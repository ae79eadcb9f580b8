#include "phone/switchboard.h"

#include <algorithm>
#include <ctime>

#include "core/log.h"
#include "config/option_checks.h"
#include "line/backend.h"
#include "phone/barring.h"
#include "phone/local_call.h"

namespace owsip::phone {
namespace {
constexpr const char* kTag = "phone.switchboard";

// Caller ID carries the local date and time of the call (month, day, hour, minute).
line::dsp::CallerId with_local_time(line::dsp::CallerId cid, int64_t wall_us) {
  const std::time_t now = static_cast<std::time_t>(wall_us / 1000000);
  std::tm tm{};
  if (localtime_r(&now, &tm)) {
    cid.month = static_cast<uint8_t>(tm.tm_mon + 1);
    cid.day = static_cast<uint8_t>(tm.tm_mday);
    cid.hour = static_cast<uint8_t>(tm.tm_hour);
    cid.minute = static_cast<uint8_t>(tm.tm_min);
  }
  return cid;
}
}  // namespace

Switchboard::Switchboard(TimerQueue& timers) : timers_(timers), forwarded_reaper_(timers) {}

Switchboard::~Switchboard() {
  for (Port* p : ports_) p->set_call_desk(nullptr);
  forwarded_.clear();  // BYE/CANCEL to calls still forwarded
}

void Switchboard::set_network(CallControl* network) {
  if (network == network_) return;
  for (auto& f : forwarded_) f->abort();
  forwarded_.clear();
  network_ = network;
}

void Switchboard::add_port(Port& port) {
  ports_.push_back(&port);
  port.set_call_desk(this);
  port.set_call_control(this);
}

void Switchboard::remove_port(Port& port) {
  port.set_call_desk(nullptr);
  port.set_call_control(nullptr);
  ports_.erase(std::remove(ports_.begin(), ports_.end(), &port), ports_.end());
  for (auto& o : offers_) o->ports.erase(std::remove(o->ports.begin(), o->ports.end(), &port), o->ports.end());
}

Result<std::unique_ptr<Call>> Switchboard::place(int port, const DialTarget& target,
                                                 line::Line& line, CallObserver& observer) {
  if (target.kind == DialTarget::Kind::internal) {
    log::notice(kTag, "port%d calls port%d", port, target.port);
    return start_local_call(*this, port, target.port, line, observer);
  }
  if (target.kind == DialTarget::Kind::mailbox) {
    if (!machine_) return Status::error("no answering machine");
    return machine_->open_menu(port, line, observer);
  }
  if (!network_) return Status::error("no SIP call layer");
  return network_->place(port, target, line, observer);
}

std::vector<Port*> Switchboard::ports_for(const std::string& account, int port) const {
  if (account.empty()) {  // internal call
    for (Port* p : ports_)
      if (p->id() == port) return {p};
    return {};
  }
  int bound = -1;
  if (config_)
    for (const auto& a : config_->accounts)
      if (a.key == account) bound = a.port;
  if (bound < 0) return ports_;
  for (Port* p : ports_)
    if (p->id() == bound) return {p};
  return {};
}

bool Switchboard::forwards_by_call(int port) const {
  if (!network_) return false;
  if (config_)
    if (const config::Port* p = line::port_section(*config_, port); p && !p->forward_mode.empty())
      return p->forward_mode == "call";
  return services_ && services_->features().forward_mode == "call";
}

int Switchboard::forward(IncomingCall& call, const std::string& account, int port,
                         const std::string& target, const std::string& why, bool ringing) {
  log::notice(kTag, "%s forwarded to %s (%s)", call.describe().c_str(), target.c_str(), why.c_str());
  call.forward_to(target);
  call.explain("forwarded to " + target + " (" + why + ")");
  if (!forwards_by_call(port)) {
    if (ringing) call.reject(302);
    return 302;
  }
  // Each such call holds two calls of the provider's and two RTP sessions; the cap also ends a
  // forwarding loop (a number that reaches this account again) after a few rounds.
  if (forwarded_.size() >= kMaxForwardedCalls) {
    log::notice(kTag, "%s: %zu forwarded calls already: 486", call.describe().c_str(),
                forwarded_.size());
    call.explain("forwarded to " + target + " (" + why + "): too many forwarded calls");
    if (ringing) call.reject(486);
    return 486;
  }
  // RFC 5806's reasons, for the Diversion header of the new call.
  const char* reason = why == "busy" ? "user-busy" : why == "no answer" ? "no-answer" : "unconditional";
  auto f = std::make_unique<ForwardedCall>(timers_, *network_, call, port, account, target, reason,
                                           [this] { reap_forwarded(); });
  if (ringing) {
    ForwardedCall* raw = f.get();
    forwarded_.push_back(std::move(f));
    raw->start_after_ringing();
    return 0;
  }
  if (int code = f->start(); code != 0) return code;
  forwarded_.push_back(std::move(f));
  return 0;
}

void Switchboard::reap_forwarded() {
  forwarded_reaper_.start(0, [this] {
    std::erase_if(forwarded_, [](const auto& f) { return f->finished(); });
  });
}

int Switchboard::offer(IncomingCall& call, const std::string& account, int port) {
  std::string why;  // incoming barring (phone/barring.h); internal calls have no account
  if (int code = config_ && !account.empty() ? account_refusal(*config_, account, call.caller(), why) : 0) {
    log::notice(kTag, "%s refused: %s: %d", call.describe().c_str(), why.c_str(), code);
    call.explain(why);
    return code;
  }
  int barred = 0;
  std::vector<Port*> candidates = ports_for(account, port);
  const line::dsp::CallerId cid = with_local_time(call.caller(), timers_.clock().wall_us());
  // The handset's services. Do-not-disturb keeps every call out; internal calls are not
  // forwarded (the forwarding numbers are the network's).
  std::string forward_busy, forward_noanswer;
  int forward_busy_port = -1, forward_noanswer_port = -1;
  if (services_) {
    const bool network = !account.empty();
    std::vector<Port*> reachable;
    for (Port* p : candidates) {
      const PortServices& s = services_->port(p->id());
      if (network && !s.forward_all.empty())
        return forward(call, account, p->id(), s.forward_all,
                       "port" + std::to_string(p->id()) + " forwards every call");
      if (network && forward_busy.empty() && !s.forward_busy.empty()) {
        forward_busy = s.forward_busy;
        forward_busy_port = p->id();
      }
      if (network && forward_noanswer.empty() && !s.forward_noanswer.empty()) {
        forward_noanswer = s.forward_noanswer;
        forward_noanswer_port = p->id();
      }
      if (s.dnd) log::notice(kTag, "%s: port%d does not disturb", call.describe().c_str(), p->id());
      else reachable.push_back(p);
    }
    if (reachable.empty() && !candidates.empty()) {
      for (Port* p : candidates)
        if (const config::Port* m = machine_of(p->id(), account); m && m->answer_dnd)
          return machine_answers(call, account, p->id(), 0, "do not disturb");
      const int code = services_->features().dnd_response;
      call.explain("do not disturb");
      log::notice(kTag, "%s: do not disturb: %d", call.describe().c_str(), code);
      return code;
    }
    candidates = reachable;
  }
  auto offer = std::make_unique<Offer>(timers_);
  offer->call = &call;
  bool busy = false;
  for (Port* p : candidates) {
    if (int code = config_ && !account.empty() ? port_refusal(*config_, p->id(), call.caller(), why) : 0) {
      log::notice(kTag, "%s not offered to port%d: %s", call.describe().c_str(), p->id(), why.c_str());
      barred = code;
    } else if (p->offer(call, cid)) offer->ports.push_back(p);
    else if (p->state() != PortState::idle || p->line().off_hook()) busy = true;
  }
  if (offer->ports.empty()) {
    if (busy && !forward_busy.empty())
      return forward(call, account, forward_busy_port, forward_busy, "busy");
    for (Port* p : candidates)
      if (const config::Port* m = machine_of(p->id(), account); busy && m && m->answer_busy)
        return machine_answers(call, account, p->id(), 0, "busy");
    const int code = busy ? 486 : barred ? barred : 480;
    if (code == barred) call.explain(why);
    log::notice(kTag, "%s: no port can take it (%s): %d", call.describe().c_str(),
                candidates.empty() ? "no port for it" : busy ? "busy" : barred ? "barred" : "no phone", code);
    return code;
  }
  std::string where;
  for (Port* p : offer->ports) where += " port" + std::to_string(p->id());
  log::notice(kTag, "%s from %s '%s' offered to%s", call.describe().c_str(), cid.number.c_str(),
              cid.name.c_str(), where.c_str());
  uint32_t timeout = config_ ? config_->timers.ms("ring_timeout") : TimerValues().ms("ring_timeout");
  if (!forward_noanswer.empty()) {
    offer->forward_noanswer = forward_noanswer;
    offer->forward_noanswer_port = forward_noanswer_port;
    timeout = std::min<uint32_t>(timeout, static_cast<uint32_t>(services_->features().forward_noanswer_delay) * 1000);
  }
  offer->ring_timeout.start(timeout, [this, c = &call] { on_ring_timeout(*c); });
  offer->account = account;
  // The first ringing port with an answering machine takes the call after its answer_after,
  // unless forwarding on no answer is set (it takes the call instead).
  Offer* raw = offer.get();
  offers_.push_back(std::move(offer));
  if (raw->forward_noanswer.empty())
    for (Port* p : raw->ports)
      if (const config::Port* m = machine_of(p->id(), account))
        return machine_answers(call, account, p->id(), static_cast<uint32_t>(m->answer_after) * 1000,
                               "no answer");
  return 0;
}

const config::Port* Switchboard::machine_of(int port, const std::string& account) const {
  if (!machine_ || !config_ || !machine_->active(port)) return nullptr;
  const config::Port* p = line::port_section(*config_, port);
  if (!p || !p->answering_machine) return nullptr;
  if (p->answer_accounts.empty()) return p;
  const std::string& name = account.empty() ? std::string("internal") : account;
  for (const auto& w : config::words(p->answer_accounts))
    if (w == name) return p;
  return nullptr;
}

int Switchboard::machine_answers(IncomingCall& call, const std::string& account, int port,
                                 uint32_t delay_ms, const char* why) {
  Offer* o = find(call);
  if (!o) {
    auto fresh = std::make_unique<Offer>(timers_);
    fresh->call = &call;
    fresh->account = account;
    o = fresh.get();
    offers_.push_back(std::move(fresh));
    log::notice(kTag, "%s: port%d's answering machine takes it (%s)", call.describe().c_str(),
                port, why);
  }
  o->machine_port = port;
  o->machine_timer.start(delay_ms, [this, c = &call, port, why] {
    Offer* offer = find(*c);
    if (!offer) return;
    const std::string acct = offer->account;
    log::notice(kTag, "%s: answered by port%d's answering machine (%s)", c->describe().c_str(),
                port, why);
    drop(*c, nullptr);
    if (!machine_ || !machine_->take(*c, port, acct)) c->reject(480);
  });
  return 0;
}

Switchboard::Offer* Switchboard::find(IncomingCall& call) {
  for (auto& o : offers_)
    if (o->call == &call) return o.get();
  return nullptr;
}

void Switchboard::drop(IncomingCall& call, Port* except) {
  auto it = std::find_if(offers_.begin(), offers_.end(), [&](const auto& o) { return o->call == &call; });
  if (it == offers_.end()) return;
  std::unique_ptr<Offer> o = std::move(*it);
  offers_.erase(it);
  for (Port* p : o->ports)
    if (p != except) p->withdraw(call);
}

void Switchboard::withdraw(IncomingCall& call) {
  for (auto& f : forwarded_)
    if (f->is_for(call)) f->withdraw();
  if (!find(call)) return;
  log::notice(kTag, "%s withdrawn by the caller", call.describe().c_str());
  drop(call, nullptr);
}

void Switchboard::on_ring_timeout(IncomingCall& call) {
  if (Offer* o = find(call); o && !o->forward_noanswer.empty()) {
    const std::string target = o->forward_noanswer;
    const std::string account = o->account;
    const int port = o->forward_noanswer_port;
    drop(call, nullptr);
    forward(call, account, port, target, "no answer", true);
    return;
  }
  const int code = config_ ? config_->general.no_answer_response : 480;
  log::notice(kTag, "%s not answered: %d", call.describe().c_str(), code);
  drop(call, nullptr);
  call.reject(code);
}

Result<std::unique_ptr<Call>> Switchboard::take(Port& port, IncomingCall& call,
                                                CallObserver& observer) {
  if (!find(call)) return Status::error("the call is no longer offered");
  drop(call, &port);
  return call.answer(port.id(), port.line(), observer);
}

void Switchboard::release(Port& port, IncomingCall& call) {
  Offer* o = find(call);
  if (!o) return;
  o->ports.erase(std::remove(o->ports.begin(), o->ports.end(), &port), o->ports.end());
  if (!o->ports.empty()) return;
  log::notice(kTag, "%s: no port offers it any more", call.describe().c_str());
  drop(call, nullptr);
  call.reject(480);
}

}  // namespace owsip::phone
