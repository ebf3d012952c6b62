#!/usr/bin/env node
// Health check (grpc.health.v1) and reflection listing of an evtrade server,
// like clients/python/probe.py:
//
//   node clients/node/probe.js --addr=127.0.0.1:50050
//
// Exit status 0 only when the server (or --service) is SERVING.
'use strict';

const {parseArgs} = require('node:util');
const {grpc, load, describeError} = require('./protos');

function deadline(seconds) {
  return new Date(Date.now() + seconds * 1000);
}

// Resolves to the serving status name ('SERVING', 'NOT_SERVING', ...) of
// `service` ('' = the whole server).
function checkHealth(addr, service = '', timeoutS = 5) {
  const client = new (load().grpc.health.v1.Health)(
      addr, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.Check(
        {service}, {deadline: deadline(timeoutS)}, (error, response) => {
          client.close();
          if (error)
            reject(error);
          else
            resolve(response.status);
        });
  });
}

// Resolves to the sorted full names of the services the server registered
// (server reflection v1alpha, the version gRPC C++ 1.51 serves).
function listServices(addr, timeoutS = 5) {
  const Reflection = load().grpc.reflection.v1alpha.ServerReflection;
  const client = new Reflection(addr, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    let answered = false;
    const call = client.ServerReflectionInfo({deadline: deadline(timeoutS)});
    call.on('data', (response) => {
      if (answered) return;
      answered = true;
      if (response.error_response) {
        reject(new Error(
            `reflection error ` +
            `${response.error_response.error_code}: ` +
            `${response.error_response.error_message}`));
      } else {
        resolve(
            response.list_services_response.service.map((s) => s.name).sort());
      }
      call.end();
    });
    call.on('error', (error) => {
      if (!answered) reject(error);
    });
    call.on('end', () => {
      client.close();
      if (!answered) reject(new Error('reflection stream ended early'));
    });
    call.write({list_services: ''});
  });
}

async function main() {
  const {values: args} = parseArgs({
    options: {
      addr: {type: 'string', default: '127.0.0.1:50050'},
      service: {type: 'string', default: ''},
    },
  });
  try {
    const status = await checkHealth(args.addr, args.service);
    console.log(`health ${args.service || '(server)'}: ${status}`);
    for (const name of await listServices(args.addr)) {
      console.log(`service ${name}`);
    }
    process.exitCode = status === 'SERVING' ? 0 : 1;
  } catch (error) {
    console.error(`probe.js: ${args.addr}: ${describeError(error)}`);
    process.exitCode = 1;
  }
}

module.exports = {
  checkHealth,
  listServices
};

if (require.main === module) main();
