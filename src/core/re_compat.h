// The one place where owsip meets the differences between libre versions (docs/LIBRE.md).
//
// owsip builds against libre 1.1.0 (Debian 12), 2.0.1 (OpenWrt 22.03-24.10) and 3.16 (OpenWrt
// master). CMake reads the version from libre.pc and defines OWSIP_LIBRE_MAJOR; every call whose
// signature or meaning changed between those goes through a function here, so no other file
// tests a version. This header includes <re.h>: include it only from the adapter .cc files of
// core/, sip/ and media/ (LIBRARY_NOTES.md: libre's macros must not leak into owsip's headers).
#pragma once

#include <string>

#include <re.h>

struct re_fhs;  // 3.x's fd handle; declared here (global scope) for the 1.x/2.x builds too

#ifndef OWSIP_LIBRE_MAJOR
#error "OWSIP_LIBRE_MAJOR is set by CMake from libre's pkg-config version"
#endif

#if OWSIP_LIBRE_MAJOR >= 3
// 3.x dropped tls_openssl_context() from re_tls.h; the same accessor is still exported by
// libre.so/libre.a under its internal name (src/tls/openssl/tls.h of libre 3.x).
extern "C" struct ssl_ctx_st* tls_ssl_ctx(const struct tls* tls);
#endif

#if OWSIP_LIBRE_MAJOR < 3
// Exported by libre 1.x and 2.x (src/sip/dialog.c) but declared only in its internal sip.h: it
// writes a dialog's headers and takes its next CSeq number.
extern "C" int sip_dialog_encode(struct mbuf* mb, struct sip_dialog* dlg, uint32_t cseq,
                                 const char* met);
#endif

namespace owsip::re_compat {

// libre 3.x's sipsess answers PRACK and UPDATE itself (and PRACKs a reliable 18x as UAC), so
// owsip's own 100rel and session timers (sip/sip_call_extensions.cc), written for 1.x and 2.x,
// whose sipsess lets those requests through, are off on 3.x (docs/LIBRE.md).
inline constexpr bool kOwnSessionExtensions = OWSIP_LIBRE_MAJOR < 3;

// Takes the next local CSeq number of `dlg` without sending anything: a request sent in a copy
// of the dialog (an early dialog's PRACK) used it.
int skip_local_cseq(struct sip_dialog* dlg);

// fd watching. 3.x keeps a handle per watched fd (struct re_fhs); 1.x/2.x key it by the fd.
inline int listen_fd(struct re_fhs** fhs, int fd, int flags, fd_h* handler, void* arg) {
#if OWSIP_LIBRE_MAJOR >= 3
  return ::fd_listen(fhs, fd, flags, handler, arg);
#else
  (void)fhs;
  return ::fd_listen(fd, flags, handler, arg);
#endif
}

inline void close_fd(struct re_fhs** fhs, int fd) {
#if OWSIP_LIBRE_MAJOR >= 3
  (void)fd;
  *fhs = ::fd_close(*fhs);
#else
  (void)fhs;
  ::fd_close(fd);
#endif
}

// A request's send handler as owsip writes it (the 1.x/2.x form). 3.x passes a mutable source
// address and a second buffer for the body (`contp`), which owsip leaves alone: what the
// handler prints into `mb` goes into the headers on every version.
using SendFn = int (*)(enum sip_transp tp, const struct sa* src, const struct sa* dst,
                       struct mbuf* mb, void* arg);

#if OWSIP_LIBRE_MAJOR >= 3
template <SendFn F>
int send_trampoline(enum sip_transp tp, struct sa* src, const struct sa* dst, struct mbuf* mb,
                    struct mbuf** contp, void* arg) {
  (void)contp;
  return F(tp, src, dst, mb, arg);
}
#endif

template <SendFn F>
constexpr sip_send_h* send_handler() {
#if OWSIP_LIBRE_MAJOR >= 3
  return &send_trampoline<F>;
#else
  return F;
#endif
}

// The local address a REGISTER's Contact names. 1.x/2.x give the send handler the transport's
// listening address; 3.x gives a TCP/TLS connection's own (ephemeral) local address. owsip's
// Contact has always been the listening address, where the registrar connects back: on 3.x it
// is looked up (into `buf`). Returns the address to use.
const struct sa* contact_source(struct sip* sip, enum sip_transp tp, const struct sa* src,
                                const struct sa* dst, struct sa* buf);

// The INVITE's SDP offer comes from a handler on every version: 3.x calls it at each send
// (also after a 401), 1.x/2.x took a buffer, so here it is called once before connecting.
using DescFn = int (*)(struct mbuf** descp, const struct sa* src, const struct sa* dst,
                       void* arg);

struct SessionHandlers {
  sip_auth_h* auth;
  sipsess_offer_h* offer;
  sipsess_answer_h* answer;
  sipsess_progr_h* progress;  // outgoing sessions only
  sipsess_estab_h* established;
  sipsess_info_h* info;
  sipsess_close_h* closed;
  void* arg;  // for every handler, the auth handler's included
  sipsess_refer_h* refer = nullptr;  // a REFER in the dialog; none: libre answers 501
};

int connect_session(struct sipsess** sessp, struct sipsess_sock* sock, const char* to_uri,
                    const char* from_name, const char* from_uri, const char* cuser,
                    const char* routev[], uint32_t routec, const char* ctype, DescFn desc,
                    const SessionHandlers& h, const std::string& headers = "");

// Answers an INVITE with `scode` (a provisional response) carrying `headers` (whole lines).
// libre's own 100rel (2.x/3.x) stays off on every version: owsip sends RSeq and answers PRACK
// itself (sip/extensions.h).
int accept_session(struct sipsess** sessp, struct sipsess_sock* sock, const struct sip_msg* msg,
                   uint16_t scode, const char* reason, const char* cuser, const char* ctype,
                   struct mbuf* desc, const SessionHandlers& h, const std::string& headers = "");

// Sends the provisional response `scode` of an accepted INVITE again, with `headers` (3.x takes
// a rel100 mode, left off as in accept_session), and the SDP `desc` when not null.
int progress_session(struct sipsess* sess, uint16_t scode, const char* reason,
                     const std::string& headers, struct mbuf* desc = nullptr);

// The OpenSSL context behind libre's `struct tls`.
struct ssl_ctx_st* openssl_ctx(const struct tls* tls);

// owsip verifies TLS servers itself, on the OpenSSL context (sip/tls_context.cc). libre 2.x and
// 3.x also verify by default, per connection, replacing owsip's verify callback and expected
// host with their own; this turns that off so that owsip's rules apply on every version.
void leave_tls_verification_to_owsip(struct tls* tls);

}  // namespace owsip::re_compat
