// Loads the evtrade.v1 contract and the vendored gRPC health and reflection
// protos from the repository's protos/ folder at run time (no generated
// code), with @grpc/proto-loader.
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTOS = path.resolve(__dirname, '..', '..', 'protos');
// googleapis' google/api (the HTTP annotations the contract imports), from
// Debian's golang-github-gogo-googleapis-dev.
const GOOGLEAPIS = '/usr/share/gocode/src/github.com/gogo/googleapis';

// keepCase: field names as in the .proto files (value_usd), as in every
// other client. longs: String keeps int64 dollars exact. defaults: fields
// left at zero are present (0, '', false), but proto3 `optional` fields stay
// undefined when absent: an undefined growth rate is not 0.
const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTOS, GOOGLEAPIS],
};

let cached = null;

// The loaded packages: {evtrade: {v1}, grpc: {health: {v1}, reflection:
// {v1alpha}}}; service constructors take (address, credentials).
function load() {
  if (cached === null) {
    const definition = protoLoader.loadSync(
        [
          'evtrade/v1/ingest_service.proto',
          'evtrade/v1/query_service.proto',
          'evtrade/v1/gateway_service.proto',
          'grpc/health/v1/health.proto',
          'grpc/reflection/v1alpha/reflection.proto',
        ],
        LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(definition);
  }
  return cached;
}

// "CODE: details" for a gRPC error (as the Python clients print it), the
// message for any other error.
function describeError(error) {
  if (typeof error.code === 'number' && error.code in grpc.status) {
    return `${grpc.status[error.code]}: ${error.details ?? ''}`;
  }
  return error.message;
}

module.exports = {
  grpc,
  load,
  describeError,
  PROTOS
};
