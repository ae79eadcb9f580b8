#include "fax/t38_gateway.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "media/t30_monitor.h"

#include <spandsp.h>
#undef lrint
#undef lrintf

namespace owsip::fax {

struct T38Gateway::State {
  t38_gateway_state_t* gw = nullptr;
  SendIfp send;
  uint64_t sent = 0;
  uint64_t received = 0;
  std::vector<int16_t> scratch;
  std::unique_ptr<media::T30Listener> t30;

  static int on_tx(t38_core_state_t*, void* user, const uint8_t* buf, int len, int count) {
    auto* self = static_cast<State*>(user);
    if (len <= 0 || !self->send) return 0;
    ++self->sent;
    self->send(std::span<const uint8_t>(buf, static_cast<size_t>(len)), std::clamp(count, 1, 3));
    return 0;
  }
  ~State() {
    if (gw) t38_gateway_free(gw);
  }
};

namespace {

int modems_for(int max_bit_rate) {
  int m = T30_SUPPORT_V27TER;               // 2400, 4800
  if (max_bit_rate >= 7200) m |= T30_SUPPORT_V29;   // 7200, 9600
  if (max_bit_rate >= 12000) m |= T30_SUPPORT_V17;  // 12000, 14400 (and 7200/9600 too)
  return m;
}

}  // namespace

std::unique_ptr<T38Gateway> T38Gateway::create(const T38Options& o, SendIfp send) {
  auto st = std::make_unique<State>();
  st->send = std::move(send);
  st->gw = t38_gateway_init(nullptr, &State::on_tx, st.get());
  if (!st->gw) return nullptr;
  t38_core_state_t* core = t38_gateway_get_t38_core_state(st->gw);
  t38_gateway_set_ecm_capability(st->gw, o.ecm ? 1 : 0);
  t38_gateway_set_supported_modems(st->gw, modems_for(o.max_bit_rate));
  t38_set_fastest_image_data_rate(core, o.max_bit_rate);
  t38_set_t38_version(core, 0);
  t38_set_max_datagram_size(core, static_cast<int>(o.max_datagram));
  if (o.redundancy_depth > 0) {
    // UDPTL redundancy covers the losses: one copy of the data. Indicators keep spandsp's
    // repeats (an indicator is often the last packet before a pause, which no later datagram
    // carries as redundancy). The ends of frames and of image data would need the same, but
    // a repeated end packet is what Wireshark's T.38 reassembly flags as malformed ("end of
    // fragment without any fragment data"): see docs/T38.md.
    for (int c = T38_PACKET_CATEGORY_CONTROL_DATA; c <= T38_PACKET_CATEGORY_IMAGE_DATA_END; ++c)
      t38_set_redundancy_control(core, c, 1);
  }
  t38_gateway_set_transmit_on_idle(st->gw, 1);
  return std::unique_ptr<T38Gateway>(new T38Gateway(std::move(st)));
}

T38Gateway::T38Gateway(std::unique_ptr<State> st) : st_(std::move(st)) {}
T38Gateway::~T38Gateway() = default;

void T38Gateway::on_line_audio(std::span<const int16_t> mic, int rate) {
  if (rate != 8000 || mic.empty()) return;
  if (st_->t30) st_->t30->from_line(mic);
  st_->scratch.assign(mic.begin(), mic.end());
  t38_gateway_rx(st_->gw, st_->scratch.data(), static_cast<int>(st_->scratch.size()));
}

void T38Gateway::fill_line_audio(std::span<int16_t> ear, int rate) {
  std::fill(ear.begin(), ear.end(), int16_t{0});
  if (rate != 8000 || ear.empty()) return;
  const int n = t38_gateway_tx(st_->gw, ear.data(), static_cast<int>(ear.size()));
  (void)n;  // transmit-on-idle fills the rest with silence
  if (st_->t30) st_->t30->to_line(ear);
}

void T38Gateway::set_t30_handler(std::function<void(uint8_t fcf, bool from_line)> handler) {
  st_->t30.reset();
  if (handler) st_->t30 = std::make_unique<media::T30Listener>(std::move(handler));
}

void T38Gateway::on_ifp(uint16_t seq, std::span<const uint8_t> ifp) {
  if (ifp.empty()) return;
  ++st_->received;
  t38_core_rx_ifp_packet(t38_gateway_get_t38_core_state(st_->gw), ifp.data(),
                         static_cast<int>(ifp.size()), seq);
}

T38GatewayStats T38Gateway::stats() const {
  T38GatewayStats s;
  s.ifp_sent = st_->sent;
  s.ifp_received = st_->received;
  t38_stats_t t{};
  t38_gateway_get_transfer_statistics(st_->gw, &t);
  s.bit_rate = t.bit_rate;
  s.pages = t.pages_transferred;
  s.ecm = t.error_correcting_mode != 0;
  return s;
}

}  // namespace owsip::fax
