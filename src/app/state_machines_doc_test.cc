// docs/STATE_MACHINES.md is drawn from the tables themselves (core/fsm.h fsm_mermaid): this
// test fails when a table changed and the document was not regenerated. `./run docs` rewrites
// it (it runs this test with OWSIP_WRITE_DOCS=1).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "phone/port.h"
#include "sip/call_machine.h"
#include "sip/registration.h"

namespace owsip {
namespace {

std::string document() {
  std::string out =
      "# State machines\n\n"
      "Generated from the tables in the code by `./run docs` (src/app/state_machines_doc_test.cc;\n"
      "a test fails when this file is out of date). Each machine runs on the engine in\n"
      "`src/core/fsm.h`: a state takes only the events listed under its name, enters only the\n"
      "states its arrows reach, and the all-state events in the note reach every state. An\n"
      "event a state does not take is refused and logged; so is an undeclared transition.\n\n";
  auto section = [&](const char* title, const char* where, const std::string& diagram) {
    out += std::string("## ") + title + "\n\n" + where + "\n\n```mermaid\n" + diagram + "```\n\n";
  };
  section("Port", "One FXS port (`src/phone/port.cc`, `PortTable`).",
          fsm_mermaid(phone::port_fsm_spec()));
  section("Registration", "One account's registration (`src/sip/registration.cc`).",
          fsm_mermaid(sip::registration_fsm_spec()));
  section("SIP call", "One SIP call (`src/sip/call_machine.cc`), driven by `SipCall`.",
          fsm_mermaid(sip::call_fsm_spec()));
  return out;
}

TEST(StateMachinesDoc, IsCurrent) {
  const std::string path = std::string(OWSIP_SOURCE_DIR) + "/docs/STATE_MACHINES.md";
  const std::string want = document();
  if (const char* w = std::getenv("OWSIP_WRITE_DOCS"); w && std::string(w) == "1") {
    std::ofstream(path) << want;
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path);
  std::stringstream have;
  have << in.rdbuf();
  EXPECT_EQ(have.str(), want) << path << " is out of date: run ./run docs";
}

}  // namespace
}  // namespace owsip
