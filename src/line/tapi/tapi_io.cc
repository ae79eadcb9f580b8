#include "line/tapi/tapi_io.h"

#include <cstdio>

namespace owsip::line::tapi::io {

const char* request_name(unsigned long request) {
  struct Name {
    unsigned long request;
    const char* name;
  };
  static const Name kNames[] = {
      {kFwDownload, "FIO_FW_DOWNLOAD"},
      {kBbdDownload, "FIO_BBD_DOWNLOAD"},
      {kDevStart, "IFX_TAPI_DEV_START"},
      {kDevStop, "IFX_TAPI_DEV_STOP"},
      {kLineTypeSet, "IFX_TAPI_LINE_TYPE_SET"},
      {kToneTableCfgSet, "IFX_TAPI_TONE_TABLE_CFG_SET"},
      {kToneLocalPlay, "IFX_TAPI_TONE_LOCAL_PLAY"},
      {kRingCfgSet, "IFX_TAPI_RING_CFG_SET"},
      {kRingCadenceHrSet, "IFX_TAPI_RING_CADENCE_HR_SET"},
      {kRingStart, "IFX_TAPI_RING_START"},
      {kRingStop, "IFX_TAPI_RING_STOP"},
      {kMapDataAdd, "IFX_TAPI_MAP_DATA_ADD"},
      {kLineFeedSet, "IFX_TAPI_LINE_FEED_SET"},
      {kPhoneVolumeSet, "IFX_TAPI_PHONE_VOLUME_SET"},
      {kWlecPhoneCfgSet, "IFX_TAPI_WLEC_PHONE_CFG_SET"},
      {kJbCfgSet, "IFX_TAPI_JB_CFG_SET"},
      {kCidCfgSet, "IFX_TAPI_CID_CFG_SET"},
      {kCidTxSeqStart, "IFX_TAPI_CID_TX_SEQ_START"},
      {kCidTxInfoStart, "IFX_TAPI_CID_TX_INFO_START"},
      {kPktRtpPtCfgSet, "IFX_TAPI_PKT_RTP_PT_CFG_SET"},
      {kPktRtpCfgSet, "IFX_TAPI_PKT_RTP_CFG_SET"},
      {kEncCfgSet, "IFX_TAPI_ENC_CFG_SET"},
      {kEncStart, "IFX_TAPI_ENC_START"},
      {kEncStop, "IFX_TAPI_ENC_STOP"},
      {kDecStart, "IFX_TAPI_DEC_START"},
      {kDecStop, "IFX_TAPI_DEC_STOP"},
      {kLineHookVtSet, "IFX_TAPI_LINE_HOOK_VT_SET"},
      {kSigDetectEnable, "IFX_TAPI_SIG_DETECT_ENABLE"},
      {kEventGet, "IFX_TAPI_EVENT_GET"},
      {kKpiChCfgSet, "IFX_TAPI_KPI_CH_CFG_SET"},
      {kKpiGrpCfgSet, "IFX_TAPI_KPI_GRP_CFG_SET"},
      {kQosOnSocketStart, "FIO_QOS_ON_SOCKET_START"},
      {kQosStop, "FIO_QOS_STOP"},
  };
  for (const Name& n : kNames)
    if (n.request == request) return n.name;
  static char unknown[32];
  std::snprintf(unknown, sizeof unknown, "ioctl 0x%lx", request);
  return unknown;
}

}  // namespace owsip::line::tapi::io
