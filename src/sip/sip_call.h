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
#include "core/timer.h"
#include "fax/t38_call_sdp.h"
#include "fax/t38_session.h"
#include "media/conference_mixer.h"
#include "media/port_allocator.h"
#include "phone/call_control.h"
#include "sip/call_machine.h"
#include "sip/call_manager.h"
#include "sip/extensions.h"
#include "sip/refer.h"
#include "sip/register_client.h"

struct sipsess;  // libre
struct mbuf;     // libre
struct sipnot;   // libre
struct sipsub;   // libre
struct sip_dialog;   // libre
struct sip_request;  // libre
struct sip;          // libre

namespace owsip::sip {

class SipCallHandle;

class SipCall final : public phone::IncomingCall, private CallDialog {
 public:
  SipCall(CallManager& manager, uint64_t id, bool incoming, const RegisterTarget& target,
          const config::Account& account);
  ~SipCall() override;
  SipCall(const SipCall&) = delete;
  SipCall& operator=(const SipCall&) = delete;

  // Outgoing: media for `line`, then the INVITE to `to_uri`. Events go to `observer`.
  // `hide`: the caller's number is withheld (RFC 3323: From anonymous, Privacy: id, and the
  // account's identity in P-Preferred-Identity for the provider, RFC 3325). `headers`: extra
  // header lines (CRLF-terminated) of the INVITE, e.g. a transfer's Replaces.
  Status connect(const std::string& to_uri, int port, line::Line& line,
                 phone::CallObserver& observer, bool hide = false,
                 const std::string& extra_headers = "");
  // The port's handle of this call (set by whoever made it; cleared when it hangs up).
  void set_handle(SipCallHandle* h) { handle_ = h; }
  // Incoming: reads caller ID, the extensions and the offer of `msg`. Returns 0, or the status
  // to refuse the call with: 420/421 (100rel against the account's `rel100`, RFC 3262), 422
  // (a session interval below `min_se`, RFC 4028), 488 (an offer with nothing acceptable).
  int check_invite(const struct ::sip_msg* msg);
  // Incoming, after the sink took the call: 180 Ringing, reliable (RFC 3262) when the caller
  // supports 100rel and the account allows it.
  Status ring(const struct ::sip_msg* msg);
  // Incoming, when no port can take it: the final status, without a session.
  void refuse(const struct ::sip_msg* msg, int code);

  // phone::IncomingCall
  const line::dsp::CallerId& caller() const override { return cid_; }
  std::string describe() const override;
  Result<std::unique_ptr<phone::Call>> answer(int port, line::Line& line,
                                              phone::CallObserver& observer) override;
  // 183 with the SDP answer (unreliable: not when our 18x are reliable) and the media on
  // `line` (docs/SERVICES.md, forwarding by call).
  bool early_media(int port, line::Line& line) override;
  void reject(int code) override;
  void forward_to(const std::string& target) override;
  void explain(const std::string& cause) override { cause_ = cause; }
  phone::DialTarget call_back() const override { return call_back_; }

  // From the port's handle.
  void hang_up();
  void hold(bool on);
  // A fax tone on the line: voice-band data by re-INVITE (docs/FAX.md), once the call is
  // connected; `port_fax` overrides the account's fax option when not empty.
  void fax_detected(const std::string& port_fax);
  void send_voiceband_offer();
  void on_t30_frame(uint8_t fcf, bool from_line);
  void back_to_voice();
  void end_t38();
  // T.38 (fax t38 / auto on the software path, docs/FAX.md "T.38 in calls"): the re-INVITE
  // with the image stream; pass-through when the far end refuses it.
  void send_t38_offer();
  // A final response >= 300 to an INVITE of dialog `call_id` was received: true when it refused
  // our T.38 re-INVITE (then pass-through follows).
  bool reinvite_refused(const std::string& call_id, int code);
  void send_dtmf(char digit);
  // The phone transfers this (held) call to the far end of `consultation` (RFC 5589 sections 6
  // and 7): REFER in this dialog, the outcome from the NOTIFYs goes to the observer
  // (on_transfer_result). Attended: Refer-To carries Replaces of the consultation's dialog,
  // which is kept (no BYE when the port lets go of it) until the target replaces it.
  bool transfer_to(SipCall& consultation, bool attended);
  // Three-way calling: this call (resumed if held) and `other` share the line through a
  // software mixer. False where the line has no software path (a DSP) or it is not the same.
  bool conference_with(SipCall& other);
  // An INVITE with Replaces (RFC 3891): does this call's dialog match it?
  bool matches(const ReplacesTarget& r) const;
  // Incoming, after ring(): answers this call in place of `old` (the port's call), which
  // gets BYE; the port's handle and line go to this call.
  Status replace(SipCall& old);
  // The UA is going away: end the call as a network failure.
  void abort(const std::string& why);

  // --- extensions (sip_call_extensions.cc) ---
  // Is `msg` a request of this call's dialog (early or confirmed)?
  bool in_dialog(const struct ::sip_msg* msg) const;
  // The stack to answer `msg` on; nullptr when it is not to be handled (answered 500 when its
  // CSeq is out of order).
  struct ::sip* in_dialog_stack(const struct ::sip_msg* msg);
  // A PRACK (RFC 3262 section 3): 200 when its RAck names our reliable 18x, else 481.
  void on_prack(const struct ::sip_msg* msg);
  // An UPDATE (RFC 3311): 200 (with the SDP answer to an offer), a session refresh (RFC 4028).
  void on_update(const struct ::sip_msg* msg);

  uint64_t id() const { return record_.id; }
  bool finished() const { return machine_.ended() && !has_handle_; }
  CallState state() const { return machine_.state(); }
  CallRecord record() const;

 private:
  friend struct SipCallCallbacks;
  friend struct SipCallUpdate;
  friend class CallManager;
  Status make_media(line::Line& line);
  // --- transfer (RFC 3515, RFC 5589 section 6): this call is referred elsewhere ---
  // A REFER in the dialog: 202 and NOTIFY 100 Trying, then a new call to its Refer-To from the
  // same port and account, which takes this call's handle; or 400/603 when it cannot be.
  void on_refer(const struct ::sip_msg* msg);
  // NOTIFY of the REFER's subscription with a sipfrag of `code`; >= 200 ends the subscription.
  void refer_notify(int code);
  // The new call of the transfer was answered: 200 OK to the referrer, who should now send
  // BYE; owsip sends it after a grace time if the referrer does not.
  void transfer_succeeded();
  // The new call rings or has early media: NOTIFY 180 / 183 (each once).
  void transfer_progress(int code);
  int last_refer_progress_ = 0;
  // The new call failed with `code`: the referrer hears it; this call takes `observer` and
  // `handle` back when it still can (true), or is ended (false).
  bool transfer_failed(int code, phone::CallObserver* observer, SipCallHandle* handle);
  // The line plays this call's audio again (after a failed transfer).
  void reattach_audio();
  // The REFER this call sent got its final answer (NOTIFY with a final sipfrag, or a refusal).
  void transfer_outcome(bool ok, int code);
  // A consultation call kept for the target to replace: BYE after `delay_ms` if still up.
  void end_kept_call(uint64_t delay_ms);
  // Ends the conference this call is in (before its media goes): the other call takes the
  // line's audio back.
  void leave_conference();
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
  // --- T.38 (docs/FAX.md "T.38 in calls") ---
  // The fax option in force: the port's (from the last fax tone, else the configuration),
  // else the account's.
  std::string fax_mode() const;
  fax::T38Options t38_options() const;
  // The line's audio is owsip's (software path) at 8 kHz: what the T.38 gateway runs on.
  bool t38_possible() const;
  // The offer for a re-INVITE of the session as it is: T.38 while it runs, else audio.
  Result<std::string> session_offer();
  // The answer to our T.38 offer; the far end's T.38 offer (0, or EPROTO: libre answers 488).
  Status t38_answered(const std::string& sdp);
  int answer_t38_offer(const std::string& offer, struct ::mbuf** answer);
  // A UDP port from the RTP range for our UDPTL, held until the session binds it.
  Result<uint16_t> reserve_t38_port();
  // The line's audio moves from the RTP path to the T.38 gateway.
  Status start_t38(const fax::T38Remote& remote, const fax::T38Sdp& local);
  // Our T.38 offer was refused (or not answered with an image stream): pass-through.
  void t38_fallback(const std::string& why);
  // Outgoing: (re)sends the INVITE of connect() (again after a 422, with the larger Min-SE).
  int send_invite();
  // --- extensions (sip_call_extensions.cc) ---
  // The account's `rel100` and session timer; both off where libre does them (3.x).
  Rel100 rel100() const;
  TimerPolicy timer_policy() const;
  // Allow and Supported as this account has them (uas_rules.h).
  std::string capabilities() const;
  // Incoming: 420/421/422 for the INVITE's extensions (refuse_headers_ set), or 0.
  int check_extensions(const struct ::sip_msg* msg);
  // Incoming, reliable 18x: sent again at T1, 2*T1... until PRACKed; 504 after 64*T1.
  void retransmit_provisional();
  // Outgoing: a reliable 18x (Require: 100rel, RSeq) gets its PRACK (RFC 3262 section 4).
  void send_prack(const struct ::sip_msg* msg);
  // The 2xx's headers of the session timer (incoming) or what the 2xx said (outgoing): starts
  // the timer. A 422 to our INVITE: true when it is sent again with the larger Min-SE.
  std::string session_timer_headers() const;
  void session_started(const struct ::sip_msg* msg_2xx);
  bool retry_after_422(const struct ::sip_msg* msg);
  // Refresh (we refresh) or expiry (they do), RFC 4028 section 10.
  void arm_session_timer();
  void refresh_session();
  void refresh_answered(int err, const struct ::sip_msg* msg);
  // A re-INVITE from the far end was answered by libre, without Session-Expires.
  void reinvite_received(const struct ::sip_msg* msg);
  // The session timer ended the call (no refresh, or a refresh failed): BYE, the port hears
  // the far end gone.
  void session_lost(int code, const std::string& why);

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
  SipCallHandle* handle_ = nullptr;  // the port's handle, while it stands for this call
  struct ::sipnot* refer_not_ = nullptr;  // the subscription of a REFER received (sipfrag)
  uint64_t referrer_ = 0;          // the new call of a transfer: the call that was referred
  uint64_t transferred_to_ = 0;    // the referred call: the new call
  bool transferred_ = false;       // the new call was answered: this call ends as transferred
  Timer transfer_bye_;             // BYE if the referrer does not end the call itself
  // --- the phone transfers this call (REFER sent) ---
  struct ::sipsub* refer_sub_ = nullptr;  // the REFER's implicit subscription
  bool refer_outcome_ = false;     // its outcome was told
  uint64_t consultation_ = 0;      // attended: the consultation call kept for Replaces
  bool kept_for_replaces_ = false;  // this is that consultation call
  Timer refer_guard_;              // no outcome in time: failed
  // The dialog as the 2xx set it (outgoing calls): for a Replaces naming it.
  std::string dialog_call_id_, local_tag_, remote_tag_;
  // --- three-way calling ---
  std::unique_ptr<media::ConferenceMixer> mixer_;  // the call that attached the mixer
  uint64_t conference_peer_ = 0;                   // the other call of the conference
  // --- RFC 3262: reliable provisional responses ---
  bool reliable_ = false;          // incoming: our 18x are sent reliably
  uint32_t rseq_ = 0;              // incoming: RSeq of our reliable 180 (0: none sent)
  uint32_t invite_cseq_ = 0;       // incoming: the INVITE's CSeq, which a PRACK's RAck names
  int rel1xx_sends_ = 0;           // incoming: how often the reliable 180 went out
  std::string rel1xx_headers_;     // incoming: its headers (the same RSeq each time)
  Timer rel1xx_timer_;
  struct ::sip_dialog* early_dialog_ = nullptr;  // outgoing: the early dialog PRACKs go in
  std::string early_tag_;          // outgoing: its remote tag
  uint32_t pracked_rseq_ = 0;      // outgoing: the last RSeq PRACKed
  std::string refuse_headers_;     // incoming: Require/Unsupported/Min-SE of a refusal
  // --- RFC 4028: session timer; RFC 3311: UPDATE ---
  UasTimer uas_timer_;             // incoming: what the INVITE was granted
  ActiveTimer session_;            // in force (seconds 0: none)
  Timer session_timer_;
  Timer fax_timer_;                // retries the voice-band data re-INVITE (not yet connected...)
  int fax_tries_ = 0;
  enum class T38State { none, offering, active, refused };
  T38State t38_state_ = T38State::none;
  std::unique_ptr<fax::T38Session> t38_;            // the gateway and UDPTL, once agreed
  std::unique_ptr<media::RtpSockets> t38_reserved_;  // our SDP's UDPTL port (and its RTCP neighbour)
  fax::T38Sdp t38_local_;                            // our last T.38 offer
  std::string fax_port_mode_;                        // the port's fax option of the last tone
  bool fax_ended_ = false;                           // DCN heard since the fax began
  bool peer_allows_update_ = false;  // its Allow lists UPDATE: we refresh with UPDATE
  struct ::sip_request* refresh_req_ = nullptr;  // our UPDATE in flight
  uint32_t min_se_asked_ = 0;      // outgoing: Min-SE of a 422
  std::string invite_uri_, invite_route_, invite_from_uri_, invite_headers_;
  bool invite_hidden_ = false;
  std::string forward_uri_;        // incoming: where a 3xx sends the caller
  std::string early_answer_;       // incoming: the SDP answer our 183 carried (the 2xx repeats it)
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
  void fax_detected(const std::string& port_fax) override;
  std::string describe() const override;
  // A transfer moves the handle to another call (and back when that call fails).
  void retarget(uint64_t id) { id_ = id; }
  bool transfer(phone::Call& consultation, bool attended) override;
  bool conference(phone::Call& other) override;

 private:
  CallManager& manager_;
  uint64_t id_;
};

}  // namespace owsip::sip
