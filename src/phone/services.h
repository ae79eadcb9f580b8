#pragma once
// The services a user switches from the handset, per port: do-not-disturb and the three
// forwardings. The ports set them (star codes, feature_codes.h) and the switchboard reads them
// when a call comes in. They outlive a restart in `features.state_file` (JSON, written to a
// temporary file and renamed over the old one, so a power cut leaves the old or the new file);
// a file that is missing starts with nothing set, one that cannot be read is logged and
// replaced at the next change.
//
// Also here, in memory only: each port's last caller and last dialled target (call return and
// redial).

#include <map>
#include <optional>
#include <string>

#include "config/telephony.h"
#include "phone/call_control.h"
#include "phone/feature_codes.h"

namespace owsip::phone {

struct PortServices {
  bool dnd = false;
  std::string forward_all;       // number or SIP address; empty: off
  std::string forward_busy;
  std::string forward_noanswer;
  // Something changes how calls reach the port (the phone hears stutter dial tone).
  bool any() const { return dnd || !forward_all.empty() || !forward_busy.empty() || !forward_noanswer.empty(); }
  bool operator==(const PortServices&) const = default;
  // "do not disturb, forward on busy to 0301234"; "" when none is on (log, owsipctl ports).
  std::string describe() const;
};

class Services {
 public:
  explicit Services(const config::Features& features);
  // A new features section: codes and options from now on; the state file is read again when
  // its path changed.
  void configure(const config::Features& features);

  const config::Features& features() const { return features_; }
  const FeatureCodes& codes() const { return codes_; }

  const PortServices& port(int id) const;
  // Changes the port's services and saves them; false (logged) when the file cannot be written
  // (the change holds until the daemon stops).
  bool set(int id, const PortServices& s);

  // Call return and redial.
  void set_last_caller(int port, const DialTarget& t) { last_caller_[port] = t; }
  std::optional<DialTarget> last_caller(int port) const;
  void set_last_dialled(int port, const DialTarget& t) { last_dialled_[port] = t; }
  std::optional<DialTarget> last_dialled(int port) const;

  // The state file's text for `ports` (tests).
  static std::string encode(const std::map<int, PortServices>& ports);
  static std::optional<std::map<int, PortServices>> decode(const std::string& text);

 private:
  void load();
  bool save() const;

  config::Features features_;
  FeatureCodes codes_;
  std::map<int, PortServices> ports_;
  std::map<int, DialTarget> last_caller_;
  std::map<int, DialTarget> last_dialled_;
};

}  // namespace owsip::phone
