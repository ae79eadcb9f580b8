#pragma once
// LEDs and GPIO relays through sysfs. Every path goes through one root ("/sys" on the router),
// which tests point at a temporary directory.

#include <string>
#include <string_view>

#include "core/status.h"
#include "line/line.h"

namespace owsip::line {

class Sysfs {
 public:
  explicit Sysfs(std::string root = "/sys") : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string path(std::string_view rel) const { return root_ + "/" + std::string(rel); }
  bool exists(std::string_view rel) const;
  Status write(std::string_view rel, std::string_view value) const;
  // The file's first line, or "" when it cannot be read.
  std::string read(std::string_view rel) const;

 private:
  std::string root_;
};

// A LED under class/leds/NAME: on, off, or blinking with the kernel's timer trigger.
// Failures are logged once and otherwise ignored: a missing LED must not stop a call.
class Led {
 public:
  Led(const Sysfs& sysfs, std::string name);
  void set(LedMode mode);
  LedMode mode() const { return mode_; }
  const std::string& name() const { return name_; }

 private:
  void write(std::string_view file, std::string_view value);
  const Sysfs& sysfs_;
  std::string name_;
  LedMode mode_ = LedMode::off;
  bool set_once_ = false;
  bool warned_ = false;
};

// A relay on a GPIO (relay section): driven to `value` while owsip runs, released at exit.
class GpioRelay {
 public:
  GpioRelay(const Sysfs& sysfs, int gpio, int value);
  ~GpioRelay() { release(); }
  GpioRelay(const GpioRelay&) = delete;
  GpioRelay& operator=(const GpioRelay&) = delete;

  Status engage();
  void release();
  int gpio() const { return gpio_; }

 private:
  const Sysfs& sysfs_;
  int gpio_;
  int value_;
  bool exported_by_us_ = false;
  bool engaged_ = false;
};

}  // namespace owsip::line
