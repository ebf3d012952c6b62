// Folding record rows into (month, powertrain class) cells, for the reads
// that cannot come from the rollups (one manufacturer to one partner). Shared
// by both QueryStore backends. Thread-compatible.
#ifndef EVTRADE_COMMON_STORE_RECORD_CELLS_H_
#define EVTRADE_COMMON_STORE_RECORD_CELLS_H_

#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "common/store/query_store.h"

namespace evtrade::store {

class RecordCells {
 public:
  // Adds one record's figures to the cell of its period (YYYYMM) and the
  // class of its HS code.
  void Add(int period, std::string_view hs_code, const Figures& figures);

  // The cells with data, ascending by (month, class).
  std::vector<ClassMonthFigures> Cells() const;

 private:
  std::map<std::pair<int, int>, Figures> cells_;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_RECORD_CELLS_H_
