#include "common/store/record_cells.h"

#include "common/domain/powertrain.h"

namespace evtrade::store {

void RecordCells::Add(int period, std::string_view hs_code,
                      const Figures& figures) {
  cells_[{period, static_cast<int>(ClassifyHsCode(hs_code))}] += figures;
}

std::vector<ClassMonthFigures> RecordCells::Cells() const {
  std::vector<ClassMonthFigures> out;
  for (const auto& [key, figures] : cells_) {
    ClassMonthFigures cell;
    cell.month = Month::FromKey(key.first);
    cell.cls = static_cast<PowertrainClass>(key.second);
    cell.figures = figures;
    out.push_back(cell);
  }
  return out;
}

}  // namespace evtrade::store
