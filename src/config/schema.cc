#include "config/schema.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config/digit_map.h"
#include "config/uci.h"
#include "core/log.h"

namespace owsip::config {
namespace {

enum class Kind { kString, kInt, kBool, kEnum };

using ChoicesFn = std::vector<std::string> (*)(const Environment&);
// Extra check of a string value; returns an error message or "".
using CheckFn = std::string (*)(const std::string&);

template <class S>
struct Field {
  std::string_view name;
  Kind kind = Kind::kString;
  std::string S::*str = nullptr;
  int S::*num = nullptr;
  bool S::*flag = nullptr;
  bool required = false;
  int min = 0;
  int max = 0;
  ChoicesFn choices = nullptr;
  CheckFn check = nullptr;
  bool secret = false;
  std::string_view help;
};

enum Req : bool { kOptional = false, kRequired = true };

template <class S>
constexpr Field<S> text(std::string_view name, std::string S::*m, Req req, std::string_view help,
                        CheckFn check = nullptr) {
  Field<S> f;
  f.name = name;
  f.kind = Kind::kString;
  f.str = m;
  f.required = req;
  f.check = check;
  f.help = help;
  return f;
}
template <class S>
constexpr Field<S> secret(std::string_view name, std::string S::*m, Req req,
                          std::string_view help) {
  Field<S> f = text(name, m, req, help);
  f.secret = true;
  return f;
}
template <class S>
constexpr Field<S> integer(std::string_view name, int S::*m, Req req, int min, int max,
                           std::string_view help) {
  Field<S> f;
  f.name = name;
  f.kind = Kind::kInt;
  f.num = m;
  f.required = req;
  f.min = min;
  f.max = max;
  f.help = help;
  return f;
}
template <class S>
constexpr Field<S> boolean(std::string_view name, bool S::*m, std::string_view help) {
  Field<S> f;
  f.name = name;
  f.kind = Kind::kBool;
  f.flag = m;
  f.help = help;
  return f;
}
template <class S>
constexpr Field<S> choice(std::string_view name, std::string S::*m, Req req, ChoicesFn choices,
                          std::string_view help) {
  Field<S> f;
  f.name = name;
  f.kind = Kind::kEnum;
  f.str = m;
  f.required = req;
  f.choices = choices;
  f.help = help;
  return f;
}

std::vector<std::string> backends(const Environment& env) { return env.backends; }
std::vector<std::string> locales(const Environment& env) { return env.locales; }
std::vector<std::string> cids(const Environment&) { return cid_standards(); }
std::vector<std::string> contact_types(const Environment&) { return {"sip", "realm"}; }
std::vector<std::string> sip_transports(const Environment&) { return {"udp", "tcp", "tls"}; }
std::vector<std::string> srtp_policies(const Environment&) { return {"off", "optional", "mandatory"}; }
std::vector<std::string> inbound_sources(const Environment&) { return {"registrar", "any"}; }
std::vector<std::string> inbound_uris(const Environment&) { return {"contact", "user", "any"}; }
std::vector<std::string> echo_modes(const Environment&) { return {"off", "nlec", "wlec"}; }
std::vector<std::string> kpi_modes(const Environment&) { return {"auto", "on", "off"}; }

// "host", "host:port", "[v6]" or "[v6]:port"; "" when well-formed, else why not.
std::string check_host_port(const char* what, const std::string& v) {
  const std::string bad = std::string(what) + " '" + v + "'";
  std::string_view s = v, host = s, port;
  bool has_port = false;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return bad + " opens '[' without ']'";
    host = s.substr(1, close - 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad + ": expected ':port' after ']'";
      port = rest.substr(1);
      has_port = true;
    }
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return bad + " is not an IPv6 address in brackets";
  } else {
    size_t colon = s.find(':');
    if (colon != s.rfind(':')) return bad + " is not host[:port] (an IPv6 address needs [brackets])";
    if (colon != std::string_view::npos) {
      host = s.substr(0, colon);
      port = s.substr(colon + 1);
      has_port = true;
    }
    if (host.empty() || host.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
                            std::string_view::npos)
      return bad + " is not host[:port] (an IPv6 address needs [brackets])";
  }
  if (has_port) {
    long n = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || n > 65535) return bad + ": the port is not a number 1..65535";
      n = n * 10 + (c - '0');
    }
    if (port.empty() || n < 1 || n > 65535) return bad + ": the port is not a number 1..65535";
  }
  return "";
}

std::string check_registrar(const std::string& v) { return check_host_port("registrar", v); }

std::string check_outbound(const std::string& v) {
  std::string_view s = v;
  if (!s.empty() && s.front() == '<') {
    if (s.back() != '>') return "outbound proxy '" + v + "' opens '<' without closing '>'";
    s = s.substr(1, s.size() - 2);
  }
  if (s.rfind("sip:", 0) == 0) {
    s.remove_prefix(4);
  } else if (s.rfind("sips:", 0) == 0) {
    s.remove_prefix(5);
  } else {
    return "outbound proxy '" + v + "' is not a sip: or sips: URI";
  }
  if (s.find_first_of(" \t") != std::string_view::npos)
    return "outbound proxy '" + v + "' contains a blank";
  if (s.find('@') != std::string_view::npos)
    return "outbound proxy '" + v + "' names a user; write sip:host[:port][;params]";
  const std::string host_port(s.substr(0, s.find(';')));
  if (std::string msg = check_host_port("outbound proxy host", host_port); !msg.empty()) return msg;
  if (size_t t = s.find(";transport="); t != std::string_view::npos) {
    std::string_view tp = s.substr(t + 11);
    tp = tp.substr(0, tp.find(';'));
    if (tp != "udp" && tp != "tcp" && tp != "tls" && tp != "UDP" && tp != "TCP" && tp != "TLS")
      return "outbound proxy '" + v + "': transport must be udp, tcp or tls";
  }
  return "";
}

// Goes into a quoted From display name: no quotes, backslashes or control characters.
std::string check_display_name(const std::string& v) {
  for (char c : v)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      return "display_name '" + v + "' may not hold quotes, backslashes or control characters";
  return "";
}

// Codec names of the media layer (media/codec.h), separated by spaces or commas.
std::string check_codecs(const std::string& v) {
  static const char* const kKnown[] = {"PCMU", "PCMA", "G722"};
  std::string name;
  for (size_t i = 0; i <= v.size(); ++i) {
    if (i < v.size() && v[i] != ' ' && v[i] != ',' && v[i] != '\t') {
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(v[i])));
      continue;
    }
    if (name.empty()) continue;
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown))
      return "codecs: unknown codec '" + name + "' (known: PCMU PCMA G722)";
    name.clear();
  }
  return "";
}

std::string check_code(const std::string& v) {
  for (char c : v) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!ok) return "contact code '" + v + "' may hold only 0-9, a-z and A-Z";
  }
  return "";
}

std::string check_digit_map(const std::string& v) {
  auto m = DigitMap::parse(v);
  return m ? "" : m.message();
}

std::string check_host(const std::string& v) {
  if (v.find_first_of(" \t/") != std::string::npos) return "host '" + v + "' is not a host name";
  return "";
}

// Every field of every section type. The help strings feed the README's option table.
const Field<General> kGeneralFields[] = {
    text("name", &General::name, kOptional, "name the daemon announces (User-Agent)"),
    choice("backend", &General::backend, kOptional, backends, "line backend driving the FXS ports"),
    integer("ossdev", &General::ossdev, kOptional, 0, 8, "TAPI device index: ltq_tapi opens /dev/vmmc<N+1>0 and its channels /dev/vmmc<N+1>1, 2, ..."),
    integer("log_level", &General::log_level, kOptional, 0, 7, "verbosity, syslog levels 0 (emerg) to 7 (debug)"),
    text("interface", &General::interface, kOptional, "network interface whose address SIP and RTP bind to, followed as it changes; `any` or empty: the address of the default route"),
    integer("local_port", &General::local_port, kOptional, 1, 65535, "SIP port (UDP and TCP)"),
    integer("rtp_port", &General::rtp_port, kOptional, 1, 65535, "first RTP port; RTP/RTCP pairs are allocated upward from it"),
    text("outbound", &General::outbound, kOptional, "outbound proxy, e.g. `<sip:192.168.1.1:9060;lr;transport=udp>`", check_outbound),
    choice("cid", &General::cid, kOptional, cids, "caller-ID standard; unset sends no caller ID"),
    choice("locale", &General::locale, kOptional, locales, "country whose call-progress tones and ring cadence are used"),
    boolean("revert", &General::revert, "swap FXS port 0 and port 1"),
    text("sim_socket", &General::sim_socket, kOptional, "sim backend: Unix socket where virtual phones (owsip-phone) connect"),
    text("ctl_socket", &General::ctl_socket, kOptional, "control socket for owsipctl, ubus and the web UI (JSON lines)"),
    text("ctl_group", &General::ctl_group, kOptional, "group allowed to use the control socket (mode 0660); unset: root only"),
    text("call_log", &General::call_log, kOptional, "call log file, one JSON line per call; empty: no call log"),
    integer("no_answer_response", &General::no_answer_response, kOptional, 400, 699, "SIP status sent to a caller nobody answered within the ring_timeout timer"),
    integer("call_log_size", &General::call_log_size, kOptional, 4, 65536, "size in KiB at which the call log is rotated (one old file kept as .1)"),
    text("dialplan", &General::dialplan, kOptional, "digit map: a number that completes an alternative is dialled at once, e.g. `[2-9]xxxxxx|0xx.|11[02]`; unset: `#` or the inter-digit pause ends a number", check_digit_map),
    integer("tls_port", &General::tls_port, kOptional, 1, 65535, "SIP over TLS port (used when an account has `transport tls`); must differ from local_port"),
    text("tls_ca_file", &General::tls_ca_file, kOptional, "PEM file of the certificate authorities trusted for SIP over TLS"),
    text("tapi_firmware", &General::tapi_firmware, kOptional, "ltq_tapi: VMMC DSP firmware file downloaded at start-up (kmod-ltq-vmmc installs the board's as ifx_firmware.bin)"),
    text("tapi_coefficients", &General::tapi_coefficients, kOptional, "ltq_tapi: analog line coefficients (BBD file) for every port, downloaded once the channels are initialised (kmod-ltq-vmmc: ETSI for VR9 and Danube as ifx_bbd_fxs.bin)"),
    choice("echo_canceller", &General::echo_canceller, kOptional, echo_modes, "ltq_tapi: line echo canceller of the DSP: `off`, `nlec` (near end, 16 ms) or `wlec` (window-based, near and far end)"),
    integer("jb_min", &General::jb_min, kOptional, 10, 500, "ltq_tapi: smallest DSP jitter buffer, ms"),
    integer("jb_max", &General::jb_max, kOptional, 10, 500, "ltq_tapi: largest DSP jitter buffer, ms; at least jb_min"),
    choice("kpi", &General::kpi, kOptional, kpi_modes, "ltq_tapi: RTP moved by the kernel (KPI): OpenWrt builds its driver without KPI and ships no drv_kpi2udp, so `auto` and `off` relay through owsip (`auto` says so) and `on` is refused"),
};

const Field<Stun> kStunFields[] = {
    text("host", &Stun::host, kRequired, "STUN server host name or address", check_host),
    integer("port", &Stun::port, kOptional, 1, 65535, "STUN server port"),
};

const Field<Account> kAccountFields[] = {
    text("realm", &Account::realm, kRequired, "SIP domain (realm) of the account", check_host),
    text("username", &Account::username, kRequired, "SIP user name"),
    secret("password", &Account::password, kRequired, "SIP password (never logged or printed)"),
    boolean("disabled", &Account::disabled, "1 disables the account"),
    integer("port", &Account::port, kOptional, -1, 127, "FXS port id this account belongs to: its calls ring that port and it is the port's account for outgoing calls; -1: its calls ring every port"),
    boolean("default", &Account::is_default, "1 makes this the account for calls that name no other"),
    text("registrar", &Account::registrar, kOptional, "where REGISTER goes, host[:port] (IPv6 in brackets); unset: the realm (DNS SRV when no port)", check_registrar),
    choice("transport", &Account::transport, kOptional, sip_transports, "SIP transport to the registrar"),
    text("auth_user", &Account::auth_user, kOptional, "user name for digest authentication; unset: username"),
    text("display_name", &Account::display_name, kOptional, "name shown to the called party (From header)", check_display_name),
    integer("expires", &Account::expires, kOptional, 60, 86400, "registration lifetime asked of the registrar, seconds; refreshed before it ends"),
    boolean("tls_verify", &Account::tls_verify, "0 accepts any server certificate (insecure); 1 checks the chain against tls_ca_file and the registrar's host name"),
    integer("keepalive", &Account::keepalive, kOptional, 0, 3600, "seconds between keep-alives while registered (UDP: CRLF packet for the NAT binding; TCP/TLS: CRLF ping, a lost pong re-registers); 0 = none"),
    text("codecs", &Account::codecs, kOptional, "codecs in order of preference, e.g. `G722 PCMA PCMU`; unset: all the line can do (PCMU PCMA G722; G722 first on a wideband line)", check_codecs),
    choice("srtp", &Account::srtp, kOptional, srtp_policies, "SRTP (SDES keys): `off`; `optional` encrypts when the peer agrees; `mandatory` refuses calls without it (488)"),
    choice("inbound_source", &Account::inbound_source, kOptional, inbound_sources, "ghost-call protection: `registrar` rings a phone only for INVITEs from this account's registrar or outbound proxy (address and port, or the connection owsip opened); `any` accepts them from anywhere (direct IP calls)"),
    choice("inbound_uri", &Account::inbound_uri, kOptional, inbound_uris, "ghost-call protection: `contact` rings only when the Request-URI carries the secret contact user owsip registered (derived from the password); `user` also accepts the account's username (providers that rewrite the Request-URI); `any` accepts any"),
};

const Field<Port> kPortFields[] = {
    integer("id", &Port::id, kOptional, 0, 127, "the physical FXS port this section describes"),
    boolean("noring", &Port::noring, "1: the phone on this port never rings"),
    boolean("nodial", &Port::nodial, "1: this port may not dial out"),
    boolean("callwaiting", &Port::callwaiting, "0 turns call waiting off: a call for this port while it is in a call gets 486 Busy Here"),
    text("led", &Port::led, kOptional, "sysfs LED of the port (name under /sys/class/leds)"),
    integer("tx_gain", &Port::tx_gain, kOptional, -24, 12, "ltq_tapi: gain in dB of what the phone's microphone sends"),
    integer("rx_gain", &Port::rx_gain, kOptional, -24, 12, "ltq_tapi: gain in dB of what the phone's earpiece plays"),
    choice("echo_canceller", &Port::echo_canceller, kOptional, echo_modes, "ltq_tapi: this port's line echo canceller, as the general option (`off`, `nlec`, `wlec`); unset: the general one"),
    integer("ec_window", &Port::ec_window, kOptional, 0, 16, "ltq_tapi: echo canceller window of this port in ms: 4, 6, 8 or 16; 0: the driver's default"),
    text("coefficients", &Port::coefficients, kOptional, "ltq_tapi: coefficient (BBD) file for this port's line only, downloaded after the general `tapi_coefficients` (e.g. a 600R file for a phone that wants it)"),
};

const Field<Contact> kContactFields[] = {
    text("desc", &Contact::desc, kRequired, "name of the contact"),
    text("code", &Contact::code, kRequired, "short-dial code after `*` (0-9, a-z, A-Z; letters dial as keypad digits)", check_code),
    text("dial", &Contact::dial, kRequired, "number or SIP address to call"),
    choice("type", &Contact::type, kRequired, contact_types, "`sip`: dial is a SIP address; `realm`: dial is a number through an account"),
    text("account", &Contact::account, kOptional, "account section to call through; default account when unset"),
};

const Field<Relay> kRelayFields[] = {
    integer("gpio", &Relay::gpio, kRequired, 0, 1023, "GPIO that switches the relay powering the FXS ports"),
    integer("value", &Relay::value, kRequired, 0, 1, "value the GPIO is set to while owsip runs"),
};

std::optional<int> parse_int(const std::string& s) {
  if (s.empty() || s.size() > 11) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX) return std::nullopt;
  return static_cast<int>(v);
}

std::optional<bool> parse_bool(const std::string& s) {
  static const char* const kTrue[] = {"1", "yes", "on", "true", "enabled"};
  static const char* const kFalse[] = {"0", "no", "off", "false", "disabled"};
  for (const char* t : kTrue)
    if (s == t) return true;
  for (const char* f : kFalse)
    if (s == f) return false;
  return std::nullopt;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

class Validator {
 public:
  Validator(const std::string& file, const Environment& env, Diagnostics& diags)
      : file_(file), env_(env), diags_(diags) {}

  void error(int line, std::string msg) {
    diags_.push_back({Diagnostic::Severity::kError, file_, line, std::move(msg)});
  }
  void warn(int line, std::string msg) {
    diags_.push_back({Diagnostic::Severity::kWarning, file_, line, std::move(msg)});
  }

  // Fills `out` from `sec` through `fields`; reports unknown options, bad values and missing
  // required options.
  template <class S, size_t N>
  void apply(const UciSection& sec, const Field<S> (&fields)[N], S& out) {
    std::set<std::string_view> seen;
    for (const auto& opt : sec.options) {
      const Field<S>* f = nullptr;
      for (const auto& cand : fields)
        if (cand.name == opt.name) f = &cand;
      if (!f) {
        warn(opt.line, "unknown option '" + opt.name + "' in " + sec.type + " section '" +
                           sec.name + "' (ignored)");
        continue;
      }
      seen.insert(f->name);
      if (opt.is_list) {
        error(opt.line, "option '" + opt.name + "' takes one value, not a list");
        continue;
      }
      set_value(*f, opt, out);
    }
    for (const auto& f : fields)
      if (f.required && !seen.count(f.name))
        error(sec.line, sec.type + " section '" + sec.name + "' lacks required option '" +
                            std::string(f.name) + "'");
  }

  // The `timers` section: each option names a timer of the named timer table.
  void apply_timers(const UciSection& sec, TimerValues& out) {
    for (const auto& opt : sec.options) {
      const TimerDef* def = find_timer_def(opt.name);
      if (!def) {
        warn(opt.line, "unknown timer '" + opt.name + "' (ignored)");
        continue;
      }
      if (opt.is_list) {
        error(opt.line, "timer '" + opt.name + "' takes one value, not a list");
        continue;
      }
      auto n = parse_int(opt.value());
      if (!n) {
        error(opt.line, "timer '" + opt.name + "': '" + opt.value() + "' is not a whole number of milliseconds");
        continue;
      }
      if (*n < static_cast<int>(def->min_ms) || *n > static_cast<int>(def->max_ms)) {
        error(opt.line, "timer '" + opt.name + "': " + opt.value() + " ms is out of range " +
                            std::to_string(def->min_ms) + ".." + std::to_string(def->max_ms));
        continue;
      }
      out.set(def->name, static_cast<uint32_t>(*n));
    }
  }

  template <class S>
  void set_value(const Field<S>& f, const UciOption& opt, S& out) {
    const std::string& v = opt.value();
    const std::string where = "option '" + opt.name + "'";
    switch (f.kind) {
      case Kind::kString:
        if (f.check) {
          std::string msg = f.check(v);
          if (!msg.empty()) return error(opt.line, msg);
        }
        out.*f.str = v;
        return;
      case Kind::kEnum: {
        auto choices = f.choices(env_);
        if (std::find(choices.begin(), choices.end(), v) == choices.end())
          return error(opt.line, where + ": '" + v + "' is not one of " + join(choices, ", "));
        out.*f.str = v;
        return;
      }
      case Kind::kInt: {
        auto n = parse_int(v);
        if (!n) return error(opt.line, where + ": '" + v + "' is not a whole number");
        if (*n < f.min || *n > f.max)
          return error(opt.line, where + ": " + v + " is out of range " + std::to_string(f.min) +
                                     ".." + std::to_string(f.max));
        out.*f.num = *n;
        return;
      }
      case Kind::kBool: {
        auto b = parse_bool(v);
        if (!b) return error(opt.line, where + ": '" + v + "' is not a boolean (0/1, yes/no, on/off, true/false)");
        out.*f.flag = *b;
        return;
      }
    }
  }

 private:
  const std::string& file_;
  const Environment& env_;
  Diagnostics& diags_;
};

template <class S, size_t N>
void format_section(std::ostringstream& os, const char* type, const std::string& name,
                    const Field<S> (&fields)[N], const S& s) {
  os << "\nconfig " << type;
  if (!name.empty() && name[0] != '@') os << " " << uci_quote(name);
  os << "\n";
  for (const auto& f : fields) {
    std::string v;
    switch (f.kind) {
      case Kind::kString:
      case Kind::kEnum:
        v = s.*f.str;
        if (v.empty()) continue;  // unset: uci has no way to write an empty option
        if (f.secret) v = "****";
        break;
      case Kind::kInt:
        v = std::to_string(s.*f.num);
        break;
      case Kind::kBool:
        v = s.*f.flag ? "1" : "0";
        break;
    }
    os << "\toption " << f.name << " " << uci_quote(v) << "\n";
  }
}

template <class S, size_t N>
void add_docs(std::vector<OptionDoc>& out, const char* section, const Field<S> (&fields)[N],
              const Environment& env) {
  const S defaults{};
  for (const auto& f : fields) {
    OptionDoc d;
    d.section = section;
    d.option = std::string(f.name);
    d.required = f.required;
    d.description = std::string(f.help);
    switch (f.kind) {
      case Kind::kString:
        d.type = "string";
        d.default_text = defaults.*f.str;
        break;
      case Kind::kEnum:
        d.type = "enum";
        d.default_text = defaults.*f.str;
        if (f.choices == locales)
          d.description += " (" + std::to_string(env.locales.size()) + " countries, see docs/TONES.md)";
        else
          d.description += " (one of " + join(f.choices(env), ", ") + ")";
        break;
      case Kind::kInt:
        d.type = "int " + std::to_string(f.min) + ".." + std::to_string(f.max);
        d.default_text = f.required ? "" : std::to_string(defaults.*f.num);
        break;
      case Kind::kBool:
        d.type = "bool";
        d.default_text = defaults.*f.flag ? "1" : "0";
        break;
    }
    out.push_back(std::move(d));
  }
}

}  // namespace

const std::vector<std::string>& cid_standards() {
  static const std::vector<std::string> kCids = {"telecordia", "etsi_fsk", "etsi_dtmf", "sin",
                                                 "ntt",        "kpn_dtmf", "kpn_dtmf_fsk"};
  return kCids;
}

const Account* Telephony::find_account(const std::string& key) const {
  for (const auto& a : accounts)
    if (a.key == key) return &a;
  return nullptr;
}

LoadResult load_telephony_text(std::string_view text, const std::string& file,
                               const Environment& env) {
  LoadResult result;
  Diagnostics& diags = result.diagnostics;
  UciPackage pkg = parse_uci(text, file, diags);
  Validator v(file, env, diags);
  Telephony cfg;
  cfg.file = file;

  const UciSection* general = nullptr;
  const UciSection* stun = nullptr;
  const UciSection* timers = nullptr;
  std::map<int, const UciSection*> port_sections;
  std::map<std::string, const UciSection*> contact_codes;
  std::map<int, const UciSection*> relay_gpios;
  const UciSection* default_account = nullptr;

  for (const auto& sec : pkg.sections) {
    const size_t errors_before = diags.size();
    if (sec.type == "general") {
      if (general) {
        v.error(sec.line, "second 'general' section (the first is at line " +
                              std::to_string(general->line) + ")");
        continue;
      }
      general = &sec;
      v.apply(sec, kGeneralFields, cfg.general);
    } else if (sec.type == "stun") {
      if (stun) {
        v.error(sec.line, "second 'stun' section (the first is at line " +
                              std::to_string(stun->line) + ")");
        continue;
      }
      stun = &sec;
      Stun s;
      v.apply(sec, kStunFields, s);
      cfg.stun = s;
    } else if (sec.type == "account") {
      Account a;
      a.key = sec.name;
      v.apply(sec, kAccountFields, a);
      if (a.is_default) {
        if (default_account)
          v.error(sec.line, "account '" + sec.name + "' and account '" + default_account->name +
                                "' are both marked default");
        default_account = &sec;
      }
      cfg.accounts.push_back(std::move(a));
    } else if (sec.type == "port") {
      Port p;
      v.apply(sec, kPortFields, p);
      p.key = "port" + std::to_string(p.id);
      p.section = sec.anonymous ? "" : sec.name;
      if (p.ec_window != 0 && p.ec_window != 4 && p.ec_window != 6 && p.ec_window != 8 &&
          p.ec_window != 16) {
        const UciOption* o = sec.find("ec_window");
        v.error(o ? o->line : sec.line, "ec_window " + std::to_string(p.ec_window) +
                                            " ms: the DSP's windows are 4, 6, 8 and 16 ms");
      }
      auto [it, fresh] = port_sections.emplace(p.id, &sec);
      if (!fresh && diags.size() == errors_before)
        v.error(sec.line, "port id " + std::to_string(p.id) + " is already described at line " +
                              std::to_string(it->second->line));
      cfg.ports.push_back(std::move(p));
    } else if (sec.type == "contact") {
      Contact c;
      v.apply(sec, kContactFields, c);
      c.key = c.code;
      if (!c.code.empty()) {
        auto [it, fresh] = contact_codes.emplace(c.code, &sec);
        if (!fresh)
          v.error(sec.line, "contact code '" + c.code + "' is already used at line " +
                                std::to_string(it->second->line));
      }
      cfg.contacts.push_back(std::move(c));
    } else if (sec.type == "relay") {
      Relay r;
      v.apply(sec, kRelayFields, r);
      r.key = "gpio" + std::to_string(r.gpio);
      r.section = sec.anonymous ? "" : sec.name;
      if (r.gpio >= 0) {
        auto [it, fresh] = relay_gpios.emplace(r.gpio, &sec);
        if (!fresh)
          v.error(sec.line, "gpio " + std::to_string(r.gpio) + " is already a relay at line " +
                                std::to_string(it->second->line));
      }
      cfg.relays.push_back(std::move(r));
    } else if (sec.type == "timers") {
      if (timers) {
        v.error(sec.line, "second 'timers' section (the first is at line " +
                              std::to_string(timers->line) + ")");
        continue;
      }
      timers = &sec;
      v.apply_timers(sec, cfg.timers);
    } else {
      v.warn(sec.line, "unknown section type '" + sec.type + "' (ignored)");
    }
  }

  // References between sections, once every section is known.
  for (size_t i = 0, ci = 0; i < pkg.sections.size(); ++i) {
    const auto& sec = pkg.sections[i];
    if (sec.type != "contact") continue;
    const Contact& c = cfg.contacts[ci++];
    if (!c.account.empty() && !cfg.find_account(c.account)) {
      const UciOption* o = sec.find("account");
      v.error(o ? o->line : sec.line,
              "contact '" + c.code + "' names account '" + c.account + "', which does not exist");
    }
  }
  if (cfg.general.tls_port == cfg.general.local_port) {
    const UciOption* o = general ? general->find("tls_port") : nullptr;
    if (!o && general) o = general->find("local_port");
    v.error(o ? o->line : (general ? general->line : 0),
            "tls_port " + std::to_string(cfg.general.tls_port) +
                " is also local_port: SIP over TCP and over TLS need different ports");
  }
  if (cfg.general.jb_min > cfg.general.jb_max) {
    const UciOption* o = general ? general->find("jb_max") : nullptr;
    if (!o && general) o = general->find("jb_min");
    v.error(o ? o->line : (general ? general->line : 0),
            "jb_max " + std::to_string(cfg.general.jb_max) + " ms is below jb_min " +
                std::to_string(cfg.general.jb_min) + " ms");
  }
  if (!general) v.warn(0, "no 'general' section: using the defaults");
  if (cfg.accounts.empty()) v.warn(0, "no account section: owsip will register nowhere");

  std::stable_sort(diags.begin(), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  if (!has_errors(diags)) result.config = std::move(cfg);
  return result;
}

LoadResult load_telephony_file(const std::string& path, const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult r;
    r.diagnostics.push_back({Diagnostic::Severity::kError, path, 0,
                             std::string("cannot read: ") + std::strerror(errno)});
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_telephony_text(ss.str(), path, env);
}

std::string format_effective(const Telephony& c) {
  std::ostringstream os;
  os << "# effective configuration of " << c.file << " (defaults filled in, secrets masked)\n";
  format_section(os, "general", "", kGeneralFields, c.general);
  if (c.stun) format_section(os, "stun", "", kStunFields, *c.stun);
  for (const auto& a : c.accounts) format_section(os, "account", a.key, kAccountFields, a);
  for (const auto& p : c.ports) format_section(os, "port", p.section, kPortFields, p);
  for (const auto& ct : c.contacts) format_section(os, "contact", "", kContactFields, ct);
  for (const auto& r : c.relays) format_section(os, "relay", r.section, kRelayFields, r);
  os << "\nconfig timers\n";
  for (const auto& d : timer_defs())
    os << "\toption " << d.name << " '" << c.timers.ms(d.name) << "'\n";
  return os.str();
}

void register_secrets(const Telephony& c) {
  for (const auto& a : c.accounts) log::add_secret(a.password);
}

std::vector<OptionDoc> schema_docs(const Environment& env) {
  std::vector<OptionDoc> out;
  add_docs(out, "general", kGeneralFields, env);
  add_docs(out, "stun", kStunFields, env);
  add_docs(out, "account", kAccountFields, env);
  add_docs(out, "port", kPortFields, env);
  add_docs(out, "contact", kContactFields, env);
  add_docs(out, "relay", kRelayFields, env);
  for (const auto& d : timer_defs()) {
    out.push_back({"timers", std::string(d.name),
                   "ms " + std::to_string(d.min_ms) + ".." + std::to_string(d.max_ms),
                   std::to_string(d.default_ms), false, std::string(d.help)});
  }
  return out;
}

std::string format_schema_markdown(const Environment& env) {
  std::ostringstream os;
  os << "| section | option | type | default | description |\n";
  os << "|---|---|---|---|---|\n";
  for (const auto& d : schema_docs(env)) {
    std::string def = d.required ? "*required*" : (d.default_text.empty() ? "*(none)*" : "`" + d.default_text + "`");
    std::string desc;  // a '|' would end the table cell, even inside `code`
    for (char c : d.description) desc += c == '|' ? std::string("\\|") : std::string(1, c);
    os << "| " << d.section << " | `" << d.option << "` | " << d.type << " | " << def << " | "
       << desc << " |\n";
  }
  return os.str();
}

std::vector<std::string> changed_general_options(const General& a, const General& b) {
  std::vector<std::string> out;
  for (const auto& f : kGeneralFields) {
    bool same = true;
    switch (f.kind) {
      case Kind::kString:
      case Kind::kEnum:
        same = a.*f.str == b.*f.str;
        break;
      case Kind::kInt:
        same = a.*f.num == b.*f.num;
        break;
      case Kind::kBool:
        same = a.*f.flag == b.*f.flag;
        break;
    }
    if (!same) out.emplace_back(f.name);
  }
  return out;
}

}  // namespace owsip::config
