#pragma once
// Message waiting from the provider (RFC 3842): the body of a `message-summary` NOTIFY,
// `application/simple-message-summary`, read as pure text. mwi_client.h does the signalling.
//
//   Messages-Waiting: yes
//   Message-Account: sip:alice@vmail.example.com
//   Voice-Message: 2/8 (0/2)
//
// Section 5.2: the first line is mandatory ("yes"/"no"); Message-Account optional; then one
// line per message class ("Voice-Message", "Fax-Message", ...: new/old, optionally
// (urgent new/urgent old)); optional message headers after a blank line are ignored here.

#include <optional>
#include <string>
#include <string_view>

namespace owsip::sip {

struct MessageSummary {
  bool waiting = false;     // Messages-Waiting
  std::string account;      // Message-Account, may be empty
  int voice_new = -1;       // Voice-Message counts; -1: the body gives none
  int voice_old = -1;
  // "3 new, 1 old voice messages" / "messages waiting" / "no messages".
  std::string describe() const;
  bool operator==(const MessageSummary&) const = default;
};

// nullopt when the body has no valid Messages-Waiting line (RFC 3842 section 5.2 makes it
// mandatory) or a message-class line whose counts are not numbers. Header names are
// case-insensitive, white space around values is allowed, CRLF or LF line ends.
std::optional<MessageSummary> parse_message_summary(std::string_view body);

}  // namespace owsip::sip
