#include "common/domain/field_violation.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace evtrade {

absl::Status FieldViolationError(std::string_view field,
                                 std::string_view description) {
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(field.data(), field.size()), ": ",
                   absl::string_view(description.data(), description.size())));
  google::rpc::BadRequest details;
  google::rpc::BadRequest::FieldViolation* violation =
      details.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  status.SetPayload(kBadRequestTypeUrl,
                    absl::Cord(details.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  const auto payload = status.GetPayload(kBadRequestTypeUrl);
  google::rpc::BadRequest details;
  if (!payload.has_value() || !details.ParseFromString(std::string(*payload))) {
    return out;
  }
  for (const auto& violation : details.field_violations()) {
    out.push_back({violation.field(), violation.description()});
  }
  return out;
}

}  // namespace evtrade
