#include "gateway/http_params.h"

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/field_violation.h"
#include "common/domain/month.h"
#include "common/util/strings.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::gateway {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Reflection;

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return FieldViolationError(FromAbsl(field), FromAbsl(reason));
}

// The enum's value prefix, from its zero value ("POWERTRAIN_UNSPECIFIED" ->
// "POWERTRAIN_"); buf style guarantees the shape.
std::string EnumPrefix(const EnumDescriptor& type) {
  const std::string& zero = type.value(0)->name();
  const size_t cut = zero.rfind("UNSPECIFIED");
  return cut == std::string::npos ? "" : zero.substr(0, cut);
}

const EnumValueDescriptor* FindEnumValue(const EnumDescriptor& type,
                                         absl::string_view text) {
  const std::string upper = absl::AsciiStrToUpper(text);
  if (const EnumValueDescriptor* v = type.FindValueByName(upper)) return v;
  return type.FindValueByName(absl::StrCat(EnumPrefix(type), upper));
}

std::string EnumChoices(const EnumDescriptor& type) {
  const std::string prefix = EnumPrefix(type);
  std::vector<std::string> names;
  for (int i = 1; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name().substr(prefix.size()));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

const FieldDescriptor* FindParamField(
    const google::protobuf::Descriptor& message, absl::string_view name) {
  const std::string text(name);
  if (const FieldDescriptor* field = message.FindFieldByName(text)) {
    return field;
  }
  return message.FindFieldByCamelcaseName(text);
}

absl::Status SetFieldFromParam(absl::string_view name, absl::string_view value,
                               google::protobuf::Message& message) {
  // Bytes that are not UTF-8 (a decoded %FF) are neither echoed in the
  // error nor put into a string field that no server could then parse.
  if (!IsValidUtf8(std::string_view(name.data(), name.size()))) {
    return Invalid("query parameter name", "not valid UTF-8");
  }
  if (!IsValidUtf8(std::string_view(value.data(), value.size()))) {
    return Invalid(name, "not valid UTF-8");
  }
  const FieldDescriptor* field = FindParamField(*message.GetDescriptor(), name);
  if (field == nullptr) return Invalid(name, "unknown query parameter");
  // Errors name the field as the proto does, whichever spelling came.
  name = field->name();
  const Reflection& r = *message.GetReflection();
  const bool repeated = field->is_repeated();
  const std::string text(value);
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r.AddString(&message, field, text)
               : r.SetString(&message, field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) {
        return Invalid(name, absl::StrCat("not an integer: \"", value, "\""));
      }
      repeated ? r.AddInt32(&message, field, v)
               : r.SetInt32(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) {
        return Invalid(name, absl::StrCat("not an integer: \"", value, "\""));
      }
      repeated ? r.AddInt64(&message, field, v)
               : r.SetInt64(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) {
        return Invalid(name, absl::StrCat("not a number: \"", value, "\""));
      }
      repeated ? r.AddDouble(&message, field, v)
               : r.SetDouble(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) {
        return Invalid(name, absl::StrCat("not true/false: \"", value, "\""));
      }
      repeated ? r.AddBool(&message, field, v) : r.SetBool(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumValueDescriptor* v = FindEnumValue(*field->enum_type(), value);
      if (v == nullptr) {
        return Invalid(name, absl::StrCat("unknown value \"", value,
                                          "\", expected one of ",
                                          EnumChoices(*field->enum_type())));
      }
      repeated ? r.AddEnum(&message, field, v) : r.SetEnum(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (field->message_type() != v1::Period::descriptor() || repeated) {
        return Invalid(name, "cannot be given as a query parameter");
      }
      absl::StatusOr<Month> month = Month::Parse(text, std::string(name));
      if (!month.ok()) return month.status();
      r.MutableMessage(&message, field)->CopyFrom(month->ToProto());
      return absl::OkStatus();
    }
    default:
      return Invalid(name, "cannot be given as a query parameter");
  }
}

absl::Status SetFieldsFromParams(
    const std::vector<std::pair<std::string, std::string>>& params,
    google::protobuf::Message& message) {
  absl::flat_hash_set<std::string> seen;
  for (const auto& [name, value] : params) {
    const FieldDescriptor* field =
        FindParamField(*message.GetDescriptor(), name);
    if (field != nullptr && !field->is_repeated() &&
        !seen.insert(field->name()).second) {
      return Invalid(field->name(), "given more than once");
    }
    if (absl::Status s = SetFieldFromParam(name, value, message); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace evtrade::gateway
