#pragma once
// One SIP call of the CallManager (call_manager.h): a libre sipsess, its MediaSession and its
// record. Internal to sip/; the ports see it as a phone::IncomingCall while it is offered and
// through a SipCallHandle (a phone::Call) once they hold it.
//
// Life: created by the manager for a placed call or an INVITE that passed the filter; ended by
// the far end (close handler), by the port (hang_up from the handle's destructor) or by the
// switchboard (reject); then `finished()` and the manager frees it from a zero-delay timer.

#include <memory>
#include <string>

#include "config/telephony.h"
#include "phone/call_control.h"
#include "sip/call_machine.h"
#include "sip/call_manager.h"
#include "sip/register_client.h"

struct sipsess;  // libre
struct mbuf;     // libre

namespace owsip::sip {

class SipCall final : public phone::IncomingCall, private CallDialog {
 public:
  SipCall(CallManager& manager, uint64_t id, bool incoming, const RegisterTarget& target,
          const config::Account& account);
  ~SipCall() override;
  SipCall(const SipCall&) = delete;
  SipCall& operator=(const SipCall&) = delete;

  // Outgoing: media for `line`, then the INVITE to `to_uri`. Events go to `observer`.
  // `hide`: the caller's number is withheld (RFC 3323: From anonymous, Privacy: id, and the
  // account's identity in P-Preferred-Identity for the provider, RFC 3325).
  Status connect(const std::string& to_uri, int port, line::Line& line,
                 phone::CallObserver& observer, bool hide = false);
  // Incoming: reads caller ID and the offer of `msg`. Returns 0, or the status to refuse the
  // call with (488 for an offer with nothing acceptable).
  int check_invite(const struct ::sip_msg* msg);
  // Incoming, after the sink took the call: 180 Ringing.
  Status ring(const struct ::sip_msg* msg);
  // Incoming, when no port can take it: the final status, without a session.
  void refuse(const struct ::sip_msg* msg, int code);

  // phone::IncomingCall
  const line::dsp::CallerId& caller() const override { return cid_; }
  std::string describe() const override;
  Result<std::unique_ptr<phone::Call>> answer(int port, line::Line& line,
                                              phone::CallObserver& observer) override;
  void reject(int code) override;
  void forward_to(const std::string& target) override;
  void explain(const std::string& cause) override { cause_ = cause; }
  phone::DialTarget call_back() const override { return call_back_; }

  // From the port's handle.
  void hang_up();
  void hold(bool on);
  void send_dtmf(char digit);
  // The UA is going away: end the call as a network failure.
  void abort(const std::string& why);

  uint64_t id() const { return record_.id; }
  bool finished() const { return machine_.ended() && !has_handle_; }
  CallState state() const { return machine_.state(); }
  CallRecord record() const;

 private:
  friend struct SipCallCallbacks;
  Status make_media(line::Line& line);
  // `held`: the line's audio is already detached (it may carry the other call).
  void drop_media(bool held);
  // The call ended (far end, failure, local hang-up): record it, tell the port once.
  void end(int code, std::string cause, bool remote_hangup);
  // CallDialog: what the call's machine asks for.
  void state_changed(CallState from, CallState to) override;
  void tell_progress(int code, bool early_media) override;
  void tell_answered() override;
  void tell_ended(const CallEventArg& end, CallState from, bool was_offered) override;
  // Logs "call N<what follows>" under the tag sip.call.
  void note(int level, const char* fmt, ...) const __attribute__((format(printf, 3, 4)));
  Status apply_answer(const std::string& sdp);
  // "Contact: <forward_uri_>\r\n" for a 3xx refusal of a forwarded call, else "".
  std::string redirect_header(int code) const;
  int answer_offer(const std::string& offer, struct ::mbuf** answer);

  CallManager& manager_;
  RegisterTarget target_;
  config::Account account_;
  CallRecord record_;
  line::dsp::CallerId cid_;
  struct ::sipsess* sess_ = nullptr;
  std::unique_ptr<media::MediaSession> media_;
  line::Line* line_ = nullptr;
  bool software_audio_ = false;  // the line's audio is attached to media_
  phone::CallObserver* observer_ = nullptr;
  bool has_handle_ = false;
  CallMachine machine_;
  std::string offer_sdp_;          // incoming: the INVITE's offer (empty: late offer)
  std::string early_sdp_;          // outgoing: the answer seen in a 183
  std::string invite_sdp_;         // outgoing: our INVITE's offer
  std::string forward_uri_;        // incoming: where a 3xx sends the caller
  std::string cause_;              // incoming: why it is refused, when the switchboard says
  phone::DialTarget call_back_;    // incoming: the caller, for call return
};

// The port's side of a SipCall: destroying it hangs up.
class SipCallHandle final : public phone::Call {
 public:
  SipCallHandle(CallManager& manager, uint64_t id) : manager_(manager), id_(id) {}
  ~SipCallHandle() override;
  void send_dtmf(char digit) override;
  void hold(bool on) override;
  std::string describe() const override;

 private:
  CallManager& manager_;
  uint64_t id_;
};

}  // namespace owsip::sip
