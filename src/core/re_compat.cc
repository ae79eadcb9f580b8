#include "core/re_compat.h"

namespace owsip::re_compat {

int connect_session(struct sipsess** sessp, struct sipsess_sock* sock, const char* to_uri,
                    const char* from_name, const char* from_uri, const char* cuser,
                    const char* routev[], uint32_t routec, const char* ctype, DescFn desc,
                    const SessionHandlers& h, const std::string& headers) {
#if OWSIP_LIBRE_MAJOR >= 3
  return ::sipsess_connect(sessp, sock, to_uri, from_name, from_uri, cuser, routev, routec, ctype,
                           h.auth, h.arg, false, nullptr, desc, h.offer, h.answer, h.progress,
                           h.established, h.info, h.refer, h.closed, h.arg, "%s", headers.c_str());
#else
  struct mbuf* body = nullptr;
  if (int err = desc(&body, nullptr, nullptr, h.arg); err) return err;
  int err = ::sipsess_connect(sessp, sock, to_uri, from_name, from_uri, cuser, routev, routec,
                              ctype, body, h.auth, h.arg, false, h.offer, h.answer, h.progress,
                              h.established, h.info, h.refer, h.closed, h.arg, "%s",
                              headers.c_str());
  mem_deref(body);
  return err;
#endif
}

int accept_session(struct sipsess** sessp, struct sipsess_sock* sock, const struct sip_msg* msg,
                   uint16_t scode, const char* reason, const char* cuser, const char* ctype,
                   struct mbuf* desc, const SessionHandlers& h, const std::string& headers) {
#if OWSIP_LIBRE_MAJOR >= 3
  return ::sipsess_accept(sessp, sock, msg, scode, reason, REL100_DISABLED, cuser, ctype, desc,
                          h.auth, h.arg, false, h.offer, h.answer, h.established, h.info,
                          h.refer, h.closed, h.arg, "%s", headers.c_str());
#else
  return ::sipsess_accept(sessp, sock, msg, scode, reason, cuser, ctype, desc, h.auth, h.arg,
                          false, h.offer, h.answer, h.established, h.info, h.refer, h.closed,
                          h.arg, "%s", headers.c_str());
#endif
}

int progress_session(struct sipsess* sess, uint16_t scode, const char* reason,
                     const std::string& headers, struct mbuf* desc) {
#if OWSIP_LIBRE_MAJOR >= 3
  return ::sipsess_progress(sess, scode, reason, REL100_DISABLED, desc, "%s", headers.c_str());
#else
  return ::sipsess_progress(sess, scode, reason, desc, "%s", headers.c_str());
#endif
}

int skip_local_cseq(struct sip_dialog* dlg) {
#if OWSIP_LIBRE_MAJOR >= 3
  (void)dlg;
  return ENOSYS;  // not needed: owsip sends no PRACK of its own there
#else
  struct mbuf* scratch = mbuf_alloc(512);
  if (!scratch) return ENOMEM;
  int err = ::sip_dialog_encode(scratch, dlg, 0, "PRACK");
  mem_deref(scratch);
  return err;
#endif
}

const struct sa* contact_source(struct sip* sip, enum sip_transp tp, const struct sa* src,
                                const struct sa* dst, struct sa* buf) {
#if OWSIP_LIBRE_MAJOR >= 3
  if (tp != SIP_TRANSP_UDP && ::sip_transp_laddr(sip, buf, tp, dst) == 0) return buf;
#else
  (void)sip, (void)tp, (void)dst, (void)buf;
#endif
  return src;
}

struct ssl_ctx_st* openssl_ctx(const struct tls* tls) {
#if OWSIP_LIBRE_MAJOR >= 3
  return ::tls_ssl_ctx(tls);
#else
  return ::tls_openssl_context(tls);
#endif
}

void leave_tls_verification_to_owsip(struct tls* tls) {
#if OWSIP_LIBRE_MAJOR >= 2
  ::tls_disable_verify_server(tls);
#else
  (void)tls;  // 1.x never verifies on its own
#endif
}

}  // namespace owsip::re_compat
