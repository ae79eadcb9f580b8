#include "voicemail/answering_machine.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>

#include "core/log.h"
#include "line/backend.h"
#include "line/dsp/detectors.h"
#include "line/dsp/level.h"
#include "line/dsp/resample.h"
#include "line/dsp/wav.h"
#include "line/phoneless_line.h"

namespace owsip::voicemail {
namespace {

constexpr const char* kTag = "voicemail";
constexpr int kRate = 8000;
constexpr size_t kFrame = 160;               // 20 ms at 8 kHz
constexpr uint32_t kFrameMs = 20;
constexpr double kSilenceDbm0 = -45;         // quieter than this counts as silence
constexpr uint32_t kAfterGreetingMs = 1500;  // a full mailbox: the caller hears why, then BYE

// 8 kHz samples queued for an earpiece or a caller; taken 20 ms at a time, at either rate.
class Player {
 public:
  void add(const std::vector<int16_t>& pcm) { queue_.insert(queue_.end(), pcm.begin(), pcm.end()); }
  void silence(uint32_t ms) { queue_.insert(queue_.end(), ms * kRate / 1000, 0); }
  void clear() { queue_.clear(); }
  bool empty() const { return queue_.empty(); }
  // Fills `out` (20 ms at `rate`), silence when the queue runs out.
  void fill(std::span<int16_t> out, int rate) {
    const size_t n = rate == 16000 ? out.size() / 2 : out.size();
    narrow_.assign(n, 0);
    for (size_t i = 0; i < n && !queue_.empty(); ++i) {
      narrow_[i] = queue_.front();
      queue_.pop_front();
    }
    if (rate == 16000) line::dsp::upsample2(narrow_, out, last_);
    else std::copy(narrow_.begin(), narrow_.end(), out.begin());
  }

 private:
  std::deque<int16_t> queue_;
  std::vector<int16_t> narrow_;
  int16_t last_ = 0;
};

// 8 kHz audio of a WAV file (a message, a greeting); empty when it cannot be read.
std::vector<int16_t> load_audio(const std::string& path) {
  auto w = line::dsp::read_wav(path);
  if (!w) {
    log::warn(kTag, "%s", w.message().c_str());
    return {};
  }
  if (w->rate == kRate) return std::move(w->samples);
  if (w->rate == 16000) {
    std::vector<int16_t> out(w->samples.size() / 2);
    line::dsp::downsample2(w->samples, out);
    return out;
  }
  log::warn(kTag, "%s: %d Hz, want 8000", path.c_str(), w->rate);
  return {};
}


}  // namespace

std::string prompt_language(const config::Telephony& config) {
  if (!config.voicemail.language.empty()) return config.voicemail.language;
  const std::string& l = config.general.locale;
  return l == "germany" || l == "austria" || l == "switzerland" ? "de" : "en";
}

std::vector<int16_t> beep() {
  std::vector<int16_t> out(kRate * 400 / 1000);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<int16_t>(std::lround(7000 * std::sin(2 * M_PI * 1000 * i / kRate)));
  return out;
}

// --- the mailbox menu ----------------------------------------------------------------------

namespace {

// What the mailbox's owner hears and says: on the port's handset (MenuCall) or on a call from
// outside after the PIN (MachineSession). The store must be there (checked by the owners).
class Menu {
 public:
  Menu(AnsweringMachineService& service, int port) : service_(service), port_(port) {}
  ~Menu() {
    if (greeting_) greeting_->abort();
  }
  Menu(const Menu&) = delete;
  Menu& operator=(const Menu&) = delete;

  // "You have N new messages", then the first message.
  void start() { intro(); }

  // 20 ms of what the owner says, 8 kHz: recorded while a new greeting is being recorded.
  void listen(std::span<const int16_t> narrow) {
    if (!greeting_ || !out_.empty()) return;  // the greeting starts after the beep
    if (Status s = greeting_->write(narrow); !s) {
      log::warn(kTag, "port%d: greeting: %s", port_, s.message().c_str());
      end_greeting();
    }
  }
  // 20 ms at `rate` of what the owner hears.
  void speak(std::span<int16_t> out, int rate) {
    const bool was_playing = !out_.empty();
    out_.fill(out, rate);
    if (was_playing && out_.empty() && playing_) message_played();
  }

  // A key of the owner's phone.
  void key(char d) {
    if (greeting_) {
      if (d == '#') end_greeting();
      return;
    }
    out_.clear();
    switch (d) {
      case '1':
        if (index_ < list_.size()) return play_current();
        return menu();
      case '2':
        heard_current();
        ++index_;
        return play_current();
      case '7':
        if (index_ < list_.size()) {
          const std::string id = list_[index_].id;
          if (Status s = store().remove(id); !s) log::warn(kTag, "port%d: %s", port_, s.message().c_str());
          else log::notice(kTag, "port%d: message %s deleted from the menu", port_, id.c_str());
          list_.erase(list_.begin() + static_cast<long>(index_));
          service_.notify(port_);
          say({"deleted"});
        }
        return play_current();
      case '5': {
        say({"record_greeting"});
        out_.add(beep());
        auto rec = store().start_greeting();
        if (!rec) {
          log::warn(kTag, "port%d: %s", port_, rec.message().c_str());
          return menu();
        }
        // Recording starts once the beep is out: what the phone sends meanwhile is dropped
        // (the prompts are in the earpiece, not the microphone, but the keypress is not).
        greeting_ = std::move(*rec);
        return;
      }
      case '6':
        if (Status s = store().remove_greeting(); !s) log::warn(kTag, "port%d: %s", port_, s.message().c_str());
        say({"greeting_standard"});
        return menu();
      case '8': {
        const bool on = !service_.active(port_);
        service_.set_active(port_, on);
        say({on ? "machine_on" : "machine_off"});
        return menu();
      }
      case '0':
      default:
        return menu();
    }
  }

 private:
  MessageStore& store() { return *service_.store(port_); }
  const std::string& lang() const { return prompts()->language(); }
  const Prompts* prompts() const { return service_.prompts(); }
  void say(const std::vector<std::string>& names) {
    if (prompts()) out_.add(prompts()->render(names));
    out_.silence(300);
  }

  void intro() {
    list_ = store().list();
    // New messages first (oldest first), then the ones heard before.
    std::stable_partition(list_.begin(), list_.end(), [](const MessageInfo& m) { return !m.heard; });
    const int fresh = store().new_count();
    if (prompts()) say(say_message_count(fresh, store().total() - fresh, lang()));
    index_ = 0;
    if (list_.empty()) return menu();
    play_current();
  }

  void menu() {
    playing_ = false;
    say({"menu"});
  }

  void play_current() {
    if (index_ >= list_.size()) {
      playing_ = false;
      say({"no_more_messages"});
      return menu();
    }
    const MessageInfo& m = list_[index_];
    if (prompts())
      out_.add(prompts()->render(say_message_header(static_cast<int>(index_) + 1, m.time,
                                                    static_cast<int64_t>(std::time(nullptr)), lang())));
    out_.silence(300);
    out_.add(load_audio(store().audio_path(m.id)));
    playing_ = true;
  }

  // The current message was heard to its end.
  void message_played() {
    playing_ = false;
    heard_current();
    out_.silence(500);
    say({"menu"});
  }

  void heard_current() {
    if (index_ >= list_.size() || list_[index_].heard) return;
    if (Status s = store().mark_heard(list_[index_].id); !s)
      log::warn(kTag, "port%d: %s", port_, s.message().c_str());
    list_[index_].heard = true;
    service_.notify(port_);
  }

  void end_greeting() {
    auto kept = greeting_->commit();
    greeting_.reset();
    if (kept) {
      log::notice(kTag, "port%d: new greeting, %u ms", port_, kept->duration_ms);
      say({"greeting_saved"});
    } else {
      log::notice(kTag, "port%d: greeting not kept: %s", port_, kept.message().c_str());
      say({"greeting_standard"});
    }
    menu();
  }

  AnsweringMachineService& service_;
  int port_;
  Player out_;
  std::vector<MessageInfo> list_;
  size_t index_ = 0;
  bool playing_ = false;
  std::unique_ptr<Recording> greeting_;
};

}  // namespace

// --- a call the machine took ----------------------------------------------------------------

class MachineSession final : public phone::CallObserver {
 public:
  MachineSession(AnsweringMachineService& service, int port, const line::ToneSet* tones)
      : service_(service), port_(port), line_(port, tones), tick_(service.timers()),
        pin_timer_(service.timers()), keys_(kRate, [this](char d) { key(d); }) {}
  ~MachineSession() override {
    tick_.cancel();
    pin_timer_.cancel();
    if (recording_) recording_->abort();
  }

  bool start(phone::IncomingCall& call, const std::string& account) {
    MessageStore* store = service_.store(port_);
    if (!store) return false;
    info_.caller = call.caller().number;
    info_.caller_name = call.caller().name;
    info_.account = account;
    if (const config::Port* p = service_.port_settings(port_)) pin_ = p->remote_pin;
    auto answered = call.answer(port_, line_, *this);
    if (!answered) {
      log::warn(kTag, "port%d: cannot answer %s: %s", port_, call.describe().c_str(),
                answered.message().c_str());
      return false;
    }
    call_ = std::move(*answered);
    greet(*store);
    last_key_ms_ = now();
    tick_.start(kFrameMs, [this] { tick(); });
    return true;
  }

  // CallObserver: the caller hung up (or the call failed).
  void on_call_progress(int, bool) override {}
  void on_call_answered() override {}
  void on_call_ended(const phone::CallEnd&) override {
    caller_gone_ = true;
    finish("the caller hung up");
  }

 private:
  // kMessage: greeting, then recording; kPin: remote access, the PIN being entered; kMenu:
  // remote access granted, the caller is in the mailbox menu.
  enum class Mode { kMessage, kPin, kMenu };

  uint64_t now() const { return service_.timers().clock().now_ms(); }
  void say(const std::vector<std::string>& names) {
    if (service_.prompts()) out_.add(service_.prompts()->render(names));
    out_.silence(300);
  }

  void greet(MessageStore& store) {
    std::vector<int16_t> greeting;
    if (auto own = store.greeting_path()) greeting = load_audio(*own);
    if (greeting.empty() && service_.prompts())
      greeting = service_.prompts()->render({"greeting_default"});
    out_.silence(300);
    out_.add(greeting);
    if (store.full()) {
      log::notice(kTag, "port%d: mailbox full (%s): greeting only", port_,
                  store.full_reason().c_str());
      if (service_.prompts()) out_.add(service_.prompts()->render({"mailbox_full"}));
      out_.silence(kAfterGreetingMs);
      full_ = true;
      return;
    }
    out_.silence(200);
    out_.add(beep());
  }

  void tick() {
    if (done_) return;
    tick_.start(kFrameMs, [this] { tick(); });
    line::AudioEndpoint* ep = line_.endpoint();
    if (!ep) return;  // held, or not attached yet
    std::array<int16_t, kFrame> mic{}, ear{};
    if (menu_) menu_->speak(mic, kRate);
    else out_.fill(mic, kRate);
    ep->on_line_audio(mic, kRate);
    ep->fill_line_audio(ear, kRate);
    // The caller's keys, whether they came as RFC 4733 events or SIP INFO (played into this
    // audio by the media path) or in the audio itself.
    keys_.feed(ear);
    if (done_) return;
    switch (mode_) {
      case Mode::kMenu:
        menu_->listen(ear);
        if (now() - last_key_ms_ >= kRemoteIdleMs) finish("no key for two minutes");
        return;
      case Mode::kPin:
        if (hang_up_after_prompt_ && out_.empty()) finish("wrong PIN");
        return;
      case Mode::kMessage:
        break;
    }
    if (!out_.empty()) return;  // still greeting
    if (full_) return finish("mailbox full");
    if (!recording_ && !started_) begin_recording();
    if (!recording_) return;
    if (Status s = recording_->write(ear); !s) {
      log::warn(kTag, "port%d: %s", port_, s.message().c_str());
      return finish("the recording stopped");
    }
    const bool quiet = line::dsp::dbm0(line::dsp::mean_square(ear)) < kSilenceDbm0;
    quiet_ms_ = quiet ? quiet_ms_ + kFrameMs : 0;
    recorded_ms_ += kFrameMs;
    const auto& cfg = service_.settings();
    if (quiet_ms_ >= static_cast<uint32_t>(cfg.silence) * 1000) return finish("silence");
    if (recorded_ms_ >= static_cast<uint32_t>(cfg.max_length) * 1000) return finish("maximum length");
  }

  // A key of the caller: * asks for remote access (when the port has a PIN), then the PIN
  // and #; in the menu, the menu's keys.
  void key(char d) {
    if (done_) return;
    last_key_ms_ = now();
    switch (mode_) {
      case Mode::kMessage:
        if (d != '*' || pin_.empty()) return;
        if (service_.pin_guard(port_).locked(now())) {
          log::notice(kTag, "port%d: remote access is locked after wrong PINs", port_);
          return;
        }
        return ask_pin();
      case Mode::kPin:
        if (hang_up_after_prompt_) return;
        if (d == '#') return check_pin();
        if (d == '*') {
          entered_.clear();
          return;
        }
        if (entered_.size() < 16) entered_ += d;
        pin_timer_.start(kPinKeyTimeoutMs, [this] { check_pin(); });
        return;
      case Mode::kMenu:
        return menu_->key(d);
    }
  }

  void ask_pin() {
    if (mode_ == Mode::kMessage) {
      log::info(kTag, "port%d: %s asks for remote access", port_,
                info_.caller.empty() ? "a caller" : info_.caller.c_str());
      if (recording_) recording_->abort();  // the caller is the owner: no message
      recording_.reset();
      started_ = true;
      full_ = false;
    }
    mode_ = Mode::kPin;
    entered_.clear();
    out_.clear();
    say({"enter_pin"});
    pin_timer_.start(kPinTimeoutMs, [this] { check_pin(); });
  }

  void check_pin() {
    pin_timer_.cancel();
    PinGuard& guard = service_.pin_guard(port_);
    const bool ok = guard.check(entered_, pin_, now());
    entered_.clear();
    if (ok) {
      log::notice(kTag, "port%d: remote access to the mailbox by %s", port_,
                  info_.caller.empty() ? "an unknown caller" : info_.caller.c_str());
      out_.clear();
      mode_ = Mode::kMenu;
      menu_ = std::make_unique<Menu>(service_, port_);
      menu_->start();
      return;
    }
    ++tries_;
    const bool locked = guard.locked(now());
    log::warn(kTag, "port%d: wrong PIN from %s (try %d)%s", port_,
              info_.caller.empty() ? "an unknown caller" : info_.caller.c_str(), tries_,
              locked ? ": remote access locked for ten minutes" : "");
    out_.clear();
    out_.silence(kWrongPinPauseMs);  // no quick guessing
    say({"wrong_pin"});
    if (tries_ >= PinGuard::kTriesPerCall || locked) {
      say({"goodbye"});
      hang_up_after_prompt_ = true;
      return;
    }
    say({"enter_pin"});
    pin_timer_.start(kPinTimeoutMs, [this] { check_pin(); });
  }

  void begin_recording() {
    started_ = true;
    MessageStore* store = service_.store(port_);
    if (!store) return finish("no mailbox");
    auto rec = store->start_message(info_);
    if (!rec) {
      log::notice(kTag, "port%d: not recorded: %s", port_, rec.message().c_str());
      return finish("not recorded");
    }
    recording_ = std::move(*rec);
    log::info(kTag, "port%d: recording %s", port_,
              info_.caller.empty() ? "a caller" : info_.caller.c_str());
  }

  // Keeps what was recorded and hangs up (unless the caller did).
  void finish(const char* why) {
    if (done_) return;
    done_ = true;
    tick_.cancel();
    pin_timer_.cancel();
    if (recording_) {
      auto kept = recording_->commit();
      if (kept)
        log::notice(kTag, "port%d: message %s from %s, %u ms (%s)", port_, kept->id.c_str(),
                    kept->caller.empty() ? "an unknown caller" : kept->caller.c_str(),
                    kept->duration_ms, why);
      else
        log::notice(kTag, "port%d: no message kept (%s): %s", port_, why, kept.message().c_str());
      recording_.reset();
      service_.notify(port_);
    }
    if (!caller_gone_) log::info(kTag, "port%d: hanging up (%s)", port_, why);
    service_.finished(this);  // the call (BYE) goes with the session, from the loop
  }

  static constexpr uint32_t kPinTimeoutMs = 10000;     // from the prompt to #
  static constexpr uint32_t kPinKeyTimeoutMs = 5000;   // after the last key, # or not
  static constexpr uint32_t kWrongPinPauseMs = 2000;
  static constexpr uint64_t kRemoteIdleMs = 120000;    // in the menu without a key: BYE

  AnsweringMachineService& service_;
  int port_;
  line::PhonelessLine line_;  // the machine's own line: no phone, driven by tick_
  std::unique_ptr<phone::Call> call_;
  MessageInfo info_;
  Player out_;
  std::unique_ptr<Recording> recording_;
  Timer tick_;
  Timer pin_timer_;
  line::dsp::DtmfDetector keys_;
  Mode mode_ = Mode::kMessage;
  std::string pin_;      // the port's remote_pin when the call came; empty: no remote access
  std::string entered_;  // keys since the PIN prompt
  int tries_ = 0;
  bool hang_up_after_prompt_ = false;
  std::unique_ptr<Menu> menu_;
  uint64_t last_key_ms_ = 0;
  uint32_t quiet_ms_ = 0, recorded_ms_ = 0;
  bool started_ = false, full_ = false, done_ = false, caller_gone_ = false;
};

namespace {

// The menu on the port's own handset: a call to the features' mailbox code.
class MenuCall final : public phone::Call, public line::AudioEndpoint {
 public:
  MenuCall(AnsweringMachineService& service, int port, line::Line& line,
           phone::CallObserver& observer)
      : service_(service), port_(port), line_(line), observer_(observer), menu_(service, port),
        answer_(service.timers()) {}
  ~MenuCall() override { line_.attach_audio(nullptr); }

  Status start() {
    if (!service_.store(port_)) return Status::error("port" + std::to_string(port_) + " has no answering machine");
    if (!line_.attach_audio(this)) return Status::error("the line cannot play the menu");
    // Answered from the loop, never from inside place() (call_control.h).
    answer_.start(0, [this] {
      observer_.on_call_answered();
      menu_.start();
    });
    return Status::ok();
  }

  // phone::Call: the keys of the handset.
  void send_dtmf(char digit) override { menu_.key(digit); }
  void hold(bool) override {}
  std::string describe() const override { return "mailbox of port" + std::to_string(port_); }

  // AudioEndpoint
  void on_line_audio(std::span<const int16_t> mic, int rate) override {
    if (rate != 16000) return menu_.listen(mic);
    narrow_.resize(mic.size() / 2);
    line::dsp::downsample2(mic, narrow_);
    menu_.listen(narrow_);
  }
  void fill_line_audio(std::span<int16_t> ear, int rate) override { menu_.speak(ear, rate); }

 private:
  AnsweringMachineService& service_;
  int port_;
  line::Line& line_;
  phone::CallObserver& observer_;
  Menu menu_;
  Timer answer_;
  std::vector<int16_t> narrow_;
};

}  // namespace

// --- the service --------------------------------------------------------------------------------

AnsweringMachineService::AnsweringMachineService(TimerQueue& timers,
                                                 std::function<void(int port)> changed)
    : timers_(timers), changed_(std::move(changed)), reaper_(timers) {}

AnsweringMachineService::~AnsweringMachineService() {
  sessions_.clear();  // recordings abort, calls hang up
}

void AnsweringMachineService::configure(const config::Telephony& config) {
  config_ = &config;
  const config::Voicemail& v = config.voicemail;
  StoreLimits limits;
  limits.quota_bytes = static_cast<uint64_t>(v.quota) * 1024 * 1024;
  limits.max_messages = v.max_messages;
  for (const auto& p : config.ports) {
    if (!p.answering_machine) continue;
    const std::string dir = v.dir + "/port" + std::to_string(p.id);
    Mailbox& box = boxes_[p.id];
    if (box.store && box.dir == dir) {
      box.store->set_limits(limits);
      continue;
    }
    if (box.store) retired_.push_back(std::move(box.store));
    auto store = std::make_unique<MessageStore>(dir, limits, kRate);
    if (Status s = store->open(); !s) {
      log::err(kTag, "port%d: %s: the answering machine is off", p.id, s.message().c_str());
      boxes_.erase(p.id);
      continue;
    }
    log::info(kTag, "port%d: mailbox %s: %d message(s), %d new", p.id, dir.c_str(),
              store->total(), store->new_count());
    box.dir = dir;
    box.store = std::move(store);
    notify(p.id);
  }
  for (auto it = boxes_.begin(); it != boxes_.end();) {
    const config::Port* p = line::port_section(config, it->first);
    if (p && p->answering_machine) {
      ++it;
      continue;
    }
    retired_.push_back(std::move(it->second.store));
    const int port = it->first;
    it = boxes_.erase(it);
    notify(port);
  }
  if (sessions_.empty()) retired_.clear();
  const std::string lang = prompt_language(config);
  const std::string key = v.prompts + "|" + lang;
  if (boxes_.empty() || key == prompts_key_) return;
  prompts_key_ = key;
  auto p = Prompts::load(v.prompts, lang);
  if (!p) {
    log::warn(kTag, "prompts: %s: the machine beeps without words", p.message().c_str());
    prompts_.reset();
    return;
  }
  prompts_ = std::move(*p);
}

bool AnsweringMachineService::active(int port) const {
  const MessageStore* s = store(port);
  return s && !std::filesystem::exists(s->dir() + "/off");
}

void AnsweringMachineService::set_active(int port, bool on) {
  MessageStore* s = store(port);
  if (!s) return;
  const std::string marker = s->dir() + "/off";
  std::error_code ec;
  if (on) std::filesystem::remove(marker, ec);
  else std::ofstream(marker) << "switched off from the handset\n";
  log::notice(kTag, "port%d: answering machine %s", port, on ? "on" : "off");
}

const config::Port* AnsweringMachineService::port_settings(int port) const {
  return config_ ? line::port_section(*config_, port) : nullptr;
}

PinGuard& AnsweringMachineService::pin_guard(int port) {
  return pin_guards_[port];
}

MessageStore* AnsweringMachineService::store(int port) {
  auto it = boxes_.find(port);
  return it == boxes_.end() ? nullptr : it->second.store.get();
}

const MessageStore* AnsweringMachineService::store(int port) const {
  auto it = boxes_.find(port);
  return it == boxes_.end() ? nullptr : it->second.store.get();
}

int AnsweringMachineService::new_messages(int port) const {
  const MessageStore* s = store(port);
  return s ? s->new_count() : 0;
}

std::vector<int> AnsweringMachineService::ports() const {
  std::vector<int> out;
  for (const auto& [port, box] : boxes_) out.push_back(port);
  return out;
}

int AnsweringMachineService::port_of(const std::string& id) const {
  for (const auto& [port, box] : boxes_)
    if (box.store->find(id)) return port;
  return -1;
}

bool AnsweringMachineService::take(phone::IncomingCall& call, int port,
                                   const std::string& account) {
  if (!store(port) || !config_) return false;
  auto session = std::make_unique<MachineSession>(*this, port,
                                                  line::find_tone_set(config_->general.locale));
  if (!session->start(call, account)) return false;
  sessions_.push_back(std::move(session));
  return true;
}

Result<std::unique_ptr<phone::Call>> AnsweringMachineService::open_menu(
    int port, line::Line& line, phone::CallObserver& observer) {
  auto menu = std::make_unique<MenuCall>(*this, port, line, observer);
  if (Status s = menu->start(); !s) return s;
  return std::unique_ptr<phone::Call>(std::move(menu));
}

void AnsweringMachineService::finished(MachineSession* s) {
  finished_.push_back(s);
  reaper_.start(0, [this] {
    std::vector<MachineSession*> gone;
    gone.swap(finished_);
    sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                   [&gone](const auto& p) {
                                     return std::find(gone.begin(), gone.end(), p.get()) != gone.end();
                                   }),
                    sessions_.end());
    if (sessions_.empty()) retired_.clear();
  });
}

}  // namespace owsip::voicemail
