#include "sip/public_address.h"

#include <re.h>

#include <cctype>
#include <random>

#include "core/log.h"
#include "sip/re_convert.h"
#include "sip/sip_message.h"

namespace owsip::sip {

namespace {

constexpr const char* kTag = "sip.nat";

// The header name of `line` ("Via: ..." -> "via"), empty for a continuation line.
std::string header_name(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || line.empty() || line[0] == ' ' || line[0] == '\t')
    return {};
  return ascii_lower(trim_lws(line.substr(0, colon)));
}

bool ends_host_port(char c) {
  return c == ';' || c == '>' || c == ',' || c == '?' || c == ' ' || c == '\t';
}

// Every `from` in `line` that is a URI's whole host and port (after '@' or the scheme's ':',
// before a parameter, '>', ',' or the end) becomes `to`. True when one did.
bool replace_uri_host(std::string& line, const std::string& from, const std::string& to) {
  bool changed = false;
  for (size_t at = line.find(from); at != std::string::npos; at = line.find(from, at)) {
    const size_t end = at + from.size();
    const bool starts = at > 0 && (line[at - 1] == '@' || line[at - 1] == ':');
    const bool ends = end == line.size() || ends_host_port(line[end]);
    if (starts && ends) {
      line.replace(at, from.size(), to);
      at += to.size();
      changed = true;
    } else {
      at = end;
    }
  }
  return changed;
}

// The sent-by of a Via line ("Via: SIP/2.0/UDP host:port;branch=..."), if it is `from`.
bool replace_sent_by(std::string& line, const std::string& from, const std::string& to) {
  size_t p = line.find(':') + 1;
  while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
  p = line.find_first_of(" \t", p);  // after the protocol, "SIP/2.0/UDP"
  if (p == std::string::npos) return false;
  while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
  const size_t end = p + from.size();
  if (line.compare(p, from.size(), from) != 0 || (end < line.size() && !ends_host_port(line[end])))
    return false;
  line.replace(p, from.size(), to);
  return true;
}

}  // namespace

std::optional<std::string> rewrite_public(std::string_view msg, const HostPort& local,
                                          const HostPort& pub) {
  if (msg.empty() || !std::isalpha(static_cast<unsigned char>(msg[0]))) return std::nullopt;
  const size_t head_end = msg.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return std::nullopt;
  const bool request = msg.substr(0, 8) != "SIP/2.0 ";
  // A REGISTER's Contacts are chosen by the registration itself (UserAgent::contact_address),
  // the old local one included when it is being removed.
  const bool contacts = !(request && msg.substr(0, 9) == "REGISTER ");
  const std::string from = local.to_string(), to = pub.to_string();
  std::string out;
  out.reserve(msg.size() + 64);
  bool changed = false, top_via = request;
  size_t pos = 0;
  while (pos <= head_end) {
    size_t eol = msg.find("\r\n", pos);
    std::string line(msg.substr(pos, eol - pos));
    const std::string name = pos == 0 ? std::string() : header_name(line);
    if ((name == "via" || name == "v") && top_via) {
      top_via = false;
      changed |= replace_sent_by(line, from, to);
    } else if ((name == "contact" || name == "m") && contacts) {
      changed |= replace_uri_host(line, from, to);
    }
    out += line;
    out += "\r\n";
    pos = eol + 2;
  }
  if (!changed) return std::nullopt;
  out += msg.substr(head_end + 2);  // the empty line and the body
  return out;
}

PublicAddress::PublicAddress(Loop& loop, struct ::sip* stack, HostPort local, StunServer server,
                             Changed changed)
    : loop_(loop),
      stack_(stack),
      local_(std::move(local)),
      server_(std::move(server)),
      changed_(std::move(changed)),
      self_probe_timer_(loop) {
  std::random_device rd;
  char id[40];
  re_snprintf(id, sizeof id, "owsip-self-%08x%08x", rd(), rd());
  probe_call_id_ = id;
}

PublicAddress::~PublicAddress() {
  probe_.reset();
  helper_ = static_cast<struct udp_helper*>(mem_deref(helper_));
  sock_ = static_cast<struct udp_sock*>(mem_deref(sock_));
}

void PublicAddress::start() { send_self_probe(); }

void PublicAddress::send_self_probe() {
  if (sock_) return;
  if (self_probes_++ == kSelfProbes) {
    log::err(kTag, "the SIP UDP socket did not hear itself: STUN is not used for SIP");
    return;
  }
  struct sa dst;
  struct mbuf* mb = mbuf_alloc(512);
  const std::string at = local_.to_string();
  if (!mb || sa_set_str(&dst, local_.host.c_str(), local_.port) != 0 ||
      mbuf_printf(mb,
                  "OPTIONS sip:owsip-self@%s SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP %s;branch=z9hG4bK%s\r\n"
                  "Max-Forwards: 0\r\nFrom: <sip:owsip-self@%s>;tag=1\r\n"
                  "To: <sip:owsip-self@%s>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\n"
                  "Content-Length: 0\r\n\r\n",
                  at.c_str(), at.c_str(), probe_call_id_.c_str(), at.c_str(), at.c_str(),
                  probe_call_id_.c_str()) != 0) {
    mem_deref(mb);
    log::err(kTag, "cannot write the self probe");
    return;
  }
  mb->pos = 0;
  if (int err = sip_send(stack_, nullptr, SIP_TRANSP_UDP, &dst, mb); err)
    log::warn(kTag, "self probe to %s: %s", at.c_str(), std::strerror(err));
  mem_deref(mb);
  self_probe_timer_.start(kSelfProbeRetryMs, [this] { send_self_probe(); });
}

void PublicAddress::attach(struct ::udp_sock* sock) {
  if (sock_ || !sock) return;
  self_probe_timer_.cancel();
  sock_ = static_cast<struct udp_sock*>(mem_ref(sock));
  if (int err = udp_register_helper(&helper_, sock_, 0, on_send, on_receive, this); err) {
    log::err(kTag, "cannot watch the SIP UDP socket: %s", std::strerror(err));
    return;
  }
  probe_ = std::make_unique<media::StunProbe>(
      loop_, local_.to_string(), server_.host, server_.port,
      [this](std::span<const uint8_t> packet, const media::NetAddress& to) {
        struct sa dst;
        if (sa_set_str(&dst, to.ip.c_str(), to.port) != 0) return false;
        struct mbuf* mb = mbuf_alloc(packet.size());
        if (!mb) return false;
        int err = mbuf_write_mem(mb, packet.data(), packet.size());
        mb->pos = 0;
        if (!err) err = udp_send(sock_, &dst, mb);
        mem_deref(mb);
        return err == 0;
      });
  probe_->set_changed_handler([this](const media::NetAddress& a) {
    if (changed_) changed_(HostPort{a.ip, a.port});
  });
  probe_->start();
}

std::optional<HostPort> PublicAddress::address() const {
  if (!probe_) return std::nullopt;
  auto a = probe_->public_address();
  if (!a) return std::nullopt;
  return HostPort{a->ip, a->port};
}

void PublicAddress::seen_by(const HostPort& peer, const HostPort& seen) {
  if (seen_.size() >= kPeers && !seen_.count(peer.to_string())) return;
  seen_[peer.to_string()] = seen;
}

bool PublicAddress::on_send(int* err, struct ::sa* dst, struct ::mbuf* mb, void* arg) {
  auto* self = static_cast<PublicAddress*>(arg);
  std::optional<HostPort> pub = self->address();
  if (auto it = self->seen_.find(host_port(dst).to_string()); it != self->seen_.end())
    pub = it->second;
  if (!pub || *pub == self->local_) return false;
  std::string_view text(reinterpret_cast<const char*>(mbuf_buf(mb)), mbuf_get_left(mb));
  std::optional<std::string> out = rewrite_public(text, self->local_, *pub);
  if (!out) return false;
  const size_t pos = mb->pos;
  mb->end = pos;
  if (int e = mbuf_write_mem(mb, reinterpret_cast<const uint8_t*>(out->data()), out->size()); e) {
    *err = e;
    return true;
  }
  mb->pos = pos;
  return false;
}

bool PublicAddress::on_receive(struct ::sa* src, struct ::mbuf* mb, void* arg) {
  auto* self = static_cast<PublicAddress*>(arg);
  std::span<const uint8_t> packet(mbuf_buf(mb), mbuf_get_left(mb));
  if (!self->probe_ || !media::is_stun(packet)) return false;
  const HostPort from = host_port(src);
  return self->probe_->on_packet(packet, media::NetAddress{from.host, from.port});
}

}  // namespace owsip::sip
