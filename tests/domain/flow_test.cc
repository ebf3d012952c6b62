#include "common/domain/flow.h"

#include <optional>

#include "gtest/gtest.h"

namespace evtrade {
namespace {

TEST(FlowTest, ParsesComtradeCodes) {
  EXPECT_EQ(ParseFlow("X"), v1::FLOW_EXPORT);
  EXPECT_EQ(ParseFlow("M"), v1::FLOW_IMPORT);
  EXPECT_EQ(ParseFlow("RX"), v1::FLOW_RE_EXPORT);
  EXPECT_EQ(ParseFlow("RM"), v1::FLOW_RE_IMPORT);
  EXPECT_EQ(ParseFlow(" x "), v1::FLOW_EXPORT);
  EXPECT_EQ(ParseFlow("rm"), v1::FLOW_RE_IMPORT);
}

TEST(FlowTest, ParsesEnumWords) {
  EXPECT_EQ(ParseFlow("export"), v1::FLOW_EXPORT);
  EXPECT_EQ(ParseFlow("IMPORT"), v1::FLOW_IMPORT);
  EXPECT_EQ(ParseFlow("re_export"), v1::FLOW_RE_EXPORT);
  EXPECT_EQ(ParseFlow("Re_Import"), v1::FLOW_RE_IMPORT);
}

TEST(FlowTest, RejectsUnknown) {
  for (const char* text : {"", "XM", "exports", "1", "R", "unspecified"}) {
    EXPECT_EQ(ParseFlow(text), std::nullopt) << text;
  }
}

TEST(FlowTest, ComtradeCodes) {
  EXPECT_EQ(ComtradeFlowCode(v1::FLOW_EXPORT), "X");
  EXPECT_EQ(ComtradeFlowCode(v1::FLOW_IMPORT), "M");
  EXPECT_EQ(ComtradeFlowCode(v1::FLOW_RE_EXPORT), "RX");
  EXPECT_EQ(ComtradeFlowCode(v1::FLOW_RE_IMPORT), "RM");
  EXPECT_EQ(ComtradeFlowCode(v1::FLOW_UNSPECIFIED), "");
}

TEST(FlowTest, UnspecifiedMeansExport) {
  EXPECT_EQ(FlowOrExport(v1::FLOW_UNSPECIFIED), v1::FLOW_EXPORT);
  EXPECT_EQ(FlowOrExport(v1::FLOW_IMPORT), v1::FLOW_IMPORT);
}

}  // namespace
}  // namespace evtrade
