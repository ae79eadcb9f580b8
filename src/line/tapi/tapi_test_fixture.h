#pragma once
// A TAPI backend on the emulated device, for the tests beside it: firmware and coefficient
// files in a temporary directory, a Loop, and helpers that run the loop until something holds
// (bounded in time).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "config/telephony.h"
#include "core/loop.h"
#include "line/backend.h"
#include "line/sysfs.h"
#include "line/tapi/emulated_tapi.h"
#include "line/tapi/tapi_backend.h"

namespace owsip::line::tapi::testing {

class TapiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.init());
    char tmpl[] = "/tmp/owsip-tapi-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ / "fw.bin") << "VMMC firmware image (emulated)";
    std::ofstream(dir_ / "bbd.bin") << "BBD coefficients (emulated)";
    cfg_.general.backend = "ltq_tapi";
    cfg_.general.tapi_firmware = (dir_ / "fw.bin").string();
    cfg_.general.tapi_coefficients = (dir_ / "bbd.bin").string();
    cfg_.general.cid = "etsi_fsk";
    sysfs_ = std::make_unique<Sysfs>((dir_ / "sys").string());
  }
  void TearDown() override {
    backend_.reset();
    emu_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Brings the backend up on a fresh emulated device; false (with the error in `error_`) when
  // create_on() refused.
  // `prepare` acts on the device before owsip opens it (a phone already off hook...).
  bool start(EmulatedTapi::Options o = {},
             const std::function<void(EmulatedTapi&)>& prepare = {}, TapiTuning tuning = {}) {
    emu_ = std::make_unique<EmulatedTapi>(o);
    if (prepare) prepare(*emu_);
    BackendContext ctx{loop_, cfg_, *sysfs_};
    auto b = TapiBackend::create_on(ctx, *emu_, o.dir, tuning);
    if (!b) {
      error_ = b.message();
      return false;
    }
    backend_ = std::move(*b);
    return true;
  }

  // Runs the loop until `done` holds or `limit_ms` passed; returns `done()`.
  bool run_until(const std::function<bool()>& done, uint64_t limit_ms = 2000) {
    Timer guard(loop_), poll(loop_);
    guard.start(limit_ms, [this] { loop_.stop(); });
    std::function<void()> check = [&] {
      if (done()) return loop_.stop();
      poll.start(5, check);
    };
    poll.start(0, check);
    EXPECT_TRUE(loop_.run());
    return done();
  }
  void run_for(uint64_t ms) {
    run_until([] { return false; }, ms);
  }

  Loop loop_;
  std::filesystem::path dir_;
  config::Telephony cfg_;
  std::unique_ptr<Sysfs> sysfs_;
  std::unique_ptr<EmulatedTapi> emu_;
  std::unique_ptr<TapiBackend> backend_;
  std::string error_;
};

}  // namespace owsip::line::tapi::testing
