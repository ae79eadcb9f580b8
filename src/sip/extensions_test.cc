#include "sip/extensions.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

TEST(Rel100, TheOptionReadsOffSupportedRequired) {
  EXPECT_EQ(rel100_mode("off"), Rel100::off);
  EXPECT_EQ(rel100_mode("supported"), Rel100::supported);
  EXPECT_EQ(rel100_mode("required"), Rel100::required);
}

TEST(Rel100, TheUasSendsReliablyWhenTheCallerSupportsOrRequiresIt) {
  EXPECT_EQ(provisional_mode(Rel100::supported, true, false), Provisional::reliable);
  EXPECT_EQ(provisional_mode(Rel100::supported, false, true), Provisional::reliable);
  EXPECT_EQ(provisional_mode(Rel100::supported, false, false), Provisional::unreliable);
  EXPECT_EQ(provisional_mode(Rel100::required, true, false), Provisional::reliable);
}

TEST(Rel100, RequiredRefusesACallerWithout100relAndOffRefusesOneRequiringIt) {
  EXPECT_EQ(provisional_mode(Rel100::required, false, false), Provisional::refuse_421);
  EXPECT_EQ(provisional_mode(Rel100::off, false, true), Provisional::refuse_420);
  EXPECT_EQ(provisional_mode(Rel100::off, true, false), Provisional::unreliable);
}

TEST(Rel100, OptionTagsAreComparedWithoutCase) {
  EXPECT_TRUE(lists_tag({"replaces", "100REL"}, "100rel"));
  EXPECT_FALSE(lists_tag({"replaces", "timer"}, "100rel"));
}

TEST(Rel100, RSeqIsANumberFrom1To2Pow31Minus1) {
  EXPECT_EQ(parse_rseq("988789"), 988789u);
  EXPECT_EQ(parse_rseq(" 1 "), 1u);
  EXPECT_FALSE(parse_rseq("0"));
  EXPECT_FALSE(parse_rseq("2147483648"));
  EXPECT_FALSE(parse_rseq("12a"));
  EXPECT_FALSE(parse_rseq(""));
}

TEST(Rel100, RAckHasTheResponseNumberTheCSeqAndTheMethod) {
  auto r = parse_rack("776656 1 INVITE");  // RFC 3262 section 7.2
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rseq, 776656u);
  EXPECT_EQ(r->cseq, 1u);
  EXPECT_EQ(r->method, "INVITE");
  EXPECT_EQ(format_rack(*r), "776656 1 INVITE");
  EXPECT_TRUE(parse_rack("1  2\tINVITE "));
  EXPECT_FALSE(parse_rack("1 2"));
  EXPECT_FALSE(parse_rack("1 INVITE"));
  EXPECT_FALSE(parse_rack("1 2 INVITE x"));
}

TEST(Rel100, RetransmissionsDoubleFromT1AndStopAt64T1) {
  uint64_t t = 0;
  std::vector<uint64_t> sent{0};
  Retransmit r;
  for (int sends = 1;; ++sends) {
    r = reliable_retransmit(sends);
    t += r.after_ms;
    if (r.give_up) break;
    sent.push_back(t);
    ASSERT_LT(sends, 20);
  }
  EXPECT_EQ(sent, (std::vector<uint64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(t, 64 * kT1Ms);  // gives up 32 s after the first sending
}

TEST(SessionTimer, SessionExpiresWithAndWithoutRefresher) {
  auto se = parse_session_expires("4000;refresher=uac");  // RFC 4028 section 4
  ASSERT_TRUE(se);
  EXPECT_EQ(se->seconds, 4000u);
  EXPECT_EQ(se->refresher, Refresher::uac);
  se = parse_session_expires("1800 ; x=1; Refresher=UAS");
  ASSERT_TRUE(se);
  EXPECT_EQ(se->refresher, Refresher::uas);
  se = parse_session_expires("90");
  ASSERT_TRUE(se);
  EXPECT_EQ(se->refresher, Refresher::none);
  EXPECT_FALSE(parse_session_expires("x"));
  EXPECT_FALSE(parse_session_expires("90 x"));
  EXPECT_EQ(format_session_expires({1800, Refresher::uas}), "1800;refresher=uas");
}

TEST(SessionTimer, MinSEIsDeltaSeconds) {
  EXPECT_EQ(parse_min_se("90"), 90u);
  EXPECT_EQ(parse_min_se("120;lr"), 120u);
  EXPECT_FALSE(parse_min_se("abc"));
}

TEST(SessionTimer, TooSmallAnIntervalGets422WithOurMinimum) {
  UasTimer t = uas_session_timer({1800, 90}, {SessionExpires{60, Refresher::none}, 60, true});
  EXPECT_EQ(t.refuse, 422);
  EXPECT_EQ(t.min_se, 90u);
}

TEST(SessionTimer, TheUasGrantsTheAskedIntervalOrItsOwnShorterOne) {
  UasTimer t = uas_session_timer({1800, 90}, {SessionExpires{600, Refresher::none}, 90, true});
  EXPECT_EQ(t.refuse, 0);
  EXPECT_EQ(t.granted.seconds, 600u);
  t = uas_session_timer({1800, 90}, {SessionExpires{7200, Refresher::none}, 90, true});
  EXPECT_EQ(t.granted.seconds, 1800u);
  // Never below the request's Min-SE.
  t = uas_session_timer({100, 90}, {SessionExpires{7200, Refresher::none}, 300, true});
  EXPECT_EQ(t.granted.seconds, 300u);
}

TEST(SessionTimer, ACallerWithTheExtensionRefreshesUnlessItChoseOtherwise) {
  UasTimer t = uas_session_timer({1800, 90}, {SessionExpires{600, Refresher::none}, 90, true});
  EXPECT_EQ(t.granted.refresher, Refresher::uac);
  EXPECT_TRUE(t.require_timer);
  EXPECT_FALSE(uas_active_timer(t).we_refresh);
  t = uas_session_timer({1800, 90}, {SessionExpires{600, Refresher::uas}, 90, true});
  EXPECT_EQ(t.granted.refresher, Refresher::uas);
  EXPECT_FALSE(t.require_timer);
  EXPECT_TRUE(uas_active_timer(t).we_refresh);
}

TEST(SessionTimer, ACallerWithoutTheExtensionGetsATimerTheUasRefreshes) {
  UasTimer t = uas_session_timer({1800, 90}, {std::nullopt, std::nullopt, false});
  EXPECT_EQ(t.granted.seconds, 1800u);
  EXPECT_EQ(t.granted.refresher, Refresher::uas);
  EXPECT_FALSE(t.require_timer);  // it would not understand it
  ActiveTimer a = uas_active_timer(t);
  EXPECT_EQ(a.seconds, 1800u);
  EXPECT_TRUE(a.we_refresh);
}

TEST(SessionTimer, OffMeansNoTimerAndNo422) {
  UasTimer t = uas_session_timer({0, 90}, {SessionExpires{30, Refresher::uac}, 30, true});
  EXPECT_EQ(t.refuse, 0);
  EXPECT_EQ(t.granted.seconds, 0u);
  EXPECT_EQ(uas_active_timer(t).seconds, 0u);
  EXPECT_EQ(uac_timer_headers({0, 90}), "");
}

TEST(SessionTimer, TheUacAsksForItsIntervalAndAfter422ForTheLargerMinimum) {
  EXPECT_EQ(uac_timer_headers({1800, 90}), "Session-Expires: 1800\r\nMin-SE: 90\r\n");
  EXPECT_EQ(uac_timer_headers({100, 90}, 120), "Session-Expires: 120\r\nMin-SE: 120\r\n");
}

TEST(SessionTimer, TheUacFollowsThe2xx) {
  EXPECT_EQ(uac_active_timer(std::nullopt).seconds, 0u);
  ActiveTimer a = uac_active_timer(SessionExpires{900, Refresher::uac});
  EXPECT_EQ(a.seconds, 900u);
  EXPECT_TRUE(a.we_refresh);
  EXPECT_FALSE(uac_active_timer(SessionExpires{900, Refresher::uas}).we_refresh);
}

TEST(SessionTimer, RefreshAtHalfAndExpiryBeforeTheEnd) {
  EXPECT_EQ(refresh_after_ms(1800), 900000u);
  EXPECT_EQ(expiry_after_ms(1800), (1800u - 32u) * 1000u);  // RFC 4028 section 10
  EXPECT_EQ(expiry_after_ms(90), 60000u);                   // 90 - 90/3
  EXPECT_EQ(expiry_after_ms(6), 4000u);
}

}  // namespace
}  // namespace owsip::sip
