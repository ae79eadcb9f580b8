#include "line/sysfs.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/log.h"

namespace owsip::line {

bool Sysfs::exists(std::string_view rel) const {
  struct stat st;
  return ::stat(path(rel).c_str(), &st) == 0;
}

Status Sysfs::write(std::string_view rel, std::string_view value) const {
  const std::string p = path(rel);
  std::ofstream out(p, std::ios::out | std::ios::trunc);
  if (!out) return Status::error(p + ": " + std::strerror(errno));
  out << value << "\n";
  out.flush();
  if (!out) return Status::error(p + ": write failed");
  return Status::ok();
}

std::string Sysfs::read(std::string_view rel) const {
  std::ifstream in(path(rel));
  std::string line;
  std::getline(in, line);
  return line;
}

Led::Led(const Sysfs& sysfs, std::string name) : sysfs_(sysfs), name_(std::move(name)) {}

void Led::write(std::string_view file, std::string_view value) {
  Status s = sysfs_.write("class/leds/" + name_ + "/" + std::string(file), value);
  if (!s && !warned_) {
    warned_ = true;
    log::warn("line", "LED %s: %s", name_.c_str(), s.message().c_str());
  }
}

void Led::set(LedMode mode) {
  if (mode == mode_ && set_once_) return;
  mode_ = mode;
  set_once_ = true;
  switch (mode) {
    case LedMode::off:
      write("trigger", "none");
      write("brightness", "0");
      break;
    case LedMode::on: {
      write("trigger", "none");
      std::string max = sysfs_.read("class/leds/" + name_ + "/max_brightness");
      write("brightness", max.empty() ? "1" : max);
      break;
    }
    case LedMode::blink:
      write("trigger", "timer");
      // The timer trigger creates these files owned by root, so owsip running as its own user
      // cannot write them; the trigger blinks at 1 Hz (500/500 ms) on its own then.
      (void)sysfs_.write("class/leds/" + name_ + "/delay_on", "500");
      (void)sysfs_.write("class/leds/" + name_ + "/delay_off", "500");
      break;
    case LedMode::pulse:
      // ledtrig-heartbeat (CONFIG_LEDS_TRIGGER_HEARTBEAT): a double flash about once a second,
      // told apart from ringing's even blink, with nothing to write as root.
      write("trigger", "heartbeat");
      break;
  }
}

GpioRelay::GpioRelay(const Sysfs& sysfs, int gpio, int value)
    : sysfs_(sysfs), gpio_(gpio), value_(value) {}

Status GpioRelay::engage() {
  const std::string dir = "class/gpio/gpio" + std::to_string(gpio_);
  if (!sysfs_.exists(dir)) {
    if (Status s = sysfs_.write("class/gpio/export", std::to_string(gpio_)); !s)
      return Status::error("relay gpio " + std::to_string(gpio_) + ": " + s.message());
    exported_by_us_ = true;
  }
  // "high"/"low" set direction and level at once, without a glitch to the other level.
  if (Status s = sysfs_.write(dir + "/direction", value_ ? "high" : "low"); !s)
    return Status::error("relay gpio " + std::to_string(gpio_) + ": " + s.message());
  if (Status s = sysfs_.write(dir + "/value", std::to_string(value_)); !s)
    return Status::error("relay gpio " + std::to_string(gpio_) + ": " + s.message());
  engaged_ = true;
  log::info("line", "relay gpio %d set to %d", gpio_, value_);
  return Status::ok();
}

void GpioRelay::release() {
  if (!engaged_) return;
  engaged_ = false;
  const std::string dir = "class/gpio/gpio" + std::to_string(gpio_);
  (void)sysfs_.write(dir + "/value", value_ ? "0" : "1");
  (void)sysfs_.write(dir + "/direction", "in");
  if (exported_by_us_) (void)sysfs_.write("class/gpio/unexport", std::to_string(gpio_));
  log::info("line", "relay gpio %d released", gpio_);
}

}  // namespace owsip::line
