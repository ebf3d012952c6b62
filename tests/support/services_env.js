// For the Node.js tests that start evtrade's binaries on loopback
// (clients/node/test/, tests/browser/).
'use strict';

const net = require('node:net');

// The environment without EVTRADE_* variables: flags are given explicitly,
// and a stray variable must not change what the suite under test does.
function environment() {
  return Object.fromEntries(Object.entries(process.env)
                                .filter(([key]) => !key.startsWith('EVTRADE_')));
}

// Distinct ports the kernel just handed out on 127.0.0.1.
async function freePorts(count) {
  const servers = [];
  for (let i = 0; i < count; ++i) {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

module.exports = {environment, freePorts};
