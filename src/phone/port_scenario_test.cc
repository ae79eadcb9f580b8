// Scenario tests of the port state machines: scripts in tests/data/scenarios/*.scn drive two
// ports (port 0 and port 1) joined by a switchboard over fake lines, a fake far end and a fake
// clock, one command per line. A command acts on port 0 unless it starts with `p1`.
//
//   offhook | onhook | flash | dial DIGITS | wait MS        the phone and the clock
//   hangup | lost | reload                                   owsipctl hangup, the phone gone, a reload
//   option callwaiting 0|1                                   the port's options
//   peer 180 | peer 183 | peer 200 | peer 486 | peer bye    the far end of the newest call
//   peer cN bye                                              ... of call N (1, 2, ... in order)
//   peer refer TARGET                                        the far end transfers the newest call
//   peer notify CODE                                         the outcome of the port's transfer
//   incoming NUMBER [NAME] | peer cancel                     a SIP call for the account comes, goes
//   expect tone KIND | expect silence | expect state NAME   what the phone hears, the port state
//   expect consistent                                        the state matches the calls held
//   expect ring [NUMBER] | expect no-ring | expect cid NUMBER  the bell, off-hook caller ID
//   expect invite TARGET | expect cancel | expect bye | expect dtmf D | expect hold |
//   expect resume | expect answer portN | expect reject CODE | expect refuse CODE |
//   expect refer TARGET | expect refer declined | expect transfer-failed CODE |
//   expect refer-blind TARGET | expect refer-attended TARGET | expect conference HELD,OTHER |
//   expect early portN (an incoming call given early media) |
//   option conference 0|1                                   can the fake call layer mix audio
//   option forward_mode 302|call                             the features' forward_mode
//   option refuse-next                                       the call layer refuses the next call
//   expect no-signalling                                     what the far end saw
//
// `expect` of signalling consumes the far end's log in order; a scenario fails at the first
// line that does not hold, naming the file and line. '#' starts a comment, so '#' is dialled
// as `dial hash`.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fakes/port_scenario.h"

namespace owsip::phone {
namespace {

namespace fs = std::filesystem;

using testing_support::Scenario;

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(OWSIP_SOURCE_DIR) / "tests/data/scenarios"))
    if (e.path().extension() == ".scn") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class PortScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(PortScenario, Runs) {
  const fs::path file = fs::path(OWSIP_SOURCE_DIR) / "tests/data/scenarios" / GetParam();
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  Scenario s;
  std::string line;
  int n = 0, steps = 0;
  while (std::getline(in, line)) {
    ++n;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++steps;
    std::string err = s.step(line);
    ASSERT_EQ(err, "") << GetParam() << ":" << n << ": " << line;
  }
  EXPECT_GT(steps, 3) << "an empty scenario checks nothing";
}

INSTANTIATE_TEST_SUITE_P(Files, PortScenario, ::testing::ValuesIn(scenario_files()),
                         [](const auto& i) {
                           std::string n = i.param.substr(0, i.param.size() - 4);
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace owsip::phone
