#pragma once
// The difference between the running and a newly loaded configuration, section by section,
// so that a reload touches only what changed: an unchanged account keeps its registration, an
// unchanged port keeps its call. Sections are matched by key (telephony.h).

#include <string>
#include <vector>

#include "config/telephony.h"

namespace owsip::config {

struct SectionDiff {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

struct ConfigDiff {
  std::vector<std::string> general;  // names of changed general options
  bool stun = false;
  bool features = false;  // the features section changed (applies to the next call)
  bool voicemail = false;  // the voicemail section changed (applies to the next message)
  bool timers = false;
  SectionDiff accounts;
  SectionDiff ports;
  SectionDiff contacts;
  SectionDiff relays;
  // What the change restarts (Restart in schema.h): the lines when a general option marked
  // kLines, a port section or the timers changed; the SIP stack when a general option marked
  // kSipStack changed (the accounts are diffed on their own above).
  bool restart_lines = false;
  bool restart_sip_stack = false;

  bool empty() const;
  // One line for the log, e.g. "general: log_level; accounts: +fxs3 ~fxs1 -fxs2".
  std::string summary() const;
};

ConfigDiff diff(const Telephony& running, const Telephony& loaded);

}  // namespace owsip::config
