#pragma once
// Emergency numbers per country (the `locale` option's countries, see line/tone_set.cc), plus
// the ones general.emergency adds. An emergency number is dialled at once and always allowed:
// on a `nodial` port, past outgoing barring and barred digit-map alternatives. Where each
// country's numbers come from is in docs/SERVICES.md ("Emergency numbers").

#include <string>
#include <string_view>
#include <vector>

namespace owsip::phone {

// The numbers of `locale` (empty for a locale the table does not know: then 112 and 911, the
// two ITU-T E.161.1 recommends, stand in).
std::vector<std::string> locale_emergency_numbers(std::string_view locale);

// The locale's numbers and the space-separated `extra` ones.
std::vector<std::string> emergency_numbers(std::string_view locale, std::string_view extra);

}  // namespace owsip::phone
