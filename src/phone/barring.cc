#include "phone/barring.h"

#include "config/digit_map.h"

namespace owsip::phone {
namespace {

// The entry of the space-separated `patterns` whose digit map matches the start of `number`.
std::string barred_by(const std::string& patterns, const std::string& number) {
  size_t i = 0;
  while (i < patterns.size()) {
    while (i < patterns.size() && patterns[i] == ' ') ++i;
    size_t j = patterns.find(' ', i);
    if (j == std::string::npos) j = patterns.size();
    const std::string entry = patterns.substr(i, j - i);
    i = j;
    if (entry.empty()) continue;
    auto map = config::DigitMap::parse(entry);  // checked at load
    if (map && map->matches_prefix_of(number)) return entry;
  }
  return "";
}

int refusal(const std::string& what, const std::string& bar_incoming, int response,
            bool anonymous_reject, const line::dsp::CallerId& caller, std::string& why) {
  if (anonymous_caller(caller)) {
    if (!anonymous_reject) return 0;
    why = "anonymous caller (anonymous_reject of " + what + ")";
    return kAnonymityDisallowed;
  }
  if (caller.number.empty() || bar_incoming.empty()) return 0;
  const std::string entry = barred_by(bar_incoming, caller.number);
  if (entry.empty()) return 0;
  why = "caller " + caller.number + " barred by '" + entry + "' (bar_incoming of " + what + ")";
  return response;
}

}  // namespace

bool anonymous_caller(const line::dsp::CallerId& caller) {
  return caller.absence == line::dsp::CidAbsence::withheld ||
         (caller.number.empty() && caller.name.empty());
}

int account_refusal(const config::Telephony& config, const std::string& account,
                    const line::dsp::CallerId& caller, std::string& why) {
  const config::Account* a = config.find_account(account);
  if (!a) return 0;
  return refusal("account " + account, a->bar_incoming, a->bar_incoming_response,
                 a->anonymous_reject, caller, why);
}

int port_refusal(const config::Telephony& config, int port, const line::dsp::CallerId& caller,
                 std::string& why) {
  for (const auto& p : config.ports)
    if (p.id == port)
      return refusal("port " + std::to_string(port), p.bar_incoming, p.bar_incoming_response,
                     p.anonymous_reject, caller, why);
  return 0;
}

}  // namespace owsip::phone
