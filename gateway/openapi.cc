#include "gateway/openapi.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "evtrade/v1/common.pb.h"
#include "google/rpc/status.pb.h"
#include "nlohmann/json.hpp"

namespace evtrade::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using Json = nlohmann::ordered_json;

constexpr char kPeriodName[] = "evtrade.v1.Period";

std::string Ref(const Descriptor& message) {
  return absl::StrCat("#/components/schemas/", message.full_name());
}

Json EnumNames(const EnumDescriptor& type) {
  Json names = Json::array();
  for (int i = 0; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name());
  }
  return names;
}

// The schemas the document needs, by full name, filled as messages are met.
class Schemas {
 public:
  // The schema of one field's value in a JSON body. `json_names`: the
  // message is printed with lowerCamelCase keys (google.rpc.*), else with
  // proto names (our responses).
  Json ValueSchema(const FieldDescriptor& field) {
    Json schema;
    switch (field.type()) {
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        // protobuf's JSON mapping writes 64-bit integers as strings.
        schema = {{"type", "string"}, {"format", "int64"}};
        break;
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        schema = {{"type", "integer"}, {"format", "int32"}};
        break;
      case FieldDescriptor::TYPE_DOUBLE:
      case FieldDescriptor::TYPE_FLOAT:
        schema = {{"type", "number"}};
        break;
      case FieldDescriptor::TYPE_BOOL:
        schema = {{"type", "boolean"}};
        break;
      case FieldDescriptor::TYPE_STRING:
        schema = {{"type", "string"}};
        break;
      case FieldDescriptor::TYPE_BYTES:
        schema = {{"type", "string"}, {"format", "byte"}};
        break;
      case FieldDescriptor::TYPE_ENUM:
        schema = {{"type", "string"}, {"enum", EnumNames(*field.enum_type())}};
        break;
      default:  // messages
        schema = MessageSchemaRef(*field.message_type());
        break;
    }
    if (field.is_repeated()) {
      return Json{{"type", "array"}, {"items", schema}};
    }
    return schema;
  }

  Json MessageSchemaRef(const Descriptor& message) {
    if (message.full_name() == "google.protobuf.Timestamp") {
      return Json{{"type", "string"}, {"format", "date-time"}};
    }
    if (message.full_name() == "google.protobuf.Any") {
      return Json{{"type", "object"},
                  {"properties", {{"@type", {{"type", "string"}}}}},
                  {"additionalProperties", true}};
    }
    Add(message);
    return Json{{"$ref", Ref(message)}};
  }

  void Add(const Descriptor& message) {
    if (!seen_.insert(message.full_name()).second) return;
    const bool json_names = message.file()->package() == "google.rpc";
    Json properties = Json::object();
    for (int i = 0; i < message.field_count(); ++i) {
      const FieldDescriptor& field = *message.field(i);
      properties[json_names ? field.json_name() : field.name()] =
          ValueSchema(field);
    }
    Json schema = {{"type", "object"}, {"properties", properties}};
    schemas_[message.full_name()] = std::move(schema);
  }

  // Sorted by name, so that the document is the same on every start.
  Json ToJson() const {
    Json out = Json::object();
    for (const auto& [name, schema] : schemas_) out[name] = schema;
    return out;
  }

 private:
  std::set<std::string> seen_;
  std::map<std::string, Json> schemas_;
};

// A query or path parameter for a request field.
Json Parameter(const FieldDescriptor& field, bool in_path) {
  Json schema;
  if (field.message_type() != nullptr &&
      field.message_type()->full_name() == kPeriodName) {
    schema = {{"type", "string"},
              {"pattern", "^[0-9]{4}-?(0[1-9]|1[0-2])$"},
              {"example", "2022-11"}};
  } else if (field.enum_type() != nullptr) {
    schema = {{"type", "string"}, {"enum", EnumNames(*field.enum_type())}};
  } else {
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
        schema = {{"type", "integer"}};
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        schema = {{"type", "number"}};
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        schema = {{"type", "boolean"}};
        break;
      default:
        schema = {{"type", "string"}};
        break;
    }
  }
  if (field.is_repeated()) schema = {{"type", "array"}, {"items", schema}};
  Json parameter = {{"name", field.name()},
                    {"in", in_path ? "path" : "query"},
                    {"required", in_path}};
  if (!in_path && field.camelcase_name() != field.name()) {
    parameter["description"] =
        absl::StrCat("Also accepted as ", field.camelcase_name(), ".");
  }
  if (!in_path && field.is_repeated()) {
    parameter["style"] = "form";
    parameter["explode"] = true;
  }
  parameter["schema"] = schema;
  return parameter;
}

Json ErrorResponse() {
  return {
      {"description",
       "google.rpc.Status; a google.rpc.BadRequest in details names "
       "each request field at fault"},
      {"content",
       {{"application/json",
         {{"schema", {{"$ref", Ref(*google::rpc::Status::descriptor())}}}}}}}};
}

}  // namespace

std::string OpenApiJson(const std::vector<HttpRoute>& routes,
                        const std::vector<OpenApiPlainPath>& plain) {
  Schemas schemas;
  schemas.Add(*google::rpc::Status::descriptor());
  const Descriptor* bad_request =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          "google.rpc.BadRequest");
  if (bad_request != nullptr) schemas.Add(*bad_request);

  Json paths = Json::object();
  for (const HttpRoute& route : routes) {
    const Descriptor& input = *route.method->input_type();
    const std::vector<std::string> variables = route.VariableNames();
    Json parameters = Json::array();
    for (const std::string& name : variables) {
      if (const FieldDescriptor* field = input.FindFieldByName(name)) {
        parameters.push_back(Parameter(*field, /*in_path=*/true));
      }
    }
    for (int i = 0; i < input.field_count(); ++i) {
      const FieldDescriptor& field = *input.field(i);
      if (std::find(variables.begin(), variables.end(), field.name()) !=
          variables.end()) {
        continue;
      }
      parameters.push_back(Parameter(field, /*in_path=*/false));
    }
    Json operation = {
        {"operationId", route.method->name()},
        {"summary", route.method->full_name()},
        {"tags", {route.method->service()->full_name()}},
        {"parameters", parameters},
        {"responses",
         {{"200",
           {{"description", route.method->output_type()->full_name()},
            {"content",
             {{"application/json",
               {{"schema",
                 schemas.MessageSchemaRef(*route.method->output_type())}}}}}}},
          {"default", ErrorResponse()}}}};
    paths[route.path] = {{"get", operation}};
  }
  for (const OpenApiPlainPath& path : plain) {
    paths[path.path] = {
        {"get",
         {{"summary", path.summary},
          {"responses",
           {{"200",
             {{"description", path.summary},
              {"content", {{path.content_type, Json::object()}}}}}}}}}};
  }
  Json document = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "evtrade HTTP/JSON API"},
        {"version", "v1"},
        {"description",
         "Generated by the gateway from the google.api.http annotations of "
         "protos/evtrade/v1/ and the message types. Responses use the proto "
         "field names; query parameters accept them or lowerCamelCase."}}},
      {"paths", paths},
      {"components", {{"schemas", schemas.ToJson()}}}};
  return document.dump();
}

}  // namespace evtrade::gateway
