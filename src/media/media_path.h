#pragma once
// The seam between a call's RTP and the line's audio (DESIGN.md "two media paths").
// A MediaSession owns one MediaPath; the SDP side and the transport are the same for both:
// - SoftwarePath (software_path.h): PCM frames from the line (AudioEndpoint), codecs,
//   jitter buffer, DTMF in software — sim lines, sound cards, TAPI in linear mode;
// - DevicePath (device_path.h): a DSP that encodes and decodes itself and reads and writes
//   whole RTP packets on a device fd (Lantiq VMMC); the path only relays packets.
// All calls come from the event loop.

#include <cstdint>
#include <functional>
#include <span>

#include "core/status.h"
#include "media/audio_endpoint.h"
#include "media/jitter_buffer.h"
#include "media/rtp_packet.h"
#include "media/stream.h"
#include "media/t30_monitor.h"
#include "media/telephone_event.h"

namespace owsip::media {

// Where a path sends RTP (the session's transport: SSRC, sequence numbers, SRTP, address).
class RtpOutput {
 public:
  virtual ~RtpOutput() = default;
  virtual void send_rtp(uint8_t pt, bool marker, uint32_t ts, std::span<const uint8_t> payload) = 0;
  // A whole packet made elsewhere (a DSP): SSRC and sequence number are replaced.
  virtual void send_rtp_packet(std::span<const uint8_t> packet) = 0;
};

struct PathStats {
  JitterStats jitter;          // software path: the playout buffer
  uint64_t unknown_pt = 0;     // packets of a payload type not negotiated
  uint64_t dtmf_sent = 0;      // digits sent (events or in-band)
  uint64_t dtmf_received = 0;  // telephone-event digits received
};

class MediaPath {
 public:
  using DtmfHandler = std::function<void(const DtmfDigit&)>;
  virtual ~MediaPath() = default;

  // What this path can encode and decode (the SDP offers and accepts only these).
  virtual Capabilities capabilities() const = 0;
  // Starts, or reconfigures after a re-INVITE, for `media`. `out` outlives the path's use of it
  // (until stop() or destruction).
  virtual Status start(const NegotiatedMedia& media, RtpOutput& out) = 0;
  virtual void stop() = 0;
  // A packet from the peer: SRTP removed, header valid, payload non-empty.
  virtual void on_rtp(const RtpPacket& packet, uint64_t now_ms) = 0;
  // A digit from the phone (or INFO): RFC 4733 events when negotiated, else in-band.
  virtual void send_dtmf(char digit, int duration_ms) = 0;
  // Digits received as telephone-events: called when one starts and when it ends, from inside
  // on_rtp() or the line's audio callbacks; the handler must not destroy the path.
  virtual void set_dtmf_handler(DtmfHandler handler) = 0;
  // A digit the far end signalled out of band (SIP INFO), to be heard by the phone. The DSP
  // path cannot play it through the packet stream and ignores it.
  virtual void play_dtmf(char digit, int duration_ms) {
    (void)digit;
    (void)duration_ms;
  }
  virtual PathStats stats() const = 0;
  // Kernel RTP: hands the call's RTP socket (bound, about to be connected to `peer`) to the
  // path's hardware; true when it took it over (owsip then neither sends nor reads RTP).
  virtual bool offload_rtp(int udp_fd, const NetAddress& peer) {
    (void)udp_fd;
    (void)peer;
    return false;
  }
  // The line side of the software path; nullptr for a DSP path.
  virtual AudioEndpoint* audio_endpoint() { return nullptr; }
  // Voice-band data (fax pass-through, docs/FAX.md), set by the session before start() when
  // the offer/answer agreed on it: the software path plays with a fixed jitter buffer, no loss
  // concealment and no DTMF detection; the DSP path switches the DSP's echo canceller off,
  // its jitter buffer to fixed and its VAD off (and back to voice when the call ends).
  virtual void set_voiceband_data(bool on) { (void)on; }
  // During voice-band data, the T.30 control frames heard on the line side, both ways
  // (media/t30_monitor.h): FCF with the X bit cleared, `from_line` when the phone's fax machine
  // sent it. How the call sees a fax end (DCN). A path that cannot listen ignores it.
  using T30Handler = T30Listener::OnFrame;
  virtual void set_t30_handler(T30Handler handler) { (void)handler; }
  // The phone's keys go by SIP INFO (account `dtmf info`), set before the first start(): a
  // path whose hardware sends keys by itself (the DSP) sends them neither as telephone-events
  // nor in the voice. The software path sends keys only when told (send_dtmf()) and cuts the
  // tone from the voice anyway.
  virtual void set_keys_by_info(bool on) { (void)on; }
};

}  // namespace owsip::media
