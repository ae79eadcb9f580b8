#include "phone/emergency.h"

#include <algorithm>

namespace owsip::phone {
namespace {

struct Country {
  std::string_view locale;
  std::string_view numbers;  // space-separated
};

// 112 in every EU/EEA member state (Directive (EU) 2018/1972, Article 109); the national
// numbers as the countries publish them (docs/SERVICES.md names the source of each row and
// the rows no source settled).
constexpr Country kCountries[] = {
    {"australia", "000 112 106"},
    {"austria", "112 122 133 144 140 141"},
    {"belgium", "112 100 101"},
    {"bulgaria", "112 150 160 166"},
    {"canada", "911"},
    {"china", "110 119 120 122"},
    {"croatia", "112 192 193 194"},
    {"czech_republic", "112 150 155 158"},
    {"denmark", "112"},
    {"finland", "112"},
    {"france", "112 15 17 18 114"},
    {"germany", "110 112"},
    {"greece", "112 100 166 199"},
    {"hungary", "112 104 105 107"},
    {"india", "112 100 101 102 108"},
    {"ireland", "112 999"},
    {"italy", "112 113 115 118"},
    {"japan", "110 118 119"},
    {"lithuania", "112"},
    {"netherlands", "112"},
    {"new_zealand", "111"},
    {"norway", "112 110 113"},
    {"poland", "112 997 998 999"},
    {"portugal", "112"},
    {"russia", "112 101 102 103 104"},
    {"singapore", "999 995"},
    {"south_africa", "10111 10177 112"},
    {"spain", "112 091 062"},
    {"sweden", "112"},
    {"switzerland", "112 117 118 144"},
    {"united_kingdom", "999 112"},
    {"united_states", "911"},
};

void add_words(std::string_view text, std::vector<std::string>& out) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
    std::string w(text.substr(i, j - i));
    if (!w.empty() && std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
    i = j;
  }
}

}  // namespace

std::vector<std::string> locale_emergency_numbers(std::string_view locale) {
  std::vector<std::string> out;
  for (const Country& c : kCountries)
    if (c.locale == locale) add_words(c.numbers, out);
  if (out.empty()) out = {"112", "911"};
  return out;
}

std::vector<std::string> emergency_numbers(std::string_view locale, std::string_view extra) {
  std::vector<std::string> out = locale_emergency_numbers(locale);
  add_words(extra, out);
  return out;
}

}  // namespace owsip::phone
