#pragma once
// The SIP call layer: calls through the accounts of the SipService, on libre's sipsess, with a
// MediaSession per call for the line's audio (software path) or its DSP (hardware path).
//
// Outgoing (place): INVITE to `number@realm` (or a contact's SIP address) through the account,
// first hop its outbound proxy or registrar, digest credentials of the account, From its
// address of record, Contact its secret contact user. 180 and 183 report progress (183 with
// SDP is early media); 2xx answers; a failure ends the call with its status; destroying the
// port's Call sends CANCEL or BYE.
//
// Behind a NAT, the public IP that SIP's socket learned from the `stun` section's server goes
// into the SDP (public_address.h).
//
// Incoming: an INVITE passes the ghost-call filter (inbound_filter.h) or gets 403. Its offer
// is checked against the account's media settings (488 when nothing is acceptable), then the
// call is offered to the sink (the switchboard): 180 when some port rings or signals it as
// waiting, else the status the sink returns. The answering port's line gets the media; CANCEL
// withdraws the call; the switchboard's reject() sends the final status.
//
// During a call: re-INVITEs from the peer (codec, address, hold) are answered; hold() sends
// one (sendonly, or sendrecv to resume) and detaches the line's audio while held; INFO with
// application/dtmf-relay is played to the phone; the peer's BYE ends the call.
//
// Every call has a record (direction, port, account, remote, times, end cause, codec and
// quality) for the control interface, and the record handler hears each call start, change
// and end (the daemon writes the call log from it).
//
// Single-threaded; must be destroyed before the SipService and the Loop.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "media/media_session.h"
#include "media/port_allocator.h"
#include "phone/call_control.h"
#include "sip/inbound_filter.h"
#include "sip/refer.h"

struct sip_msg;        // libre
struct sipsess_sock;   // libre
struct sip_lsnr;       // libre
struct sipevent_sock;  // libre

namespace owsip::sip {

class SipService;
class SipCall;
class UserAgent;

struct CallRecord {
  uint64_t id = 0;
  bool incoming = false;
  int port = -1;            // the port that placed or answered it; -1: none (yet)
  std::string account;
  std::string remote;       // number, or SIP URI when it has no number
  std::string remote_name;  // display name, when given
  std::string state;        // calling, ringing, early, offered, connected, held, ended
  int64_t start_ms = 0;     // wall clock (ms since the epoch)
  int64_t answer_ms = 0;    // 0: not answered
  int64_t end_ms = 0;       // 0: not ended
  int end_code = 0;         // SIP status of a failure or refusal; 0 when none
  std::string end_cause;    // "local hangup", "remote hangup", "cancelled", "busy", ...
  std::string forwarded_to;  // incoming: the port's forwarding sent it there (302 or a call)
  media::MediaStats media;
  // Seconds between answer and end (or now while connected).
  double duration_s(int64_t now_ms) const;
};

class CallManager final : public phone::CallControl {
 public:
  enum class RecordEvent { started, changed, ended };
  using RecordHandler = std::function<void(RecordEvent, const CallRecord&)>;

  CallManager(Loop& loop, SipService& sip, media::RtpPortAllocator& rtp_ports);
  ~CallManager() override;
  CallManager(const CallManager&) = delete;
  CallManager& operator=(const CallManager&) = delete;

  void set_sink(phone::IncomingCallSink* sink) { sink_ = sink; }
  void set_record_handler(RecordHandler h) { on_record_ = std::move(h); }
  // Told of the event socket (sipevent) on each new SIP stack, and with nullptrs before it
  // goes: other subscriptions (message waiting, mwi_client.h) share it with REFER's.
  void set_events_observer(std::function<void(UserAgent*, struct ::sipevent_sock*)> o) {
    on_events_ = std::move(o);
    if (on_events_ && ua_ && events_) on_events_(ua_, events_);
  }

  // phone::CallControl
  Result<std::unique_ptr<phone::Call>> place(int port, const phone::DialTarget& target,
                                             line::Line& line,
                                             phone::CallObserver& observer) override;

  // Records of the calls in progress (media statistics refreshed).
  std::vector<CallRecord> records() const;
  uint64_t refused_invites() const { return limiter_.refused() + limiter_.dropped(); }

 private:
  friend class SipCall;
  friend class SipCallHandle;
  void on_stack(UserAgent* ua);
  static void on_connect(const struct ::sip_msg* msg, void* arg);
  static bool on_unhandled(const struct ::sip_msg* msg, void* arg);
  bool trusted(const std::string& source) const;
  void incoming(const struct ::sip_msg* msg);
  SipCall* find(uint64_t id) const;
  // A transfer of `referred` (a REFER it received): the new call to `target` from the same port,
  // line and account, reporting to `observer`.
  Result<SipCall*> place_transfer(SipCall& referred, const ReferTarget& target,
                                  phone::CallObserver& observer);
  // The public IP of SIP's UDP socket (STUN), when configured and learned.
  std::optional<std::string> public_ip() const;
  // Forgets a finished call (from a zero-delay timer, never inside its own callbacks).
  void reap_soon();
  void reap();
  void record(RecordEvent e, const SipCall& call);

  Loop& loop_;
  SipService& sip_;
  media::RtpPortAllocator& rtp_ports_;
  phone::IncomingCallSink* sink_ = nullptr;
  RecordHandler on_record_;
  UserAgent* ua_ = nullptr;
  struct ::sipsess_sock* sock_ = nullptr;
  struct ::sipevent_sock* events_ = nullptr;    // the subscriptions of REFERs (NOTIFY)
  std::function<void(UserAgent*, struct ::sipevent_sock*)> on_events_;
  struct ::sip_lsnr* last_listener_ = nullptr;  // after sipsess: what nobody handled
  std::vector<std::unique_ptr<SipCall>> calls_;
  uint64_t next_id_ = 1;
  RefusalLimiter limiter_;
  Timer reaper_;
};

}  // namespace owsip::sip
