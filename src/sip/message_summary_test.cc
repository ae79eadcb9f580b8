#include "sip/message_summary.h"

#include <gtest/gtest.h>

namespace owsip::sip {
namespace {

TEST(MessageSummaryTest, TheRfc3842Examples) {
  // RFC 3842 section 7: the NOTIFY body of the example flow.
  auto s = parse_message_summary(
      "Messages-Waiting: yes\r\n"
      "Message-Account: sip:alice@vmail.example.com\r\n"
      "Voice-Message: 2/8 (0/2)\r\n");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->waiting);
  EXPECT_EQ(s->account, "sip:alice@vmail.example.com");
  EXPECT_EQ(s->voice_new, 2);
  EXPECT_EQ(s->voice_old, 8);
  EXPECT_EQ(s->describe(), "2 new, 8 old voice messages");
  auto none = parse_message_summary("Messages-Waiting: no\r\n");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->waiting);
  EXPECT_EQ(none->voice_new, -1);
  EXPECT_EQ(none->describe(), "no messages");
}

TEST(MessageSummaryTest, LooseFormsProvidersSend) {
  auto s = parse_message_summary("messages-waiting:YES\nvoice-message: 1/0\n\nTo: x\nFrom: y\n");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->waiting);
  EXPECT_EQ(s->voice_new, 1);
  EXPECT_EQ(s->voice_old, 0);
  auto fax = parse_message_summary("Messages-Waiting: yes\r\nFax-Message: 1/0\r\n");
  ASSERT_TRUE(fax);
  EXPECT_EQ(fax->voice_new, -1);
}

TEST(MessageSummaryTest, BrokenBodiesAreRefused) {
  EXPECT_FALSE(parse_message_summary(""));
  EXPECT_FALSE(parse_message_summary("Voice-Message: 2/8\r\n"));  // no Messages-Waiting
  EXPECT_FALSE(parse_message_summary("Messages-Waiting: maybe\r\n"));
  EXPECT_FALSE(parse_message_summary("Messages-Waiting: yes\r\nVoice-Message: two/8\r\n"));
  EXPECT_FALSE(parse_message_summary("Messages-Waiting: yes\r\nVoice-Message: 2/8 (0/\r\n"));
  EXPECT_FALSE(parse_message_summary("Messages-Waiting: yes\r\nVoice-Message: -1/0\r\n"));
  EXPECT_FALSE(parse_message_summary("garbage without a colon"));
}

}  // namespace
}  // namespace owsip::sip
