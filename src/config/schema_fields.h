#pragma once
// Private to the schema (schema.cc loads with it, schema_format.cc prints it): one table of
// fields per section type. A field is an option: its name, kind, member of the typed section,
// whether it is required, its range or choices, an extra check, whether it is a secret, what a
// change of it restarts on reload, and its help text.

#include <string>
#include <string_view>
#include <vector>

#include "config/option_checks.h"
#include "config/schema.h"
#include "config/telephony.h"

namespace owsip::config::schema_fields {

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
  Restart restart = Restart::kNothing;
  bool list = false;  // several values: `list NAME 'a'` lines, or one `option NAME 'a b'`
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
                          std::string_view help, CheckFn check = nullptr) {
  Field<S> f = text(name, m, req, help, check);
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

// The option as `f`, with what changing it restarts on reload.
template <class S>
constexpr Field<S> restarts(Restart r, Field<S> f) {
  f.restart = r;
  return f;
}
// A string option that takes several values, space-separated in one `option` or one per
// `list` line (joined with spaces).
template <class S>
constexpr Field<S> several(Field<S> f) {
  f.list = true;
  return f;
}
inline constexpr Restart kLines = Restart::kLines;
inline constexpr Restart kSipStack = Restart::kSipStack;

inline std::vector<std::string> backends(const Environment& env) { return env.backends; }
inline std::vector<std::string> locales(const Environment& env) { return env.locales; }
inline std::vector<std::string> cids(const Environment&) { return cid_standards(); }
inline std::vector<std::string> contact_types(const Environment&) { return {"sip", "realm"}; }
inline std::vector<std::string> sip_transports(const Environment&) { return {"udp", "tcp", "tls"}; }
inline std::vector<std::string> srtp_policies(const Environment&) { return {"off", "optional", "mandatory"}; }
inline std::vector<std::string> inbound_sources(const Environment&) { return {"registrar", "any"}; }
inline std::vector<std::string> inbound_uris(const Environment&) { return {"contact", "user", "any"}; }
inline std::vector<std::string> forward_modes(const Environment&) { return {"302", "call"}; }
inline std::vector<std::string> echo_modes(const Environment&) { return {"off", "nlec", "wlec"}; }
inline std::vector<std::string> kpi_modes(const Environment&) { return {"auto", "on", "off"}; }
inline std::vector<std::string> dtmf_modes(const Environment&) { return {"rfc4733", "info"}; }
inline std::vector<std::string> mwi_modes(const Environment&) {
  return {"subscribe", "notify", "off"};
}
inline std::vector<std::string> fax_modes(const Environment&) { return {"off", "passthrough", "t38", "auto"}; }
inline std::vector<std::string> rel100_modes(const Environment&) { return {"off", "supported", "required"}; }

// Every field of every section type. The help strings feed the README's option table.
// A general option that the line backend is built from restarts the lines (kLines); one that
// the SIP user agent is built from restarts the SIP stack (kSipStack).
inline const Field<General> kGeneralFields[] = {
    restarts(kSipStack, text("name", &General::name, kOptional, "name the daemon announces (User-Agent)")),
    restarts(kLines, choice("backend", &General::backend, kOptional, backends, "line backend driving the FXS ports")),
    restarts(kLines, integer("ossdev", &General::ossdev, kOptional, 0, 8, "TAPI device index: ltq_tapi opens /dev/vmmc<N+1>0 and its channels /dev/vmmc<N+1>1, 2, ...")),
    integer("log_level", &General::log_level, kOptional, 0, 7, "verbosity, syslog levels 0 (emerg) to 7 (debug)"),
    restarts(kSipStack, text("interface", &General::interface, kOptional, "network interface whose address SIP and RTP bind to, followed as it changes; `any` or empty: the address of the default route")),
    restarts(kSipStack, integer("local_port", &General::local_port, kOptional, 1, 65535, "SIP port (UDP and TCP)")),
    integer("rtp_port", &General::rtp_port, kOptional, 1, 65535, "first RTP port; RTP/RTCP pairs are allocated upward from it"),
    restarts(kSipStack, text("outbound", &General::outbound, kOptional, "outbound proxy, e.g. `<sip:192.168.1.1:9060;lr;transport=udp>`", check_outbound)),
    restarts(kLines, choice("cid", &General::cid, kOptional, cids, "caller-ID standard; unset sends no caller ID")),
    restarts(kLines, choice("locale", &General::locale, kOptional, locales, "country whose call-progress tones and ring cadence are used")),
    restarts(kLines, boolean("revert", &General::revert, "swap FXS port 0 and port 1")),
    restarts(kLines, text("sim_socket", &General::sim_socket, kOptional, "sim backend: Unix socket where virtual phones (owsip-phone) connect")),
    text("ctl_socket", &General::ctl_socket, kOptional, "control socket for owsipctl, ubus and the web UI (JSON lines)"),
    text("ctl_group", &General::ctl_group, kOptional, "group allowed to use the control socket (mode 0660); unset: root only"),
    text("call_log", &General::call_log, kOptional, "call log file, one JSON line per call; empty: no call log"),
    integer("no_answer_response", &General::no_answer_response, kOptional, 400, 699, "SIP status sent to a caller nobody answered within the ring_timeout timer"),
    integer("call_log_size", &General::call_log_size, kOptional, 4, 65536, "size in KiB at which the call log is rotated (one old file kept as .1)"),
    text("dialplan", &General::dialplan, kOptional, "digit map: a number that completes an alternative is dialled at once, e.g. `[2-9]xxxxxx|0xx.|11[02]` (syntax, substitution, `T`, `!`: docs/SERVICES.md); unset: `#` or the inter-digit pause ends a number", check_digit_map),
    restarts(kSipStack, integer("tls_port", &General::tls_port, kOptional, 1, 65535, "SIP over TLS port (used when an account has `transport tls`); must differ from local_port")),
    restarts(kSipStack, text("tls_ca_file", &General::tls_ca_file, kOptional, "PEM file of the certificate authorities trusted for SIP over TLS")),
    restarts(kLines, text("tapi_firmware", &General::tapi_firmware, kOptional, "ltq_tapi: VMMC DSP firmware file downloaded at start-up (kmod-ltq-vmmc installs the board's as ifx_firmware.bin)")),
    restarts(kLines, text("tapi_coefficients", &General::tapi_coefficients, kOptional, "ltq_tapi: analog line coefficients (BBD file) for every port, downloaded once the channels are initialised (kmod-ltq-vmmc: ETSI for VR9 and Danube as ifx_bbd_fxs.bin)")),
    restarts(kLines, choice("echo_canceller", &General::echo_canceller, kOptional, echo_modes, "ltq_tapi: line echo canceller of the DSP: `off`, `nlec` (near end, 16 ms) or `wlec` (window-based, near and far end)")),
    restarts(kLines, integer("jb_min", &General::jb_min, kOptional, 10, 500, "ltq_tapi: smallest DSP jitter buffer, ms")),
    restarts(kLines, integer("jb_max", &General::jb_max, kOptional, 10, 500, "ltq_tapi: largest DSP jitter buffer, ms; at least jb_min")),
    restarts(kLines, choice("kpi", &General::kpi, kOptional, kpi_modes, "ltq_tapi: RTP moved by the kernel (KPI): OpenWrt builds its driver without KPI and ships no drv_kpi2udp, so `auto` and `off` relay through owsip (`auto` says so) and `on` is refused")),
    // Dial plan (docs/SERVICES.md)
    several(text("emergency", &General::emergency, kOptional, "emergency numbers besides the locale's (docs/SERVICES.md): always dialled at once and allowed, even on a `nodial` port and past any barring", check_emergency)),
};

inline const Field<Stun> kStunFields[] = {
    text("host", &Stun::host, kRequired,
         "STUN server host name or address: SIP (Via, Contact) and the SDP name the public "
         "address it reports",
         check_host),
    integer("port", &Stun::port, kOptional, 1, 65535, "STUN server port"),
};

inline const Field<Account> kAccountFields[] = {
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
    several(text("codecs", &Account::codecs, kOptional, "codecs in order of preference, e.g. `G722 PCMA PCMU` (or one `list codecs` line each); unset: all the line can do (PCMU PCMA G722; G722 first on a wideband line)", check_codecs)),
    choice("srtp", &Account::srtp, kOptional, srtp_policies, "SRTP (SDES keys): `off`; `optional` encrypts when the peer agrees; `mandatory` refuses calls without it (488)"),
    choice("inbound_source", &Account::inbound_source, kOptional, inbound_sources, "ghost-call protection: `registrar` rings a phone only for INVITEs from this account's registrar or outbound proxy (address and port, or the connection owsip opened); `any` accepts them from anywhere (direct IP calls)"),
    choice("dtmf", &Account::dtmf, kOptional, dtmf_modes, "keys pressed during a call: `rfc4733` sends telephone-events (in-band DTMF when the peer has none); `info` sends SIP INFO application/dtmf-relay. The phone's own tones are cut from the audio either way"),
    boolean("clir", &Account::clir, "1 hides the caller's number on every call (From anonymous, Privacy: id, P-Preferred-Identity for the provider); the show_number code shows it for one call"),
    choice("inbound_uri", &Account::inbound_uri, kOptional, inbound_uris, "ghost-call protection: `contact` rings only when the Request-URI carries the secret contact user owsip registered (derived from the password); `user` also accepts the account's username (providers that rewrite the Request-URI); `any` accepts any"),
    // Dial plan and barring (docs/SERVICES.md)
    text("dialplan", &Account::dialplan, kOptional, "digit map for numbers dialled through this account (syntax in docs/SERVICES.md: `x [2-9] . + T <9:> <:0049> !`); unset: general.dialplan", check_digit_map),
    text("prefix", &Account::prefix, kOptional, "keys that choose this account for one call, e.g. `#2` or `*81`: `#2 0301234` calls 0301234 through it (the prefix is not sent)", check_account_prefix),
    several(text("bar_outgoing", &Account::bar_outgoing, kOptional, "barred prefixes of numbers dialled through this account, e.g. `0900 00`: refused with congestion (emergency numbers never)", check_keys_list)),
    several(text("bar_incoming", &Account::bar_incoming, kOptional, "barred callers of this account: numbers or ranges as digit-map patterns matching the start of the caller's number, e.g. `0900 030123[0-4]`", check_number_patterns)),
    integer("bar_incoming_response", &Account::bar_incoming_response, kOptional, 400, 699, "SIP status a barred caller of this account gets"),
    boolean("anonymous_reject", &Account::anonymous_reject, "1: callers who withhold their identity (Privacy, anonymous From) get 433 Anonymity Disallowed (RFC 5079)"),
    // Provider voicemail (docs/VOICEMAIL.md)
    choice("mwi", &Account::mwi, kOptional, mwi_modes, "message waiting from the provider (RFC 3842): `subscribe` sends SUBSCRIBE message-summary once registered and takes unsolicited NOTIFYs too; `notify` takes only unsolicited NOTIFYs; `off` ignores both. Waiting messages give the account's phones stutter dial tone, the display's indicator and a pulsing LED"),
    text("mailbox", &Account::mailbox, kOptional, "address subscribed to for message waiting, a user (`alice`) or a SIP URI; unset: the account's own address", check_mailbox),
    text("voicemail", &Account::voicemail, kOptional, "the provider's voicemail number (or user name), dialled by the features.voicemail code", check_dial_user),
    choice("rel100", &Account::rel100, kOptional, rel100_modes, "reliable 180/183 (RFC 3262, PRACK): `off` never; `supported` when the caller asks for it, and offered on outgoing calls; `required` also refuses incoming calls without it (421) and requires it of the called party"),
    integer("session_expires", &Account::session_expires, kOptional, 0, 86400, "session timer (RFC 4028), seconds: asked for on outgoing calls, the longest granted on incoming ones; the refresher re-sends the session at half of it, the other side hangs up when no refresh came; 0 = off"),
    integer("min_se", &Account::min_se, kOptional, 1, 86400, "shortest session timer accepted (Min-SE): shorter ones get 422; RFC 4028 asks for at least 90, less is for tests"),
    // Fax (docs/FAX.md)
    choice("fax", &Account::fax, kOptional, fax_modes, "a fax or modem tone (CNG, CED, V.21) in a call: `off` leaves it a voice call; `passthrough` switches it to voice-band data (ITU-T V.152): re-INVITE to G.711 with `a=silenceSupp:off`, fixed jitter buffer, no loss concealment, no DTMF detection; `t38` and `auto` (software path, docs/FAX.md): T.38 by re-INVITE with `m=image ... udptl t38` and spandsp's T.38 gateway between the line and UDPTL, pass-through when the far end refuses it; they also accept the far end's T.38 offer, which `off` and `passthrough` refuse (488). The DSP path (ltq_tapi) does pass-through only"),
    integer("t38_max_bitrate", &Account::t38_max_bitrate, kOptional, 2400, 14400, "T.38: the fastest fax rate offered (T38MaxBitRate), bit/s (14400 V.17, 9600 V.29, 4800 V.27ter)"),
    integer("udptl_redundancy", &Account::udptl_redundancy, kOptional, 0, 7, "T.38 over UDPTL: how many earlier packets each UDPTL packet repeats (redundancy error recovery)"),
    boolean("fax_ecm", &Account::fax_ecm, "T.38: 0 forbids error correction mode (T.30 annex A)"),
    boolean("fax_back_to_voice", &Account::fax_back_to_voice, "1: when the fax machines end the fax (T.30 DCN, heard on the line side; software path at 8 kHz), owsip re-INVITEs the call back to voice 2 s later, as it was before the fax (its codecs, adaptive jitter buffer, concealment, DTMF); a far end's voice offer after the DCN is taken back to voice either way"),
};

inline const Field<Port> kPortFields[] = {
    integer("id", &Port::id, kOptional, 0, 127, "the physical FXS port this section describes"),
    boolean("noring", &Port::noring, "1: the phone on this port never rings"),
    boolean("nodial", &Port::nodial, "1: this port may not dial out"),
    boolean("callwaiting", &Port::callwaiting, "0 turns call waiting off: a call for this port while it is in a call gets 486 Busy Here"),
    text("led", &Port::led, kOptional, "sysfs LED of the port: its name (e.g. `soc:green:fxs1`) or its path `/sys/class/leds/NAME`"),
    integer("tx_gain", &Port::tx_gain, kOptional, -24, 12, "ltq_tapi: gain in dB of what the phone's microphone sends"),
    integer("rx_gain", &Port::rx_gain, kOptional, -24, 12, "ltq_tapi: gain in dB of what the phone's earpiece plays"),
    choice("echo_canceller", &Port::echo_canceller, kOptional, echo_modes, "ltq_tapi: this port's line echo canceller, as the general option (`off`, `nlec`, `wlec`); unset: the general one"),
    integer("ec_window", &Port::ec_window, kOptional, 0, 16, "ltq_tapi: echo canceller window of this port in ms: 4, 6, 8 or 16; 0: the driver's default"),
    text("coefficients", &Port::coefficients, kOptional, "ltq_tapi: coefficient (BBD) file for this port's line only, downloaded after the general `tapi_coefficients` (e.g. a 600R file for a phone that wants it)"),
    // Dial plan and barring (docs/SERVICES.md)
    several(text("bar_outgoing", &Port::bar_outgoing, kOptional, "barred prefixes of numbers dialled on this port, e.g. `0900 00`: refused with congestion (emergency numbers never)", check_keys_list)),
    several(text("bar_incoming", &Port::bar_incoming, kOptional, "barred callers of this port: numbers or ranges as digit-map patterns matching the start of the caller's number; the port does not ring for them", check_number_patterns)),
    integer("bar_incoming_response", &Port::bar_incoming_response, kOptional, 400, 699, "SIP status a caller gets when every port it would ring bars it"),
    boolean("anonymous_reject", &Port::anonymous_reject, "1: this port does not ring for callers who withhold their identity (433 Anonymity Disallowed when no port takes the call)"),
    text("hotline", &Port::hotline, kOptional, "number dialled when the handset is lifted (hotline), or after hotline_delay seconds without a key (warm line); it goes through the dial plan like dialled keys", check_keys),
    integer("hotline_delay", &Port::hotline_delay, kOptional, 0, 60, "seconds of dial tone without a key before the hotline is dialled; 0: at once"),
    // The local answering machine (docs/VOICEMAIL.md)
    boolean("answering_machine", &Port::answering_machine, "1: this port has an answering machine (the `voicemail` section says where messages go); the mailbox code switches it on and off from the handset"),
    integer("answer_after", &Port::answer_after, kOptional, 0, 300, "seconds the phone rings before the answering machine answers; 0: at once"),
    boolean("answer_busy", &Port::answer_busy, "1: the answering machine answers at once a call that finds the port busy"),
    choice("fax", &Port::fax, kOptional, fax_modes, "this port's fax handling (`off`, `passthrough`, `t38`, `auto`, as the account option `fax`); unset: the account's. `off` for a port without a fax machine avoids a voice call switching on a false tone"),
    choice("forward_mode", &Port::forward_mode, kOptional, forward_modes, "how this port's forwardings reach their number (`302` or `call`, as the features option `forward_mode`); unset: the features'"),
    boolean("answer_dnd", &Port::answer_dnd, "1: with do-not-disturb on, the answering machine answers at once instead of refusing the call"),
    several(text("answer_accounts", &Port::answer_accounts, kOptional, "the account sections whose calls the answering machine takes (`internal` for calls from the other ports); unset: every call that rings this port")),
    secret("remote_pin", &Port::remote_pin, kOptional, "4 to 10 digits (never logged or printed): a caller who presses * during the answering machine's greeting and then this PIN and # gets the mailbox menu (remote access); empty: off. Three wrong PINs end the call, five in ten minutes lock remote access for ten minutes", check_pin),
};

inline const Field<Contact> kContactFields[] = {
    text("desc", &Contact::desc, kRequired, "name of the contact"),
    text("code", &Contact::code, kRequired, "short-dial code after `*` (0-9, a-z, A-Z; letters dial as keypad digits)", check_code),
    text("dial", &Contact::dial, kRequired, "number or SIP address to call"),
    choice("type", &Contact::type, kRequired, contact_types, "`sip`: dial is a SIP address; `realm`: dial is a number through an account"),
    text("account", &Contact::account, kOptional, "account section to call through; default account when unset"),
};

inline const Field<Features> kFeaturesFields[] = {
    text("forward_all_on", &Features::forward_all_on, kOptional, "star code that forwards every call of the port, followed by the number; `off` turns a code off", check_feature_code),
    text("forward_all_off", &Features::forward_all_off, kOptional, "star code that ends forwarding of every call", check_feature_code),
    text("forward_busy_on", &Features::forward_busy_on, kOptional, "star code that forwards calls while the port is busy, followed by the number", check_feature_code),
    text("forward_busy_off", &Features::forward_busy_off, kOptional, "star code that ends forwarding on busy", check_feature_code),
    text("forward_noanswer_on", &Features::forward_noanswer_on, kOptional, "star code that forwards calls not answered within forward_noanswer_delay, followed by the number", check_feature_code),
    text("forward_noanswer_off", &Features::forward_noanswer_off, kOptional, "star code that ends forwarding on no answer", check_feature_code),
    text("dnd_on", &Features::dnd_on, kOptional, "star code that turns do-not-disturb on: the phone stays silent, callers get dnd_response", check_feature_code),
    text("dnd_off", &Features::dnd_off, kOptional, "star code that turns do-not-disturb off", check_feature_code),
    text("hide_number", &Features::hide_number, kOptional, "star code before a number: this call hides the caller's number", check_feature_code),
    text("show_number", &Features::show_number, kOptional, "star code before a number: this call shows the number on an account with `clir`", check_feature_code),
    text("no_callwaiting", &Features::no_callwaiting, kOptional, "star code before a number: no call waiting during this call", check_feature_code),
    text("call_return", &Features::call_return, kOptional, "star code that calls the port's last caller", check_feature_code),
    text("redial", &Features::redial, kOptional, "star code that dials the port's last number again", check_feature_code),
    text("mailbox", &Features::mailbox, kOptional, "star code of the answering machine's menu: the messages, the greeting, on and off", check_feature_code),
    text("voicemail", &Features::voicemail, kOptional, "star code that calls the voicemail number of the port's account (account option `voicemail`)", check_feature_code),
    several(text("passthrough", &Features::passthrough, kOptional, "codes sent to the provider as dialled, with the number after them (by default the network's own show/hide number codes); `off`: none", check_passthrough_codes)),
    integer("forward_noanswer_delay", &Features::forward_noanswer_delay, kOptional, 5, 120, "seconds a call rings before forwarding on no answer takes it"),
    choice("forward_mode", &Features::forward_mode, kOptional, forward_modes, "how a forwarded call reaches its number: `302` answers the caller 302 Moved Temporarily and the caller's provider places the new call; `call` has owsip place it through the same account and relay progress, answer and audio between the two calls (as Grandstream, Cisco and AVM ATAs can); a port's `forward_mode` overrides it"),
    integer("dnd_response", &Features::dnd_response, kOptional, 400, 699, "SIP status a caller gets from a port with do-not-disturb on"),
    text("state_file", &Features::state_file, kOptional, "file where the services set from the handset (forwarding, do-not-disturb) are kept across restarts; `none`: kept in memory only"),
};

inline std::vector<std::string> prompt_languages(const Environment&) { return {"en", "de"}; }

inline const Field<Voicemail> kVoicemailFields[] = {
    text("dir", &Voicemail::dir, kOptional, "directory of the answering machines' messages, one `portN` directory each: WAV files with a JSON sidecar (tmpfs by default: lost at reboot; a USB stick's mount point keeps them)"),
    integer("quota", &Voicemail::quota, kOptional, 1, 4096, "MiB of messages and greeting per port; when full, callers hear the greeting only"),
    integer("max_messages", &Voicemail::max_messages, kOptional, 1, 1000, "messages kept per port; when reached, callers hear the greeting only"),
    integer("max_length", &Voicemail::max_length, kOptional, 10, 600, "seconds a caller may speak"),
    integer("silence", &Voicemail::silence, kOptional, 2, 60, "seconds of silence that end a message"),
    choice("language", &Voicemail::language, kOptional, prompt_languages, "language of the spoken prompts and the standard greeting; unset: `de` for the German-speaking locales, else `en`"),
    text("prompts", &Voicemail::prompts, kOptional, "directory of the spoken prompts (LANGUAGE/NAME.wav, made at build time with espeak-ng)"),
};

inline const Field<Relay> kRelayFields[] = {
    integer("gpio", &Relay::gpio, kRequired, 0, 1023, "GPIO that switches the relay powering the FXS ports"),
    integer("value", &Relay::value, kRequired, 0, 1, "value the GPIO is set to while owsip runs"),
};

inline std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace owsip::config::schema_fields
