#pragma once
// Checks of string option values beyond their type (schema.cc's `check` field): each returns
// an error message naming the option, or "" when the value is good.

#include <string>
#include <string_view>
#include <vector>

namespace owsip::config {

// host[:port], IPv6 in brackets.
std::string check_registrar(const std::string& v);
// A sip: or sips: URI of a proxy, in <> or not, without a user; transport udp, tcp or tls.
std::string check_outbound(const std::string& v);
// Goes into a quoted From display name: no quotes, backslashes or control characters.
std::string check_display_name(const std::string& v);
// An account's `mailbox`: a user name or a sip:/sips: URI, without blanks, quotes or '<>'.
std::string check_mailbox(const std::string& v);
// A number or SIP user name to dial (an account's `voicemail`): 0-9 * # + and letters, '-',
// '.', '_'.
std::string check_dial_user(const std::string& v);
// Codec names of the media layer (media/codec.h), separated by spaces or commas.
std::string check_codecs(const std::string& v);
// A contact's short-dial code: 0-9, a-z, A-Z.
std::string check_code(const std::string& v);
// A digit map (config/digit_map.h).
std::string check_digit_map(const std::string& v);
// Dial plan options (docs/SERVICES.md): keys a phone can dial (0-9 * #); a space-separated
// list of them; an account's prefix; a list of emergency numbers (digits); a list of digit-map
// patterns (number ranges).
std::string check_keys(const std::string& v);
std::string check_keys_list(const std::string& v);
std::string check_pin(const std::string& v);  // empty, or 4 to 10 digits
std::string check_account_prefix(const std::string& v);
std::string check_emergency(const std::string& v);
std::string check_number_patterns(const std::string& v);
// The words of a value of several (`list` options arrive joined with spaces).
std::vector<std::string> words(const std::string& v);
// Letters to the digits of the ITU E.161 keypad (`example` is 3926753); digits, '*' and '#'
// stay.
std::string keypad_digits(std::string_view code);
// A star code: '*' or '#' and then 1..6 of 0-9 * #; `off` (no code for the service) too.
std::string check_feature_code(const std::string& v);
// Space-separated star codes (passthrough).
std::string check_passthrough_codes(const std::string& v);
// A host name or address: no blanks or slashes.
std::string check_host(const std::string& v);
// A port's `led`: the LED's name, or its sysfs path /sys/class/leds/NAME[/], which becomes the
// name. Returns "" or what is wrong (a path elsewhere, a name with a slash).
std::string normalize_led(std::string& led);

}  // namespace owsip::config
