#include "config/diff.h"

#include <gtest/gtest.h>

#include <set>

#include "config/schema.h"

namespace owsip::config {
namespace {

Telephony load(const std::string& text) {
  auto r = load_telephony_text(text, "t", {{"ltq_tapi", "sim"}, {"germany", "croatia"}});
  EXPECT_TRUE(r.ok());
  return r.config.value_or(Telephony{});
}

const std::string kBase =
    "config general\n option log_level 3\n"
    "config account 'keep'\n option realm r\n option username u\n option password p\n"
    "config account 'edit'\n option realm r\n option username u\n option password p\n"
    "config account 'drop'\n option realm r\n option username u\n option password p\n"
    "config port\n option id 0\n"
    "config port\n option id 1\n"
    "config contact\n option desc d\n option code one\n option dial 1\n option type realm\n"
    "config relay\n option gpio 31\n option value 1\n";

TEST(Diff, IdenticalConfigsHaveNoChanges) {
  ConfigDiff d = diff(load(kBase), load(kBase));
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.summary(), "no changes");
}

TEST(Diff, AddedChangedRemovedPerSection) {
  std::string next =
      "config general\n option log_level 6\n option locale croatia\n"
      "config stun\n option host s\n"
      "config account 'keep'\n option realm r\n option username u\n option password p\n"
      "config account 'edit'\n option realm r\n option username u\n option password NEW\n"
      "config account 'new'\n option realm r\n option username u\n option password p\n"
      "config port\n option id 0\n option noring 1\n"
      "config port\n option id 1\n"
      "config contact\n option desc d\n option code two\n option dial 1\n option type realm\n"
      "config relay\n option gpio 31\n option value 1\n";
  ConfigDiff d = diff(load(kBase), load(next));
  EXPECT_EQ(d.general, (std::vector<std::string>{"log_level", "locale"}));
  EXPECT_TRUE(d.stun);
  EXPECT_EQ(d.accounts.added, std::vector<std::string>{"new"});
  EXPECT_EQ(d.accounts.changed, std::vector<std::string>{"edit"});
  EXPECT_EQ(d.accounts.removed, std::vector<std::string>{"drop"});
  EXPECT_EQ(d.ports.changed, std::vector<std::string>{"port0"});
  EXPECT_TRUE(d.ports.added.empty());
  EXPECT_EQ(d.contacts.added, std::vector<std::string>{"two"});
  EXPECT_EQ(d.contacts.removed, std::vector<std::string>{"one"});
  EXPECT_TRUE(d.relays.empty());
  EXPECT_EQ(d.summary(),
            "general: log_level locale; stun changed; accounts: +new ~edit -drop; ports: ~port0; "
            "contacts: +two -one");
}

TEST(Diff, ReorderingSectionsIsNotAChange) {
  std::string reordered =
      "config relay\n option gpio 31\n option value 1\n"
      "config port\n option id 1\n"
      "config account 'drop'\n option realm r\n option username u\n option password p\n"
      "config contact\n option desc d\n option code one\n option dial 1\n option type realm\n"
      "config account 'edit'\n option realm r\n option username u\n option password p\n"
      "config port\n option id 0\n"
      "config account 'keep'\n option realm r\n option username u\n option password p\n"
      "config general\n option log_level 3\n";
  EXPECT_TRUE(diff(load(kBase), load(reordered)).empty());
}

TEST(Diff, WhatAChangeRestarts) {
  const Telephony base = load(kBase);
  auto with = [&](const std::string& general) {
    std::string next = kBase;
    next.replace(0, next.find("config account"), "config general\n option log_level 3\n" + general);
    return diff(base, load(next));
  };
  ConfigDiff d = with(" option log_level 3\n option call_log /tmp/calls\n");
  EXPECT_FALSE(d.restart_lines);
  EXPECT_FALSE(d.restart_sip_stack);
  d = with(" option locale croatia\n");
  EXPECT_TRUE(d.restart_lines);
  EXPECT_FALSE(d.restart_sip_stack);
  d = with(" option outbound '<sip:proxy;lr>'\n");
  EXPECT_FALSE(d.restart_lines);
  EXPECT_TRUE(d.restart_sip_stack);
  d = with(" option local_port 5070\n option jb_max 200\n");
  EXPECT_TRUE(d.restart_lines);
  EXPECT_TRUE(d.restart_sip_stack);

  std::string port = kBase;
  port.replace(port.find("option id 1\n"), 12, "option id 1\n option nodial 1\n");
  EXPECT_TRUE(diff(base, load(port)).restart_lines);
  // Barring and the hotline are read per call: the port changes, its line stays.
  std::string plan = kBase;
  plan.replace(plan.find("option id 1\n"), 12,
               "option id 1\n option hotline 2003\n option bar_outgoing 0900\n"
               " option bar_incoming 0137\n option anonymous_reject 1\n");
  d = diff(base, load(plan));
  EXPECT_EQ(d.ports.changed, std::vector<std::string>{"port1"});
  EXPECT_FALSE(d.restart_lines);
  EXPECT_TRUE(diff(base, load(kBase + "config timers\n option flash_max 800\n")).restart_lines);
  std::string account = kBase;
  account.replace(account.find("password p"), 10, "password q");
  d = diff(base, load(account));
  EXPECT_FALSE(d.restart_lines);
  EXPECT_FALSE(d.restart_sip_stack);  // the account alone re-registers (sip_service.h)
}

// Every general option, with what changing it restarts.
TEST(Diff, EveryGeneralOptionSaysWhatItRestarts) {
  const std::set<std::string> lines = {
      "backend",       "sim_socket",        "locale",         "cid",    "revert", "ossdev",
      "tapi_firmware", "tapi_coefficients", "echo_canceller", "jb_min", "jb_max", "kpi"};
  const std::set<std::string> sip = {"name",     "interface",   "local_port",
                                     "tls_port", "tls_ca_file", "outbound"};
  size_t general = 0;
  for (const auto& doc : schema_docs({{"sim"}, {"germany"}})) {
    if (doc.section != "general") continue;
    ++general;
    const Restart want = lines.count(doc.option) ? Restart::kLines
                         : sip.count(doc.option) ? Restart::kSipStack
                                                 : Restart::kNothing;
    EXPECT_EQ(general_option_restart(doc.option), want) << doc.option;
  }
  EXPECT_GT(general, lines.size() + sip.size());
  EXPECT_EQ(general_option_restart("no_such_option"), Restart::kNothing);
}

}  // namespace
}  // namespace owsip::config
