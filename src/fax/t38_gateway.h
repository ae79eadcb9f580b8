#pragma once
// A T.38 gateway between a phone line's audio and the network (T.38 "gateway" mode, spandsp
// 0.0.6's t38_gateway): the fax modem audio of the line (8 kHz linear, 20 ms frames) becomes
// IFP packets for UDPTL, and the IFP packets from the far end become modem audio for the line.
// It is a media::AudioEndpoint, so it can stand where the software path's RTP endpoint stands
// during a T.38 session. IFP packets leave through a callback (UdptlLink::send_ifp in the
// daemon, anything in tests); incoming ones enter with on_ifp().

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "fax/t38_options.h"
#include "media/audio_endpoint.h"

namespace owsip::fax {

struct T38GatewayStats {
  uint64_t ifp_sent = 0;      // IFP packets handed to the callback
  uint64_t ifp_received = 0;  // IFP packets given to on_ifp()
  int bit_rate = 0;           // of the last page, from spandsp's statistics
  int pages = 0;              // pages relayed, either way
  bool ecm = false;
};

class T38Gateway final : public media::AudioEndpoint {
 public:
  // `send(ifp, copies)` for each IFP packet: spandsp asks for `copies` transmissions (1..3) of
  // some packets; with UDPTL redundancy only indicators are repeated (t38_gateway.cc says why).
  // UdptlLink sends the copies as the same datagram, same sequence number.
  using SendIfp = std::function<void(std::span<const uint8_t> ifp, int copies)>;
  static std::unique_ptr<T38Gateway> create(const T38Options& options, SendIfp send);
  ~T38Gateway() override;
  T38Gateway(const T38Gateway&) = delete;
  T38Gateway& operator=(const T38Gateway&) = delete;

  // AudioEndpoint: 20 ms at 8000 Hz. Other rates are not fax: the microphone is ignored and
  // the earpiece gets silence.
  void on_line_audio(std::span<const int16_t> mic, int rate) override;
  void fill_line_audio(std::span<int16_t> ear, int rate) override;

  // One IFP packet from the far end, in sequence order (UdptlReceiver's delivery).
  void on_ifp(uint16_t seq, std::span<const uint8_t> ifp);

  T38GatewayStats stats() const;
  // The T.30 control frames on the line side, both ways (fax/t30_monitor.h): FCF, X bit
  // cleared; `from_line` when the phone's machine sent it.
  void set_t30_handler(std::function<void(uint8_t fcf, bool from_line)> handler);

 private:
  struct State;
  explicit T38Gateway(std::unique_ptr<State> st);
  std::unique_ptr<State> st_;
};

}  // namespace owsip::fax
