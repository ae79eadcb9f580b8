#include "config/schema.h"

#include <gtest/gtest.h>

#include "core/log.h"

namespace owsip::config {
namespace {

Environment test_env() { return {{"ltq_tapi", "sim"}, {"germany", "croatia", "france"}}; }

LoadResult load(const std::string& text) { return load_telephony_text(text, "tel", test_env()); }

std::string all(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.to_string() + "\n";
  return out;
}

const char* const kMinimal =
    "config general\n"
    "config account 'a1'\n"
    "  option realm 'example.com'\n"
    "  option username 'alice'\n"
    "  option password 's3cret-pw'\n";

TEST(Schema, DefaultsFillEverythingUnset) {
  auto r = load(kMinimal);
  ASSERT_TRUE(r.ok()) << all(r);
  const Telephony& c = *r.config;
  EXPECT_EQ(c.general.name, "owsip");
  EXPECT_EQ(c.general.backend, "ltq_tapi");
  EXPECT_EQ(c.general.log_level, 3);
  EXPECT_EQ(c.general.interface, "nas0");
  EXPECT_EQ(c.general.local_port, 5060);
  EXPECT_EQ(c.general.rtp_port, 4000);
  EXPECT_EQ(c.general.locale, "germany");
  EXPECT_FALSE(c.general.revert);
  EXPECT_EQ(c.general.cid, "");
  ASSERT_EQ(c.accounts.size(), 1u);
  EXPECT_EQ(c.accounts[0].key, "a1");
  EXPECT_EQ(c.accounts[0].port, -1);
  EXPECT_FALSE(c.accounts[0].disabled);
  EXPECT_FALSE(c.accounts[0].is_default);
  EXPECT_FALSE(c.stun.has_value());
  // SIP options: the registrar and auth user default to realm and username at use (empty here).
  EXPECT_EQ(c.accounts[0].registrar, "");
  EXPECT_EQ(c.accounts[0].transport, "udp");
  EXPECT_EQ(c.accounts[0].auth_user, "");
  EXPECT_EQ(c.accounts[0].expires, 3600);
  EXPECT_TRUE(c.accounts[0].tls_verify);
  EXPECT_EQ(c.accounts[0].keepalive, 25);
  EXPECT_EQ(c.general.tls_port, 5061);
  EXPECT_EQ(c.general.tls_ca_file, "/etc/ssl/certs/ca-certificates.crt");
}

TEST(Schema, SipAccountOptionsAreRead) {
  auto r = load(
      "config general\n option tls_port 5071\n option tls_ca_file /etc/owsip/ca.pem\n"
      "config account 'a1'\n option realm example.com\n option username alice\n"
      " option password pw\n option registrar 'sip.example.com:5080'\n option transport tls\n"
      " option auth_user 'alice-auth'\n option display_name 'Alice A.'\n option expires 600\n"
      " option tls_verify 0\n option keepalive 0\n"
      "config account 'a2'\n option realm example.com\n option username bob\n"
      " option password pw\n option registrar '[2001:db8::1]:5060'\n");
  ASSERT_TRUE(r.ok()) << all(r);
  const Telephony& c = *r.config;
  EXPECT_EQ(c.general.tls_port, 5071);
  EXPECT_EQ(c.general.tls_ca_file, "/etc/owsip/ca.pem");
  const Account& a = c.accounts[0];
  EXPECT_EQ(a.registrar, "sip.example.com:5080");
  EXPECT_EQ(a.transport, "tls");
  EXPECT_EQ(a.auth_user, "alice-auth");
  EXPECT_EQ(a.display_name, "Alice A.");
  EXPECT_EQ(a.expires, 600);
  EXPECT_FALSE(a.tls_verify);
  EXPECT_EQ(a.keepalive, 0);
  EXPECT_EQ(c.accounts[1].registrar, "[2001:db8::1]:5060");
}

TEST(Schema, TypedValuesAreRead) {
  auto r = load(
      "config general\n"
      " option backend sim\n option log_level 7\n option local_port 5070\n"
      " option revert yes\n option cid etsi_fsk\n option locale croatia\n"
      " option outbound '<sip:192.168.1.1:9060;lr;transport=udp>'\n"
      "config stun\n option host stun.example.com\n"
      "config port 'p1'\n option id 1\n option noring 1\n option led 'soc:green:fxs2'\n"
      "config contact\n option desc d\n option code Example1\n option dial 'sip:bob@x'\n"
      " option type sip\n"
      "config relay 'relay_31'\n option gpio 31\n option value 1\n");
  ASSERT_TRUE(r.ok()) << all(r);
  const Telephony& c = *r.config;
  EXPECT_EQ(c.general.backend, "sim");
  EXPECT_EQ(c.general.log_level, 7);
  EXPECT_EQ(c.general.local_port, 5070);
  EXPECT_TRUE(c.general.revert);
  EXPECT_EQ(c.general.cid, "etsi_fsk");
  EXPECT_EQ(c.general.locale, "croatia");
  EXPECT_EQ(c.general.outbound, "<sip:192.168.1.1:9060;lr;transport=udp>");
  ASSERT_TRUE(c.stun);
  EXPECT_EQ(c.stun->host, "stun.example.com");
  EXPECT_EQ(c.stun->port, 3478);
  ASSERT_EQ(c.ports.size(), 1u);
  EXPECT_EQ(c.ports[0].id, 1);
  EXPECT_EQ(c.ports[0].key, "port1");
  EXPECT_TRUE(c.ports[0].noring);
  EXPECT_FALSE(c.ports[0].nodial);
  EXPECT_EQ(c.ports[0].led, "soc:green:fxs2");
  ASSERT_EQ(c.contacts.size(), 1u);
  EXPECT_EQ(c.contacts[0].key, "Example1");
  EXPECT_EQ(c.contacts[0].type, "sip");
  ASSERT_EQ(c.relays.size(), 1u);
  EXPECT_EQ(c.relays[0].gpio, 31);
  EXPECT_EQ(c.relays[0].value, 1);
}

std::string all_diagnostics(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.to_string() + "\n";
  return out;
}

TEST(Schema, LedIsANameOrItsSysfsPath) {
  auto r = load(std::string(kMinimal) +
                "config port\n option id 0\n option led '/sys/class/leds/soc:green:fxs1/'\n"
                "config port\n option id 1\n option led 'soc:green:fxs2'\n");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.config->ports[0].led, "soc:green:fxs1");
  EXPECT_EQ(r.config->ports[1].led, "soc:green:fxs2");
  for (const char* bad : {"/sys/class/gpio/gpio5", "leds/fxs1", "/sys/class/leds/"}) {
    auto b = load(std::string(kMinimal) + "config port\n option id 0\n option led '" + bad + "'\n");
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(all_diagnostics(b).find("tel:8: led '"), std::string::npos) << all_diagnostics(b);
    EXPECT_NE(all_diagnostics(b).find("is not an LED"), std::string::npos) << all_diagnostics(b);
  }
}

TEST(Schema, RemotePinIsFourToTenDigitsAndNeverEchoed) {
  auto r = load(std::string(kMinimal) + "config port\n option id 0\n option remote_pin '0815'\n");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.config->ports[0].remote_pin, "0815");
  for (const char* bad : {"123", "12345678901", "12a4", "*123"}) {
    auto b = load(std::string(kMinimal) + "config port\n option id 0\n option remote_pin '" + bad + "'\n");
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(all_diagnostics(b).find("tel:8: a PIN is 4 to 10 digits"), std::string::npos) << all_diagnostics(b);
    EXPECT_NE(all_diagnostics(b).find("a PIN is 4 to 10 digits"), std::string::npos) << all_diagnostics(b);
    EXPECT_EQ(all_diagnostics(b).find(bad), std::string::npos) << all_diagnostics(b);
  }
}

TEST(Schema, AnswerAccountsMustNameAccountsOrInternal) {
  const std::string port = "config port\n option id 0\n option answering_machine 1\n";
  auto r = load(std::string(kMinimal) + port + " option answer_accounts 'a1 internal'\n");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.config->ports[0].answer_accounts, "a1 internal");
  auto b = load(std::string(kMinimal) + port + " list answer_accounts a1\n list answer_accounts nosuch\n");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(all_diagnostics(b).find("tel:10: answer_accounts names account 'nosuch', which does not exist"),
            std::string::npos) << all_diagnostics(b);
}

TEST(Schema, SeveralValuesAsAListOrAsOneOption) {
  const std::string account = "config account 'b'\n option realm r\n option username u\n"
                              " option password p\n";
  auto as_list = load(std::string(kMinimal) + account + " list codecs 'G722'\n list codecs PCMA\n");
  ASSERT_TRUE(as_list.ok()) << all_diagnostics(as_list);
  EXPECT_EQ(as_list.config->accounts[1].codecs, "G722 PCMA");
  auto as_option = load(std::string(kMinimal) + account + " option codecs 'G722 PCMA'\n");
  ASSERT_TRUE(as_option.ok()) << all_diagnostics(as_option);
  EXPECT_EQ(as_option.config->accounts[1].codecs, "G722 PCMA");
  auto bad = load(std::string(kMinimal) + account + " list codecs G722\n list codecs OPUS9\n");
  EXPECT_FALSE(bad.ok()) << "each listed value is checked";
  auto one = load(std::string(kMinimal) + account + " list username u\n");
  EXPECT_NE(all_diagnostics(one).find("takes one value, not a list"), std::string::npos);
}

TEST(Schema, AllSevenCallerIdStandardsAreAccepted) {
  for (const char* cid :
       {"telecordia", "etsi_fsk", "etsi_dtmf", "sin", "ntt", "kpn_dtmf", "kpn_dtmf_fsk"}) {
    auto r = load(std::string("config general\n option cid ") + cid + "\n");
    EXPECT_TRUE(r.ok()) << cid << ": " << all(r);
  }
}

struct Bad {
  std::string text;
  int line;
  std::string message_part;
};

class SchemaErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(SchemaErrors, AreRefusedWithFileLine) {
  auto r = load(GetParam().text);
  EXPECT_FALSE(r.ok());
  bool found = false;
  for (const auto& d : r.diagnostics) {
    if (d.is_error() && d.line == GetParam().line &&
        d.message.find(GetParam().message_part) != std::string::npos)
      found = true;
  }
  EXPECT_TRUE(found) << "wanted line " << GetParam().line << " '" << GetParam().message_part
                     << "', got:\n" << all(r);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, SchemaErrors,
    ::testing::Values(
        Bad{"config general\n option backend alsa\n", 2, "'alsa' is not one of ltq_tapi, sim"},
        Bad{"config general\n option cid caller\n", 2, "is not one of telecordia"},
        Bad{"config general\n option locale atlantis\n", 2, "'atlantis' is not one of"},
        Bad{"config general\n option log_level 8\n", 2, "out of range 0..7"},
        Bad{"config general\n option log_level -1\n", 2, "out of range 0..7"},
        Bad{"config general\n option local_port 0\n", 2, "out of range 1..65535"},
        Bad{"config general\n option rtp_port 65536\n", 2, "out of range 1..65535"},
        Bad{"config general\n option local_port 50x\n", 2, "not a whole number"},
        Bad{"config general\n option local_port 99999999999999\n", 2, "not a whole number"},
        Bad{"config general\n option revert maybe\n", 2, "not a boolean"},
        Bad{"config general\n option outbound 'http://x'\n", 2, "not a sip: or sips: URI"},
        Bad{"config general\n option outbound '<sip:x'\n", 2, "without closing '>'"},
        Bad{"config general\n list local_port 5060\n", 2, "takes one value, not a list"},
        Bad{"config general\nconfig general\n", 2, "second 'general' section"},
        Bad{"config account 'a'\n option realm r\n option username u\n", 1,
            "lacks required option 'password'"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option port 128\n",
            5, "out of range -1..127"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option default 1\n"
            "config account 'b'\n option realm r\n option username u\n option password p\n"
            " option default 1\n",
            6, "both marked default"},
        Bad{"config port\n option id 0\nconfig port\n option id 0\n", 3, "already described"},
        Bad{"config port\n option id 200\n", 2, "out of range 0..127"},
        Bad{"config contact\n option desc d\n option code 'a-b'\n option dial 1\n option type sip\n",
            3, "may hold only 0-9, a-z and A-Z"},
        Bad{"config contact\n option desc d\n option code ab\n option dial 1\n option type fax\n",
            5, "'fax' is not one of sip, realm"},
        Bad{"config contact\n option desc d\n option code ab\n option dial 1\n", 1,
            "lacks required option 'type'"},
        Bad{"config contact\n option desc d\n option code ab\n option dial 1\n option type realm\n"
            " option account nobody\n",
            6, "account 'nobody', which does not exist"},
        Bad{"config contact\n option desc d\n option code ab\n option dial 1\n option type sip\n"
            "config contact\n option desc e\n option code ab\n option dial 2\n option type sip\n",
            6, "contact code 'ab' is already used"},
        Bad{"config relay\n option gpio 31\n", 1, "lacks required option 'value'"},
        Bad{"config relay\n option gpio 31\n option value 2\n", 3, "out of range 0..1"},
        Bad{"config stun\n option port 3478\n", 1, "lacks required option 'host'"},
        Bad{"config general\n bogus line\n", 2, "invalid command"},
        Bad{"config general\n option outbound '<sip:p;lr;transport=sctp>'\n", 2,
            "transport must be udp, tcp or tls"},
        Bad{"config general\n option tls_port 5060\n", 2, "tls_port 5060 is also local_port"},
        Bad{"config general\n option outbound '<sip:bob@proxy;lr>'\n", 2, "names a user"},
        Bad{"config general\n option outbound '<sip:proxy:99999;lr>'\n", 2,
            "the port is not a number 1..65535"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option display_name 'Bob \"B\"'\n",
            5, "may not hold quotes"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option transport sctp\n",
            5, "'sctp' is not one of udp, tcp, tls"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option expires 59\n",
            5, "out of range 60..86400"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option expires 86401\n",
            5, "out of range 60..86400"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option registrar 'sip.example.com:0'\n",
            5, "the port is not a number 1..65535"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option registrar 'sip.example.com:99999'\n",
            5, "the port is not a number 1..65535"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option registrar '2001:db8::1'\n",
            5, "an IPv6 address needs [brackets]"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option registrar 'sip:host'\n",
            5, "the port is not a number"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option tls_verify perhaps\n",
            5, "not a boolean"},
        Bad{"config account 'a'\n option realm r\n option username u\n option password p\n"
            " option keepalive 3601\n",
            5, "out of range 0..3600"}));

TEST(Schema, EveryErrorIsReportedInLineOrder) {
  auto r = load(
      "config general\n"
      " option log_level 9\n"
      " option local_port x\n"
      "config account 'a'\n"
      " option realm r\n");
  EXPECT_FALSE(r.ok());
  std::vector<int> lines;
  for (const auto& d : r.diagnostics)
    if (d.is_error()) lines.push_back(d.line);
  EXPECT_EQ(lines, (std::vector<int>{2, 3, 4, 4}));  // two missing options on the section line
}

TEST(Schema, UnknownOptionsAndSectionsAreWarningsNamingTheLine) {
  auto r = load(std::string(kMinimal) + "  option colour blue\nconfig gizmo\n");
  ASSERT_TRUE(r.ok()) << all(r);
  ASSERT_EQ(r.diagnostics.size(), 2u) << all(r);
  EXPECT_FALSE(r.diagnostics[0].is_error());
  EXPECT_EQ(r.diagnostics[0].to_string(),
            "tel:6: warning: unknown option 'colour' in account section 'a1' (ignored)");
  EXPECT_EQ(r.diagnostics[1].to_string(), "tel:7: warning: unknown section type 'gizmo' (ignored)");
}

TEST(Schema, EffectiveConfigShowsDefaultsAndMasksPasswords) {
  auto r = load(kMinimal);
  ASSERT_TRUE(r.ok()) << all(r);
  std::string out = format_effective(*r.config);
  EXPECT_EQ(out.find("s3cret-pw"), std::string::npos) << out;
  EXPECT_NE(out.find("\toption password '****'\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\toption local_port '5060'\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\toption interface 'nas0'\n"), std::string::npos) << out;
  EXPECT_NE(out.find("config account 'a1'\n"), std::string::npos) << out;

  // The effective config is itself a valid config describing the same values (bar the secret).
  auto again = load(out);
  ASSERT_TRUE(again.ok()) << all(again);
  EXPECT_EQ(again.config->general, r.config->general);
  EXPECT_EQ(again.config->accounts[0].password, "****");
}

TEST(Schema, PasswordsAreScrubbedFromLogs) {
  auto r = load(kMinimal);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> lines;
  log::set_capture([&](int, const std::string& l) { lines.push_back(l); });
  register_secrets(*r.config);
  log::err("sip", "auth with %s failed", r.config->accounts[0].password.c_str());
  log::set_capture(nullptr);
  log::clear_secrets();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "sip: auth with **** failed");
}

TEST(Schema, DocsCoverEverySectionWithHelp) {
  auto docs = schema_docs(test_env());
  std::set<std::string> sections;
  for (const auto& d : docs) {
    sections.insert(d.section);
    EXPECT_FALSE(d.description.empty()) << d.section << "." << d.option;
  }
  EXPECT_EQ(sections, (std::set<std::string>{"general", "stun", "features", "voicemail", "account",
                                             "port", "contact", "relay", "timers"}));
  std::string md = format_schema_markdown(test_env());
  EXPECT_NE(md.find("| account | `password` | string | *required* |"), std::string::npos) << md;
  EXPECT_NE(md.find("| general | `local_port` | int 1..65535 | `5060` |"), std::string::npos) << md;
}

}  // namespace
}  // namespace owsip::config

namespace owsip::config {
namespace {

TEST(Schema, TimersSectionOverridesNamedTimers) {
  auto r = load_telephony_text(
      std::string(kMinimal) + "config timers\n option flash_max 500\n option nonsense 3\n", "t",
      test_env());
  ASSERT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.config->timers.ms("flash_max"), 500u);
  EXPECT_EQ(r.config->timers.ms("pulse_break_max"), 90u);  // default
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "t:8: warning: unknown timer 'nonsense' (ignored)");
  EXPECT_NE(format_effective(*r.config).find("\toption flash_max '500'\n"), std::string::npos);

  auto bad = load_telephony_text(
      std::string(kMinimal) + "config timers\n option flash_max 5\n option hook_debounce x\n",
      "t", test_env());
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.diagnostics.size(), 2u);
  EXPECT_EQ(bad.diagnostics[0].to_string(), "t:7: timer 'flash_max': 5 ms is out of range 150..2000");
  EXPECT_EQ(bad.diagnostics[1].line, 8);
}

}  // namespace
}  // namespace owsip::config
