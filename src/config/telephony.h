#pragma once
// The typed telephony configuration (/etc/config/telephony). Member initialisers are the
// defaults; config/schema.cc maps UCI options onto these members, validates them and documents
// them. Section keys identify a section across reloads (see config/diff.h).

#include <optional>
#include <string>
#include <vector>

#include "core/timer_table.h"
#include "core/version.h"

namespace owsip::config {

struct General {
  std::string name = "owsip";        // announced name (User-Agent, SDP o= user)
  std::string backend = "ltq_tapi";  // line backend: ltq_tapi | sim
  int ossdev = 0;                    // TAPI device index (ltq_tapi: /dev/vmmc<N+1>0)
  int log_level = 3;                 // 0 (emerg) .. 7 (debug)
  std::string interface = "nas0";    // bind SIP/RTP to this interface; "any" or "" = all
  int local_port = 5060;
  int rtp_port = 4000;
  std::string outbound;  // outbound proxy, e.g. <sip:192.168.1.1:9060;lr;transport=udp>
  std::string cid;       // caller-ID standard; empty = none
  std::string locale = "germany";
  bool revert = false;  // swap FXS port 0 and port 1
  std::string sim_socket = "/tmp/owsip-sim.sock";  // sim backend: where virtual phones connect
  std::string ctl_socket = "/var/run/owsip/owsip.sock";  // control socket (owsipctl)
  std::string ctl_group;                           // group given access to it; empty: none
  std::string call_log = "/tmp/owsip-calls.jsonl";  // call records; empty: none
  int call_log_size = 256;                         // KiB before rotation
  int no_answer_response = 480;  // SIP status for an incoming call nobody answered
  std::string dialplan;  // digit map (config/digit_map.h); empty: '#' or the pause ends a number
  int tls_port = 5061;                                   // SIP over TLS listens here
  std::string tls_ca_file = "/etc/ssl/certs/ca-certificates.crt";  // CAs trusted for TLS
  // ltq_tapi backend (docs/HARDWARE.md); `ossdev` above is its TAPI device index.
  // What OpenWrt's kmod-ltq-vmmc installs: links to the board's firmware and FXS coefficients.
  std::string tapi_firmware = "/lib/firmware/ifx_firmware.bin";      // DSP firmware image
  std::string tapi_coefficients = "/lib/firmware/ifx_bbd_fxs.bin";  // line coefficients (BBD)
  std::string echo_canceller = "wlec";  // off | nlec | wlec
  int jb_min = 20;                      // DSP jitter buffer bounds, ms
  int jb_max = 160;
  std::string kpi = "auto";  // kernel RTP (drv_kpi2udp): on | off | auto
  // Dial plan (docs/SERVICES.md): emergency numbers added to the locale's, space-separated.
  std::string emergency;
  bool operator==(const General&) const = default;
};

struct Stun {
  std::string host;
  int port = 3478;
  bool operator==(const Stun&) const = default;
};

struct Account {
  std::string key;  // section name, or "@account[N]" when anonymous
  std::string realm;
  std::string username;
  std::string password;
  bool disabled = false;
  int port = -1;  // bound FXS port id, -1 = none
  bool is_default = false;
  std::string registrar;     // host[:port] REGISTER goes to; empty = the realm
  std::string transport = "udp";  // udp | tcp | tls
  std::string auth_user;     // digest user name; empty = username
  std::string display_name;  // shown in From/To
  int expires = 3600;        // requested registration lifetime, seconds
  bool tls_verify = true;    // check the registrar's certificate chain and host name
  int keepalive = 25;        // seconds between keep-alives while registered; 0 = none
  std::string codecs;        // preference, e.g. "G722 PCMA PCMU"; empty = the line's own order
  std::string srtp = "off";  // off | optional | mandatory
  // Ghost-call protection: where an INVITE may come from (registrar: this account's registrar
  // or outbound proxy; any) and what its Request-URI must carry (contact: the random contact
  // user owsip registered; user: that or the account's username; any).
  std::string inbound_source = "registrar";
  std::string inbound_uri = "contact";
  bool clir = false;  // hide the number on every call (RFC 3323 privacy); *82 shows it once
  std::string dtmf = "rfc4733";  // keys pressed in a call: rfc4733 (in-band without) | info
  // Dial plan and barring (docs/SERVICES.md).
  std::string dialplan;      // digit map of numbers through this account; empty: general.dialplan
  std::string prefix;        // keys that choose this account for one call (stripped), e.g. #2
  std::string bar_outgoing;  // barred prefixes of dialled numbers, space-separated
  std::string bar_incoming;  // barred callers: digit-map patterns matching a number's prefix
  int bar_incoming_response = 603;  // SIP status refusing a barred caller
  bool anonymous_reject = false;    // refuse withheld callers with 433 (RFC 5079)
  // Provider voicemail (docs/VOICEMAIL.md): message waiting by RFC 3842 (subscribe: SUBSCRIBE
  // and take NOTIFYs; notify: take unsolicited NOTIFYs only; off), the mailbox subscribed to
  // (empty: the account's own address) and the number the voicemail code dials.
  std::string mwi = "subscribe";
  std::string mailbox;
  std::string voicemail;
  // SIP extensions (docs/SIP.md): reliable provisional responses (RFC 3262) and session
  // timers (RFC 4028).
  std::string rel100 = "supported";  // off | supported | required
  int session_expires = 1800;        // seconds asked for and granted; 0 = no session timer
  int min_se = 90;                   // the shortest interval accepted (Min-SE)
  // Fax (docs/FAX.md): what a fax or modem tone in a call does: off (stays a voice call),
  // passthrough (voice-band data: re-INVITE to G.711 without silence suppression, fixed
  // jitter buffer, no concealment), t38 / auto (T.38 relay on the software path, pass-through
  // when the far end refuses it).
  std::string fax = "passthrough";
  int t38_max_bitrate = 14400;  // T.38: the fastest fax rate offered, bit/s
  int udptl_redundancy = 3;     // T.38 over UDPTL: earlier packets repeated in each packet
  bool fax_ecm = true;          // T.38: error correction mode (T.30 annex A) allowed
  bool fax_back_to_voice = false;  // after the fax's DCN, re-INVITE the call back to voice
  bool operator==(const Account&) const = default;
};

struct Port {
  std::string key;  // "port<id>": a port is identified by its physical id
  std::string section;
  int id = 0;
  bool noring = false;
  bool nodial = false;
  bool callwaiting = true;  // a second call during a call waits (tone); 0: the caller gets 486
  std::string led;  // sysfs LED name, e.g. soc:green:fxs1
  int tx_gain = 0;  // dB towards the network (ltq_tapi), -24..12
  int rx_gain = 0;  // dB towards the phone (ltq_tapi), -24..12
  std::string echo_canceller;  // off | nlec | wlec (ltq_tapi); empty: the general one
  int ec_window = 0;           // ms, 4 | 6 | 8 | 16 (ltq_tapi); 0: the driver's default
  std::string coefficients;    // BBD file of this port (ltq_tapi); empty: the general one only
  // Dial plan and barring (docs/SERVICES.md).
  std::string bar_outgoing;  // barred prefixes of dialled numbers, space-separated
  std::string bar_incoming;  // barred callers: digit-map patterns matching a number's prefix
  int bar_incoming_response = 603;  // SIP status refusing a barred caller
  bool anonymous_reject = false;    // refuse withheld callers with 433 (RFC 5079)
  std::string hotline;    // dialled when the handset is lifted (hotline) or after hotline_delay
  int hotline_delay = 0;  // seconds of dial tone without a key before the hotline is dialled
  // The local answering machine (docs/VOICEMAIL.md): on for this port, after how many
  // seconds of ringing it answers, and whether it answers at once when the port is busy or
  // does not disturb.
  bool answering_machine = false;
  int answer_after = 20;
  bool answer_busy = false;
  bool answer_dnd = false;
  std::string remote_pin;  // callers who press * during the greeting and this PIN get the menu
  std::string answer_accounts;  // the machine takes calls of these accounts ("internal"); empty: all
  std::string fax;  // off | passthrough | t38 | auto for this port's calls; empty: the account's
  std::string forward_mode;  // 302 | call for this port's forwardings; empty: the features'
  bool operator==(const Port&) const = default;
};

struct Contact {
  std::string key;  // the dial code: a contact is identified by what is dialled to reach it
  std::string desc;
  std::string code;
  std::string dial;
  std::string type;     // sip | realm
  std::string account;  // account section name; empty = the default account
  bool operator==(const Contact&) const = default;
};

// The star codes dialled from a handset (phone/feature_codes.h) and where the services they
// switch keep their state. An empty code turns its service off.
struct Features {
  std::string forward_all_on = "*72";  // then the number, '#' or the pause
  std::string forward_all_off = "*73";
  std::string forward_busy_on = "*90";
  std::string forward_busy_off = "*91";
  std::string forward_noanswer_on = "*92";
  std::string forward_noanswer_off = "*93";
  std::string dnd_on = "*78";
  std::string dnd_off = "*79";
  std::string hide_number = "*67";     // this call only, then the number
  std::string show_number = "*82";     // this call only, on an account with `clir`
  std::string no_callwaiting = "*70";  // this call only
  std::string call_return = "*69";
  std::string redial = "*07";
  std::string mailbox = "*98";            // the answering machine's menu
  std::string voicemail = "*97";          // dials the account's voicemail number
  std::string passthrough = "*31# #31#";  // prefixes sent to the provider as dialled
  int forward_noanswer_delay = 20;        // seconds of ringing before forwarding
  int dnd_response = 486;                 // SIP status a do-not-disturb port answers
  // How a forwarded call goes on: `302` sends the caller there (3xx), `call` has owsip place
  // the call itself and relay the media (docs/SERVICES.md); a port's forward_mode overrides it.
  std::string forward_mode = "302";
  std::string state_file = "/etc/owsip/services.json";
  bool operator==(const Features&) const = default;
};

// The local answering machine's storage and limits (docs/VOICEMAIL.md); which ports have one is
// the port's `answering_machine`.
struct Voicemail {
  std::string dir = "/tmp/owsip/voicemail";  // one directory per port below it (tmpfs)
  int quota = 8;            // MiB for all messages and the greeting of one port
  int max_messages = 50;    // per port
  int max_length = 120;     // seconds a caller may speak
  int silence = 6;          // seconds of silence that end a message
  std::string language;     // prompts: en | de; empty: from the locale
  std::string prompts = kPromptsInstallDir;  // where the spoken prompts are (<lang>/NAME.wav)
  bool operator==(const Voicemail&) const = default;
};

struct Relay {
  std::string key;  // "gpio<N>"
  std::string section;
  int gpio = -1;
  int value = 0;
  bool operator==(const Relay&) const = default;
};

struct Telephony {
  std::string file;  // where it was loaded from
  General general;
  std::optional<Stun> stun;
  Features features;
  Voicemail voicemail;
  std::vector<Account> accounts;
  std::vector<Port> ports;
  std::vector<Contact> contacts;
  std::vector<Relay> relays;
  TimerValues timers;  // named timer overrides (section `timers`)

  const Account* find_account(const std::string& key) const;
};

}  // namespace owsip::config
