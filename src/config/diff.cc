#include "config/diff.h"

#include "config/schema.h"

namespace owsip::config {
namespace {

template <class S>
const S* find_key(const std::vector<S>& v, const std::string& key) {
  for (const auto& s : v)
    if (s.key == key) return &s;
  return nullptr;
}

template <class S>
SectionDiff diff_sections(const std::vector<S>& running, const std::vector<S>& loaded) {
  SectionDiff d;
  for (const auto& s : loaded) {
    const S* old = find_key(running, s.key);
    if (!old) d.added.push_back(s.key);
    else if (!(*old == s)) d.changed.push_back(s.key);
  }
  for (const auto& s : running)
    if (!find_key(loaded, s.key)) d.removed.push_back(s.key);
  return d;
}

void append(std::string& out, const char* name, const SectionDiff& d) {
  if (d.empty()) return;
  if (!out.empty()) out += "; ";
  out += name;
  out += ":";
  for (const auto& k : d.added) out += " +" + k;
  for (const auto& k : d.changed) out += " ~" + k;
  for (const auto& k : d.removed) out += " -" + k;
}

}  // namespace

bool ConfigDiff::empty() const {
  return general.empty() && !stun && !features && !voicemail && !timers && accounts.empty() && ports.empty() && contacts.empty() &&
         relays.empty();
}

std::string ConfigDiff::summary() const {
  if (empty()) return "no changes";
  std::string out;
  if (!general.empty()) {
    out = "general:";
    for (const auto& g : general) out += " " + g;
  }
  if (stun) out += std::string(out.empty() ? "" : "; ") + "stun changed";
  if (features) out += std::string(out.empty() ? "" : "; ") + "features changed";
  if (voicemail) out += std::string(out.empty() ? "" : "; ") + "voicemail changed";
  if (timers) out += std::string(out.empty() ? "" : "; ") + "timers changed";
  append(out, "accounts", accounts);
  append(out, "ports", ports);
  append(out, "contacts", contacts);
  append(out, "relays", relays);
  return out;
}

// Whether the ports with key `key` differ in more than what the dial plan and the switchboard
// read on every call (barring, hotline): only that needs no new lines.
static bool line_settings_changed(const Telephony& running, const Telephony& loaded,
                                  const std::string& key) {
  const Port* a = nullptr;
  const Port* b = nullptr;
  for (const auto& p : running.ports)
    if (p.key == key) a = &p;
  for (const auto& p : loaded.ports)
    if (p.key == key) b = &p;
  if (!a || !b) return true;
  Port x = *a;
  x.bar_outgoing = b->bar_outgoing;
  x.bar_incoming = b->bar_incoming;
  x.bar_incoming_response = b->bar_incoming_response;
  x.anonymous_reject = b->anonymous_reject;
  x.hotline = b->hotline;
  x.hotline_delay = b->hotline_delay;
  x.answering_machine = b->answering_machine;  // read per call by the switchboard
  x.answer_after = b->answer_after;
  x.answer_busy = b->answer_busy;
  x.answer_dnd = b->answer_dnd;
  x.remote_pin = b->remote_pin;  // read per call by the machine
  x.answer_accounts = b->answer_accounts;
  x.fax = b->fax;  // PortOptions: the port takes it on reload
  return !(x == *b);
}

ConfigDiff diff(const Telephony& running, const Telephony& loaded) {
  ConfigDiff d;
  d.general = changed_general_options(running.general, loaded.general);
  d.stun = running.stun != loaded.stun;
  d.features = !(running.features == loaded.features);
  d.voicemail = !(running.voicemail == loaded.voicemail);
  d.timers = !(running.timers == loaded.timers);
  d.accounts = diff_sections(running.accounts, loaded.accounts);
  d.ports = diff_sections(running.ports, loaded.ports);
  d.contacts = diff_sections(running.contacts, loaded.contacts);
  d.relays = diff_sections(running.relays, loaded.relays);
  for (const auto& name : d.general) {
    const Restart r = general_option_restart(name);
    d.restart_lines = d.restart_lines || r == Restart::kLines;
    d.restart_sip_stack = d.restart_sip_stack || r == Restart::kSipStack;
  }
  bool ports_restart = !d.ports.added.empty() || !d.ports.removed.empty();
  for (const auto& k : d.ports.changed)
    ports_restart = ports_restart || line_settings_changed(running, loaded, k);
  d.restart_lines = d.restart_lines || ports_restart || d.timers;
  return d;
}

}  // namespace owsip::config
